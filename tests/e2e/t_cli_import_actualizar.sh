# t_cli_import_actualizar — `embudo import clientes --actualizar`: the lender's file is the
# truth for the clients it names by CURP. Six clients are loaded; a second file updates one's
# age and entidad (its pool row follows), moves another to a new phone and e-mail (the old ones
# stop being vigente), leaves a third as it is, adds a new one, rejects a row whose new phone
# is already another client's, and skips a row without CURP whose phone is known; text and
# --json summaries say so. Two clients who swapped phones are updated in one run; a row that
# asks for the phone of a client whose own row was rejected is rejected too. The same file without --actualizar changes nothing. The clients are
# deleted at the end, so no other scenario's counts move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
csv="$E2E_WORK/$E2E_NAME.csv"
antes=$(sql_as postgres "SELECT count(*) FROM padron.clientes")

cat > "$csv" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono,email
Actualiza,Uno,AETA800101HZSXXA01,IMSS,ZAC,40,55 9922 0001,
Actualiza,Dos,AETB800101MZSXXB02,IMSS,ZAC,41,55 9922 0002,dos@correo.mx
Actualiza,Tres,AETC800101HZSXXC03,IMSS,ZAC,42,55 9922 0003,
Actualiza,Cinco,AETE800101HZSXXE05,IMSS,ZAC,45,55 9922 0006,
Actualiza,Extra,AETF800101MZSXXF06,IMSS,ZAC,46,55 9922 0005,
Actualiza,Siete,AETG800101HZSXXG07,IMSS,ZAC,47,55 9922 0007,
CSV
eb --as postgres import clientes "$csv" > "$out" 2> "$err" && grep -q '6 cargadas' "$out" ||
    fail "primera carga: $(cat "$out" "$err")"

cat > "$csv" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono,email
Actualiza,Uno,AETA800101HZSXXA01,IMSS,JAL,43,55 9922 0001,
Actualiza,Dos,AETB800101MZSXXB02,IMSS,ZAC,41,55 9922 0012,dos.nuevo@correo.mx
Actualiza,Tres,AETC800101HZSXXC03,IMSS,ZAC,42,55 9922 0003,
Actualiza,Cuatro,AETD800101MZSXXD04,IMSS,ZAC,44,55 9922 0004,
Actualiza,Cinco,AETE800101HZSXXE05,IMSS,ZAC,45,55 9922 0005,
Actualiza,Seis,,IMSS,ZAC,46,55 9922 0007,
CSV
eb --as postgres import clientes "$csv" > "$out" 2> "$err" ||
    fail "sin --actualizar: $(cat "$out" "$err")"
grep -q '1 cargadas, 0 rechazadas, 5 ya estaban en el padrón' "$out" ||
    fail "sin --actualizar, resumen: $(cat "$out")"
eb --as postgres db psql -X -q -c "DELETE FROM padron.clientes WHERE curp = 'AETD800101MZSXXD04'" \
    >/dev/null || fail "quitar al cuarto"

eb --as postgres import clientes "$csv" --actualizar > "$out" 2> "$err" ||
    fail "--actualizar: $(cat "$out" "$err")"
grep -q '1 cargadas, 2 actualizadas, 1 sin cambios, 1 rechazadas, 1 ya estaban en el padrón' "$out" ||
    fail "--actualizar, resumen: $(cat "$out")"
grep -q '^línea 6: el teléfono nuevo ya es de otro cliente del padrón (el cliente [0-9]*): no se actualizó$' \
    "$err" || fail "conflicto de teléfono: $(cat "$err")"
grep -q '^línea 7: ya está en el padrón: mismo teléfono que el cliente [0-9]*$' "$err" ||
    fail "fila sin CURP: $(cat "$err")"
[ "$(sql_as postgres "SELECT c.edad || ' ' || e.clave || ' ' || e2.clave FROM padron.clientes c
        JOIN padron.entidades e ON e.id = c.entidad_id JOIN crm.pool p ON p.cliente_id = c.id
        JOIN padron.entidades e2 ON e2.id = p.entidad_id WHERE c.curp = 'AETA800101HZSXXA01'")" = \
    '43 JAL JAL' ] || fail "el primero: edad, entidad y su fila del pool"
[ "$(sql_as postgres "SELECT string_agg(d.tipo || ':' || d.valor || ':' || d.vigente, ' '
        ORDER BY d.tipo, d.valor) FROM padron.datos_contacto d JOIN padron.clientes c
        ON c.id = d.cliente_id WHERE c.curp = 'AETB800101MZSXXB02'")" = \
    'CELULAR:+525599220002:false CELULAR:+525599220012:true EMAIL:dos.nuevo@correo.mx:true EMAIL:dos@correo.mx:false' ] ||
    fail "el segundo: teléfono y correo nuevos"
[ "$(sql_as postgres "SELECT string_agg(d.valor || ':' || d.vigente, ' ') FROM
        padron.datos_contacto d JOIN padron.clientes c ON c.id = d.cliente_id
        WHERE c.curp = 'AETE800101HZSXXE05'")" = '+525599220006:true' ] ||
    fail "el rechazado cambió"

# Again, as JSON: everything is as the file says now.
eb --as postgres --json import clientes "$csv" --actualizar > "$out" 2> "$err" ||
    fail "--actualizar otra vez: $(cat "$out" "$err")"
[ "$(jq -c '[.filas, .cargadas, .actualizadas, .sin_cambios, .rechazadas, .en_padron]' "$out")" = \
    '[6,0,0,4,1,1]' ] || fail "--json: $(cat "$out")"

# Uno and Tres swapped phones: both are updated in one run, since each phone is free once the
# file is applied. Siete asks for Cinco's phone, and Cinco is in the file with another one;
# but Cinco's row is rejected (Extra's phone), so Cinco keeps hers and Siete is rejected too.
cat > "$csv" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono,email
Actualiza,Uno,AETA800101HZSXXA01,IMSS,JAL,43,55 9922 0003,
Actualiza,Dos,AETB800101MZSXXB02,IMSS,ZAC,41,55 9922 0012,dos.nuevo@correo.mx
Actualiza,Tres,AETC800101HZSXXC03,IMSS,ZAC,42,55 9922 0001,
Actualiza,Cuatro,AETD800101MZSXXD04,IMSS,ZAC,44,55 9922 0004,
Actualiza,Cinco,AETE800101HZSXXE05,IMSS,ZAC,45,55 9922 0005,
Actualiza,Siete,AETG800101HZSXXG07,IMSS,ZAC,47,55 9922 0006,
CSV
eb --as postgres import clientes "$csv" --actualizar > "$out" 2> "$err" ||
    fail "intercambio: $(cat "$out" "$err")"
grep -q '0 cargadas, 2 actualizadas, 2 sin cambios, 2 rechazadas, 0 ya estaban en el padrón' "$out" ||
    fail "intercambio, resumen: $(cat "$out")"
grep -q '^línea 7: el teléfono nuevo ya es de otro cliente del padrón (el cliente [0-9]*): no se actualizó$' \
    "$err" || fail "el que pedía el teléfono de un rechazado: $(cat "$err")"
vigente() {
    sql_as postgres "SELECT string_agg(d.valor, ' ') FROM padron.datos_contacto d JOIN
        padron.clientes c ON c.id = d.cliente_id WHERE c.curp = '$1' AND d.vigente"
}
[ "$(vigente AETA800101HZSXXA01) $(vigente AETC800101HZSXXC03)" = '+525599220003 +525599220001' ] ||
    fail "intercambio: $(vigente AETA800101HZSXXA01) $(vigente AETC800101HZSXXC03)"
[ "$(vigente AETE800101HZSXXE05) $(vigente AETG800101HZSXXG07)" = '+525599220006 +525599220007' ] ||
    fail "los rechazados cambiaron: $(vigente AETE800101HZSXXE05) $(vigente AETG800101HZSXXG07)"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    DELETE FROM padron.clientes WHERE nombre = 'Actualiza'" >/dev/null ||
    fail "borrar los clientes importados"
[ "$(sql_as postgres "SELECT count(*) FROM padron.clientes")" = "$antes" ] ||
    fail "el padrón no quedó como estaba"
e2e_end
