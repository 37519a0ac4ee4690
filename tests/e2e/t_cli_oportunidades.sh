# t_cli_oportunidades — `embudo oportunidades`, the command line's list of the opportunities
# one may see, with the ids the other commands take: prom7 asks for a lote of 3 (ISSSTE
# clients only, so the IMSS clients the other scenarios get are untouched), finds them with
# the list (and by the lote number asignar printed), moves one with the id it shows, and the
# list and its JSON follow; its supervisor sup2 sees them under --promotor, the other team's
# supervisor does not, and an unknown stage is a clear refusal; contact attempts are recorded
# with `intento` and "No localizado" asks for two; at the end the three go back to the pool
# through the bandeja. No terminal client: this is the scripting side.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as prom7 --json asignar --cantidad 3 --convenio ISSSTE --clave cli-oportunidades \
    > "$out" 2>&1 || fail "asignar como prom7: $(cat "$out")"
lote=$(sed -n 's/^{"lote":\([0-9]*\),.*/\1/p' "$out")
[ -n "$lote" ] || fail "asignar --json sin lote: $(cat "$out")"
eb --as prom7 oportunidades > "$out" 2>&1 || fail "oportunidades como prom7: $(cat "$out")"
head -n 1 "$out" | grep -q '^ID  *CLIENTE  *CONVENIO  *ETAPA  *ESTADO  *VENCE  *PROMOTOR$' ||
    fail "encabezado: $(head -n 1 "$out")"
[ "$(grep -c ' ISSSTE  *Nuevo  *ABIERTA  *en [0-9]* h [0-9][0-9] m hábiles  *prom7$' "$out")" = 3 ] ||
    fail "tres oportunidades de prom7 en Nuevo: $(cat "$out")"

# The id the list shows is the one `mover` takes.
id=$(sed -n 2p "$out" | cut -d' ' -f1)
[ -n "$id" ] || fail "sin id en la lista"
eb --as prom7 mover "$id" Contactado >/dev/null || fail "mover $id como prom7"
eb --as prom7 oportunidades --etapa contactado > "$out" 2>&1 || fail "oportunidades --etapa"
[ "$(wc -l < "$out")" = 2 ] && grep -q "^$id  .* Contactado  *ABIERTA " "$out" ||
    fail "--etapa contactado: $(cat "$out")"
eb --as prom7 --json oportunidades > "$out" 2>&1 || fail "oportunidades --json"
grep -q "{\"oportunidad\":$id,\"cliente\":\"[^\"]*\",\"convenio\":\"ISSSTE\",\"etapa\":\"Contactado\",\"estado\":\"ABIERTA\",\"horas_habiles_restantes\":[0-9.]*,\"timer_en_pausa\":false,\"etapa_desde\":\"[0-9T:Z-]*\",\"promotor\":\"prom7\",\"lote\":$lote}" "$out" ||
    fail "JSON de $id: $(cat "$out")"
[ "$(grep -o '"oportunidad":' "$out" | wc -l)" = 3 ] || fail "JSON con 3 oportunidades: $(cat "$out")"

# The lote asignar printed: its three, and nothing under another number.
[ "$(eb --as prom7 oportunidades --lote "$lote" | grep -c ' prom7$')" = 3 ] ||
    fail "--lote $lote no da las 3"
eb --as prom7 oportunidades --lote 999999 > "$out" 2>&1
grep -qx 'no hay oportunidades con esos filtros' "$out" || fail "--lote 999999: $(cat "$out")"

# Who sees what: the supervisor of the team, not the other one.
[ "$(eb --as sup2 oportunidades --promotor prom7 | grep -c ' prom7$')" = 3 ] ||
    fail "sup2 no ve las 3 de prom7"
eb --as sup1 oportunidades --promotor prom7 > "$out" 2>&1 || fail "oportunidades como sup1"
grep -qx 'no hay oportunidades con esos filtros' "$out" || fail "sup1 ve las de prom7: $(cat "$out")"

# Refusals: an unknown stage (exit 1, also as JSON), a stray argument (exit 2).
eb --as prom7 oportunidades --etapa Cerrado > "$out" 2>&1 && fail "--etapa Cerrado aceptada"
grep -q 'no hay una etapa activa llamada «Cerrado»' "$out" || fail "mensaje: $(cat "$out")"
eb --as prom7 --json oportunidades --etapa Cerrado > "$out" 2>/dev/null
grep -qx '{"error":{"codigo":null,"mensaje":"no hay una etapa activa llamada «Cerrado»"}}' "$out" ||
    fail "error JSON: $(cat "$out")"
eb --as prom7 oportunidades extra > "$out" 2>&1
[ $? -eq 2 ] && grep -q 'argumento de más: «extra»' "$out" || fail "argumento de más: $(cat "$out")"

# Contact attempts: one recorded from the command line (any spelling of the outcome), a
# wrong outcome is a usage error, and "No localizado" still asks for a second one.
eb --as prom7 intento "$id" Buzón --nota "dejé recado" > "$out" 2>&1 || fail "intento: $(cat "$out")"
grep -qx "oportunidad $id: intento 1 registrado (buzón)" "$out" || fail "intento: $(cat "$out")"
eb --as prom7 --json intento "$id" no-contesta > "$out" 2>&1 || fail "intento --json"
grep -qx "{\"oportunidad\":$id,\"resultado\":\"NO_CONTESTA\",\"intentos\":2}" "$out" ||
    fail "intento --json: $(cat "$out")"
eb --as prom7 intento "$id" llamada > "$out" 2>&1
[ $? -eq 2 ] && grep -q '«llamada» no es un resultado: no-contesta, buzon' "$out" ||
    fail "intento llamada: $(cat "$out")"
other=$(eb --as prom7 oportunidades --etapa nuevo | sed -n 2p | cut -d' ' -f1)
eb --as prom7 mover "$other" "No localizado" --motivo "no contesta" > "$out" 2>&1 &&
    fail "No localizado sin intentos aceptado"
grep -q 'registre al menos 2 intentos de contacto (lleva 0)' "$out" || fail "EB308: $(cat "$out")"

# Leave the pool as it was for the next scenarios (their screens count the free clients):
# prom7 sends the three to the bandeja and sup2 returns them, both through the command line.
ids=$(eb --as prom7 oportunidades | sed -n '2,$p' | cut -d' ' -f1 | tr '\n' ' ')
for i in $ids; do
    eb --as prom7 mover "$i" "No interesado" --motivo "fin de la prueba" >/dev/null ||
        fail "mover $i a la salida"
done
# shellcheck disable=SC2086 # the ids are words
eb --as sup2 bandeja devolver $ids --motivo "fin de la prueba" > "$out" 2>&1 ||
    fail "devolver: $(cat "$out")"
grep -qx 'devolver: 3 oportunidades' "$out" || fail "devolver: $(cat "$out")"
eb --as prom7 oportunidades > "$out" 2>&1
grep -qx 'no hay oportunidades con esos filtros' "$out" || fail "quedaron: $(cat "$out")"
e2e_end
