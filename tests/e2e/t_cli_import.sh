# t_cli_import — `embudo import clientes` end to end: a file with two good rows and two bad
# ones (a phone that is not Mexican, an unknown convenio) loads the good ones in one
# transaction, lists each bad row with its line on stderr and in --rechazos (RFC 4180 with
# "linea,motivo" and the file's own columns), and the summary says so in text and --json; the
# same file read from the standard input finds both clients already in the padron; a file with
# an unknown column loads nothing. The imported clients are deleted at the end (their pool rows
# and counts follow), so no other scenario's counts move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
csv="$E2E_WORK/$E2E_NAME.csv"
rech="$E2E_WORK/$E2E_NAME.rechazos.csv"
antes=$(sql_as postgres "SELECT count(*) FROM padron.clientes")

cat > "$csv" <<'EOF'
nombre,primer_apellido,convenio,entidad,edad,telefono
Importa,Uno Prueba,IMSS,ZAC,44,55 9911 0001
Importa,Dos Prueba,IMSS,ZAC,45,44 1234 56
"Importa, Tres",Prueba,NOEXISTE,ZAC,46,55 9911 0003
Importa,Cuatro Prueba,IMSS,ZAC,47,(55) 9911-0004
EOF

eb --as postgres import clientes "$csv" --rechazos "$rech" > "$out" 2> "$err" ||
    fail "import clientes: $(cat "$out" "$err")"
grep -q '2 cargadas, 2 rechazadas, 0 ya estaban en el padrón' "$out" ||
    fail "resumen: $(cat "$out")"
grep -q '^línea 3: ' "$err" && grep -q '^línea 4: ' "$err" || fail "rechazos en stderr: $(cat "$err")"
[ "$(head -n 1 "$rech" | tr -d '\r')" = 'linea,motivo,nombre,primer_apellido,convenio,entidad,edad,telefono' ] ||
    fail "encabezado de rechazos: $(cat "$rech")"
[ "$(wc -l < "$rech")" = 3 ] || fail "rechazos: $(cat "$rech")"
grep -q '^4,el convenio «NOEXISTE» no existe,"Importa, Tres",Prueba,NOEXISTE,ZAC,46,55 9911 0003' "$rech" ||
    fail "fila 4 en rechazos: $(cat "$rech")"
[ "$(sql_as postgres "SELECT string_agg(d.valor, ',' ORDER BY d.valor) FROM padron.clientes c
      JOIN padron.datos_contacto d ON d.cliente_id = c.id WHERE c.nombre = 'Importa'")" = \
    '+525599110001,+525599110004' ] || fail "clientes importados"

# From the standard input, as JSON: both already in the padron, the bad rows again.
eb --as postgres --json import clientes - < "$csv" > "$out" 2> "$err" ||
    fail "import desde stdin: $(cat "$out" "$err")"
[ "$(jq -c '[.filas, .cargadas, .rechazadas, .en_padron]' "$out")" = '[4,0,2,2]' ] ||
    fail "resumen --json: $(cat "$out")"

# An unknown column refuses the whole file.
printf 'nombre,primer_apellido,convenio,entidad,edad,telfono\nX,Y,IMSS,ZAC,30,5599110009\n' \
    > "$csv"
if eb --as postgres import clientes "$csv" > "$out" 2> "$err"; then
    fail "una columna desconocida se aceptó"
fi
grep -q 'telfono' "$err" || fail "el error no nombra la columna: $(cat "$err")"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    DELETE FROM padron.clientes WHERE nombre = 'Importa'" >/dev/null ||
    fail "borrar los clientes importados"
[ "$(sql_as postgres "SELECT count(*) FROM padron.clientes")" = "$antes" ] ||
    fail "el padrón no quedó como estaba"
e2e_end
