# t_buscar_tui — `:buscar` in the terminal (sql/090) and the dropped client's mark on the cards
# (sql/091), 80×24, with its own convenio, users and phones (ZZTBUS, tbsup, tbprom, tbaud is
# the demo's auditor; 999 001 1001…1050). tbprom works two padron clients and had a lead she
# captured, moved to an exit and her supervisor discarded (closed: never on the cards). The
# lender drops Tere Dos: her card starts with «⚠». `:buscar 999 001 1050` finds the closed
# lead (state «Descartada», the phone as Detalle writes it), Enter opens it in Detalle, Esc
# comes back to the results and Esc again to the cards. Part of a phone is refused in the
# bottom bar with the database's words; a name nobody has says so. The supervisor's results
# name the promoter; the auditor (read-only) searches too.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
csv="$E2E_WORK/$E2E_NAME.csv"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO padron.convenios (clave, nombre, tipo)
        VALUES ('ZZTBUS', 'Prueba de búsqueda', 'PRIVADO');
    SELECT api.crear_usuario('tbsup', 'Tania Busca', 'SUPERVISOR');
    SELECT api.crear_usuario('tbprom', 'Toño Busca', 'PROMOTOR', 'tbsup')" \
    >/dev/null || fail "crear ZZTBUS, tbsup y tbprom"
cat > "$csv" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono
Tere,Uno,TEUA800101MZSXXA01,ZZTBUS,ZAC,40,999 001 1001
Tere,Dos,TEDB800101MZSXXB02,ZZTBUS,ZAC,41,999 001 1002
CSV
eb --as postgres import clientes "$csv" > "$out" 2> "$err" || fail "carga: $(cat "$out" "$err")"
eb --as tbprom asignar --cantidad 2 --convenio ZZTBUS --clave e2e-tbus > "$out" 2> "$err" ||
    fail "asignar: $(cat "$out" "$err")"
eb --as tbprom captar --nombre "Tobías Cerrado" --telefono 9990011050 >/dev/null ||
    fail "captar como tbprom"
op=$(sql_as tbprom "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                    ON p.id = o.prospecto_id WHERE p.telefono = '+529990011050'")
[ -n "$op" ] || fail "sin la oportunidad captada"
eb --as tbprom mover "$op" 'No interesado' --motivo 'ya tiene crédito' >/dev/null ||
    fail "mover a No interesado"
eb --as tbsup bandeja descartar "$op" --motivo 'no insistir' >/dev/null || fail "descartar"
# The lender drops Tere Dos (what `import clientes --actualizar --bajas` writes).
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO crm.bloqueos (cliente_id, motivo, detalle)
        SELECT id, 'BAJA_PADRON', 'e2e' FROM padron.clientes WHERE curp = 'TEDB800101MZSXXB02'" \
    >/dev/null || fail "dar de baja a Tere Dos"

start_app 80 24 --as tbprom
wait_for "● conectado"
send 2
wait_for "⚠ Tere Dos"
screen | grep -q "⚠ Tere Uno" && fail "Tere Uno marcada sin baja"
screen | grep -q "Tobías" && fail "la cerrada entre las tarjetas"

# The closed lead, by its phone written as people do.
send :
send 'buscar 999 001 1050'
send_key Enter
wait_for "Búsqueda «999 001 1050» · 1 oportunidad"
wait_for "Tobías Cerrado"
screen | grep -q "Tobías Cerrado .*+52 999 001 1050 No interesado  *Descartada " ||
    fail "la fila: $(screen)"
wait_for "Enter abre en Detalle · Esc vuelve a las tarjetas"
send_key Enter
wait_for "#$op"
send_key Escape
wait_for "Búsqueda «999 001 1050»"
send_key Escape
wait_until_gone "Búsqueda «"
wait_for "⚠ Tere Dos"

# Refused: part of a phone, in the bottom bar with the database's words; the cards stay.
send :
send 'buscar 0011'
send_key Enter
wait_for "«0011» no es un teléfono completo"
wait_for "⚠ Tere Dos"
# Nobody with that name.
send :
send 'buscar zzqxw'
send_key Enter
wait_for "No hay oportunidades suyas con «zzqxw»."
send q
wait_gone
expect_exit 0

# The supervisor finds it too, with whose it is; by name, the active ones first.
start_app 80 24 --as tbsup
wait_for "● conectado"
send :
send 'buscar tere'
send_key Enter
wait_for "Búsqueda «tere» · 2 oportunidades"
wait_for "Promotor"
screen | grep -q "Tere Uno .* tbprom " || fail "sin el promotor: $(screen)"
send q
wait_gone
expect_exit 0

# The auditor reads: it searches as well.
start_app 80 24 --as auditor
wait_for "● conectado"
send :
send 'buscar 9990011050'
send_key Enter
wait_for "Tobías Cerrado"
send_key Enter
wait_for "#$op"
send q
wait_gone
expect_exit 0
e2e_end
