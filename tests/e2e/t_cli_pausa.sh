# t_cli_pausa — a promoter's stage timers wait while they are away (sql/094), from the command
# line with its own supervisor and promoter (suppau, prompau): the promoter captures two
# leads; the supervisor marks her on holiday and `usuario estado` says both timers are paused;
# `oportunidades` shows «en pausa» and the JSON timer_en_pausa; extending one is refused with
# its reason; coming back, the timers run again with the hours they kept, and the history has
# both steps. Its own users and leads, so no other scenario's timers move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suppau', 'Sofía Pausa', 'SUPERVISOR');
    SELECT api.crear_usuario('prompau', 'Pilar Pausa', 'PROMOTOR', 'suppau')" \
    >/dev/null || fail "crear suppau y prompau"
eb --as prompau captar --nombre "Rosa Pausa" --telefono 9990006001 >/dev/null &&
    eb --as prompau captar --nombre "Raúl Pausa" --telefono 9990006002 >/dev/null ||
    fail "captar como prompau"
# Business hours each has left, «24.0000 23.9990».
restan() {
    sql_as prompau "SELECT string_agg(round(api.horas_habiles_entre(now(), timer_vence), 4)::text,
        ' ' ORDER BY id) FROM crm.oportunidades"
}
antes=$(restan)

eb --as suppau usuario estado prompau VACACIONES --motivo 'semana santa' > "$out" 2>&1 &&
    grep -q "^prompau: ACTIVO → VACACIONES (2 temporizadores en pausa mientras no está)$" "$out" ||
    fail "vacaciones: $(cat "$out")"
eb --as prompau oportunidades > "$out" 2>&1 || fail "oportunidades: $(cat "$out")"
[ "$(grep -c "en pausa: [0-9]* h [0-9]* m hábiles" "$out")" -eq 2 ] ||
    fail "oportunidades en pausa: $(cat "$out")"
eb --as prompau --json oportunidades > "$out" 2>&1 || fail "oportunidades --json"
[ "$(grep -o '"timer_en_pausa":true' "$out" | wc -l)" -eq 2 ] || fail "--json: $(cat "$out")"
op=$(sql_as prompau "SELECT min(id) FROM crm.oportunidades")
eb --as suppau extender "$op" --horas 8 --motivo 'más tiempo' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "está en pausa mientras su promotor no está" "$out" ||
    fail "extender en pausa: $(cat "$out")"

eb --as suppau --json usuario estado prompau activo > "$out" 2>&1 &&
    grep -q '^{"usuario":"prompau","estado":"ACTIVO","temporizadores_pausados":0,"temporizadores_reanudados":2}$' \
        "$out" || fail "regreso: $(cat "$out")"
despues=$(restan)
# The same hours to a minute (the steps are seconds apart, maybe within business hours).
echo "$antes $despues" | awk '{ exit !(NF == 4 && $1 - $3 < 0.02 && $3 - $1 < 0.02 &&
                                      $2 - $4 < 0.02 && $4 - $2 < 0.02) }' ||
    fail "las horas no se conservaron: antes $antes, después $despues"
[ "$(sql_as prompau "SELECT string_agg(evento || ':' || motivo, ' | ' ORDER BY id)
        FROM crm.historial WHERE oportunidad_id = $op AND evento LIKE 'TIMER_%'")" = \
    "TIMER_PAUSADO:Pilar Pausa está de vacaciones: semana santa | TIMER_REANUDADO:Pilar Pausa regresó" ] ||
    fail "historial de la pausa"
e2e_end
