# t_respuestas — the replies to campaigns on Inicio (sql/089), 80×24. resp1 (team respsup)
# has Inicio open with two captured leads (phones 999 000 9001, 9002) and nothing to attend
# («Respuestas por atender (0)», no Enter in the hint bar). A reply arrives on her WhatsApp
# (api.wa_entrante as the account, as the sender writes it): without a key pressed the row
# appears (client, stage, «ahora», the text) and the bottom bar says «Nueva respuesta de …»;
# a second client's reply is announced alone (the first is not said again) and goes on top.
# The embudo marks both cards «✉». Enter on Julia's opens Detalle with «Respondió por
# WhatsApp» and the text; an attempt recorded meanwhile from the CLI attends it, and Esc
# comes back to an Inicio without it (and her card without the mark).
# Her supervisor sees the one left, with resp1's login. Its own users and phones.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('respsup', 'Sara Respuestas', 'SUPERVISOR');
    SELECT api.crear_usuario('resp1', 'Rita Respuestas', 'PROMOTOR', 'respsup')" \
    >/dev/null || fail "crear respsup y resp1"
eb --as resp1 captar --nombre "Julia Pérez Núñez" --telefono 9990009001 >/dev/null ||
    fail "captar a Julia"
eb --as resp1 captar --nombre "Marco Ruiz" --telefono 9990009002 >/dev/null ||
    fail "captar a Marco"
julia=$(sql_as resp1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                         ON p.id = o.prospecto_id WHERE p.nombre = 'Julia Pérez Núñez'")
[ -n "$julia" ] || fail "resp1 no tiene a Julia"
responde() { # responde TELEFONO TEXTO: a text on resp1's WhatsApp
    sql_as resp1 "SELECT count(*) FROM api.wa_entrante('$1', '$2')" >/dev/null
}

start_app 80 24 --as resp1
wait_for "● conectado"
wait_for "Respuestas por atender (0)"
expect_line '^  Ninguna por ahora: cuando un cliente conteste una campaña, aparece aquí\.$'
expect_line '^ \? ayuda  : comando  q salir *$'

t0=$(now_ms)
responde +529990009001 'Sí me interesa, ¿cuánto me prestan?'
wait_for "Respuestas por atender (1)"
echo "$E2E_NAME: la respuesta llegó a la pantalla en $(($(now_ms) - t0)) ms"
wait_match '^ Nueva respuesta de Julia Pérez Núñez: «Sí me interesa, ¿cuánto me prestan\?» *$'
expect_line '^  Julia Pérez Núñez +Nuevo +ahora +«Sí me interesa, ¿cuánto me p…» *$'
send j # any key: the bottom bar's line is read
wait_match '^ Enter abrir la respuesta  \? ayuda  : comando  q salir *$'

responde +529990009002 'Hola'
wait_for "Respuestas por atender (2)"
wait_match '^ Nueva respuesta de Marco Ruiz: «Hola» *$'
expect_line '^  Marco Ruiz +Nuevo +ahora +«Hola» *$'
[ "$(screen | grep -n 'Marco Ruiz  ' | cut -d: -f1)" -lt \
    "$(screen | grep -n 'Julia Pérez Núñez  ' | cut -d: -f1)" ] || fail "la más nueva no va arriba"

# The embudo's cards of both start with «✉».
send 2
wait_for "✉ Julia Pérez Núñez"
wait_for "✉ Marco Ruiz"
send 1
wait_for "Respuestas por atender (2)"

# The cursor stayed on Julia's (it follows the opportunity, not the row): ↑ to Marco's and
# ↓ back; Enter opens hers in Detalle.
send k
send j
send_key Enter
wait_for "#$julia"
wait_for "Respondió por WhatsApp"
wait_for "«Sí me interesa, ¿cuánto me prestan?»"
screen | grep -q "Respondió por WhatsApp  resp1" && fail "la respuesta lleva el login de resp1"
eb --as resp1 intento "$julia" contactado --nota 'le expliqué el crédito' >/dev/null ||
    fail "intento"
wait_for "Intento: contactado"
send_key Escape
wait_for "Respuestas por atender (1)"
screen | grep -q "Julia Pérez Núñez" && fail "Julia sigue por atender"
expect_line '^  Marco Ruiz +Nuevo +(ahora|hace [0-9]+ min) +«Hola» *$'
send 2
wait_for "✉ Marco Ruiz"
wait_for "Julia Pérez Núñez"
screen | grep -q "✉ Julia" && fail "la tarjeta de Julia sigue marcada"
send q
wait_gone
expect_exit 0

start_app 80 24 --as respsup
wait_for "● conectado"
wait_for "Respuestas por atender (1)"
expect_line '^  Marco Ruiz +resp1 +Nuevo +(ahora|hace [0-9]+ min) +«Hola» *$'
send q
wait_gone
expect_exit 0
e2e_end
