# tests/wa/t_vincular_codigo.sh — sourced by tests/wa/run.sh after t_dos_cuentas.sh (uses the
# run's eb, check, ok, bad, events, wait_file, admin, $work, $url, $root): linking by phone
# number with the 8-character code, our C client against the fake server's phone
# (tests/wa/fakewa_link.c; Baileys does the same against it in tests/interop).
#
# prom6 runs `wa link --telefono +1 555 000 2222 --raw`: the client sends companion_hello for
# the second phone instead of showing QRs and prints the code alone; the person "types" it on
# that phone (admin "type-code"); the phone answers primary_hello, the client's companion_finish
# decrypts there and both sides derive the same adv secret, so the phone's pair-success passes
# the client's HMAC check; then 515, login, "vinculado: 15550002222:N". A wrong code typed on
# the phone fails the finish (the bundle does not decrypt), and the client ends without linking
# and leaves the account as it was. A number that is not a phone is refused before connecting.

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || bad "crear prom6"
SELECT api.crear_usuario('prom6', 'Promotora Seis', 'PROMOTOR', 'sup1');
SQL

# Runs `wa link --telefono $1 --raw` as prom6 in the background, waits for its code line and
# for the phone to have the request, then types $2 (the code itself when empty) on phone 2.
codigo_link() {
    rm -f "$work/cod-link.out" "$work/cod-link.err"
    EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom6 wa link --telefono "$1" --raw \
        > "$work/cod-link.out" 2> "$work/cod-link.err" &
    cod_pid=$!
    hellos=$(events '"ev":"link-code-hello"' '"ok":true')
    if ! wait_file "$work/cod-link.out" '^[1-9A-HJ-NP-TV-Z]{8}$'; then
        bad "código: link --telefono --raw no imprimió un código" "$work/cod-link.err"
        return
    fi
    # The FIFO and the websocket race: type only once the phone logged the request.
    i=0
    while [ "$(events '"ev":"link-code-hello"' '"ok":true')" = "$hellos" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    code=$(grep -m1 -E '^[1-9A-HJ-NP-TV-Z]{8}$' "$work/cod-link.out")
    admin "type-code 15550002222 ${2:-$code}"
}

# ---- a wrong code: the finish fails on the phone, nothing is linked ------------------------
codigo_link "+1 555 000 2222" "ZZZZ9999"
wait "$cod_pid"
st=$?
check "código equivocado: el teléfono no descifra el paquete del cliente" \
    [ "$(events '"ev":"link-code-finish"' '"ok":false' '"why":"bundle"')" = 1 ]
if [ "$st" -eq 1 ] && ! grep -q '^vinculado' "$work/cod-link.out"; then
    ok "código equivocado: link termina con 1 sin vincular"
else
    bad "código equivocado: link terminó con $st" "$work/cod-link.out"
fi
eb --as prom6 wa status > "$work/cod-status0.out" 2>&1
check "código equivocado: la cuenta queda sin vincular" grep -q "SIN_VINCULAR" "$work/cod-status0.out"

# ---- the right code ---------------------------------------------------------------------------
scans=$(events '"ev":"scan"')
codigo_link "+1 555 000 2222" ""
wait "$cod_pid"
st=$?
if [ "$st" -eq 0 ] && grep -qE '^vinculado: 15550002222:[0-9]+@s\.whatsapp\.net$' "$work/cod-link.out"; then
    ok "código: link --telefono termina con «vinculado: <jid del segundo teléfono>»"
else
    bad "código: link --telefono terminó con $st" "$work/cod-link.err"
fi
check "código: companion_hello con la llave Noise del handshake y el número pedido" \
    [ "$(events '"ev":"link-code-hello"' '"ok":true' '"phone":"15550002222"')" -ge 2 ]
check "código: el teléfono descifró el paquete y derivó el mismo secreto adv" \
    [ "$(events '"ev":"link-code-finish"' '"ok":true' '"phone":"15550002222"')" = 1 ]
check "código: ningún QR escaneado" [ "$(events '"ev":"scan"')" = "$scans" ]
check "código: el código impreso tiene 8 caracteres de Crockford" \
    grep -qE '^[1-9A-HJ-NP-TV-Z]{8}$' "$work/cod-link.out"
eb --as prom6 wa status > "$work/cod-status.out" 2>&1
check "código: status muestra la cuenta CONECTADA con el JID del segundo teléfono" \
    sh -c "grep -q CONECTADA '$work/cod-status.out' && grep -q '15550002222:' '$work/cod-status.out'"
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom6 wa conectar > "$work/cod-con.out" 2>&1
check "código: conectar inicia sesión con lo vinculado por código" \
    grep -qE '^conectado: 15550002222:[0-9]+@s\.whatsapp\.net$' "$work/cod-con.out"

# ---- refusals before any connection -----------------------------------------------------------
eb --as prom6 wa link --telefono "55 12" > "$work/cod-bad.out" 2>&1
st=$?
check "código: un número que no es teléfono sale con 2 y lo dice" \
    sh -c "[ $st -eq 2 ] && grep -q '«--telefono» debe ser su número de WhatsApp' '$work/cod-bad.out'"
eb --as prom6 wa status --telefono 5512345678 > "$work/cod-bad2.out" 2>&1
st=$?
check "código: --telefono solo va con wa link" \
    sh -c "[ $st -eq 2 ] && grep -q '«--telefono» solo va con «wa link»' '$work/cod-bad2.out'"
