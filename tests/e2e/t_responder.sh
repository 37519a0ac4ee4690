# t_responder — the promoter answers a client's WhatsApp from Detalle (sql/101,
# docs/wa-responder.md), 80×24, on the simulated network. rspn1 (team rspnsup) links her
# WhatsApp from the CLI and opens the terminal, which runs no sender yet (she never visits the
# WhatsApp pane). Julia's reply arrives in Inicio's inbox; Enter opens Detalle, whose hint bar
# now offers «w responder por WhatsApp»; w opens the form (to whom, until when), the answer with
# accents is typed and Enter pressed twice: the bottom bar says the database's sentence, one
# message is queued (the clave), the history shows «Le escribió por WhatsApp» with the text and
# rspn1's login and, with no key pressed, the state moving to «entregado» as the sender this
# answer started sends it over the simulated network. Back in Inicio the reply is attended.
# Marco wrote 25 hours ago (recibido_at set back as postgres): no w in his Detalle's hint bar
# nor in «?», and w says why with the database's sentence. Its own users and phones.
. "$(dirname "$0")/lib.inc"

E2E_TIMEOUT=60
E2E_ENV="EMBUDO_TRANSPORT=sim EMBUDO_RITMO=rapido EMBUDO_SIM_SEED=11"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('rspnsup', 'Sofía Responde', 'SUPERVISOR');
    SELECT api.crear_usuario('rspn1', 'Rosa Responde', 'PROMOTOR', 'rspnsup')" \
    >/dev/null || fail "crear rspnsup y rspn1"
eb --as rspn1 captar --nombre "Julia Pérez Núñez" --telefono 9990013001 >/dev/null ||
    fail "captar a Julia"
eb --as rspn1 captar --nombre "Marco Ruiz Peña" --telefono 9990013002 >/dev/null ||
    fail "captar a Marco"
julia=$(sql_as rspn1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                         ON p.id = o.prospecto_id WHERE p.nombre = 'Julia Pérez Núñez'")
marco=$(sql_as rspn1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                         ON p.id = o.prospecto_id WHERE p.nombre = 'Marco Ruiz Peña'")
[ -n "$julia" ] && [ -n "$marco" ] || fail "rspn1 no tiene a Julia y a Marco"
# Her WhatsApp, linked on the simulated network (the phone scans by itself).
EMBUDO_TRANSPORT=sim EMBUDO_SIM_AUTOSCAN=1 EMBUDO_SIM_SEED=11 eb --as rspn1 wa link \
    >/dev/null 2>&1 || fail "wa link como rspn1"
responde() { # responde TELEFONO TEXTO: a text on rspn1's WhatsApp, as her sender writes it
    sql_as rspn1 "SELECT count(*) FROM api.wa_entrante('$1', '$2')" >/dev/null
}
# Marco wrote yesterday, more than 24 hours ago.
responde +529990013002 'Mándeme la información'
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'
     WHERE telefono = '+529990013002'" >/dev/null || fail "atrasar la respuesta de Marco"
atrasada=$(sql_as rspn1 "SELECT to_char(max(recibido_at) AT TIME ZONE crm.zona(), 'DD/MM HH24:MI')
                         FROM crm.wa_entrantes WHERE telefono = '+529990013002'")

start_app 80 24 --as rspn1
wait_for "● conectado"
wait_for "Respuestas por atender (1)"

# 1. Julia writes; Enter opens her Detalle, which offers w.
responde +529990013001 'Hola, ¿me puede explicar lo del crédito?'
wait_for "Respuestas por atender (2)"
wait_match '^ Nueva respuesta de Julia Pérez Núñez'
send k # the bottom bar's line is read; the cursor on the newest (Julia's)
send_key Enter
wait_for "#$julia"
wait_for "«Hola, ¿me puede explicar lo del crédito?»"
wait_match '^ w responder por WhatsApp  m mover de etapa  n nota  v venta *$'

# 2. w: the form says to whom and until when; the answer, with accents; Enter twice.
send w
wait_for "Responder por WhatsApp"
wait_for "Respuesta para Julia Pérez Núñez (+52 999 001 3001)*"
wait_match "Puede contestar hasta las [0-9]{2}:[0-9]{2} del [0-9]{2}/[0-9]{2}\."
wait_for "0 de 4,096"
send 'Claro, señora Núñez: mañana a las 10 le explico el crédito, ¿le parece?'
wait_for "71 de 4,096"
# Both in one write, so both reach the form before the database answers: the second finds it
# sending and does nothing (the clave would make a retry return the same message anyway).
$T send-keys -t app Enter Enter || fail "send-keys Enter Enter"
wait_match '^ respuesta en cola: sale (en unos segundos|en cuanto su WhatsApp se conecte) *$'
wait_until_gone "Responder por WhatsApp"
[ "$(sql_as rspn1 "SELECT count(*) FROM crm.wa_mensajes
                   WHERE oportunidad_id = $julia AND campana_id IS NULL")" = 1 ] ||
    fail "la respuesta no quedó una sola vez en cola"

# 3. The history: the label, her login, the text; then, with no key pressed, the state moves as
#    this session's sender (started by the answer) sends it and the simulated phone gets it.
wait_match 'Le escribió por WhatsApp · (en cola|enviando|enviado|entregado|leído)  rspn1'
wait_for "«Claro, señora Núñez: mañana a las 10 le explico el crédito," # wrapped at 80,
wait_for "                   ¿le parece?»"                                # whole
[ "$(sql_as rspn1 "SELECT motivo FROM crm.historial
                   WHERE oportunidad_id = $julia AND evento = 'WA_MENSAJE'")" = \
  'Claro, señora Núñez: mañana a las 10 le explico el crédito, ¿le parece?' ] ||
    fail "el historial no guarda la respuesta como se escribió"
wait_for "Le escribió por WhatsApp · entregado  rspn1"
[ "$(sql_as rspn1 "SELECT estado FROM crm.wa_mensajes
                   WHERE oportunidad_id = $julia AND campana_id IS NULL")" = ENTREGADO ] ||
    [ "$(sql_as rspn1 "SELECT estado FROM crm.wa_mensajes
                       WHERE oportunidad_id = $julia AND campana_id IS NULL")" = LEIDO ] ||
    fail "la base no dice que se entregó"

# 4. Inicio: Julia's reply is attended (the answer's history row); Marco's is still there.
send_key Escape
wait_for "Respuestas por atender (1)"
screen | grep -q "Julia Pérez Núñez" && fail "Julia sigue por atender"
wait_match '^  Marco Ruiz Peña +Nuevo +hace 1 d +«Mándeme la información» *$'

# 5. Marco wrote 25 hours ago: no w offered, and w says why.
send_key Enter
wait_for "#$marco"
wait_for "«Mándeme la información»"
wait_match '^ m mover de etapa  n nota  v venta  x salida \(a la bandeja\)  i intento  \? ayuda *$'
send '?'
wait_for "Ayuda: Detalle"
screen | grep -q "responder por WhatsApp" && fail "«?» ofrece w sin poder contestar"
send_key Escape
wait_until_gone "Ayuda: Detalle"
send w
wait_for "✗ pasaron más de 24 horas desde el último mensaje del cliente ($atrasada): p…"
# The whole sentence, on a wider terminal (80 columns clip it).
$T resize-window -t app -x 130 -y 24 || fail "resize-window"
wait_for "✗ pasaron más de 24 horas desde el último mensaje del cliente ($atrasada): para \
escribirle, use una campaña"
screen | grep -q "Responder por WhatsApp" && fail "w abrió el formulario fuera de las 24 horas"
[ "$(sql_as rspn1 "SELECT count(*) FROM crm.wa_mensajes
                   WHERE oportunidad_id = $marco AND campana_id IS NULL")" = 0 ] ||
    fail "se puso en cola una respuesta para Marco"

send q
wait_gone
expect_exit 0
e2e_end
