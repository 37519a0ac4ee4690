# t_whatsapp — issue 5 in the terminal, end to end on the simulated network with the test-only
# fast pacing: prom8 links WhatsApp from the WhatsApp pane (the QR in half blocks with its
# countdown; EMBUDO_SIM_AUTOSCAN=1 makes the simulated phone scan it), creates a campaign
# through the 4-step wizard (audience counts, a template with an unknown variable refused at
# its position, then fixed; variations and pacing; review with today's allowance and what
# decides it), launches it, watches it progress live (NOTIFY, no key pressed), pauses it —
# sending stops — resumes it, and it ends with every message sent; the database agrees. Then
# prom8's supervisor sees the sends in the statistics pane, per promoter, day and campaign.
# Named to run last: it takes 40 SEP clients from the pool, which other scenarios count.
. "$(dirname "$0")/lib.inc"

E2E_TIMEOUT=60
E2E_ENV="EMBUDO_TRANSPORT=sim EMBUDO_RITMO=rapido EMBUDO_SIM_AUTOSCAN=1 EMBUDO_SIM_SEED=7"

# Sending needs an open window: every day, all day, for this scenario only (restored after).
horario_abierto

# prom8: a lote of its own (SEP, so the other scenarios' IMSS clients are untouched).
eb --as prom8 asignar --cantidad 40 --convenio SEP --clave campana >/dev/null ||
    fail "asignar como prom8"
etapa=$(sql_as prom8 "SELECT e.nombre FROM crm.oportunidades o JOIN crm.etapas e
                      ON e.id = o.etapa_id WHERE o.estado = 'ABIERTA' LIMIT 1")
enviables=$(sql_as prom8 "SELECT enviables FROM api.campana_audiencia() WHERE etapa = '$etapa'")
[ "$enviables" -gt 5 ] || fail "muy pocos destinatarios con teléfono: $enviables"

start_app 160 50 --as prom8
wait_for "Actualizado a las"
tabs=$(screen | sed -n 2p)

# 1. Link: the WhatsApp pane, v, the QR and its countdown, the simulated scan.
pane_key() { # the digit of the tab titled $1
    echo "$tabs" | grep -o "[0-9] $1" | head -n 1 | cut -c1
}
send "$(pane_key WhatsApp)"
wait_for "sin vincular"
send v
wait_for "El código cambia en"
wait_for "▀"
wait_for "conectada"
[ "$(sql_as prom8 "SELECT estado FROM crm.wa_cuentas WHERE usuario_id = crm.yo()")" = CONECTADA ] ||
    fail "la cuenta no quedó CONECTADA"
sql_as prom8 "SELECT api.wa_configurar(en_uso_desde => crm.fecha_negocio(now()) - 30)" >/dev/null

# 2. The wizard.
send "$(pane_key 'Nueva campaña')"
wait_for "1 Audiencia"
wait_match "> $etapa +[0-9]+ +$enviables"
send_key Enter
wait_for "Texto (escriba"
wait_until_gone "Un momento…" # step 2 has loaded its templates and sample values
send 'Hola {nombr}'
wait_for "variable desconocida {nombr}"
send_key BSpace
send 'e}, le escribe {promotor} de {Crédito Fácil|su financiera}.'
wait_for "Válida · 2 variantes de spintax"
wait_for "Vista previa:"
send_key Enter
wait_for "Mensajes de ejemplo (3):"
wait_for "Variaciones con IA: sin configurar; se usa solo el spintax."
wait_for "Ritmo: ritmo rápido de prueba"
send_key Enter
wait_match "Campaña [0-9]+ lista: aún no se envía nada."
wait_for "Qué decide el cupo: hoy puede enviar"
wait_for "Plan por día: hoy $enviables"
id=$(screen | sed -nE 's/.*Campaña ([0-9]+) lista.*/\1/p' | head -n 1)
[ "$(sql_as prom8 "SELECT estado FROM crm.wa_campanas WHERE id = $id")" = LISTA ] ||
    fail "la campaña $id no está LISTA"

# 3. Launch: the progress pane takes over and moves by itself.
send_key Enter
wait_for "● enviando"
wait_match "Enviados +[1-9]"

# 4. Pause: nothing more is sent; resume: it ends.
send p
wait_for "◐ pausada"
wait_match "Campaña $id: PAUSADA"
sent=$(sql_as prom8 "SELECT count(enviado_at) FROM crm.wa_mensajes WHERE campana_id = $id")
pend=$(sql_as prom8 "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = $id
                     AND estado = 'PENDIENTE'")
[ "$pend" -gt 0 ] || fail "la campaña terminó antes de pausarla"
send r # a re-read: still paused, and at most the message in flight went out
wait_for "◐ pausada"
after=$(sql_as prom8 "SELECT count(enviado_at) FROM crm.wa_mensajes WHERE campana_id = $id")
[ "$after" -le $((sent + 1)) ] || fail "siguió enviando en pausa: $sent → $after"
send a
wait_for "● enviando"
wait_for "✓ terminada"
wait_match "100 % +$enviables de $enviables"
[ "$(sql_as prom8 "SELECT count(enviado_at) FROM crm.wa_mensajes WHERE campana_id = $id")" = \
  "$enviables" ] || fail "no se enviaron los $enviables mensajes"
[ "$(sql_as prom8 "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = $id
                   AND estado IN ('PENDIENTE', 'ENVIANDO')")" = 0 ] || fail "quedaron pendientes"

send q
wait_gone
expect_exit 0

# 5. The supervisor's statistics: prom8's sends today, per promoter.
start_app 160 50 --as sup2
wait_for "Actualizado a las"
tabs=$(screen | sed -n 2p)
send "$(pane_key 'Estadísticas WA')"
wait_for "Estadísticas de WhatsApp"
wait_match "^ prom8 +$enviables "
send v
wait_for "· por día"
send v
wait_for "· por campaña"
wait_match "^ $id "
send q
wait_gone
expect_exit 0
e2e_end
