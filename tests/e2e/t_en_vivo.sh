# t_en_vivo — changes made by another process reach the screen by themselves through
# LISTEN/NOTIFY (no key is pressed and the client has no polling loop, so an update that
# arrives at all came from a notification): a prospect
# captured from the CLI raises the "Abiertas" count, and a timer sweep run by another process
# clears the status bar's "sin barrido" warning. This client does not sweep itself
# (EMBUDO_BARRIDO=no, the switch for ops who keep one `embudo worker`), so the heartbeats are
# removed first and only the external sweep can clear the warning; it leaves a fresh one for
# the next scenarios.
. "$(dirname "$0")/lib.inc"

E2E_ON_EXIT='eb --as prom2 sweep --once'
E2E_ENV=EMBUDO_BARRIDO=no
eb --as postgres db psql -X -q -c "DELETE FROM crm.sweep_runs" >/dev/null ||
    fail "borrar los latidos del barrido"

# report_latency START_MS WHAT: prints how long the update took. Tests never assert on wall
# time (a loaded CI machine would make that flaky); the figure is for people to read, and
# the issue's "within a second" is measured here and in docs/tui.md.
report_latency() {
    echo "$E2E_NAME: $2 en $(($(now_ms) - $1)) ms"
}

escuchas=$(listen_count)
start_app 80 24 --as prom2
wait_for "Actualizado a las"
wait_for "● conectado"
wait_for "⚠ sin barrido"
# The LISTEN connection is up once the log says so (a change before that is caught by
# the re-read every pane does when LISTEN starts, but this scenario times the notify path).
wait_listening "$escuchas"

abiertas=$(sql_as prom2 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'ABIERTA'")
expect_line "│   Abiertas +$abiertas │\$"
# A prospect captured from another terminal (captación: the pool and the quotas the other
# scenarios see are left as they are).
eb --as prom2 captar --nombre "Rocío Ñúñez Vivo" --telefono 9990001001 >/dev/null ||
    fail "captar como prom2"
t0=$(now_ms)
wait_match "│   Abiertas +$((abiertas + 1)) │\$"
report_latency "$t0" "la oportunidad nueva"

eb --as prom2 sweep --once >/dev/null || fail "sweep"
t0=$(now_ms)
wait_until_gone "sin barrido"
report_latency "$t0" "el barrido"
expect_line '^ embudo │ prom2 · PROMOTOR +[0-9]{2}:[0-9]{2}  ● conectado$'
# The switch: the only heartbeat is the external one; this client never swept.
[ "$(sql_as prom2 "SELECT count(*) FROM crm.sweep_runs WHERE proceso LIKE 'embudo ui %'")" = 0 ] ||
    fail "el cliente barrió con EMBUDO_BARRIDO=no"

send q
wait_gone
expect_exit 0
e2e_end
