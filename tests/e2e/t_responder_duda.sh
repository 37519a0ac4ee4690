# t_responder_duda — answers in doubt decided from Detalle (sql/101, docs/wa-responder.md «En
# duda»), 80×24 on the simulated network, with its own users and phones (dudsup: dud1; 999 001
# 40xx). dud1 links her WhatsApp from the CLI; Julia writes and dud1 answers her twice from the
# CLI, Marco writes and she answers him; then, as postgres, the three answers are claimed and
# in doubt (ENVIANDO, incierto: what the sender's recovery leaves after a lost ack) and
# Marco's text is set back 25 hours. The terminal runs no sender yet. Julia's Detalle opens
# with «⚠ 2 respuestas quedaron en duda…», both history rows say «en duda» and the hint bar
# offers d first; d opens the form on the newer one («hay 1 más»), «sí le llegó» marks it sent
# (the bottom bar says one remains; ENVIADO in the database); d again on the older one, «volver
# a enviar»: the bottom bar says it goes, and with no key pressed its row reaches «entregado»
# as the sender this decision started sends it over the simulated network; no warning is left
# and d is no longer offered. Marco's: the form says first that a re-send would not go (his
# 24 hours are over); «volver a enviar» says so in the bottom bar, and the sender skips it
# (OMITIDO, VENTANA): «no se envió» with no key pressed.
. "$(dirname "$0")/lib.inc"

E2E_TIMEOUT=60
E2E_ENV="EMBUDO_TRANSPORT=sim EMBUDO_RITMO=rapido EMBUDO_SIM_SEED=13"
out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('dudsup', 'Dulce Duda', 'SUPERVISOR');
    SELECT api.crear_usuario('dud1', 'Diana Duda', 'PROMOTOR', 'dudsup')" \
    >/dev/null || fail "crear dudsup y dud1"
eb --as dud1 captar --nombre "Julia Duda Núñez" --telefono 9990014001 >/dev/null ||
    fail "captar a Julia"
eb --as dud1 captar --nombre "Marco Duda Peña" --telefono 9990014002 >/dev/null ||
    fail "captar a Marco"
julia=$(sql_as dud1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                        ON p.id = o.prospecto_id WHERE p.nombre = 'Julia Duda Núñez'")
marco=$(sql_as dud1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                        ON p.id = o.prospecto_id WHERE p.nombre = 'Marco Duda Peña'")
[ -n "$julia" ] && [ -n "$marco" ] || fail "dud1 no tiene a Julia y a Marco"
EMBUDO_TRANSPORT=sim EMBUDO_SIM_AUTOSCAN=1 EMBUDO_SIM_SEED=13 eb --as dud1 wa link \
    >/dev/null 2>&1 || fail "wa link como dud1"
sql_as dud1 "SELECT count(*) FROM api.wa_entrante('+529990014001', '¿Cuánto me prestan?')" \
    >/dev/null
sql_as dud1 "SELECT count(*) FROM api.wa_entrante('+529990014002', 'Mándeme la información')" \
    >/dev/null
responde() { # responde OPORTUNIDAD TEXTO: dud1's answer, queued from the CLI; prints its id
    eb --as dud1 wa responder "$1" "$2" > "$out" 2>&1 || fail "responder: $(cat "$out")"
    sed -E 's/^mensaje ([0-9]+):.*/\1/' "$out"
}
vieja=$(responde "$julia" 'Hasta 80 mil, le explico mañana')
nueva=$(responde "$julia" 'Y sin aval, señora')
amarco=$(responde "$marco" 'Le mando los requisitos')
# Claimed and the connection dropped after handing them over: nobody knows if they arrived.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', incierto = true, reclamado_at = now()
     WHERE id IN ($vieja, $nueva, $amarco);
    UPDATE crm.wa_entrantes SET recibido_at = now() - interval '25 hours'
     WHERE telefono = '+529990014002'" >/dev/null || fail "dejar las respuestas en duda"

start_app 80 24 --as dud1
wait_for "● conectado"
abrir() { # abrir TEXTO: :buscar TEXTO, Enter on the one result: its Detalle
    send :
    send "buscar $1"
    send_key Enter
    wait_for "Búsqueda «$1» · 1 oportunidad"
    send_key Enter
}

# 1. Julia: the warning, both rows in doubt, d offered first.
abrir 'Julia Duda'
wait_for "#$julia"
wait_for "⚠ 2 respuestas quedaron en duda: no se sabe si le llegaron al cliente"
wait_match '^ d decidir la respuesta en duda  w responder por WhatsApp  m mover de etapa *$'
send G
wait_for "«Y sin aval, señora»"
[ "$(screen | grep -c 'Le escribió por WhatsApp · en duda  dud1')" -eq 2 ] ||
    fail "las dos respuestas no dicen «en duda»"

# 2. d: the newer one first, one more waiting; «sí le llegó».
send d
wait_match "Respuesta en duda · [0-9/]{8} [0-9:]{5} · hay 1 más"
wait_for "No se sabe si le llegó al cliente: «Y sin aval, señora»"
wait_for "sí le llegó"
send_key Enter
wait_for "Respuesta marcada como enviada. Queda 1 en duda."
wait_until_gone "Respuesta en duda ·"
[ "$(sql_as dud1 "SELECT concat_ws('|', estado, incierto) FROM crm.wa_mensajes
                  WHERE id = $nueva")" = "ENVIADO|f" ] || fail "la nueva no quedó ENVIADO"
wait_for "Le escribió por WhatsApp · enviado  dud1"
[ "$(screen | grep -c 'Le escribió por WhatsApp · en duda  dud1')" -eq 1 ] ||
    fail "la vieja ya no dice «en duda»"

# 3. d again: the older one, alone; «volver a enviar» (→): it goes out with no key pressed.
send d
wait_match "Respuesta en duda · [0-9/]{8} [0-9:]{5} "
screen | grep -q "hay 1 más" && fail "dice que hay más"
wait_for "No se sabe si le llegó al cliente: «Hasta 80 mil, le explico mañana»"
screen | grep -q "no saldrá" && fail "dice que no saldrá con la ventana abierta"
send_key Right
wait_for "volver a enviar"
send_key Enter
wait_match '^ Vuelve a la cola: sale en unos segundos\. *$'
wait_until_gone "Respuesta en duda ·"
wait_for "Le escribió por WhatsApp · entregado  dud1"
[ "$(sql_as dud1 "SELECT estado IN ('ENTREGADO', 'LEIDO') AND NOT incierto FROM crm.wa_mensajes
                  WHERE id = $vieja")" = t ] || fail "la base no dice que se entregó"
send g
wait_for "#$julia"
screen | grep -q "en duda" && fail "queda un aviso o una fila en duda"
wait_match '^ w responder por WhatsApp  m mover de etapa  n nota  v venta *$'

# 4. Marco: his 24 hours are over. The form says first that a re-send will not go; it goes back
#    to the queue anyway and the sender skips it.
send_key Escape
wait_for "Búsqueda «Julia Duda» · 1 oportunidad"
send_key Escape
abrir 'Marco Duda'
wait_for "#$marco"
wait_for "⚠ Una respuesta quedó en duda: no se sabe si le llegó al cliente"
wait_match '^ d decidir la respuesta en duda  m mover de etapa  n nota  v venta *$'
send d
wait_for "Si la vuelve a enviar, no saldrá: ya pasaron las 24 horas para"
send_key Right
wait_for "volver a enviar"
send_key Enter
wait_match '^ Vuelve a la cola, pero no saldrá: ya pasaron las 24 horas para contestarle\. *$'
wait_sql dud1 "SELECT concat_ws('|', estado, error) FROM crm.wa_mensajes WHERE id = $amarco" \
    "OMITIDO|VENTANA"
send G
wait_for "Le escribió por WhatsApp · no se envió  dud1"
eb --as dud1 wa conversacion "$marco" > "$out" 2>&1 &&
    grep -Eq '→ no salió +respuesta +Le mando los requisitos \[pasaron más de 24 horas' "$out" ||
    fail "la conversación de Marco: $(cat "$out")"

send q
wait_gone
expect_exit 0
e2e_end
