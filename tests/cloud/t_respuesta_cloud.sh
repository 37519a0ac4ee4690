#!/bin/sh
# t_respuesta_cloud — the promoter answers a client over Meta's Cloud API (docs/wa-responder.md)
# through the real path, against the fake Graph server (the only fake: Meta's servers):
#   1. two clients write to prom1's Cloud number (the fake's webhook → `embudo wa webhook` →
#      the worker's transport), which opens their 24-hour windows at Meta;
#   2. api.wa_responder queues an answer; the running worker, idle and at the normal pace, sends
#      it at once as a `text` message (no template: it is not a campaign's) with our id, and it
#      ends read;
#   3. the other client's window closes at Meta before the answer leaves (the database still
#      counts less than 24 hours): Meta takes the text, then fails it with 131047, and the
#      answer ends FALLIDO with that code.
. "$(dirname "$0")/lib.sh"

embudo_cloud
usuarios_nube
eb --as postgres wa cloud asignar prom1 --numero-id "$NID" > "$work/o" 2>&1 ||
    die "wa cloud asignar" "$work/o"
csv=$work/clientes.csv
echo "nombre,primer_apellido,convenio,entidad,edad,telefono" > "$csv"
for i in 20 21; do echo "Cliente$i,Prueba,NUBE,JAL,40,55 0000 00$i" >> "$csv"; done
eb --as postgres import clientes "$csv" > "$work/o" 2>&1 || die "importar" "$work/o"
eb --as prom1 asignar --cantidad 2 --convenio NUBE > "$work/o" 2>&1 || die "asignar" "$work/o"

# The normal pace: an answer does not wait for it.
"$BIN" --home "$home" worker --solo-cloud > "$work/worker.out" 2> "$work/worker.err" &
worker_pid=$!
pids="$pids $worker_pid"
wait_for 30 grep -qs '^envío cuenta [0-9]*: conectada$' "$work/worker.out" ||
    die "el worker no conectó la cuenta" "$work/worker.err"

# ---- 1. the clients write ------------------------------------------------------------------------
for i in 20 21; do
    req POST "$G/_fake/entrante" \
        --data "{\"numero_id\":\"$NID\",\"from\":\"52155000000$i\",\"texto\":\"¿Qué tasa manejan?\"}"
done
entrantes() { [ "$(sql -c "SELECT count(*) FROM crm.wa_entrantes WHERE oportunidad_id IS NOT NULL")" = 2 ]; }
wait_for 30 entrantes
check "los dos clientes escribieron (registrados con su oportunidad)" entrantes

# responder N TEXT: prom1 answers client N (api.wa_responder); prints the message id.
responder() {
    opp=$(sql -c "SELECT o.id FROM crm.oportunidades o
                    JOIN padron.datos_contacto d ON d.cliente_id = o.cliente_id
                   WHERE d.valor = '+5255000000$1'")
    eb --as prom1 db psql -X -q -t -A -v ON_ERROR_STOP=1 \
        -c "SELECT mensaje_id FROM api.wa_responder($opp, '$2')" 2> "$work/responder.err"
}
# estado ID: the message's state, its error and whether Meta took it.
estado() {
    sql -c "SELECT estado || ' ' || coalesce(error, '-') || ' ' || (enviado_at IS NOT NULL)
              FROM crm.wa_mensajes WHERE id = $1"
}

# ---- 2. an answer inside the window --------------------------------------------------------------
T1='Manejamos tasa fija; ¿le mando la cotización?'
m1=$(responder 20 "$T1")
if [ -n "$m1" ]; then ok "api.wa_responder: respuesta en cola ($m1)"; else
    bad "api.wa_responder: respuesta en cola" "$work/responder.err"; fi
leida() { [ "$(estado "$m1")" = "LEIDO - true" ]; }
wait_for 20 leida
check "la respuesta salió a la primera y terminó leída — ahora: $(estado "$m1")" leida
texto_ok() {
    grep -F '"to":"525500000020"' "$work/registro.jsonl" | grep -F '"type":"text"' |
        grep -F "\"body\":\"$T1\"" | grep -qF "\"biz_opaque_callback_data\":\"3EB0"
}
check "Meta recibió un mensaje de texto (no una plantilla) con nuestro id" texto_ok
check "… y ninguna plantilla" [ "$(grep -c '"type":"template"' "$work/registro.jsonl")" = 0 ]

# ---- 3. the window closed at Meta meanwhile -------------------------------------------------------
req POST "$G/_fake/ventana_cerrar" --data "{\"numero_id\":\"$NID\",\"from\":\"5215500000021\"}"
check "el servidor falso cerró la ventana del cliente 21" [ "$body" = '{"cerrada":true}' ]
m2=$(responder 21 'Con gusto, ¿a qué hora le llamo?')
if [ -n "$m2" ]; then ok "la base aún acepta la respuesta (menos de 24 h para ella)"; else
    bad "la base aún acepta la respuesta" "$work/responder.err"; fi
fallida() { [ "$(estado "$m2")" = "FALLIDO 131047 true" ]; }
wait_for 20 fallida
check "Meta la tomó y la rechazó: FALLIDO 131047 — ahora: $(estado "$m2")" fallida

stop "$worker_pid"
check "worker: termina limpio con SIGTERM" [ $? -eq 0 ]
stop "$hook_pid"
check "webhook: termina limpio con SIGTERM" [ $? -eq 0 ]
finish
