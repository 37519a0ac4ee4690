# t_cli_prorroga — `embudo prorroga`, a stage timer that waits until a date (sql/079), from the
# command line with its own supervisor and promoter (supprr, promprr): the promoter captures
# a lead and asks for a prórroga; the supervisor sees it and approves it, and the lead's timer
# now runs to the stage's whole timer from that date; a second request is rejected with an
# answer, a third withdrawn; another team's supervisor cannot decide (exit 1); --json carries
# the list. What it writes is promprr's own lead, so no other scenario's data moves.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supprr', 'Silvia Prórroga', 'SUPERVISOR');
    SELECT api.crear_usuario('promprr', 'Pedro Prórroga', 'PROMOTOR', 'supprr')" \
    >/dev/null || fail "crear supprr y promprr"
eb --as promprr captar --nombre "Rosa Prórroga" --telefono 9990004001 >/dev/null ||
    fail "captar como promprr"
op=$(sql_as promprr "SELECT id FROM crm.oportunidades")
hasta=$(sql_as promprr "SELECT crm.fecha_negocio(now()) + 7")

eb --as promprr prorroga pedir "$op" --hasta "$hasta" --motivo 'cobra el día 15' > "$out" 2>&1 ||
    fail "pedir: $(cat "$out")"
id=$(sed -n 's/^prórroga \([0-9]*\) pedida: la oportunidad .* espera hasta el .*/\1/p' "$out")
[ -n "$id" ] || fail "pedir: $(cat "$out")"
eb --as promprr prorroga pedir "$op" --hasta "$hasta" --motivo 'otra vez' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "ya tiene una prórroga por decidir" "$out" || fail "dos a la vez: $(cat "$out")"

eb --as supprr prorroga > "$out" 2>&1 || fail "lista: $(cat "$out")"
grep -q "^$id  *$op  *promprr  *Nuevo  .*  $hasta  *PENDIENTE  *cobra el día 15$" "$out" ||
    fail "lista como supprr: $(cat "$out")"
eb --as sup2 prorroga aprobar "$id" > "$out" 2>&1
[ $? -eq 1 ] && grep -q "no existe o no es de su equipo" "$out" || fail "sup2 decidió: $(cat "$out")"
eb --as supprr prorroga aprobar "$id" > "$out" 2>&1 &&
    grep -q "^prórroga $id aprobada: el temporizador vence el [0-9/]* [0-9:]*$" "$out" ||
    fail "aprobar: $(cat "$out")"
[ "$(sql_as promprr "SELECT o.timer_vence = crm.sumar_horas_habiles('$hasta'::timestamp AT TIME
        ZONE crm.zona(), e.timer_horas, crm.zona()) FROM crm.oportunidades o
        JOIN crm.etapas e ON e.id = o.etapa_id")" = t ] || fail "el temporizador no se movió"

# Rejected with an answer; then asked and withdrawn.
eb --as promprr prorroga pedir "$op" --hasta "$hasta" --motivo 'otra semana' > "$out" 2>&1 ||
    fail "pedir otra: $(cat "$out")"
id2=$(sed -n 's/^prórroga \([0-9]*\) pedida.*/\1/p' "$out")
eb --as supprr prorroga rechazar "$id2" --respuesta 'llámale hoy' > "$out" 2>&1 &&
    grep -q "^prórroga $id2 rechazada$" "$out" || fail "rechazar: $(cat "$out")"
eb --as promprr prorroga pedir "$op" --hasta "$hasta" --motivo 'última' > "$out" 2>&1 ||
    fail "pedir la tercera: $(cat "$out")"
id3=$(sed -n 's/^prórroga \([0-9]*\) pedida.*/\1/p' "$out")
eb --as promprr prorroga cancelar "$id3" > "$out" 2>&1 &&
    grep -q "^prórroga $id3 cancelada$" "$out" || fail "cancelar: $(cat "$out")"

eb --as promprr --json prorroga --todas > "$out" 2>&1 || fail "lista --json"
grep -q "\"prorroga\":$id2,\"oportunidad\":$op,.*\"estado\":\"RECHAZADA\",.*\"resuelta_por\":\"supprr\",\"respuesta\":\"llámale hoy\"" "$out" &&
    grep -q "\"prorroga\":$id,.*\"estado\":\"APROBADA\"" "$out" &&
    grep -q "\"prorroga\":$id3,.*\"estado\":\"CANCELADA\"" "$out" || fail "--json: $(cat "$out")"
[ "$(sql_as promprr "SELECT string_agg(evento, ' ' ORDER BY id) FROM crm.historial
        WHERE evento LIKE 'PRORROGA%'")" = \
    "PRORROGA_PEDIDA PRORROGA PRORROGA_PEDIDA PRORROGA_RECHAZADA PRORROGA_PEDIDA PRORROGA_CANCELADA" ] ||
    fail "historial de la prórroga"
e2e_end
