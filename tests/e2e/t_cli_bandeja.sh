# t_cli_bandeja — `embudo bandeja` counts the wait in business hours (sql/103), from the command
# line with its own supervisor and promoter (supban, promban): the promoter captures two leads
# and sends both to the bandeja; the supervisor's listing has the column ESPERA HÁB. and, in
# --json, espera_habiles equal to what api.horas_habiles_entre says of the same instants and
# atrasada false; one exit backdated ten days (more business hours than bandeja_horas on any
# calendar) is marked «!», counted on the last line and atrasada in --json, while its wall-clock
# antiguedad_horas stays a separate fact. Both are discarded at the end, so no other
# scenario's bandeja changes.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supban', 'Sandra Bandeja', 'SUPERVISOR');
    SELECT api.crear_usuario('promban', 'Pablo Bandeja', 'PROMOTOR', 'supban')" \
    >/dev/null || fail "crear supban y promban"
for n in 1 2; do
    eb --as promban captar --nombre "Cliente Bandeja $n" --telefono 999001510$n >/dev/null ||
        fail "captar $n como promban"
done
op1=$(sql_as promban "SELECT min(id) FROM crm.oportunidades")
op2=$(sql_as promban "SELECT max(id) FROM crm.oportunidades")
for op in $op1 $op2; do
    eb --as promban mover "$op" 'No interesado' --motivo 'ya tiene crédito' >/dev/null ||
        fail "mover $op a la bandeja"
done

eb --as supban bandeja > "$out" 2>&1 || fail "bandeja: $(cat "$out")"
grep -q "^ID .* ESPERA HÁB\.  INTENTOS " "$out" || fail "encabezado: $(cat "$out")"
[ "$(grep -c "^$op1 .*promban .*No interesado  *[0-9]* h    0 intentos *ya tiene crédito$" "$out")" \
    -eq 1 ] || fail "fila $op1: $(cat "$out")"
grep -q "atrasada" "$out" && fail "nada debía estar atrasado: $(cat "$out")"

eb --as supban --json bandeja > "$out" 2>&1 || fail "bandeja --json: $(cat "$out")"
[ "$(grep -o '"atrasada":false' "$out" | wc -l)" -eq 2 ] || fail "--json atrasada: $(cat "$out")"
# The hours the database computed, against the calendar's other reader at the same instant.
[ "$(sql_as supban "SELECT count(*) FROM api.bandeja() WHERE espera_habiles =
        round(api.horas_habiles_entre(least(en_bandeja_desde, now()), now()), 2)")" = 2 ] ||
    fail "espera_habiles no son las horas hábiles"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.oportunidades SET etapa_desde = etapa_desde - interval '10 days'
     WHERE id = $op1" >/dev/null || fail "atrasar $op1"
eb --as supban bandeja > "$out" 2>&1 || fail "bandeja atrasada: $(cat "$out")"
grep -q "^$op1 .* [0-9]* h !  0 intentos *ya tiene crédito$" "$out" || fail "fila atrasada: $(cat "$out")"
grep -q "^$op2 .* [0-9]* h    0 intentos *ya tiene crédito$" "$out" || fail "fila al día: $(cat "$out")"
grep -q "^! = atrasada (1): más horas hábiles en la bandeja de las que fija el ajuste bandeja_horas$" \
    "$out" || fail "línea de atrasadas: $(cat "$out")"
eb --as supban --json bandeja > "$out" 2>&1 || fail "bandeja --json atrasada"
grep -q "{\"oportunidad\":$op1,.*\"antiguedad_horas\":2[4-9][0-9],\"espera_habiles\":[0-9.]*,\"atrasada\":true," \
    "$out" || fail "--json atrasada: $(cat "$out")"

eb --as supban bandeja descartar "$op1" "$op2" --motivo 'prueba terminada' >/dev/null ||
    fail "descartar"
eb --as supban bandeja > "$out" 2>&1 && grep -q "^la bandeja está vacía$" "$out" ||
    fail "bandeja vacía: $(cat "$out")"
e2e_end
