# t_cli_import_bajas — `embudo import clientes --actualizar --bajas` (sql/086): the lender's file
# is the whole padron of its convenios. Five clients of a convenio of their own (ZZBAJAS) are
# loaded; a file without one of them gives that one a BAJA_PADRON block (the pool and the
# counts leave it out); the whole file again ends the block; a file that would retire more than
# a fifth is refused unless --forzar, and one with a rejected row is refused (its client would
# look gone); both leave everything as it was. The convenio and its clients are removed at the
# end, so no other scenario's counts move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
todo="$E2E_WORK/$E2E_NAME.csv"
menos="$E2E_WORK/$E2E_NAME.menos.csv"
parcial="$E2E_WORK/$E2E_NAME.parcial.csv"
malo="$E2E_WORK/$E2E_NAME.malo.csv"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO padron.convenios (clave,
    nombre, tipo) VALUES ('ZZBAJAS', 'Prueba de bajas', 'PRIVADO')" >/dev/null ||
    fail "crear el convenio"
cat > "$todo" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono
Baja,Uno,BAJA800101HZSXXA01,ZZBAJAS,ZAC,40,55 9933 0001
Baja,Dos,BEJB800101MZSXXB02,ZZBAJAS,ZAC,41,55 9933 0002
Baja,Tres,BIJC800101HZSXXC03,ZZBAJAS,ZAC,42,55 9933 0003
Baja,Cuatro,BOJD800101MZSXXD04,ZZBAJAS,ZAC,43,55 9933 0004
Baja,Cinco,,ZZBAJAS,ZAC,44,55 9933 0005
CSV
head -n 5 "$todo" > "$menos"     # without Cinco (no CURP: known by its phone)
head -n 3 "$todo" > "$parcial"   # Uno and Dos only
{ cat "$todo"; echo 'Baja,Seis,,ZZBAJAS,ZAC,17,55 9933 0006'; } > "$malo"
disponibles() { eb --as sup1 disponibles --convenio ZZBAJAS | awk '{ print $NF }'; }
bajas() {
    sql_as postgres "SELECT count(*) FROM crm.bloqueos b JOIN padron.clientes c
        ON c.id = b.cliente_id WHERE c.nombre = 'Baja' AND b.motivo = 'BAJA_PADRON'
        AND (b.hasta IS NULL OR b.hasta > now())"
}

eb --as postgres import clientes "$todo" > "$out" 2> "$err" && grep -q '5 cargadas' "$out" ||
    fail "carga: $(cat "$out" "$err")"
[ "$(disponibles)" = 5 ] || fail "disponibles al cargar: $(disponibles)"

eb --as postgres import clientes "$menos" --actualizar --bajas > "$out" 2> "$err" ||
    fail "--bajas: $(cat "$out" "$err")"
grep -q '0 actualizadas, 4 sin cambios, 1 dados de baja, 0 reactivados, 0 rechazadas' "$out" ||
    fail "--bajas, resumen: $(cat "$out")"
[ "$(bajas)" = 1 ] && [ "$(disponibles)" = 4 ] || fail "tras la baja: $(bajas) bajas, $(disponibles) disponibles"
[ "$(sql_as postgres "SELECT c.primer_apellido FROM crm.bloqueos b JOIN padron.clientes c
        ON c.id = b.cliente_id WHERE b.motivo = 'BAJA_PADRON' AND c.nombre = 'Baja'")" = Cinco ] ||
    fail "se dio de baja a otro"

# More than a fifth: refused, then forced.
eb --as postgres import clientes "$parcial" --actualizar --bajas > "$out" 2> "$err"
[ $? -eq 1 ] && grep -q 'se darían de baja 2 de los 5 clientes de los convenios del archivo' "$err" ||
    fail "parcial sin --forzar: $(cat "$out" "$err")"
[ "$(bajas)" = 1 ] || fail "el rechazo cambió las bajas"
# A rejected row (age 17): refused whole.
eb --as postgres import clientes "$malo" --actualizar --bajas > "$out" 2> "$err"
[ $? -eq 1 ] && grep -q 'con --bajas el archivo tiene que cargarse completo: 1 filas se rechazaron' \
    "$err" || fail "fila rechazada: $(cat "$out" "$err")"

# The whole file again: Cinco is back.
eb --as postgres --json import clientes "$todo" --actualizar --bajas > "$out" 2> "$err" ||
    fail "de vuelta: $(cat "$out" "$err")"
[ "$(jq -c '[.cargadas, .actualizadas, .sin_cambios, .bajas, .reactivados]' "$out")" = '[0,0,4,0,1]' ] ||
    fail "de vuelta, --json: $(cat "$out")"
[ "$(bajas)" = 0 ] && [ "$(disponibles)" = 5 ] || fail "tras volver: $(bajas) bajas, $(disponibles) disponibles"

eb --as postgres import clientes "$parcial" --actualizar --bajas --forzar > "$out" 2> "$err" &&
    grep -q '3 dados de baja' "$out" || fail "parcial con --forzar: $(cat "$out" "$err")"
[ "$(disponibles)" = 2 ] || fail "tras --forzar: $(disponibles) disponibles"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    DELETE FROM crm.bloqueos WHERE cliente_id IN (SELECT id FROM padron.clientes
        WHERE nombre = 'Baja');
    DELETE FROM padron.clientes WHERE nombre = 'Baja';
    DELETE FROM padron.convenios WHERE clave = 'ZZBAJAS'" >/dev/null || fail "limpiar"
e2e_end
