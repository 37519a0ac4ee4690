# t_start_quit — a promoter starts the client, sees who they are, the database state, the
# counts they may see and their sales of the month, and quits with q: the session ends with
# status 0.
. "$(dirname "$0")/lib.inc"

# The counts depend on the loaded data; the screen shows them right-aligned in the card,
# so the golden masks them and they are checked against the database below.
E2E_MASK='s/ +[0-9][0-9,]*( │)?$/ #\1/'

start_app 80 24 --as prom1
wait_for "Actualizado a las"
wait_for "● conectado"
expect_line '^ embudo │ prom1 · PROMOTOR +[0-9]{2}:[0-9]{2}  .*● conectado$' # business-time clock

clientes=$(sql_as prom1 "SELECT to_char(count(*), 'FM999,999,999,990') FROM padron.clientes")
mias=$(sql_as prom1 "SELECT to_char(count(*), 'FM999,999,999,990') FROM crm.oportunidades")
abiertas=$(sql_as prom1 "SELECT to_char(count(*), 'FM999,999,999,990')
                           FROM crm.oportunidades WHERE estado = 'ABIERTA'")
[ "$abiertas" != 0 ] || fail "prom1 no tiene oportunidades abiertas: la preparación falló"
expect_line "│ Clientes en el padrón +$clientes │\$"
expect_line "│ Mis oportunidades +$mias │\$"
expect_line "│   Abiertas +$abiertas │\$"
ventas=$(sql_as prom1 "SELECT count(*) || ' · \$' || to_char(coalesce(sum(monto), 0),
                          'FM999,999,999,990.00') FROM crm.ventas WHERE estado = 'VIGENTE'
                          AND registrada_at >= date_trunc('month', now() AT TIME ZONE crm.zona())
                                               AT TIME ZONE crm.zona()")
expect_line "│ Ventas del mes +$(printf '%s' "$ventas" | sed 's/\$/\\$/') │\$"
expect_screen golden/start_quit.txt

send q
wait_gone
expect_exit 0
e2e_end
