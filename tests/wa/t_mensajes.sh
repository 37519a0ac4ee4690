# tests/wa/t_mensajes.sh — sourced by tests/wa/run.sh once prom1 is linked and the fake
# server runs (uses its eb, check, ok, bad, events, wait_file, $work, $url, $root):
#   wa revisar: canonical JIDs (52 ↔ 521 as the server registered them), "no está en
#   WhatsApp", the answers cached in crm.wa_numeros;
#   wa enviar --esperar leido: the id, then enviado/entregado/leído; every recipient device
#   (two) and our phone (deviceSentMessage) decrypted the exact text once;
#   a number not on WhatsApp; error 463 (privacy token issued, no resend); a retry receipt
#   (re-encrypted for that device only); an identity change delivered while offline (the
#   sessions are rebuilt and the new devices decrypt); a device-list change.

waeb() { EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 "$@"; }
admin() { printf '%s\n' "$1" > "$work/admin"; }

admin "contact 5215512345678 2"
admin "contact 525598765432 3"
admin "contact 5213311112222 1 noread"
wait_file "$work/events.jsonl" '"user":"5213311112222"' || bad "el servidor falso no registró los contactos"

# ---- revisar -------------------------------------------------------------------------------
waeb wa revisar "+52 55 1234 5678" "+52 1 55 9876 5432" "+52 33 0000 0000" \
    > "$work/revisar.out" 2> "$work/revisar.err"
st=$?
revisar_ok() {
    [ "$st" -eq 0 ] &&
        printf '%s\n' "+52 55 1234 5678: 5215512345678@s.whatsapp.net" \
            "+52 1 55 9876 5432: 525598765432@s.whatsapp.net" \
            "+52 33 0000 0000: no está en WhatsApp" | cmp -s - "$work/revisar.out"
}
check "revisar: JID canónico (52/521) o «no está en WhatsApp», en orden" revisar_ok
[ "$st" -eq 0 ] || sed 's/^/    /' "$work/revisar.err" >&2
check "revisar: una consulta usync de contactos (2 dentro, 1 fuera)" \
    [ "$(events '"ev":"usync"' '"context":"interactive"' '"in":2,"out":1')" = 1 ]
eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/numeros.out" 2>&1 <<'SQL'
SELECT telefono || '|' || en_whatsapp || '|' || coalesce(jid, '') FROM crm.wa_numeros ORDER BY 1;
SQL
numeros_ok() {
    printf '%s\n' "+523300000000|false|" "+525512345678|true|5215512345678@s.whatsapp.net" \
        "+525598765432|true|525598765432@s.whatsapp.net" | cmp -s - "$work/numeros.out"
}
check "revisar guarda cada respuesta en crm.wa_numeros" numeros_ok
waeb wa revisar "55-12" > "$work/revisar-bad.out" 2>&1
check "revisar: número inválido → uso (2)" [ $? -eq 2 ]

# ---- enviar --esperar leido ----------------------------------------------------------------
text='Hola, ¿cómo está? "prueba" \ 1'
waeb wa enviar --esperar leido "+52 55 1234 5678" "$text" > "$work/enviar.out" 2> "$work/enviar.err"
st=$?
id=$(sed -n 's/^id: //p' "$work/enviar.out")
enviar_ok() {
    [ "$st" -eq 0 ] && printf '%s\n' "$id" | grep -qE '^3EB0[0-9A-F]{18}$' &&
        printf 'id: %s\nenviado\nentregado\nleído\n' "$id" | cmp -s - "$work/enviar.out"
}
check "enviar --esperar leido: id (3EB0…), enviado, entregado, leído" enviar_ok
[ "$st" -eq 0 ] || sed 's/^/    /' "$work/enviar.err" >&2
jtext='Hola, ¿cómo está? \"prueba\" \\ 1'
for dev in '5215512345678@s.whatsapp.net' '5215512345678:1@s.whatsapp.net'; do
    check "el dispositivo $dev descifró el texto exacto una vez" \
        [ "$(events '"ev":"decrypted"' "\"to\":\"$dev\"" "\"id\":\"$id\"" '"dsm":false' "\"text\":\"$jtext\"")" = 1 ]
done
check "nuestro teléfono recibió la copia (deviceSentMessage) y la descifró" \
    [ "$(events '"ev":"decrypted"' '"to":"15550001111@s.whatsapp.net"' "\"id\":\"$id\"" '"dsm":true')" = 1 ]
check "ningún descifrado falló" [ "$(events '"ev":"decrypt-failed"')" = 0 ]
check "ningún mensaje a nuestro propio dispositivo" [ "$(events '"ev":"decrypted"' '"to":"15550001111:')" = 0 ]

# A second message: sessions already exist (stored, sealed, in the database).
waeb wa enviar "+52 1 55 9876 5432" "segundo" > "$work/enviar2.out" 2> "$work/enviar2.err"
st=$?
check "enviar a un contacto de 3 dispositivos: enviado" grep -qx enviado "$work/enviar2.out"
check "los 3 dispositivos descifraron «segundo»" \
    [ "$(events '"ev":"decrypted"' '"text":"segundo"' '"dsm":false')" = 3 ]

# ---- failures and scenarios ----------------------------------------------------------------
waeb wa enviar "+52 33 0000 0000" "nadie" > "$work/nowa.out" 2> "$work/nowa.err"
st=$?
check "enviar a un número sin WhatsApp: estado 1 y el aviso" \
    sh -c "[ $st -eq 1 ] && grep -q 'no está en WhatsApp' '$work/nowa.out'"

admin "error-next 463"
waeb wa enviar "+52 55 1234 5678" "rechazado" > "$work/e463.out" 2> "$work/e463.err"
st=$?
check "error 463: estado 1, «error 463»" sh -c "[ $st -eq 1 ] && grep -qx 'error 463' '$work/e463.out'"
check "error 463: se emite el token de privacidad" [ "$(events '"ev":"iq"' '"xmlns":"privacy"' '"child":"tokens"')" -ge 1 ]
check "error 463: no se reenvía" [ "$(events '"ev":"decrypted"' '"text":"rechazado"')" = 0 ]

admin "retry-next"
waeb wa enviar --esperar leido "+52 55 1234 5678" "otra vez" > "$work/retry.out" 2> "$work/retry.err"
st=$?
check "recibo de reintento: el mensaje llega a leído" grep -qx 'leído' "$work/retry.out"
check "recibo de reintento: re-cifrado solo para ese dispositivo" \
    [ "$(events '"ev":"decrypted"' '"text":"otra vez"' '"retry":true')" = 1 ]
check "recibo de reintento: cada dispositivo descifró una vez" \
    [ "$(events '"ev":"decrypted"' '"text":"otra vez"' '"dsm":false')" = 2 ]

admin "identity 5215512345678"
admin "devices 525598765432 4"
wait_file "$work/events.jsonl" '"ev":"devices-changed"' || bad "sin cambio de dispositivos"
waeb wa enviar "+52 55 1234 5678" "identidad nueva" > "$work/ident.out" 2> "$work/ident.err"
check "cambio de identidad (avisado sin conexión): sesiones rehechas, los 2 descifran" \
    [ "$(events '"ev":"decrypted"' '"text":"identidad nueva"' '"dsm":false')" = 2 ]
waeb wa enviar "+52 1 55 9876 5432" "cuatro" > "$work/devs.out" 2> "$work/devs.err"
check "cambio de lista de dispositivos: los 4 descifran" \
    [ "$(events '"ev":"decrypted"' '"text":"cuatro"' '"dsm":false')" = 4 ]
check "después de todo, ningún descifrado falló" [ "$(events '"ev":"decrypt-failed"')" = 0 ]

# ---- the governor: manual texts count against the day's cap; opted-out phones refused -----
eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/manual.out" 2>&1 <<SQL
SELECT estado FROM crm.wa_envios_manuales WHERE wa_id = '$id';
SELECT count(*) FROM crm.wa_envios_manuales WHERE estado = 'FALLIDO' AND error = 'ERROR_463';
SQL
check "el envío manual quedó anotado como LEIDO; el 463 como FALLIDO" \
    sh -c "printf 'LEIDO\n1\n' | cmp -s - '$work/manual.out'"
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
UPDATE crm.wa_cuentas SET limite_diario = 1
 WHERE usuario_id = (SELECT id FROM crm.usuarios WHERE login = 'prom1');
SQL
waeb wa enviar "+52 55 1234 5678" "sobre el tope" > "$work/tope.out" 2> "$work/tope.err"
st=$?
check "tope diario alcanzado: estado 1, «límite diario alcanzado», nada enviado" \
    sh -c "[ $st -eq 1 ] && grep -q 'límite diario alcanzado' '$work/tope.err' && ! grep -q '^id:' '$work/tope.out'"
check "tope diario: nada cifrado" [ "$(events '"ev":"decrypted"' '"text":"sobre el tope"')" = 0 ]
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL'
UPDATE crm.wa_cuentas SET limite_diario = 180
 WHERE usuario_id = (SELECT id FROM crm.usuarios WHERE login = 'prom1');
INSERT INTO crm.wa_bajas (telefono, regla) VALUES ('+525598765432', 'prueba');
SQL
waeb wa enviar "+52 1 55 9876 5432" "a una baja" > "$work/baja.out" 2> "$work/baja.err"
st=$?
check "número dado de baja: estado 1, rechazado antes de enviar (EB366)" \
    sh -c "[ $st -eq 1 ] && grep -q 'pidió no recibir mensajes' '$work/baja.err'"
check "baja: nada cifrado" [ "$(events '"ev":"decrypted"' '"text":"a una baja"')" = 0 ]
