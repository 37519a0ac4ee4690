# t_cli_corregir — `embudo corregir`, a captured lead's name, phone or CURP corrected (sql/085),
# from the command line with its own supervisor and promoters (supcor, promcor1, promcor2):
# the promoter fixes a mistyped phone and then the name (--json), the history carries one
# DATOS_CORREGIDOS row each with the reason; the other promoter cannot touch it and is not
# told whose a duplicate phone is, the supervisor is; a padron client's data are refused with
# the pointer to the lender (exit 1); nothing to change is exit 1; flags are checked before
# connecting (exit 2). What it writes is these promoters' own leads.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supcor', 'Sonia Corrige', 'SUPERVISOR');
    SELECT api.crear_usuario('promcor1', 'Paula Corrige', 'PROMOTOR', 'supcor');
    SELECT api.crear_usuario('promcor2', 'Pedro Corrige', 'PROMOTOR', 'supcor')" \
    >/dev/null || fail "crear supcor, promcor1 y promcor2"
eb --as promcor1 captar --nombre "Rosa Corrige" --telefono 9990007001 >/dev/null ||
    fail "captar como promcor1"
eb --as promcor2 captar --nombre "Luis Corrige" --telefono 9990007009 >/dev/null ||
    fail "captar como promcor2"
op=$(sql_as promcor1 "SELECT id FROM crm.oportunidades")

eb --as promcor1 corregir "$op" --telefono '999 000 7002' --motivo 'dígitos invertidos' \
    > "$out" 2>&1 && grep -q "^oportunidad $op: se corrigió el teléfono$" "$out" ||
    fail "corregir el teléfono: $(cat "$out")"
eb --as promcor1 --json corregir "$op" --nombre 'Rosa Corrige Paz' --motivo 'su apellido' \
    > "$out" 2>&1 &&
    grep -qx "{\"oportunidad\":$op,\"mensaje\":\"oportunidad $op: se corrigió el nombre\"}" "$out" ||
    fail "corregir el nombre (--json): $(cat "$out")"
[ "$(sql_as promcor1 "SELECT p.nombre || ' ' || p.telefono FROM crm.prospectos p
        JOIN crm.oportunidades o ON o.prospecto_id = p.id")" = 'Rosa Corrige Paz +529990007002' ] ||
    fail "el prospecto no quedó corregido"
[ "$(sql_as promcor1 "SELECT string_agg(motivo || ':' || (datos->>'campos'), ' / ' ORDER BY id)
        FROM crm.historial WHERE evento = 'DATOS_CORREGIDOS'")" = \
    'dígitos invertidos:["telefono"] / su apellido:["nombre"]' ] || fail "historial"

eb --as promcor2 corregir "$op" --nombre 'Otra' --motivo 'no es mía' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "no existe o no es suya" "$out" || fail "promcor2 corrigió: $(cat "$out")"
eb --as promcor1 corregir "$op" --telefono 9990007009 --motivo 'duplicado' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "ya tiene una oportunidad activa con otro promotor$" "$out" ||
    fail "duplicado como promotor: $(cat "$out")"
eb --as supcor corregir "$op" --telefono 9990007009 --motivo 'duplicado' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "ya tiene una oportunidad activa ([0-9]*) con Pedro Corrige (promcor2)" \
    "$out" || fail "duplicado como supervisor: $(cat "$out")"
eb --as promcor1 corregir "$op" --nombre 'Rosa Corrige Paz' --motivo 'igual' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "nada que corregir" "$out" || fail "sin cambios: $(cat "$out")"
padron=$(sql_as prom1 "SELECT min(id) FROM crm.oportunidades WHERE cliente_id IS NOT NULL
                          AND estado IN ('ABIERTA', 'EN_BANDEJA')")
eb --as prom1 corregir "$padron" --nombre 'Otro Nombre' --motivo 'padrón' > "$out" 2>&1
[ $? -eq 1 ] && grep -q "es de un cliente del padrón: sus datos vienen de la financiera" "$out" ||
    fail "padrón: $(cat "$out")"
eb --as promcor1 corregir "$op" --nombre 'Rosa' > "$out" 2>&1
[ $? -eq 2 ] && grep -q "falta «--motivo»" "$out" || fail "sin motivo: $(cat "$out")"
eb --as promcor1 corregir "$op" --motivo 'nada' > "$out" 2>&1
[ $? -eq 2 ] && grep -q "diga qué corregir: --nombre, --telefono o --curp" "$out" ||
    fail "sin campos: $(cat "$out")"
e2e_end
