# tests/wa/t_campana_web.sh — sourced by tests/wa/run.sh while the fake server runs: a
# campaign's traffic over the `web` transport (tests/wa/web/campana_web, core/transport.h
# only): 20 recipients with 1–3 devices each (half registered as 521 mobiles, half as 52),
# 5 numbers not on WhatsApp, the server drops the connection halfway and the driver
# reconnects. Every message is decrypted exactly once by every device of its recipient (and
# once by our phone), every one reaches read, the 5 are reported skipped, the counters add up.
WEB=$(cd "$B" && pwd)/tests/wa/web/campana_web
nums=
i=10
while [ $i -lt 30 ]; do
    devs=$((1 + i % 3))
    if [ $((i % 2)) -eq 0 ]; then
        admin "contact 52155000000$i $devs"   # a 521 mobile, asked as +52 55 …
        nums="$nums +5255000000$i"
    else
        admin "contact 5255000000$i $devs"    # registered as 52, asked as +52 1 55 …
        nums="$nums +52155000000$i"
    fi
    i=$((i + 1))
done
wait_file "$work/events.jsonl" '"user":"525500000029"' || bad "contactos de la campaña no registrados"
nums="$nums +523300000001 +523300000002 +523300000003 +523300000004 +523300000005"
# shellcheck disable=SC2086
EMBUDO_WA_ROOT_KEY=$root ASAN_OPTIONS="log_path=$work/asan/campana:detect_leaks=1" \
    "$WEB" "$url" "$work/admin" "$work/campana.key" $nums > "$work/campana.out" 2> "$work/campana.err"
st=$?
check "campaña por web: 20 enviados, 20 leídos, 5 omitidos, 0 fallidos, 2 aperturas" \
    sh -c "[ $st -eq 0 ] && grep -qx 'enviados 20 leidos 20 omitidos 5 fallidos 0 aperturas 2' '$work/campana.out'"
[ "$st" -eq 0 ] || { sed 's/^/    /' "$work/campana.err" >&2; tail -n 5 "$work/campana.out" >&2; }
check "campaña: los 5 números sin WhatsApp se informan omitidos" \
    [ "$(grep -c '^omitido 5233' "$work/campana.out")" = 5 ]
check "campaña: el servidor cortó la conexión a la mitad y se reconectó" \
    sh -c "[ \"\$(grep -c '^cerrada 428' '$work/campana.out')\" = 1 ] && [ \"\$(grep -c '\"ev\":\"drop\"' '$work/events.jsonl')\" = 1 ]"
once_each() {
    grep '^enviado ' "$work/campana.out" | while read -r _ mid mjid; do
        user=${mjid%@*}
        n=$(grep -F "\"ev\":\"contact\",\"user\":\"$user\"" "$work/events.jsonl" | tail -n 1 |
            sed 's/.*"devices":\([0-9]*\).*/\1/')
        got=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":false')
        distinct=$(grep -F '"ev":"decrypted"' "$work/events.jsonl" | grep -F "\"id\":\"$mid\"" |
            grep -F '"dsm":false' | sed 's/.*"to":"\([^"]*\)".*/\1/' | sort -u | grep -c .)
        own=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":true')
        if [ "$got" != "$n" ] || [ "$distinct" != "$n" ] || [ "$own" != 1 ]; then
            echo "    $mid → $mjid: $got descifrados ($distinct dispositivos, de $n), copia propia $own" >&2
            echo bad
        fi
    done | grep -q bad && return 1
    [ "$(grep -c '^enviado ' "$work/campana.out")" = 20 ]
}
check "campaña: cada mensaje, descifrado una sola vez por cada dispositivo del destinatario y por nuestro teléfono" once_each
check "campaña: el JID canónico (521 o 52) es al que se envió" \
    sh -c "grep -q '^enviado 3EB0[0-9A-F]* 5215500000010@s.whatsapp.net' '$work/campana.out' && grep -q '^enviado 3EB0[0-9A-F]* 525500000011@s.whatsapp.net' '$work/campana.out'"
