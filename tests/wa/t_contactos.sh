# tests/wa/t_contactos.sh — sourced by tests/wa/run.sh after t_mensajes.sh (uses its waeb,
# admin, eb, check, bad, events, wait_file, $work): per-contact state that must outlive a
# process (issue 7; docs/wa.md "Mensajes"), each `wa enviar` being a new process:
#   the LID ↔ phone map: the first send asks usync for the contact's LID and stores it in
#   crm.wa_lids; the next process asks without <lid/> and, with the LID known, finds the
#   sessions it stored under the LID (no key fetch);
#   privacy tokens: a contact that requires one answers 463 (our token is issued, nothing
#   resent); once it issues us a token (delivered as an offline notification) it is stored
#   in crm.wa_tctokens and attached, also by a later process that only read it back;
#   an identity change is recorded on the contact's opportunity (WA_IDENTIDAD), once.

# new_events N PATTERN…: event lines after the first N that contain every fixed string.
new_events() {
    n=$1
    shift
    lines=$(tail -n +$((n + 1)) "$work/events.jsonl")
    for s in "$@"; do
        lines=$(printf '%s\n' "$lines" | grep -F -- "$s")
    done
    printf '%s\n' "$lines" | grep -c .
}
mark() { wc -l < "$work/events.jsonl"; }
psql_owner() { eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

c_user=5215544443333
c_num="+52 55 4444 3333"
admin "contact $c_user 2"
wait_file "$work/events.jsonl" "\"user\":\"$c_user\"" || bad "el servidor falso no registró $c_user"

# ---- LID map -------------------------------------------------------------------------------
m=$(mark)
waeb wa enviar "$c_num" "lid uno" > "$work/lid1.out" 2> "$work/lid1.err"
check "LID: primer envío, enviado" grep -qx enviado "$work/lid1.out"
check "LID: el primer proceso pide el LID a usync" \
    [ "$(new_events "$m" '"ev":"usync"' '"context":"message"' '"lid":true')" = 1 ]
lid=$(psql_owner -c "SELECT lid FROM crm.wa_lids WHERE pn = '$c_user'
                      AND usuario_id = (SELECT id FROM crm.usuarios WHERE login = 'prom1')")
check "LID: guardado en crm.wa_lids" sh -c "printf '%s' '$lid' | grep -qE '^[0-9]{6,20}$'"
m=$(mark)
waeb wa enviar "$c_num" "lid dos" > "$work/lid2.out" 2> "$work/lid2.err"
check "LID: segundo proceso, enviado" grep -qx enviado "$work/lid2.out"
check "LID: el segundo proceso usa el LID guardado (usync sin <lid/>)" \
    sh -c "[ $(new_events "$m" '"ev":"usync"' '"context":"message"' '"lid":false') = 1 ] &&
           [ $(new_events "$m" '"ev":"usync"' '"lid":true') = 0 ]"
check "LID: sesiones halladas bajo el LID, sin pedir claves" [ "$(new_events "$m" '"ev":"keys"')" = 0 ]
check "LID: los 2 dispositivos descifraron «lid dos»" \
    [ "$(events '"ev":"decrypted"' '"text":"lid dos"' '"dsm":false')" = 2 ]

# ---- privacy tokens ------------------------------------------------------------------------
admin "require-token $c_user"
wait_file "$work/events.jsonl" '"ev":"require-token"' || bad "sin require-token"
m=$(mark)
waeb wa enviar "$c_num" "sin token" > "$work/tok0.out" 2> "$work/tok0.err"
st=$?
check "token exigido y ausente: estado 1, «error 463»" \
    sh -c "[ $st -eq 1 ] && grep -qx 'error 463' '$work/tok0.out'"
check "token exigido: el servidor lo echó en falta" \
    [ "$(new_events "$m" '"ev":"tctoken"' '"ok":false')" = 1 ]
check "error 463: emitimos nuestro token y no reenviamos" \
    sh -c "[ $(new_events "$m" '"ev":"iq"' '"xmlns":"privacy"') -ge 1 ] &&
           [ $(events '"ev":"decrypted"' '"text":"sin token"') = 0 ]"

admin "tctoken $c_user" # nobody connected: delivered at the next login
wait_file "$work/events.jsonl" '"ev":"tctoken-issued"' || bad "sin tctoken-issued"
m=$(mark)
waeb wa enviar "$c_num" "con token" > "$work/tok1.out" 2> "$work/tok1.err"
check "token recibido al conectar: enviado" grep -qx enviado "$work/tok1.out"
check "token recibido: llegó como notificación pendiente" \
    [ "$(new_events "$m" '"ev":"offline-notifications"')" = 1 ]
check "token recibido: adjunto y aceptado" [ "$(new_events "$m" '"ev":"tctoken"' '"ok":true')" = 1 ]
check "token recibido: los 2 dispositivos descifraron" \
    [ "$(events '"ev":"decrypted"' '"text":"con token"' '"dsm":false')" = 2 ]
tok=$(psql_owner -c "SELECT jid || '|' || octet_length(token) FROM crm.wa_tctokens
                      WHERE usuario_id = (SELECT id FROM crm.usuarios WHERE login = 'prom1')")
check "token guardado en crm.wa_tctokens bajo el LID del contacto" [ "$tok" = "$lid@lid|16" ]
m=$(mark)
waeb wa enviar "$c_num" "token guardado" > "$work/tok2.out" 2> "$work/tok2.err"
check "otro proceso adjunta el token leído de la base: aceptado, enviado" \
    sh -c "grep -qx enviado '$work/tok2.out' &&
           [ $(new_events "$m" '"ev":"tctoken"' '"ok":true') = 1 ] &&
           [ $(new_events "$m" '"ev":"offline-notifications"') = 0 ]"

# ---- identity change on the opportunity ----------------------------------------------------
opp=$(psql_owner <<'SQL'
SET SESSION AUTHORIZATION prom1;
SELECT oportunidad_id FROM api.captar('Lucía Ruiz', '55 4444 3333');
SQL
)
admin "identity $c_user"
wait_file "$work/events.jsonl" "identity-changed\",\"user\":\"$c_user" || bad "sin identity-changed"
waeb wa enviar "$c_num" "identidad" > "$work/id.out" 2> "$work/id.err"
check "identidad nueva: sesiones rehechas, los 2 descifran" \
    [ "$(events '"ev":"decrypted"' '"text":"identidad"' '"dsm":false')" = 2 ]
hist=$(psql_owner -c "SELECT count(*) FROM crm.historial WHERE oportunidad_id = '${opp:-0}'
                       AND evento = 'WA_IDENTIDAD' AND datos->>'telefono' = '+525544443333'")
check "identidad nueva: registrada una vez en la oportunidad (WA_IDENTIDAD)" \
    sh -c "[ -n '$opp' ] && [ '$hist' = 1 ]"
