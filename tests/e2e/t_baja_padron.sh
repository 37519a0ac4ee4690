# t_baja_padron — what a promoter sees when the lender drops a client she is working (sql/087),
# 80×24 and the command line. Five clients of a convenio of their own (ZZBAJAV, phones
# 999 000 8001…8005) are loaded and all assigned to prombajav (team supbajav). Her Detalle of
# Visible Cinco is open when `import clientes --actualizar --bajas` loads a file without
# Cinco: the pane re-reads by itself and opens the data block with «⚠ El cliente ya no está en
# el padrón del convenio (baja del DD/MM/AAAA)» in the warning colour. `embudo oportunidad N`
# says the same in text and in --json ("baja_padron": the instant, null for the others); her
# supervisor sees it, another team's promoter does not see the opportunity at all. The whole
# file again ends the block: the line leaves the open Detalle and the command, and the JSON
# says null. Its own convenio, people and phones, so no other scenario's counts or goldens
# move (all five clients stay assigned: the pool's numbers do not change).
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
todo="$E2E_WORK/$E2E_NAME.csv"
menos="$E2E_WORK/$E2E_NAME.menos.csv"
AVISO="El cliente ya no está en el padrón del convenio"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO padron.convenios (clave, nombre, tipo)
        VALUES ('ZZBAJAV', 'Prueba de baja visible', 'PRIVADO');
    SELECT api.crear_usuario('supbajav', 'Sonia Baja Vega', 'SUPERVISOR');
    SELECT api.crear_usuario('prombajav', 'Paco Baja Vega', 'PROMOTOR', 'supbajav')" \
    >/dev/null || fail "crear el convenio, supbajav y prombajav"
cat > "$todo" <<'CSV'
nombre,primer_apellido,curp,convenio,entidad,edad,telefono
Visible,Uno,VIUA800101HZSXXA01,ZZBAJAV,ZAC,40,999 000 8001
Visible,Dos,VIDB800101MZSXXB02,ZZBAJAV,ZAC,41,999 000 8002
Visible,Tres,VITC800101HZSXXC03,ZZBAJAV,ZAC,42,999 000 8003
Visible,Cuatro,VICD800101MZSXXD04,ZZBAJAV,ZAC,43,999 000 8004
Visible,Cinco,,ZZBAJAV,ZAC,44,999 000 8005
CSV
head -n 5 "$todo" > "$menos" # without Cinco (no CURP: known by its phone)
eb --as postgres import clientes "$todo" > "$out" 2> "$err" && grep -q '5 cargadas' "$out" ||
    fail "carga: $(cat "$out" "$err")"
eb --as prombajav asignar --cantidad 5 --convenio ZZBAJAV --clave e2e-baja-padron \
    > "$out" 2> "$err" || fail "asignar: $(cat "$out" "$err")"
de() { # the opportunity of client Visible $1
    sql_as prombajav "SELECT o.id FROM crm.oportunidades o JOIN padron.clientes c
                      ON c.id = o.cliente_id WHERE c.nombre = 'Visible' AND c.primer_apellido = '$1'"
}
id=$(de Cinco)
otra=$(de Uno)
[ -n "$id" ] && [ -n "$otra" ] || fail "prombajav no tiene a Visible Cinco y Visible Uno"
# The CLI writes days in the business zone (the configuration's unless TZ is set).
ZONA=$(sql_as postgres "SELECT crm.zona()")
cli() { TZ="$ZONA" eb "$@"; }

# Still listed: no aviso anywhere.
cli --as prombajav oportunidad "$id" > "$out" 2> "$err" || fail "oportunidad $id: $(cat "$err")"
grep -q "^Oportunidad $id · Visible Cinco$" "$out" || fail "encabezado: $(cat "$out")"
grep -q "padrón" "$out" && fail "aviso sin baja: $(cat "$out")"
grep -q '^Celular    +529990008005$' "$out" || fail "contactos: $(cat "$out")"
[ "$(cli --as prombajav --json oportunidad "$id" | jq -c '[.oportunidad, .baja_padron]')" = "[$id,null]" ] ||
    fail "--json sin baja: $(cli --as prombajav --json oportunidad "$id")"

# Her Detalle of Cinco is open when the lender's file arrives without Cinco.
start_app 80 24 --as prombajav
wait_for "● conectado"
send 2
send /
send 'Visible Cinco'
send_key Enter
wait_for "Visible Cinco"
send_key Enter
wait_for "#$id"
wait_for "Promotor  prombajav "
screen | grep -q "$AVISO" && fail "Detalle avisa antes de la baja"
eb --as postgres import clientes "$menos" --actualizar --bajas > "$out" 2> "$err" ||
    fail "--bajas: $(cat "$out" "$err")"
grep -q ' 1 dados de baja' "$out" || fail "--bajas, resumen: $(cat "$out")"
hoy=$(sql_as postgres "SELECT to_char(b.created_at AT TIME ZONE crm.zona(), 'DD/MM/YYYY')
                       FROM crm.bloqueos b JOIN crm.oportunidades o ON o.cliente_id = b.cliente_id
                       WHERE o.id = $id AND b.motivo = 'BAJA_PADRON' AND b.hasta IS NULL")
iso=$(sql_as postgres "SELECT to_char(date_trunc('second', b.created_at) AT TIME ZONE 'UTC',
                       'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                       FROM crm.bloqueos b JOIN crm.oportunidades o ON o.cliente_id = b.cliente_id
                       WHERE o.id = $id AND b.motivo = 'BAJA_PADRON' AND b.hasta IS NULL")
[ -n "$hoy" ] && [ -n "$iso" ] || fail "Visible Cinco no tiene su baja"
# Live: the pane re-reads on the database's notice, the aviso above the client's data.
wait_for "⚠ $AVISO (baja del $hoy)"
screen | grep -A1 -F "⚠ $AVISO" | tail -n 1 | grep -q "Convenio  ZZBAJAV — Prueba de baja visible" ||
    fail "el aviso no va sobre el convenio"
# The warning colour (the dark theme's timer_warn: yellow, bold), never the colour alone.
screen_sgr | grep -F "$AVISO" | grep -q '33m' || fail "el aviso no va en el color de advertencia"

# The command line: text and JSON, for her and her supervisor; nothing for the others.
cli --as prombajav oportunidad "$id" > "$out" 2> "$err" || fail "oportunidad $id: $(cat "$err")"
[ "$(sed -n 2p "$out")" = "⚠ $AVISO (baja del $hoy)" ] || fail "texto con baja: $(cat "$out")"
[ "$(cli --as prombajav --json oportunidad "$id" | jq -r .baja_padron)" = "$iso" ] ||
    fail "--json con baja: $(cli --as prombajav --json oportunidad "$id")"
cli --as supbajav oportunidad "$id" | grep -qx "⚠ $AVISO (baja del $hoy)" ||
    fail "el supervisor no ve la baja"
[ "$(cli --as prombajav --json oportunidad "$otra" | jq -c .baja_padron)" = null ] ||
    fail "Visible Uno con baja"
cli --as prombajav oportunidad "$otra" | grep -q "padrón" && fail "Visible Uno con aviso"
cli --as prom1 oportunidad "$id" > "$out" 2> "$err"
[ $? -eq 1 ] && grep -q "la oportunidad $id no existe o no es visible" "$err" ||
    fail "prom1 ve la oportunidad $id: $(cat "$out" "$err")"

# Cinco is back in the next file: the open Detalle drops the aviso, the command too.
eb --as postgres import clientes "$todo" --actualizar --bajas > "$out" 2> "$err" ||
    fail "de vuelta: $(cat "$out" "$err")"
grep -q ' 1 reactivados' "$out" || fail "de vuelta, resumen: $(cat "$out")"
wait_until_gone "$AVISO"
wait_for "Convenio  ZZBAJAV — Prueba de baja visible"
cli --as prombajav oportunidad "$id" | grep -q "padrón" && fail "aviso tras volver"
[ "$(cli --as prombajav --json oportunidad "$id" | jq -c .baja_padron)" = null ] ||
    fail "--json tras volver: $(cli --as prombajav --json oportunidad "$id")"
send q
wait_gone
expect_exit 0
e2e_end
