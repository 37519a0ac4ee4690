# t_cli_respuestas — `embudo respuestas`, what clients answered to campaign messages
# (sql/089), from the command line with its own supervisors and promoters (respcsup: respc1;
# respcsup2: respc2) and captured leads (phones 999 000 91xx): nothing yet, then a reply, an
# opt-out and a text from a number no opportunity has; the promoter's table and --pendientes,
# her supervisor's with her login and without the orphan, the other team's empty, --json;
# an attempt attends the reply; --desde; flags checked before connecting (exit 2). The replies
# are written as api.wa_entrante writes them for the account.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('respcsup', 'Sofía Respuestas', 'SUPERVISOR');
    SELECT api.crear_usuario('respcsup2', 'Silvia Otra', 'SUPERVISOR');
    SELECT api.crear_usuario('respc1', 'Rebeca Respuestas', 'PROMOTOR', 'respcsup');
    SELECT api.crear_usuario('respc2', 'Rodrigo Otro', 'PROMOTOR', 'respcsup2')" \
    >/dev/null || fail "crear respcsup, respcsup2, respc1 y respc2"
eb --as respc1 captar --nombre "Julia Contesta" --telefono 9990009101 >/dev/null ||
    fail "captar como respc1"
eb --as respc1 captar --nombre "Marco Baja" --telefono 9990009102 >/dev/null ||
    fail "captar como respc1"
eb --as respc2 captar --nombre "Nora Otra" --telefono 9990009103 >/dev/null ||
    fail "captar como respc2"
julia=$(sql_as respc1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                          ON p.id = o.prospecto_id WHERE p.nombre = 'Julia Contesta'")

eb --as respc1 respuestas > "$out" 2>&1 && grep -qx "no hay respuestas en los últimos 30 días" \
    "$out" || fail "sin respuestas: $(cat "$out")"
eb --as respc1 respuestas --pendientes > "$out" 2>&1 &&
    grep -qx "no hay respuestas por atender" "$out" || fail "sin pendientes: $(cat "$out")"
eb --as respc1 --json respuestas > "$out" 2>&1 && grep -qx '\[\]' "$out" ||
    fail "sin respuestas (--json): $(cat "$out")"

# What the sender records when a text arrives on respc1's WhatsApp.
for r in "'+529990009101', E'Sí me interesa\\n¿cuánto me prestan?'" \
    "'+529990009102', 'BAJA', true, 'palabra'" "'+529990009199', 'Hola, ¿quién es?'"; do
    sql_as respc1 "SELECT count(*) FROM api.wa_entrante($r)" >/dev/null
done
sql_as respc2 "SELECT count(*) FROM api.wa_entrante('+529990009103', 'Mañana le marco')" \
    >/dev/null

eb --as respc1 respuestas > "$out" 2>&1 || fail "respuestas de respc1: $(cat "$out")"
head -n 1 "$out" | grep -Eq '^RESPUESTA +RECIBIDA +OPORT\. +CLIENTE +PROMOTOR +ETAPA +ESTADO +TEXTO$' ||
    fail "encabezado: $(cat "$out")"
[ "$(wc -l < "$out")" -eq 4 ] || fail "respc1 debía ver 3 respuestas: $(cat "$out")"
grep -Eq " $julia +Julia Contesta +respc1 +Nuevo +por atender +Sí me interesa ¿cuánto me prestan\?$" \
    "$out" || fail "la respuesta de Julia: $(cat "$out")"
grep -Eq " Marco Baja +respc1 +Nuevo +baja +BAJA$" "$out" || fail "la baja: $(cat "$out")"
grep -Eq " — +\+529990009199 +respc1 +— +sin oportunidad +Hola, ¿quién es\?$" "$out" ||
    fail "la huérfana: $(cat "$out")"
grep -q "Nora" "$out" && fail "respc1 ve la respuesta de otro equipo"

eb --as respc1 respuestas --pendientes > "$out" 2>&1 || fail "--pendientes: $(cat "$out")"
[ "$(wc -l < "$out")" -eq 2 ] && grep -q "Julia Contesta" "$out" ||
    fail "pendientes de respc1: $(cat "$out")"

eb --as respcsup respuestas --pendientes > "$out" 2>&1 || fail "supervisora: $(cat "$out")"
[ "$(wc -l < "$out")" -eq 2 ] && grep -Eq "Julia Contesta +respc1 +Nuevo +por atender" "$out" ||
    fail "pendientes de respcsup: $(cat "$out")"
eb --as respcsup respuestas > "$out" 2>&1 || fail "supervisora, todas: $(cat "$out")"
grep -q "quién es" "$out" && fail "la supervisora ve la huérfana de respc1: $(cat "$out")"
eb --as respcsup2 respuestas --pendientes > "$out" 2>&1 || fail "otra supervisora: $(cat "$out")"
[ "$(wc -l < "$out")" -eq 2 ] && grep -Eq "Nora Otra +respc2 " "$out" ||
    fail "respcsup2 debía ver solo la de respc2: $(cat "$out")"

eb --as respc1 --json respuestas --pendientes > "$out" 2>&1 || fail "--json: $(cat "$out")"
grep -q "^\[{\"respuesta\":[0-9]*,\"oportunidad\":$julia,\"recibida\":\"20[0-9-]*T[0-9:]*Z\",\"cliente\":\"Julia Contesta\",\"telefono\":\"+529990009101\",\"etapa\":\"Nuevo\",\"estado_oportunidad\":\"ABIERTA\",\"promotor\":\"respc1\",\"texto\":\"Sí me interesa\\\\n¿cuánto me prestan?\",\"baja\":false,\"atendida\":false,\"por_atender\":true}\]$" \
    "$out" || fail "--json: $(cat "$out")"

# She called: the reply is attended.
eb --as respc1 intento "$julia" contactado --nota 'le expliqué el crédito' >/dev/null ||
    fail "intento"
eb --as respc1 respuestas --pendientes > "$out" 2>&1 &&
    grep -qx "no hay respuestas por atender" "$out" || fail "sigue por atender: $(cat "$out")"
eb --as respc1 respuestas > "$out" 2>&1 && grep -Eq "Julia Contesta +respc1 +Nuevo +atendida " \
    "$out" || fail "atendida: $(cat "$out")"

manana=$(sql_as respc1 "SELECT (crm.fecha_negocio(now()) + 1)::text")
eb --as respc1 respuestas --desde "$manana" > "$out" 2>&1 &&
    grep -qx "no hay respuestas desde el $manana" "$out" || fail "--desde: $(cat "$out")"
eb --as auditor respuestas --pendientes > "$out" 2>&1 && grep -q "Nora Otra" "$out" ||
    fail "el auditor: $(cat "$out")"

eb --as respc1 respuestas --desde 2026-02-30 > "$out" 2>&1
[ $? -eq 2 ] && grep -q "«--desde» es una fecha AAAA-MM-DD" "$out" || fail "fecha: $(cat "$out")"
eb --as respc1 respuestas --todas > "$out" 2>&1
[ $? -eq 2 ] && grep -q "uso: embudo respuestas" "$out" || fail "opción: $(cat "$out")"
e2e_end
