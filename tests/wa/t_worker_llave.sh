# tests/wa/t_worker_llave.sh — sourced by tests/wa/run.sh after t_dos_cuentas.sh (prom1 and
# prom5 linked to the fake server's two phones with envio_servidor on, $u1 and $u5; uses the
# run's eb, check, ok, bad, admin, events, wait_file, $work, $url, $root, $BIN): a worker with
# no key file, then one whose key file is not the one that sealed the accounts' credentials.
#
# On a server every promoter is a Unix user with a key file of their own, so a central worker
# running as a service account can never open their credentials. prom5 launches a campaign of
# 2. A worker whose wa.key_file does not exist says so once for both accounts, with the fix,
# connects nowhere, exits 1 under --once, and left running does not say it again on its next
# round (a minute later: this part waits for it). A worker with EMBUDO_WA_KEY_FILE pointing to another valid key (32 bytes, 0600) says, once
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
intactas() { [ -n "$antes" ] && [ "$antes" = "$despues" ]; }

# No key file at all (a worker run by an account that never linked, or wa.key_file pointing
# nowhere). Every account's credentials open with that one file, so the worker says it once —
# one line for both accounts, with the fix —, starts no sender, connects nowhere and, under
# --once, exits 1. Left running, its next round (SWEEP_PERIOD_S later, so this waits a minute)
# finds the file still missing and says nothing more: it looks again only when the file changes
# (core/keywatch, tests/unit/test_keywatch.c).
falta=$work/no-existe.key
mark=$(wc -l < "$work/events.jsonl")
EMBUDO_WA_KEY_FILE=$falta EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url \
    EMBUDO_WA_ROOT_KEY=$root "$BIN" --home "$home" worker --once \
    > "$work/falta.out" 2> "$work/falta.err"
st=$?
sed 's/^/    /' "$work/falta.err" # the worker's words, for the log
check "sin llave: el worker --once termina con 1 (no envió lo que tocaba)" [ "$st" = 1 ]
check "sin llave: lo dice una vez, por las dos cuentas, con el arreglo" \
    [ "$(grep -c "^embudo: envío: no existe el archivo de llave $falta (wa.key_file, usuario de Unix [^)]*), con el que se abren las credenciales de WhatsApp de prom1 y prom5; lo crea «embudo wa link» .*(«embudo-worker@LOGIN»), apunte wa.key_file a su llave, o use «embudo worker --sin-envio» .*hasta que el archivo exista\$" \
        "$work/falta.err")" = 1 ]
check "sin llave: nada más en la salida de errores (ningún envío arrancó)" \
    [ "$(grep -c . "$work/falta.err")" = 1 ]
EMBUDO_WA_KEY_FILE=$falta EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url \
    EMBUDO_WA_ROOT_KEY=$root "$BIN" --home "$home" worker \
    > "$work/falta-rondas.out" 2> "$work/falta-rondas.err" &
falta_pid=$!
rondas() { grep -c '^barrido: ' "$work/falta-rondas.out"; }
i=0
while [ $i -lt 100 ] && [ "$(rondas)" -lt 2 ]; do
    sleep 1
    i=$((i + 1))
done
kill -TERM "$falta_pid"
wait "$falta_pid"
st=$?
check "sin llave, worker continuo: corrió dos rondas" [ "$(rondas)" -ge 2 ]
check "sin llave, worker continuo: lo dijo en la primera ronda y no en la segunda" \
    [ "$(cat "$work/falta-rondas.out" "$work/falta-rondas.err" |
        grep -c 'no existe el archivo de llave')" = 1 ]
check "sin llave, worker continuo: nada más en la salida de errores" \
    [ "$(grep -c . "$work/falta-rondas.err")" = 1 ]
check "sin llave, worker continuo: termina limpio con SIGTERM" [ "$st" = 0 ]
check "sin llave: no abre ninguna conexión al servidor" \
    [ "$(tail -n +$((mark + 1)) "$work/events.jsonl" | grep -cF '"ev":"login"')" = 0 ]
despues=$(llave_cuentas)
check "sin llave: las cuentas quedan como estaban" intactas
check "sin llave: los 2 mensajes siguen PENDIENTE" [ "$(llave_mensajes)" = "2 0" ]

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
