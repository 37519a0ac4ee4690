# tests/wa/t_worker_llave.sh — sourced by tests/wa/run.sh after t_dos_cuentas.sh (prom1 and
# prom5 linked to the fake server's two phones with envio_servidor on, $u1 and $u5; uses the
# run's eb, check, ok, bad, admin, events, wait_file, $work, $url, $root, $BIN): a worker whose
# key file is not the one that sealed the accounts' credentials.
#
# On a server every promoter is a Unix user with a key file of their own, so a central worker
# running as a service account can never open their credentials. prom5 launches a campaign of
# 2; a worker with EMBUDO_WA_KEY_FILE pointing to another valid key (32 bytes, 0600) says, once
# per account, that the credentials are sealed with another user's key and names the fix
# (embudo-worker@LOGIN, or link again), connects nowhere and exits 1 under --once (what was due
# did not leave); the accounts are left as they were (state, credentials, Signal sessions) and
# the messages PENDIENTE. Then prom5's own worker (`--as prom5`, the right key) sends both and
# does not touch prom1's account.

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || bad "llave: convenio"
INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('PRUEBALLAVE', 'Prueba llave', 'PRIVADO');
SQL
csv="$work/llave.csv"
echo "nombre,primer_apellido,convenio,entidad,edad,telefono" > "$csv"
admin "contact 5215500000060 1"
admin "contact 525500000061 2"
for i in 60 61; do echo "Cliente$i,Prueba,PRUEBALLAVE,JAL,40,55 0000 00$i" >> "$csv"; done
wait_file "$work/events.jsonl" '"user":"525500000061"' || bad "llave: contactos no registrados"
eb --as postgres import clientes "$csv" > "$work/llave-import.out" 2>&1 ||
    bad "llave: importar clientes" "$work/llave-import.out"
eb --as prom5 asignar --cantidad 2 --convenio PRUEBALLAVE > "$work/llave-asignar.out" 2>&1 ||
    bad "llave: asignar a prom5" "$work/llave-asignar.out"
eb --as prom5 campana crear --etapa Nuevo --convenio PRUEBALLAVE \
    --texto 'Hola {nombre}, le escribe Rosario.' > "$work/llave-crear.out" 2>&1
cidl=$(sed -n 's/^campaña \([0-9]*\) creada: 2 mensajes programados.*/\1/p' "$work/llave-crear.out")
eb --as prom5 campana lanzar "${cidl:-0}" > "$work/llave-lanzar.out" 2>&1
check "llave: campaña de prom5 lanzada con 2 destinatarios" grep -q ENVIANDO "$work/llave-lanzar.out"

# The accounts as the worker must leave them: state, detail, JID, credentials, Signal store.
llave_cuentas() {
    eb --as postgres db psql -X -q -t -A -c "SELECT string_agg(concat_ws(' ', c.usuario_id,
        c.estado, c.detalle, c.jid, md5(c.credenciales),
        (SELECT md5(string_agg(s.direccion || s.blob::text, ',' ORDER BY s.direccion))
           FROM crm.wa_signal_sesiones s WHERE s.usuario_id = c.usuario_id),
        (SELECT count(*) FROM crm.wa_signal_prekeys p WHERE p.usuario_id = c.usuario_id)),
        '; ' ORDER BY c.usuario_id) FROM crm.wa_cuentas c WHERE c.usuario_id IN ($u1, $u5)" 2>&1
}
llave_mensajes() {
    eb --as postgres db psql -X -q -t -A -c "SELECT count(*) FILTER (WHERE estado = 'PENDIENTE')
        || ' ' || count(enviado_at) FROM crm.wa_mensajes WHERE campana_id = ${cidl:-0}" 2>&1
}
antes=$(llave_cuentas)

head -c 32 /dev/urandom > "$work/otra.key"
chmod 600 "$work/otra.key"
mark=$(wc -l < "$work/events.jsonl")
EMBUDO_WA_KEY_FILE=$work/otra.key EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url \
    EMBUDO_WA_ROOT_KEY=$root "$BIN" --home "$home" worker --once \
    > "$work/llave-otra.out" 2> "$work/llave-otra.err"
st=$?
cat "$work/llave-otra.out" "$work/llave-otra.err" > "$work/llave-otra.all"
check "llave ajena: el worker --once termina con 1 (no envió lo que tocaba)" [ "$st" = 1 ]
for l in prom1 prom5; do
    check "llave ajena: lo dice una vez para $l, con el arreglo (embudo-worker@$l o vincular de nuevo)" \
        [ "$(grep -c "de $l están selladas con la llave de otro usuario.*(«embudo-worker@$l») o vincule de nuevo" \
            "$work/llave-otra.err")" = 1 ]
done
sed 's/^/    /' "$work/llave-otra.all" # the worker's words, for the log
check "llave ajena: no abre ninguna conexión al servidor" \
    [ "$(tail -n +$((mark + 1)) "$work/events.jsonl" | grep -cF '"ev":"login"')" = 0 ]
despues=$(llave_cuentas)
intactas() { [ -n "$antes" ] && [ "$antes" = "$despues" ]; }
check "llave ajena: las cuentas quedan como estaban (estado, credenciales, sesiones Signal)" intactas
[ "$antes" = "$despues" ] || printf '    antes:   %s\n    después: %s\n' "$antes" "$despues" >&2
check "llave ajena: los 2 mensajes siguen PENDIENTE" [ "$(llave_mensajes)" = "2 0" ]

# prom5's own worker, with the key that sealed them: sends both, prom1's account untouched.
EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root \
    "$BIN" --home "$home" --as prom5 worker --once > "$work/llave-p5.out" 2> "$work/llave-p5.err"
st=$?
if [ "$st" = 0 ] && grep -q "^envío cuenta $u5: 2 enviados, 0 fallidos, 0 en duda\$" "$work/llave-p5.out"; then
    ok "llave propia: el worker de prom5 envía sus 2 mensajes"
else
    bad "llave propia: el worker de prom5 terminó con $st" "$work/llave-p5.err"
    sed 's/^/    /' "$work/llave-p5.out" >&2
fi
check "llave propia: los 2 mensajes salieron" [ "$(llave_mensajes)" = "0 2" ]
check "llave propia: el worker de prom5 no toca la cuenta de prom1" \
    [ "$(grep -c "envío cuenta $u1" "$work/llave-p5.out" "$work/llave-p5.err" | awk -F: '{ s += $2 } END { print s }')" = 0 ]
check "llave propia: sin EB363 ni error de la lista de cuentas" \
    [ "$(grep -c 'cuentas con envío en servidor' "$work/llave-p5.err")" = 0 ]
