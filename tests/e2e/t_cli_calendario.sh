# t_cli_calendario — `embudo calendario`, the business calendar (sql/093), from the command
# line: everyone reads the weekly hours and the rest days; a promoter may not change them
# (exit 1); the admin declares a day nine years ahead closed, sees it listed, repeats it
# (nothing changes, --json says so), opens it again, and is refused a day that is not closed,
# a reversed window and a day already past; gives the day hours of its own (sql/097), listed
# apart, refused over a rest day, and takes them back; the auditor reads the log. The day is
# beyond every running timer, so no other scenario's timers move (the database test moves
# them).
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

lejos=$(sql_as admin "SELECT min(fecha) FROM api.calendario(crm.fecha_negocio(now()) + 3300,
        crm.fecha_negocio(now()) + 3310) WHERE abre IS NOT NULL")
ayer=$(sql_as admin "SELECT crm.fecha_negocio(now()) - 1")
dmy=$(sql_as admin "SELECT to_char('$lejos'::date, 'DD/MM/YYYY')")
[ -n "$lejos" ] && [ -n "$dmy" ] || fail "fechas de la prueba"

eb --as prom1 calendario > "$out" 2>&1 || fail "ver: $(cat "$out")"
grep -q "^  lunes      09:00–19:00$" "$out" && grep -q "^  sábado     09:00–14:00$" "$out" &&
    grep -q "^  domingo    cerrado$" "$out" && grep -q "^Días inhábiles del " "$out" ||
    fail "ver: $(cat "$out")"

eb --as prom1 calendario inhabil "$lejos" Puente > "$out" 2>&1
[ $? -eq 1 ] && grep -q "solo un administrador puede cambiar el calendario" "$out" ||
    fail "un promotor cambió el calendario: $(cat "$out")"

eb --as admin calendario inhabil "$lejos" Aniversario de la empresa > "$out" 2>&1 &&
    grep -q "^el $dmy ([a-zé]*) es inhábil: Aniversario de la empresa; ningún temporizador cambió$" \
        "$out" || fail "inhabil: $(cat "$out")"
eb --as prom1 calendario --desde "$lejos" --hasta "$lejos" > "$out" 2>&1 &&
    grep -q "^  $dmy  [a-zé]* *Aniversario de la empresa$" "$out" || fail "listado: $(cat "$out")"
eb --as prom1 --json calendario --desde "$lejos" --hasta "$lejos" > "$out" 2>&1 &&
    grep -q "\"dias\":\[{\"fecha\":\"$lejos\",\"dia\":\"[a-zé]*\",\"abre\":null,\"cierra\":null,\"inhabil\":\"Aniversario de la empresa\",\"especial\":null}\]" \
        "$out" && grep -q '"horario":\[{"dia":1,"nombre":"lunes","abre":"09:00","cierra":"19:00"}' \
        "$out" || fail "--json: $(cat "$out")"
eb --as admin --json calendario inhabil "$lejos" Aniversario de la empresa > "$out" 2>&1 &&
    grep -q "^{\"recalculadas\":0,\"mensaje\":\"el $dmy ya era inhábil (Aniversario de la empresa)\"}$" \
        "$out" || fail "repetido: $(cat "$out")"
eb --as admin calendario habil "$lejos" > "$out" 2>&1 &&
    grep -q "ya no es inhábil (era Aniversario de la empresa); ningún temporizador cambió$" "$out" ||
    fail "habil: $(cat "$out")"
eb --as admin calendario habil "$lejos" > "$out" 2>&1
[ $? -eq 1 ] && grep -q "el $dmy no es un día inhábil" "$out" || fail "habil dos veces: $(cat "$out")"
eb --as admin calendario horario domingo 14:00 10:00 > "$out" 2>&1
[ $? -eq 1 ] && grep -q "el cierre (10:00) debe ser después de la apertura (14:00)" "$out" ||
    fail "horario al revés: $(cat "$out")"
eb --as admin calendario inhabil "$ayer" Puente > "$out" 2>&1
[ $? -eq 1 ] && grep -q "ya pasó: los temporizadores y los informes ya lo contaron" "$out" ||
    fail "día pasado: $(cat "$out")"

# A date with hours of its own (sql/097): listed apart, in --json, and back to its weekday's.
eb --as prom1 calendario especial "$lejos" 09:00 14:00 Medio día > "$out" 2>&1
[ $? -eq 1 ] && grep -q "solo un administrador puede cambiar el calendario" "$out" ||
    fail "un promotor dio un horario especial: $(cat "$out")"
eb --as admin calendario especial "$lejos" 9:00 14:00 Medio día > "$out" 2>&1
[ $? -eq 2 ] && grep -q "el horario es la apertura y el cierre en HH:MM" "$out" ||
    fail "hora sin cero: $(cat "$out")"
eb --as admin calendario especial "$lejos" 09:00 14:00 Medio día > "$out" 2>&1 &&
    grep -q "^el $dmy ([a-zé]*) se trabaja de 09:00 a 14:00: Medio día; ningún temporizador cambió$" \
        "$out" || fail "especial: $(cat "$out")"
eb --as prom1 calendario --desde "$lejos" --hasta "$lejos" > "$out" 2>&1 &&
    grep -q "^Días con horario especial:$" "$out" &&
    grep -q "^  $dmy  [a-zé]* *09:00–14:00  Medio día$" "$out" || fail "listado: $(cat "$out")"
eb --as prom1 --json calendario --desde "$lejos" --hasta "$lejos" > "$out" 2>&1 &&
    grep -q "\"dias\":\[{\"fecha\":\"$lejos\",\"dia\":\"[a-zé]*\",\"abre\":\"09:00\",\"cierra\":\"14:00\",\"inhabil\":null,\"especial\":\"Medio día\"}\]" \
        "$out" || fail "--json especial: $(cat "$out")"
eb --as admin calendario inhabil "$lejos" Cierre > "$out" 2>&1 || fail "inhabil sobre especial"
eb --as admin calendario especial "$lejos" 09:00 13:00 Otro > "$out" 2>&1
[ $? -eq 1 ] && grep -q "el $dmy es inhábil (Cierre): quite el día inhábil antes" "$out" ||
    fail "especial sobre inhábil: $(cat "$out")"
eb --as admin calendario habil "$lejos" > /dev/null || fail "habil sobre especial"
eb --as admin calendario normal "$lejos" > "$out" 2>&1 &&
    grep -q "vuelve a su horario de siempre (.*; era Medio día, 09:00–14:00); ningún temporizador cambió$" \
        "$out" || fail "normal: $(cat "$out")"
eb --as admin calendario normal "$lejos" > "$out" 2>&1
[ $? -eq 1 ] && grep -q "el $dmy no tiene un horario especial" "$out" ||
    fail "normal dos veces: $(cat "$out")"

eb --as auditor calendario cambios > "$out" 2>&1 || fail "cambios: $(cat "$out")"
[ "$(grep -c " admin  *día inhábil  .*$dmy" "$out")" -eq 2 ] &&
    [ "$(grep -c " admin  *horario especial .*$dmy" "$out")" -eq 2 ] &&
    grep -q " admin  *día inhábil quitado  *$dmy (.*)  *0  *Aniversario de la empresa → —$" "$out" ||
    fail "cambios: $(cat "$out")"
[ "$(sql_as admin "SELECT count(*) FROM crm.historial WHERE evento = 'TIMER_RECALCULADO'")" = 0 ] ||
    fail "se movieron temporizadores"
e2e_end
