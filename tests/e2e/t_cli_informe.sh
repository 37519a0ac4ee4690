# t_cli_informe — `embudo informe` and `embudo export historial` over the demo data (assigned
# today, so in the default range of the last seven days): sup1's report has the stage
# table, the reasons and its four promoters, not sup2's; prom1 sees only itself; --json
# carries the same stages; naming a promoter of another team is refused (exit 1). The export
# as CSV has one line per history row of the scope (as many as the JSON array), and with
# --salida it writes the file whole or, when refused, leaves nothing behind. No terminal
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
e2e_end
