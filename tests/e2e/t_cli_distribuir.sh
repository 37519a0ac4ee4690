# t_cli_distribuir — `embudo distribuir`, a supervisor dealing clients over the team: the
# preview lists each active promoter with today's receipts, cupo and cartera room and what
# they would get, and writes nothing; the distribution deals it (one lote each, cupo charged)
# and says so; the same clave again returns it without charging twice; `reparto` shows the
# clients as dealt (REPART.); --json carries the same; a promoter is refused and an absent
# promoter named in --promotores too. Its own people (supdis: promdis1, promdis2 and the
# absent promdis3) and PEMEX clients, which go back to the pool through the bandeja at the
# end, so no other scenario's counts move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supdis', 'Supervisora Reparto', 'SUPERVISOR');
    SELECT api.crear_usuario('promdis1', 'Alma Reparto', 'PROMOTOR', 'supdis');
    SELECT api.crear_usuario('promdis2', 'Beto Reparto', 'PROMOTOR', 'supdis');
    SELECT api.crear_usuario('promdis3', 'Ciro Reparto', 'PROMOTOR', 'supdis');
    UPDATE crm.usuarios SET estado = 'AUSENTE' WHERE login = 'promdis3'" \
    >/dev/null || fail "crear supdis"
pemex=$(sql_as supdis "SELECT disponibles FROM api.disponibles('PEMEX')")

eb --as supdis distribuir --cantidad 5 --convenio PEMEX --vista-previa > "$out" 2>&1 ||
    fail "vista previa: $(cat "$out")"
head -n 1 "$out" | grep -q '^PROMOTOR  *NOMBRE  *HOY  *CUPO  *CARTERA  *RECIBIRÍA$' ||
    fail "encabezado de la vista previa: $(cat "$out")"
grep -q '^promdis1  *Alma Reparto  *0  *50  *500  *3$' "$out" &&
    grep -q '^promdis2  *Beto Reparto  *0  *50  *500  *2$' "$out" &&
    grep -q "^total: 5 de $pemex disponibles con esos filtros$" "$out" ||
    fail "vista previa: $(cat "$out")"
grep -q promdis3 "$out" && fail "la vista previa incluye a la ausente: $(cat "$out")"
[ "$(sql_as postgres "SELECT count(*) FROM crm.lotes l JOIN crm.usuarios u ON u.id = l.usuario_id WHERE u.supervisor_id = (SELECT id FROM crm.usuarios WHERE login = 'supdis')")" = 0 ] ||
    fail "la vista previa escribió lotes"

eb --as supdis distribuir --cantidad 5 --convenio PEMEX --clave cli-dis > "$out" 2>&1 ||
    fail "distribuir: $(cat "$out")"
head -n 1 "$out" | grep -q '^se repartieron 5 clientes entre 2 promotores$' &&
    grep -q '^promdis1  *Alma Reparto  *3  *[0-9][0-9]*  *47$' "$out" &&
    grep -q '^promdis2  *Beto Reparto  *2  *[0-9][0-9]*  *48$' "$out" ||
    fail "distribuir: $(cat "$out")"
eb --as supdis --json distribuir --cantidad 5 --convenio PEMEX --clave cli-dis > "$out" 2>&1 ||
    fail "distribuir otra vez: $(cat "$out")"
grep -q '"repetido":true,"mensaje":"esta distribución ya se había hecho (clave cli-dis): 5 clientes repartidos"' "$out" &&
    grep -q '"promotor":"promdis1","nombre":"Alma Reparto","asignados":3,"lote":[0-9]*,"cupo_restante":47' "$out" ||
    fail "la misma clave: $(cat "$out")"
[ "$(sql_as promdis1 "SELECT count(*) FROM crm.oportunidades")" = 3 ] ||
    fail "promdis1 no tiene sus 3"

eb --as supdis reparto > "$out" 2>&1 || fail "reparto: $(cat "$out")"
grep -q '^promdis2  *Beto Reparto  *ACTIVO  *50  *2  *0  *0  *2  *0  *0  *0  *0  *2/500$' "$out" ||
    fail "reparto sin lo repartido: $(cat "$out")"

# Refusals: a promoter; an absent promoter by name.
eb --as promdis1 distribuir --cantidad 5 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'su usuario no tiene permiso para esto' "$out" ||
    fail "un promotor repartió: $(cat "$out")"
eb --as supdis distribuir --cantidad 5 --promotores promdis3 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'Ciro Reparto está en estado AUSENTE: no puede recibir clientes' "$out" ||
    fail "--promotores promdis3: $(cat "$out")"

# Back to the pool for the next scenarios.
for p in promdis1 promdis2; do
    for i in $(sql_as "$p" "SELECT id FROM crm.oportunidades ORDER BY id"); do
        eb --as "$p" mover "$i" "No interesado" --motivo "fin de la prueba" >/dev/null ||
            fail "mover $i a la salida"
    done
done
# shellcheck disable=SC2046
eb --as supdis bandeja devolver $(sql_as supdis "SELECT id FROM crm.oportunidades ORDER BY id") \
    --motivo "fin de la prueba" >/dev/null || fail "devolver"
[ "$(sql_as supdis "SELECT disponibles FROM api.disponibles('PEMEX')")" = "$pemex" ] ||
    fail "los clientes de PEMEX no volvieron al pool"
e2e_end
