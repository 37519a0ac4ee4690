# t_cli_informe — `embudo informe` and `embudo export historial` over the demo data (assigned
# today, so in the default range of the last seven days): sup1's report has the stage
# table, the reasons and its four promoters, not sup2's; prom1 sees only itself; --json
# carries the same stages; naming a promoter of another team is refused (exit 1). The export
# as CSV has one line per history row of the scope (as many as the JSON array), and with
# --salida it writes the file whole or, when refused, leaves nothing behind. `informe
# envejecimiento` for its own team (supcenv, promcenv1, promcenv2): the heading names the
# stages with their timers, each promoter's cells and the totals say what
# api.informe_envejecimiento says, the JSON too; a promoter sees only themself, another
# promoter is refused (exit 1) and an unknown option is a usage error (exit 2). No terminal
# client: this is the scripting side.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as sup1 informe > "$out" 2>&1 || fail "informe como sup1: $(cat "$out")"
head -n 1 "$out" | grep -q '^Informe del [0-9-]* al [0-9-]* (horas hábiles)$' ||
    fail "título: $(head -n 1 "$out")"
grep -q '^ETAPA  *ENTRAN  *SALEN  *AVANZA  *REGRESA  *BANDEJA  *VENTA  *VENCE  *OTRAS  *MEDIANA H  *P90 H  *AHORA$' "$out" ||
    fail "encabezado de etapas: $(cat "$out")"
# The demo assigned clients today: Nuevo has entries.
grep -q '^Nuevo  *[1-9][0-9]*  ' "$out" || fail "Nuevo sin entradas: $(cat "$out")"
grep -q '^POR QUÉ SALEN$' "$out" || fail "sin motivos: $(cat "$out")"
[ "$(grep -c '^prom[1-4] ' "$out")" = 4 ] || fail "sup1 no ve a prom1…prom4: $(cat "$out")"
grep -q '^prom[5-8] ' "$out" && fail "sup1 ve al equipo de sup2: $(cat "$out")"

eb --as prom1 informe > "$out" 2>&1 || fail "informe como prom1: $(cat "$out")"
[ "$(grep -c '^prom[1-8] ' "$out")" = 1 ] && grep -q '^prom1 ' "$out" ||
    fail "prom1 ve a otros: $(cat "$out")"

eb --as sup1 --json informe > "$out" 2>&1 || fail "informe --json"
grep -q '^{"desde":"[0-9-]*","hasta":"[0-9-]*","etapas":\[{"etapa":"Nuevo","tipo":"INICIAL","orden":1,"entradas":[1-9]' "$out" ||
    fail "JSON: $(cat "$out")"

eb --as sup1 informe --promotor prom5 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'el usuario «prom5» no existe o no es de su equipo' "$out" ||
    fail "--promotor prom5 como sup1: $(cat "$out")"

# The export: the CSV and the JSON agree on the rows; a promoter sees only their own.
csv="$E2E_WORK/historial.csv"
eb --as sup1 export historial --salida "$csv" > "$out" 2>&1 || fail "export historial: $(cat "$out")"
head -n 1 "$csv" | grep -q '^historial_id,ocurrido_at,fecha,oportunidad_id,cliente_id,prospecto_id,promotor,evento,' ||
    fail "encabezado del CSV: $(head -n 1 "$csv")"
filas=$(($(wc -l < "$csv") - 1))
[ "$filas" -gt 0 ] || fail "CSV vacío"
json=$(eb --as sup1 --json export historial | grep -o '"historial_id":' | wc -l)
[ "$json" = "$filas" ] || fail "CSV $filas filas, JSON $json"
grep -q ',prom[5-8],' "$csv" && fail "el CSV de sup1 trae al equipo de sup2"
propias=$(eb --as prom1 export historial | grep -c ',prom1,')
[ "$propias" -gt 0 ] && [ "$propias" -le "$filas" ] || fail "prom1: $propias de $filas"
ajenas=$(eb --as prom2 export historial | grep -c ',prom1,')
[ "$ajenas" = 0 ] || fail "prom2 ve $ajenas filas de prom1"

# Refused: exit 1, and neither the file nor its temporary is left.
mal="$E2E_WORK/mal.csv"
eb --as sup1 export historial --promotor prom5 --salida "$mal" > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'no es de su equipo' "$out" || fail "export --promotor prom5: $(cat "$out")"
ls "$E2E_WORK" | grep -q '^mal\.csv' && fail "quedó un archivo: $(ls "$E2E_WORK")"

# The aging heatmap, over a team of its own: promcenv1's two leads entered Nuevo 40 days ago
# and their timer ran out yesterday; promcenv2's one is in Contactado since now.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supcenv', 'Silvia Envejece', 'SUPERVISOR');
    SELECT api.crear_usuario('promcenv1', 'Elena Envejece', 'PROMOTOR', 'supcenv');
    SELECT api.crear_usuario('promcenv2', 'Ernesto Envejece', 'PROMOTOR', 'supcenv')" \
    >/dev/null || fail "crear supcenv"
a=$(sql_as promcenv1 "SELECT oportunidad_id FROM api.captar('Alma Vieja', '+525599000811')")
b=$(sql_as promcenv1 "SELECT oportunidad_id FROM api.captar('Berta Vieja', '+525599000812')")
c=$(sql_as promcenv2 "SELECT oportunidad_id FROM api.captar('Carlos Nuevo', '+525599000813')")
eb --as promcenv2 mover "$c" Contactado >/dev/null || fail "mover $c"
sql_as postgres "UPDATE crm.oportunidades SET timer_aviso = NULL,
                        timer_vence = now() - interval '1 day',
                        etapa_desde = now() - interval '40 days' - id * interval '1 hour'
                  WHERE id IN ($a, $b)" >/dev/null
# What the database says, as the command must print it: one line per promoter (cells
# "n · mediana h" or "—"), then the totals; blanks squeezed to one.
esperado() {
    sql_as "$1" "SELECT string_agg(l, E'\\n' ORDER BY k) FROM (
        SELECT 0 AS k, 'PROMOTOR ' || string_agg(etapa || ' (' || timer_horas::float8 || ' h)',
                                              ' ' ORDER BY orden) AS l
          FROM api.informe_envejecimiento() WHERE login = (SELECT min(login)
                                                            FROM api.informe_envejecimiento())
        UNION ALL
        SELECT 1, login || ' ' || string_agg(CASE WHEN abiertas = 0 THEN '—' ELSE abiertas
                   || ' · ' || to_char(horas_mediana, 'FM999990.0') || ' h' END, ' '
                   ORDER BY orden)
          FROM api.informe_envejecimiento() GROUP BY login, nombre
        UNION ALL
        SELECT 2, 'EN AVISO ' || string_agg(s::text, ' ' ORDER BY orden) FROM (
            SELECT orden, sum(en_aviso) AS s FROM api.informe_envejecimiento() GROUP BY orden) x
        UNION ALL
        SELECT 3, 'VENCIDAS ' || string_agg(s::text, ' ' ORDER BY orden) FROM (
            SELECT orden, sum(vencidas) AS s FROM api.informe_envejecimiento() GROUP BY orden) x
    ) t"
}
# An age grows while the business day is open: read the database again if a median ticked
# over between the two reads.
for intento in 1 2; do
    eb --as supcenv informe envejecimiento > "$out" 2>&1 ||
        fail "informe envejecimiento como supcenv: $(cat "$out")"
    sed -n '3,$p' "$out" | tr -s ' ' > "$out.tabla"
    esperado supcenv > "$out.esperado"
    cmp -s "$out.tabla" "$out.esperado" && break
    [ "$intento" = 2 ] && fail "la tabla no es la de la base: $(diff "$out.esperado" "$out.tabla")"
done
head -n 1 "$out" | grep -q '^Envejecimiento de las oportunidades abiertas (horas hábiles en la etapa; aviso al 75 % del tiempo)$' ||
    fail "título: $(head -n 1 "$out")"
grep -q '^PROMOTOR  *Nuevo (24 h)  *Contactado (48 h)  ' "$out" || fail "encabezado: $(cat "$out")"
[ "$(grep -c '^prom' "$out")" = 2 ] || fail "supcenv no ve a sus dos promotores: $(cat "$out")"
grep -q '^promcenv1  *2 · [0-9.]* h  *—  ' "$out" || fail "promcenv1: $(cat "$out")"
grep -q '^VENCIDAS  *2  *0 ' "$out" || fail "vencidas: $(cat "$out")"

eb --as supcenv --json informe envejecimiento --promotor promcenv1 > "$out" 2>&1 ||
    fail "envejecimiento --json: $(cat "$out")"
grep -q '^{"aviso_pct":75,"etapas":\[{"etapa":"Nuevo","orden":1,"timer_horas":24.00},' "$out" &&
    grep -q '"promotores":\[{"promotor":"promcenv1","nombre":"Elena Envejece","celdas":\[{"etapa":"Nuevo","abiertas":2,"en_aviso":0,"vencidas":2,"horas_mediana":[0-9.]*,"horas_max":[0-9.]*,"razon":[0-9.]*},{"etapa":"Contactado","abiertas":0,"en_aviso":0,"vencidas":0,"horas_mediana":null,' "$out" ||
    fail "JSON: $(cat "$out")"
[ "$(grep -o '"promotor":' "$out" | wc -l)" = 1 ] || fail "--promotor trae a otros: $(cat "$out")"

eb --as promcenv2 informe envejecimiento > "$out" 2>&1 || fail "como promcenv2: $(cat "$out")"
[ "$(grep -c '^prom' "$out")" = 1 ] && grep -q '^promcenv2  *—  *1 · [0-9.]* h' "$out" ||
    fail "promcenv2 ve a otros: $(cat "$out")"
eb --as promcenv2 informe envejecimiento --promotor promcenv1 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'el usuario «promcenv1» no existe o no es de su equipo' "$out" ||
    fail "--promotor promcenv1 como promcenv2: $(cat "$out")"
eb --as supcenv informe envejecimiento --desde 2026-11-01 > "$out" 2>&1
[ $? -eq 2 ] && grep -q 'opción desconocida: «--desde»' "$out" ||
    fail "envejecimiento --desde: $(cat "$out")"
e2e_end
