# t_paneles_sin_bd — the panes while the database is stopped: the embudo keeps the cards it
# read and says why it could not read again; opening a card says so too; actions that write
# say they cannot run now; keys and help keep working; when the server is back every pane
# re-reads by itself (no key pressed) and q quits.
. "$(dirname "$0")/lib.inc"

# The error names this run's socket path; business time depends on the clock.
E2E_MASK='s/(No se pudo leer el embudo:).*/\1 …/; s/[0-9]+ h [0-9]{2} m hábiles/N h NN m hábiles/g;
s/[0-9]+ h [0-9]{2} m …/N h NN m …/g'
E2E_ON_EXIT='eb db start'

start_app 80 24 --as prom1
wait_for "Actualizado a las"
send 2
wait_for "Nuevo · 12"

eb db stop >/dev/null || fail "db stop"
send r
wait_for "○ sin conexión"
wait_for "No se pudo leer el embudo"
wait_for "Nuevo · 12" # the last cards stay
expect_screen golden/paneles_sin_bd.txt

send_key Enter
wait_for "No se pudo leer la oportunidad"
send n
wait_for "La oportunidad aún no se ha leído."
send '?'
wait_for "Ayuda: Detalle"
send_key Escape
wait_until_gone "Ayuda: Detalle"

eb db start >/dev/null || fail "db start"
wait_for "● conectado"
wait_for "Historial" # re-read with no key pressed
wait_for "Asignada → Nuevo"
send_key Escape
wait_for "Nuevo · 12"
wait_until_gone "No se pudo leer el embudo"

send q
wait_gone
expect_exit 0
e2e_end
