# t_en_vivo — changes made by another process reach the screen by themselves, within a
# second, through LISTEN/NOTIFY (no key is pressed and there is no polling loop): a prospect
# captured from the CLI raises the "Abiertas" count, and a timer sweep clears the status
# bar's "sin barrido" warning. The sweep's row is removed afterwards, so the other
# scenarios keep seeing "no sweep yet".
. "$(dirname "$0")/lib.inc"

E2E_ON_EXIT='eb --as postgres db psql -X -q -c "DELETE FROM crm.sweep_runs"'

# within_a_second START_MS WHAT: fails when more than 1000 ms passed since START_MS.
within_a_second() {
    took=$(($(now_ms) - $1))
    [ "$took" -le 1000 ] || fail "$2 tardó $took ms (más de un segundo)"
    echo "$E2E_NAME: $2 en $took ms"
}

start_app 80 24 --as prom2
wait_for "Actualizado a las"
wait_for "● conectado"
wait_for "⚠ sin barrido"
# The LISTEN connection is up once the log says so (a change before that is caught by
# the re-read every pane does when LISTEN starts, but this scenario times the notify path).
deadline=$(($(date +%s) + E2E_TIMEOUT))
until grep -q 'avisos: escuchando' "$E2E_HOME/embudo.log" 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "el cliente no empezó a escuchar avisos"
    sleep 0.1
done

abiertas=$(sql_as prom2 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'ABIERTA'")
expect_line "│   Abiertas +$abiertas │\$"
# A prospect captured from another terminal (captación: the pool and the quotas the other
# scenarios see are left as they are).
eb --as prom2 captar --nombre "Rocío Ñúñez Vivo" --telefono 9990001001 >/dev/null ||
    fail "captar como prom2"
t0=$(now_ms)
wait_match "│   Abiertas +$((abiertas + 1)) │\$"
within_a_second "$t0" "la oportunidad nueva"

eb --as prom2 sweep --once >/dev/null || fail "sweep"
t0=$(now_ms)
wait_until_gone "sin barrido"
within_a_second "$t0" "el barrido"
expect_line '^ embudo │ prom2 · PROMOTOR +[0-9]{2}:[0-9]{2}  ● conectado$'

send q
wait_gone
expect_exit 0
e2e_end
