# t_db_reinicio — PostgreSQL stops and starts again under a running client, and nobody
# touches a key: the LISTEN socket closing makes the status bar say "sin conexión" at once,
# keys keep working meanwhile (panes, help, the command line), an action that needs the
# database says it cannot run now, and when the server is back the client reconnects,
# re-issues LISTEN and re-reads by itself: a change made after the restart shows live.
. "$(dirname "$0")/lib.inc"

E2E_ON_EXIT='eb db start'

escuchas=$(listen_count)
start_app 80 24 --as prom4
wait_for "Actualizado a las"
wait_for "● conectado"

eb db stop >/dev/null || fail "db stop"
wait_for "○ sin conexión" # no key pressed: the notification socket noticed
send 4                   # keys keep working: another pane, its help, the command line
wait_for "Pedir un lote de clientes"
send '?'
wait_for "Ayuda: Asignación"
send_key Escape
wait_until_gone "Ayuda: Asignación"
send_key Enter           # asking for a lote needs the database
send_key Enter
wait_for "No se puede pedir clientes ahora: sin conexión con la base de datos."
send_key BTab            # (digits go to the quantity there) S-Tab back to Inicio
send_key BTab
send_key BTab
wait_for "Resumen"

eb db start >/dev/null || fail "db start"
wait_for "● conectado"   # retried with backoff: no key needed
abiertas=$(sql_as prom4 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'ABIERTA'")
wait_match "│   Abiertas +$abiertas │\$"
# LISTEN again after the restart: a prospect captured elsewhere appears without a key.
wait_listening $((escuchas + 1))
eb --as prom4 captar --nombre "Prospecto Reinicio" --telefono 9990001002 >/dev/null ||
    fail "captar como prom4"
wait_match "│   Abiertas +$((abiertas + 1)) │\$"

send q
wait_gone
expect_exit 0
e2e_end
