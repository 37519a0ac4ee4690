# t_cli_responder — `embudo wa responder` and `embudo wa conversacion` (sql/101,
# docs/wa-responder.md) from the command line, with their own supervisor and promoters
# (rcsup: rc1, rc2) and captured leads (phones 999 000 92xx): arguments checked before
# connecting (exit 2); a client writes, the promoter without a linked account is refused
# (EB423: exit 1, the database's sentence on stderr, {"error"} with --json); linked on the
# simulated network she answers (the sentence and the message id; --json; the same --clave
# returns the first answer); a client who never wrote, another promoter and an empty text are
# refused; the conversation one line per message before and after `embudo worker --once`
# sends the answers, her supervisor sees it, the other promoter is refused; --json's shape.
# `wa resolver`: its arguments (exit 2), a message not in doubt (EB361), one in doubt (as the
# sender's recovery leaves it, set as postgres: «en duda» in the conversation) refused to the
# other promoter (EB360, also --json), sent again by rc1 (--json) and discarded by her
# supervisor.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
# eb_sim [NAME=value…] COMMAND…: COMMAND on the simulated network (`wa link`, the worker).
eb_sim() {
    env EMBUDO_TRANSPORT=sim EMBUDO_SIM_SEED=5 "$@"
}

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('rcsup', 'Sofía Contesta', 'SUPERVISOR');
    SELECT api.crear_usuario('rc1', 'Rebeca Contesta', 'PROMOTOR', 'rcsup');
    SELECT api.crear_usuario('rc2', 'Rodrigo Contesta', 'PROMOTOR', 'rcsup')" \
    >/dev/null || fail "crear rcsup, rc1 y rc2"
eb --as rc1 captar --nombre "Julia Pregunta" --telefono 9990009201 >/dev/null ||
    fail "captar como rc1"
eb --as rc1 captar --nombre "Pedro Callado" --telefono 9990009202 >/dev/null ||
    fail "captar como rc1"
julia=$(sql_as rc1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                       ON p.id = o.prospecto_id WHERE p.nombre = 'Julia Pregunta'")
pedro=$(sql_as rc1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                       ON p.id = o.prospecto_id WHERE p.nombre = 'Pedro Callado'")

# Arguments: usage, exit 2, before any connection.
eb --as rc1 wa responder "$julia" > "$out" 2>&1
[ $? -eq 2 ] && grep -q "wa responder necesita OPORTUNIDAD y TEXTO" "$out" &&
    grep -q "uso: embudo wa link" "$out" || fail "sin TEXTO: $(cat "$out")"
eb --as rc1 wa responder julia 'Hola' > "$out" 2>&1
[ $? -eq 2 ] && grep -q "«julia» no es un número de oportunidad" "$out" ||
    fail "oportunidad: $(cat "$out")"
eb --as rc1 wa responder "$julia" 'Hola' --clav k > "$out" 2>&1
[ $? -eq 2 ] && grep -q "opción desconocida: «--clav»" "$out" || fail "opción: $(cat "$out")"
eb --as rc1 wa conversacion > "$out" 2>&1
[ $? -eq 2 ] && grep -q "wa conversacion necesita el número de OPORTUNIDAD" "$out" ||
    fail "conversacion sin OPORTUNIDAD: $(cat "$out")"
eb wa --help > "$out" 2>&1 &&
    grep -q "embudo wa responder OPORTUNIDAD TEXTO \[--clave K\] | wa conversacion OPORTUNIDAD" \
        "$out" || fail "ayuda: $(cat "$out")"

# What the sender records when Julia writes to rc1's WhatsApp.
sql_as rc1 "SELECT count(*) FROM api.wa_entrante('+529990009201', E'¿Me explica\\nlo del crédito?')" \
    >/dev/null

# Not linked yet: refused, nothing queued.
eb --as rc1 wa responder "$julia" 'Claro' > "$out" 2> "$err"
[ $? -eq 1 ] && [ ! -s "$out" ] &&
    grep -qx "embudo: vincule su WhatsApp primero (pantalla WhatsApp, tecla v)" "$err" ||
    fail "sin cuenta: $(cat "$out" "$err")"
eb --as rc1 --json wa responder "$julia" 'Claro' > "$out" 2>/dev/null
[ $? -eq 1 ] &&
    grep -qx '{"error":{"codigo":"EB423","mensaje":"vincule su WhatsApp primero (pantalla WhatsApp, tecla v)"}}' \
        "$out" || fail "sin cuenta (--json): $(cat "$out")"
[ "$(sql_as rc1 "SELECT count(*) FROM crm.wa_mensajes")" = 0 ] || fail "se encoló sin cuenta"

eb_sim EMBUDO_SIM_AUTOSCAN=1 "$E2E_BIN" --home "$E2E_HOME" --as rc1 wa link --raw > "$out" 2>&1 &&
    grep -q "^vinculado: " "$out" || fail "vincular en la red simulada: $(cat "$out")"
sql_as rc1 "SELECT 1 FROM api.wa_configurar(envio_servidor => true)" >/dev/null

eb --as rc1 wa responder "$julia" 'Claro, le explico: son pagos fijos' > "$out" 2>&1 ||
    fail "responder: $(cat "$out")"
grep -Eqx "mensaje [0-9]+: respuesta en cola: sale en unos segundos" "$out" ||
    fail "responder: $(cat "$out")"
primero=$(sed -E 's/^mensaje ([0-9]+):.*/\1/' "$out")
[ "$(sql_as rc1 "SELECT concat_ws('|', campana_id IS NULL, oportunidad_id, telefono, estado)
        FROM crm.wa_mensajes WHERE id = $primero")" = "t|$julia|+529990009201|PENDIENTE" ] ||
    fail "el mensaje encolado"
eb --as rc1 --json wa responder "$julia" 'Y sin aval' --clave resp-7 > "$out" 2>&1 ||
    fail "responder --json: $(cat "$out")"
grep -Eqx '\{"mensaje_id":[0-9]+,"repetido":false,"proveedor":"WEB","estado_cuenta":"CONECTADA","mensaje":"respuesta en cola: sale en unos segundos"\}' \
    "$out" || fail "responder --json: $(cat "$out")"
segundo=$(sed -E 's/.*"mensaje_id":([0-9]+),.*/\1/' "$out")
eb --as rc1 wa responder "$julia" 'Y sin aval' --clave resp-7 > "$out" 2>&1 &&
    grep -qx "mensaje $segundo: esta respuesta ya se había puesto en cola (clave resp-7)" "$out" ||
    fail "la misma clave: $(cat "$out")"
[ "$(sql_as rc1 "SELECT count(*) FROM crm.wa_mensajes")" = 2 ] || fail "la clave encoló otra"

eb --as rc1 wa responder "$pedro" 'Hola' > "$out" 2>&1
[ $? -eq 1 ] && grep -qx "embudo: el cliente no le ha escrito por WhatsApp: solo se contesta a quien escribió (para escribirle, use una campaña)" \
    "$out" || fail "Pedro no escribió: $(cat "$out")"
eb --as rc2 wa responder "$julia" 'Hola' > "$out" 2>&1
[ $? -eq 1 ] && grep -qx "embudo: solo quien tiene la oportunidad le contesta al cliente" "$out" ||
    fail "otro promotor: $(cat "$out")"
eb --as rc1 wa responder "$julia" ' ' > "$out" 2>&1
[ $? -eq 1 ] && grep -qx "embudo: escriba el texto de la respuesta" "$out" ||
    fail "texto vacío: $(cat "$out")"

eb --as rc1 wa conversacion "$julia" > "$out" 2>&1 || fail "conversacion: $(cat "$out")"
[ "$(wc -l < "$out")" -eq 3 ] || fail "conversacion, 3 líneas: $(cat "$out")"
sed -n 1p "$out" | grep -Eqx '[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2} ← +cliente +¿Me explica lo del crédito\?' ||
    fail "lo que escribió Julia: $(cat "$out")"
sed -n 2p "$out" | grep -Eq '→ en cola +respuesta +Claro, le explico: son pagos fijos$' ||
    fail "la respuesta en cola: $(cat "$out")"
sed -n 3p "$out" | grep -Eq '→ en cola +respuesta +Y sin aval$' || fail "la segunda: $(cat "$out")"
eb --as rc1 wa conversacion "$pedro" > "$out" 2>&1 &&
    grep -qx "la oportunidad $pedro no tiene mensajes de WhatsApp" "$out" ||
    fail "sin mensajes: $(cat "$out")"

# Her worker sends both answers on the simulated network.
eb_sim EMBUDO_RITMO=rapido timeout 60 "$E2E_BIN" --home "$E2E_HOME" --as rc1 worker --once \
    > "$out" 2>&1 || fail "worker --once: $(cat "$out")"
grep -Eq "^envío cuenta [0-9]+: 2 enviados, 0 fallidos, 0 en duda$" "$out" ||
    fail "worker --once: $(cat "$out")"
eb --as rcsup wa conversacion "$julia" > "$out" 2>&1 || fail "la supervisora: $(cat "$out")"
[ "$(grep -Ec '→ (enviado|entregado|leído) +respuesta ' "$out")" -eq 2 ] ||
    fail "enviadas, vistas por la supervisora: $(cat "$out")"
eb --as rc2 wa conversacion "$julia" > "$out" 2>&1
[ $? -eq 1 ] && grep -qx "embudo: la oportunidad $julia no existe o no es visible para usted" "$out" ||
    fail "otro promotor ve la conversación: $(cat "$out")"

eb --as rc1 --json wa conversacion "$julia" > "$out" 2>&1 || fail "--json: $(cat "$out")"
grep -Eqx "\[\{\"cuando\":\"20[0-9-]+T[0-9:]+Z\",\"direccion\":\"entrante\",\"estado\":null,\"campana\":null,\"texto\":\"¿Me explica\\\\nlo del crédito\?\",\"mensaje_id\":null,\"baja\":false,\"incierto\":false,\"motivo\":null\},\{\"cuando\":\"20[0-9-]+T[0-9:]+Z\",\"direccion\":\"saliente\",\"estado\":\"(ENVIADO|ENTREGADO|LEIDO)\",\"campana\":null,\"texto\":\"Claro, le explico: son pagos fijos\",\"mensaje_id\":$primero,\"baja\":false,\"incierto\":false,\"motivo\":null\},\{.*\"mensaje_id\":$segundo,.*\}\]" \
    "$out" || fail "conversacion --json: $(cat "$out")"

# wa resolver: arguments first (usage, exit 2, before connecting).
eb --as rc1 wa resolver "$segundo" > "$out" 2>&1
[ $? -eq 2 ] && grep -q "wa resolver necesita MENSAJE y enviado, reenviar o descartar" "$out" ||
    fail "resolver sin decisión: $(cat "$out")"
eb --as rc1 wa resolver uno enviado > "$out" 2>&1
[ $? -eq 2 ] && grep -q "«uno» no es un número de mensaje" "$out" ||
    fail "resolver MENSAJE: $(cat "$out")"
eb --as rc1 wa resolver "$segundo" quizas > "$out" 2>&1
[ $? -eq 2 ] && grep -q "«quizas» no es una decisión: enviado, reenviar o descartar" "$out" ||
    fail "resolver decisión: $(cat "$out")"
eb wa --help > "$out" 2>&1 &&
    grep -q "embudo wa resolver MENSAJE (enviado|reenviar|descartar)" "$out" ||
    fail "ayuda de resolver: $(cat "$out")"
# Sent and acknowledged: not in doubt (EB361), nothing changes.
eb --as rc1 wa resolver "$primero" reenviar > "$out" 2> "$err"
[ $? -eq 1 ] && [ ! -s "$out" ] &&
    grep -Eqx "embudo: el mensaje $primero no está en duda \((ENVIADO|ENTREGADO|LEIDO)\)" "$err" ||
    fail "no está en duda: $(cat "$out" "$err")"
# A third answer, claimed, then the connection dropped after handing it over: ENVIANDO and in
# doubt (as the sender's recovery leaves it; states only move forward, so not a sent one).
eb --as rc1 wa responder "$julia" 'Le mando los requisitos' > "$out" 2>&1 ||
    fail "tercera respuesta: $(cat "$out")"
tercero=$(sed -E 's/^mensaje ([0-9]+):.*/\1/' "$out")
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', incierto = true, reclamado_at = now()
     WHERE id = $tercero" >/dev/null || fail "dejar en duda la tercera respuesta"
eb --as rc1 wa conversacion "$julia" > "$out" 2>&1 &&
    grep -Eq '→ en duda +respuesta +Le mando los requisitos$' "$out" ||
    fail "conversacion en duda: $(cat "$out")"
eb --as rc2 wa resolver "$tercero" enviado > "$out" 2> "$err"
[ $? -eq 1 ] && [ ! -s "$out" ] &&
    grep -qx "embudo: el mensaje $tercero no existe o no es suyo" "$err" ||
    fail "otro promotor resuelve: $(cat "$out" "$err")"
eb --as rc2 --json wa resolver "$tercero" enviado > "$out" 2>/dev/null
[ $? -eq 1 ] &&
    grep -qx "{\"error\":{\"codigo\":\"EB360\",\"mensaje\":\"el mensaje $tercero no existe o no es suyo\"}}" \
        "$out" || fail "otro promotor (--json): $(cat "$out")"
eb --as rc1 --json wa resolver "$tercero" reenviar > "$out" 2>&1 &&
    grep -qx "{\"mensaje_id\":$tercero,\"estado\":\"PENDIENTE\"}" "$out" ||
    fail "reenviar --json: $(cat "$out")"
[ "$(sql_as rc1 "SELECT concat_ws('|', estado, incierto, programado_para <= now())
        FROM crm.wa_mensajes WHERE id = $tercero")" = "PENDIENTE|f|t" ] ||
    fail "reenviada: el mensaje no volvió a la cola"
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', incierto = true, reclamado_at = now()
     WHERE id = $tercero" >/dev/null || fail "dejarla en duda otra vez"
eb --as rcsup wa resolver "$tercero" descartar > "$out" 2>&1 &&
    grep -qx "mensaje $tercero: FALLIDO" "$out" || fail "la supervisora descarta: $(cat "$out")"
[ "$(sql_as rc1 "SELECT concat_ws('|', estado, incierto, error)
        FROM crm.wa_mensajes WHERE id = $tercero")" = "FALLIDO|f|INCIERTO" ] ||
    fail "descartada: el mensaje"
e2e_end
