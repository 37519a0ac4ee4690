#!/bin/sh
# t_campana_cloud — a whole campaign over Meta's Cloud API through the real path
# (docs/wa-cloud.md), against the fake Graph server (the only fake: Meta's servers):
#   1. the admin gives prom1's account a number (`wa cloud asignar`), `wa cloud probar` asks
#      Meta with the token file (and says why when the token is wrong or the file is loose);
#   2. a template mapped to its twin in Meta (`wa cloud plantilla`); a campaign without the
#      mapping is refused at launch (EB395), one with it launches;
#   3. `embudo wa webhook` answers Meta's handshake, refuses a forged signature, and files the
#      signed statuses; `embudo worker --solo-cloud` connects the account, sends each message
#      as the approved template with its parameters and our id, and ends with the statuses
#      Meta reported: read, failed after Meta took it (131026), refused outright (131049);
#   4. a client's reply is recorded, a «BAJA» is an opt-out; the account shows Meta's number;
#   5. a token Meta refuses stops the account's sender with the reason, the worker goes on.
. "$(dirname "$0")/lib.sh"

embudo_cloud --falla 525500000012:131026 --rechaza 525500000013:131049

# ---- 1. the account ----------------------------------------------------------------------------
usuarios_nube
eb --as prom1 wa cloud asignar prom1 --numero-id "$NID" > "$work/o" 2>&1
check "wa cloud asignar: un promotor no puede (exit 1)" grep -q 'permiso' "$work/o"
eb --as postgres wa cloud asignar prom1 --numero-id 12ab > "$work/o" 2>&1
check "wa cloud asignar: id que no es de dígitos, exit 2" [ $? -eq 2 ]
eb --as postgres wa cloud asignar prom1 --numero-id "$NID" > "$work/o" 2>&1
check "wa cloud asignar: la cuenta de prom1 envía por la API oficial" \
    grep -q "la cuenta de prom1 envía por la API oficial de WhatsApp (número $NID)" "$work/o"
eb --as postgres wa cloud asignar prom1 --numero-id "$NID" > "$work/o" 2>&1
check "wa cloud asignar otra vez: nada que cambiar" grep -q 'nada que cambiar' "$work/o"
eb --as prom1 wa link --raw > "$work/o" 2>&1
check "wa link de una cuenta de la API oficial: se niega y dice por qué" \
    grep -q 'envía por la API oficial de Meta (número '"$NID"'): no se vincula' "$work/o"
eb --as postgres wa cloud probar --numero-id "$NID" > "$work/o" 2>&1
check "wa cloud probar: Meta da el número, el nombre y la calidad" \
    grep -q "número $NID: +$PHONE, nombre verificado «Financiera de Prueba», calidad GREEN" "$work/o"
printf 'otro-token\n' > "$work/token-malo"
chmod 600 "$work/token-malo"
cp "$work/cfg/embudo/embudo.conf" "$work/malo.conf"
sed -i "s|^cloud_token_archivo = .*|cloud_token_archivo = $work/token-malo|" "$work/malo.conf"
eb --config "$work/malo.conf" --as postgres wa cloud probar prom1 > "$work/o" 2>&1
check "wa cloud probar con otro token: exit 1 y el porqué" grep -q 'token de acceso de Meta es inválido' "$work/o"
chmod 644 "$work/token-malo"
eb --config "$work/malo.conf" --as postgres wa cloud probar prom1 > "$work/o" 2>&1
check "wa cloud probar con un token legible por todos: se niega" grep -q 'chmod 600' "$work/o"

# ---- 2. clients, template, campaigns -------------------------------------------------------
csv=$work/clientes.csv
echo "nombre,primer_apellido,convenio,entidad,edad,telefono" > "$csv"
for i in 10 11 12 13; do echo "Cliente$i,Prueba,NUBE,JAL,40,55 0000 00$i" >> "$csv"; done
eb --as postgres import clientes "$csv" > "$work/o" 2>&1 || bad "importar" "$work/o"
eb --as prom1 asignar --cantidad 4 --convenio NUBE > "$work/o" 2>&1 || bad "asignar" "$work/o"
TEXTO='Hola {nombre}, le escribo de su convenio {convenio}.'
eb --as prom1 db psql -X -q -t -A -v ON_ERROR_STOP=1 \
    -c "SELECT api.plantilla_guardar('Nuevo', 'Primer contacto', '$TEXTO')" > "$work/o" 2>&1 ||
    bad "guardar la plantilla" "$work/o"
eb --as prom1 wa cloud plantilla Nuevo 'Primer contacto' --meta 'Primer Contacto' > "$work/o" 2>&1
check "wa cloud plantilla: nombre de Meta inválido (exit 1, EB394)" grep -q 'EB394\|nombre' "$work/o"
eb --as prom1 wa cloud plantilla Nuevo 'Primer contacto' --meta primer_contacto > "$work/o" 2>&1
check "wa cloud plantilla: ligada a su gemela en Meta" grep -q '«primer_contacto» (es_MX)' "$work/o"

eb --as prom1 campana crear --etapa Nuevo --convenio NUBE --texto "$TEXTO" > "$work/o" 2>&1
cid0=$(sed -n 's/^campaña \([0-9]*\) creada.*/\1/p' "$work/o")
eb --as prom1 campana lanzar "$cid0" > "$work/o" 2>&1
check "campaña sin plantilla de Meta: lanzar se niega (EB395)" grep -q 'plantilla aprobada en Meta' "$work/o"
eb --as prom1 campana cancelar "$cid0" > /dev/null 2>&1
eb --as prom1 campana crear --etapa Nuevo --convenio NUBE --texto "$TEXTO" --meta primer_contacto \
    > "$work/o" 2>&1
cid=$(sed -n 's/^campaña \([0-9]*\) creada: 4 mensajes.*/\1/p' "$work/o")
if [ -n "$cid" ]; then ok "campaña con la plantilla de Meta: 4 mensajes"; else
    bad "campaña con la plantilla de Meta: 4 mensajes" "$work/o"; fi
eb --as prom1 campana lanzar "$cid" > "$work/o" 2>&1
check "campaña lanzada" grep -q ENVIANDO "$work/o"

# ---- 3. the webhook and the worker --------------------------------------------------------------
req GET "http://127.0.0.1:$hport/meta?hub.mode=subscribe&hub.verify_token=frase-de-verificacion&hub.challenge=1158201444"
check "webhook: el saludo de Meta devuelve el reto" [ "$code" = 200 ] && [ "$body" = 1158201444 ]
req GET "http://127.0.0.1:$hport/meta?hub.mode=subscribe&hub.verify_token=otra&hub.challenge=1"
check "webhook: token de verificación equivocado, 403" [ "$code" = 403 ]
req POST "$G/_fake/firma_mala" --data ""
if has '"estado":403'; then ok "webhook: una firma falsa, 403 (nada llega a la base)"; else
    bad "webhook: una firma falsa, 403 (nada llega a la base): $code $body"; fi
req POST "http://127.0.0.1:$hport/meta" -H 'Content-Type: application/json' --data '{"object":"x"}'
check "webhook: sin firma, 403" [ "$code" = 403 ]

EMBUDO_RITMO=rapido "$BIN" --home "$home" worker --solo-cloud > "$work/worker.out" 2> "$work/worker.err" &
worker_pid=$!
pids="$pids $worker_pid"
estados() {
    sql -c "SELECT string_agg(m.telefono || ' ' || m.estado || coalesce(' ' || m.error, ''), ', '
                              ORDER BY m.telefono)
              FROM crm.wa_mensajes m WHERE m.campana_id = $cid" 2>&1
}
final="+525500000010 LEIDO, +525500000011 LEIDO, +525500000012 FALLIDO 131026, +525500000013 FALLIDO 131049"
terminada() { [ "$(estados)" = "$final" ]; }
wait_for 60 terminada
got=$(estados)
check "campaña por la API oficial: 2 leídos, uno fallido tras enviarse (131026), uno rechazado (131049) — ahora: $got" \
    [ "$got" = "$final" ]
check "el 131026 llegó después de que Meta lo tomó (enviado_at queda)" \
    [ "$(sql -c "SELECT enviado_at IS NOT NULL FROM crm.wa_mensajes WHERE campana_id = $cid AND error = '131026'")" = t ]
check "worker: la cuenta conectada" grep -q '^envío cuenta [0-9]*: conectada$' "$work/worker.out"

# What Meta was asked: the approved template, Spanish (Mexico), the values in order, our id.
tpl_ok() {
    [ "$(grep -c . "$work/registro.jsonl")" = 3 ] || return 1
    for i in 10 11 12; do
        grep -F "\"to\":\"5255000000$i\"" "$work/registro.jsonl" |
            grep -F '"type":"template"' | grep -F '"name":"primer_contacto"' |
            grep -F '"code":"es_MX"' | grep -F "{\"type\":\"text\",\"text\":\"Cliente$i\"}" |
            grep -F '{"type":"text","text":"Convenio Nube"}' |
            grep -q '"biz_opaque_callback_data":"3EB0' ||
            return 1
    done
}
check "cada envío: la plantilla aprobada con nombre y convenio, y nuestro id" tpl_ok
check "el rechazado no quedó en el registro de Meta" [ "$(grep -c 525500000013 "$work/registro.jsonl")" = 0 ]
check "webhook: guardó los avisos firmados" grep -Eq '^webhook: [0-9]+ (evento guardado|eventos guardados)' "$work/hook.out"

# ---- 4. replies and the account -------------------------------------------------------------------
req POST "$G/_fake/entrante" --data "{\"numero_id\":\"$NID\",\"from\":\"5215500000010\",\"texto\":\"Sí me interesa\",\"nombre\":\"Cliente10\"}"
req POST "$G/_fake/entrante" --data "{\"numero_id\":\"$NID\",\"from\":\"5215500000011\",\"texto\":\"BAJA\"}"
entrantes() { [ "$(sql -c "SELECT count(*) FROM crm.wa_entrantes")" = 2 ]; }
wait_for 30 entrantes
check "las dos respuestas quedaron registradas" entrantes
check "«BAJA» es una baja: el número no recibe más campañas" \
    [ "$(sql -c "SELECT count(*) FROM crm.wa_bajas WHERE telefono = '+525500000011'")" = 1 ]
check "la respuesta marca el mensaje como respondido" \
    [ "$(sql -c "SELECT respondido_at IS NOT NULL FROM crm.wa_mensajes WHERE campana_id = $cid AND telefono = '+525500000010'")" = t ]
eb --as postgres wa cloud > "$work/o" 2>&1
check "wa cloud: prom1 conectada con el número que dio Meta" \
    grep -q "^prom1 .*$NID .*CONECTADA .*+$PHONE " "$work/o"
check "los avisos ya los tomó su worker (0 pendientes)" grep -q "^prom1 .* 0$" "$work/o"

# ---- 5. a token Meta refuses ---------------------------------------------------------------------
stop "$worker_pid"
check "worker: termina limpio con SIGTERM" [ $? -eq 0 ]
printf 'token-revocado\n' > "$work/token"
EMBUDO_RITMO=rapido "$BIN" --home "$home" worker --solo-cloud > "$work/worker2.out" \
    2> "$work/worker2.err" &
worker_pid=$!
pids="$pids $worker_pid"
wait_for 30 grep -q 'Meta rechazó el token de acceso' "$work/worker2.out"
check "token revocado: el envío de la cuenta se detiene y dice por qué" \
    grep -q 'Meta rechazó el token de acceso: el administrador debe renovarlo' "$work/worker2.out"
check "la cuenta queda DESCONECTADA con el porqué" \
    [ "$(sql -c "SELECT c.estado FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id WHERE u.login = 'prom1'")" = DESCONECTADA ]
stop "$worker_pid"
stop "$hook_pid"
check "webhook: termina limpio con SIGTERM" [ $? -eq 0 ]
finish
