# t_db_down — the database stops under a running client: the status bar says so, the last
# numbers stay with the reason below them, keys keep working, the client reconnects by
# itself when the server is back, and q quits while the server is down.
. "$(dirname "$0")/lib.inc"

# The error text names the socket path of this run's temp dir (the replies' read too).
E2E_MASK='s/ +[0-9][0-9,]*( │)?$/ #\1/; s/(No se pudo leer el resumen:).*/\1 …/;
          s/(No se pudieron leer las respuestas:).*/\1 …/'
E2E_ON_EXIT='eb db start'

start_app 80 24 --as prom1
wait_for "Actualizado a las"
wait_for "● conectado"

eb db stop >/dev/null || fail "db stop"
send r
wait_for "○ sin conexión"
wait_for "No se pudo leer el resumen"
expect_screen golden/db_down.txt

send '?'                            # keys keep working while the server is down
wait_for "Ayuda: Inicio"
send_key Escape
wait_until_gone "Ayuda: Inicio"

eb db start >/dev/null || fail "db start"
wait_for "● conectado"              # the retry with backoff finds it again, no key needed
wait_until_gone "No se pudo leer el resumen"

eb db stop >/dev/null || fail "db stop"
send r
wait_for "○ sin conexión"
send q                              # quitting never waits for the database
wait_gone
expect_exit 0
eb db start >/dev/null || fail "db start"
e2e_end
