# tests/wa/t_campana_web.sh — sourced by tests/wa/run.sh once prom1 is linked and the fake
# server runs (after t_mensajes.sh: uses its admin and the run's eb, check, events, wait_file):
# a whole campaign over `transport = web` through the real path — `embudo campana crear`
# and `lanzar` as prom1, then `embudo worker` (a server session; prom1 turned envio_servidor
# on) with EMBUDO_TRANSPORT=web pointed at the fake server. 25 clients: 20 on WhatsApp with
# 1–3 devices each (half registered as 521 mobiles, half as 52), 5 not on WhatsApp. The
# server drops the connection after the 10th message (admin "drop-after 10"); the sender
# reconnects by itself. Every message is decrypted exactly once by every device of its
# recipient (and once by our phone), all 20 reach LEIDO, the 5 fail SIN_WHATSAPP and are
# cached as not on WhatsApp, the worker's counters add up, the canonical JID (52 or 521) the
# server returned is the one stored and sent to, and presence carries the credentials' push
# name. Then Cliente10 answers and prom1 answers back from embudo (api.wa_responder): the
# reply leaves through the same client and each of its devices decrypts it once.

i=10
csv="$work/campana.csv"
echo "nombre,primer_apellido,convenio,entidad,edad,telefono" > "$csv"
while [ $i -lt 30 ]; do
    devs=$((1 + i % 3))
    if [ $((i % 2)) -eq 0 ]; then
        admin "contact 52155000000$i $devs" # a 521 mobile
    else
        admin "contact 5255000000$i $devs"  # registered as 52
    fi
    echo "Cliente$i,Prueba,PRUEBAWA,JAL,40,55 0000 00$i" >> "$csv"
    i=$((i + 1))
done
for n in 1 2 3 4 5; do
    echo "Ausente$n,Prueba,PRUEBAWA,JAL,40,33 0000 000$n" >> "$csv"
done
wait_file "$work/events.jsonl" '"user":"525500000029"' || bad "contactos de la campaña no registrados"

# The data a promoter would have: 25 clients of one convenio assigned to prom1, the window
# open all day (the run may happen at any hour), an account in use for a month (no warm-up
# cap) with server-side sending on.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL' || bad "preparar la campaña"
INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('PRUEBAWA', 'Prueba WhatsApp', 'PRIVADO');
DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;
INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00' FROM generate_series(1, 7) d;
SQL
eb --as postgres import clientes "$csv" > "$work/import.out" 2>&1 || bad "importar clientes" "$work/import.out"
eb --as prom1 asignar --cantidad 25 --convenio PRUEBAWA > "$work/asignar.out" 2>&1 ||
    bad "asignar a prom1" "$work/asignar.out"
eb --as prom1 db psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL' || bad "configurar la cuenta"
SELECT api.wa_configurar(envio_servidor => true, en_uso_desde => crm.fecha_negocio(now()) - 30);
SQL
eb --as prom1 campana crear --etapa Nuevo --convenio PRUEBAWA \
    --texto 'Hola {nombre}, le escribo por su trámite.' > "$work/crear.out" 2> "$work/crear.err"
cid=$(sed -n 's/^campaña \([0-9]*\) creada: 25 mensajes programados.*/\1/p' "$work/crear.out")
check "campaña creada con 25 destinatarios" [ -n "$cid" ]
eb --as prom1 campana lanzar "$cid" > "$work/lanzar.out" 2>&1
check "campaña lanzada" grep -q ENVIANDO "$work/lanzar.out"

# The worker: every sender over web, fast pacing (allowed only against a loopback server).
admin "drop-after 10"
mark=$(wc -l < "$work/events.jsonl")
EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root \
    "$BIN" --home "$home" worker > "$work/worker.out" 2> "$work/worker.err" &
worker_pid=$!
estados() {
    eb --as postgres db psql -X -q -t -A -c "SELECT string_agg(estado || ' ' || n, ', ' ORDER BY estado)
        FROM (SELECT estado, count(*) n FROM crm.wa_mensajes WHERE campana_id = $cid GROUP BY 1) x" 2>&1
}
i=0
while [ $i -lt 180 ] && [ "$(estados)" != "FALLIDO 5, LEIDO 20" ]; do
    sleep 1
    i=$((i + 1))
done
kill -TERM "$worker_pid"
wait "$worker_pid"
st=$?
if [ "$st" -eq 0 ]; then ok "worker: termina limpio con SIGTERM"; else
    bad "worker: terminó con $st tras SIGTERM" "$work/worker.err"; sed 's/^/    /' "$work/worker.out" >&2; fi
final=$(estados)
check "campaña por web: 20 LEIDO y 5 FALLIDO (ahora: $final)" [ "$final" = "FALLIDO 5, LEIDO 20" ]
[ "$final" = "FALLIDO 5, LEIDO 20" ] || { sed 's/^/    /' "$work/worker.out" "$work/worker.err" >&2; }
check "worker: conectada dos veces (el corte y la reconexión)" \
    [ "$(grep -c ': conectada$' "$work/worker.out")" = 2 ]
check "el servidor cortó la conexión una vez" [ "$(events '"ev":"drop"')" = 1 ]
if grep -q ': 20 enviados, 5 fallidos, 0 en duda$' "$work/worker.out"; then
    ok "worker: contadores tras la reconexión: 20 enviados, 5 fallidos, 0 en duda"
else
    bad "worker: contadores tras la reconexión" "$work/worker.out"
fi

eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/omitidos.out" 2>&1 <<SQL
SELECT m.telefono || '|' || m.error || '|' || n.en_whatsapp
  FROM crm.wa_mensajes m JOIN crm.wa_numeros n ON n.telefono = m.telefono
 WHERE m.campana_id = $cid AND m.estado = 'FALLIDO' ORDER BY 1;
SQL
omitidos_ok() {
    for n in 1 2 3 4 5; do echo "+52330000000$n|SIN_WHATSAPP|false"; done |
        cmp -s - "$work/omitidos.out"
}
check "los 5 números sin WhatsApp: FALLIDO SIN_WHATSAPP y guardados como tales" omitidos_ok

# Each message by its WhatsApp id (sendcore's: 3EB0 + the row id in hex) and the JID the
# number check cached for its phone (what the sender sends to).
eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/enviados.out" 2>&1 <<SQL
SELECT m.wa_id, n.jid FROM crm.wa_mensajes m JOIN crm.wa_numeros n ON n.telefono = m.telefono
 WHERE m.campana_id = $cid AND m.estado = 'LEIDO' ORDER BY m.telefono;
SQL
once_each() {
    [ "$(grep -c . "$work/enviados.out")" = 20 ] || { sed 's/^/    /' "$work/enviados.out" >&2; return 1; }
    tr '|' ' ' < "$work/enviados.out" | while read -r mid mjid; do
        user=${mjid%@*}
        n=$(grep -F "\"ev\":\"contact\",\"user\":\"$user\"" "$work/events.jsonl" | tail -n 1 |
            sed 's/.*"devices":\([0-9]*\).*/\1/')
        got=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":false')
        distinct=$(grep -F '"ev":"decrypted"' "$work/events.jsonl" | grep -F "\"id\":\"$mid\"" |
            grep -F '"dsm":false' | sed 's/.*"to":"\([^"]*\)".*/\1/' | sort -u | grep -c .)
        own=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":true')
        if [ -z "$n" ] || [ "$got" != "$n" ] || [ "$distinct" != "$n" ] || [ "$own" != 1 ]; then
            echo "    $mid → $mjid: $got descifrados ($distinct dispositivos, de $n), copia propia $own" >&2
            echo bad
        fi
    done | grep -q bad && return 1
    return 0
}
check "campaña: cada mensaje, descifrado una sola vez por cada dispositivo del destinatario y por nuestro teléfono" once_each
# The decrypting devices above are the cached JID's: so the canonical one is what was used.
check "campaña: se guardó el JID canónico (521 o 52) que dio el servidor" \
    sh -c "grep -q '|5215500000010@s.whatsapp.net$' '$work/enviados.out' && grep -q '|525500000011@s.whatsapp.net$' '$work/enviados.out'"
check "campaña: ningún descifrado falló" [ "$(events '"ev":"decrypt-failed"')" = 0 ]

# Presence: `available` on each of the two opens carries the push name the credentials hold
# (the fake phone's <biz name>); "escribiendo…" went to every recipient's canonical JID.
tail -n +$((mark + 1)) "$work/events.jsonl" | grep -F '"ev":"node"' > "$work/presencia.jsonl"
check "presencia: available con el nombre de las credenciales en cada conexión" \
    [ "$(grep -F '"tag":"presence","type":"available","name":"Lupita"' "$work/presencia.jsonl" | grep -c .)" = 2 ]
escribiendo=$(grep -F '"tag":"chatstate"' "$work/presencia.jsonl" | grep -F '"composing":true' |
    sed 's/.*"to":"\([^"]*\)".*/\1/' | sort -u)
escribiendo_ok() {
    [ "$(printf '%s\n' "$escribiendo" | grep -c .)" = 20 ] &&
        printf '%s\n' "$escribiendo" | grep -qx 5215500000010@s.whatsapp.net
}
check "presencia: escribiendo… a cada uno de los 20, en su JID canónico" escribiendo_ok

# ---- a reply (docs/wa-responder.md) through the real client --------------------------------
# Cliente10 (a 521 mobile with 2 devices) answers the campaign and prom1 answers back from
# embudo. The client's text is recorded as the sender records one (api.wa_entrante): the fake
# server's contacts do not write to us. A worker at the normal pace takes the reply with its
# first claim, and each device of the client decrypts it once.
psql_pg() { eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
cuenta=$(psql_pg -c "SELECT id FROM crm.usuarios WHERE login = 'prom1'")
psql_pg -c "SELECT * FROM api.wa_entrante('5215500000010@s.whatsapp.net',
                                          'Sí, ¿qué papeles necesito?', false, NULL, $cuenta)" \
    > "$work/entrante.out" 2>&1 || bad "registrar lo que escribió Cliente10" "$work/entrante.out"
opp=$(psql_pg -c "SELECT oportunidad_id FROM crm.wa_mensajes
                   WHERE campana_id = $cid AND telefono = '+525500000010'")
RESP='Su INE y su último talón de pago, por favor.'
resp=$(eb --as prom1 db psql -X -q -t -A -v ON_ERROR_STOP=1 \
    -c "SELECT mensaje_id FROM api.wa_responder($opp, '$RESP')" 2> "$work/responder.err")
if [ -n "$resp" ]; then ok "respuesta en cola para Cliente10 ($resp)"; else
    bad "respuesta en cola para Cliente10" "$work/responder.err"; fi
resp_estado() {
    psql_pg -c "SELECT estado || ' ' || (campana_id IS NULL) FROM crm.wa_mensajes WHERE id = $resp"
}
EMBUDO_TRANSPORT=web EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root \
    "$BIN" --home "$home" worker > "$work/worker2.out" 2> "$work/worker2.err" &
worker_pid=$!
i=0
while [ $i -lt 60 ] && [ "$(resp_estado)" != "LEIDO true" ]; do
    sleep 1
    i=$((i + 1))
done
kill -TERM "$worker_pid"
wait "$worker_pid"
st=$?
if [ "$st" -eq 0 ]; then ok "worker de la respuesta: termina limpio con SIGTERM"; else
    bad "worker de la respuesta: terminó con $st tras SIGTERM" "$work/worker2.err"; fi
check "respuesta por web: LEIDO, sin campaña (ahora: $(resp_estado))" [ "$(resp_estado)" = "LEIDO true" ]
rwa=$(psql_pg -c "SELECT wa_id FROM crm.wa_mensajes WHERE id = $resp")
jresp=$(printf '%s' "$RESP" | sed 's/"/\\"/g')
respuesta_descifrada() {
    [ -n "$rwa" ] &&
        [ "$(events '"ev":"decrypted"' "\"id\":\"$rwa\"" '"dsm":false' "\"text\":\"$jresp\"")" = 2 ] &&
        [ "$(events '"ev":"decrypted"' "\"id\":\"$rwa\"" '"dsm":false' '"to":"5215500000010')" = 2 ] &&
        [ "$(events '"ev":"decrypted"' "\"id\":\"$rwa\"" '"dsm":true')" = 1 ]
}
check "respuesta: descifrada una vez por cada dispositivo de Cliente10 y por nuestro teléfono" \
    respuesta_descifrada
