# t_embudo — a promoter's day in the panes: asks for a lote in Asignación (a second Enter on
# the same form does not make a second lote), sees it in the embudo, opens a card, moves it,
# registers the sale (a refused folio keeps the form), sends another card to the bandeja with
# a reason; the help overlay of each pane lists its keys; q quits. Every step is checked
# against the database as prom3 sees it.
. "$(dirname "$0")/lib.inc"

# Volatile: business time left (depends on the clock), dates, ids, lote numbers, counts.
E2E_MASK='s/[0-9]+ h [0-9]{2} m hábiles/N h NN m hábiles/g; s/[0-9]+ m hábiles/NN m hábiles/g;
s#[0-9]{2}/[0-9]{2}/[0-9]{2}#DD/MM/AA#g; s/#[0-9]+/#N/g; s/[Ll]ote [0-9]+/lote N/g;
s/Oportunidad [0-9]+ movida/Oportunidad N movida/g; s/● [0-9]+/● N/g; s#[0-9]{2}/[0-9]{2}/#DD/MM/#g'

abiertas() {
    sql_as prom3 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'ABIERTA'"
}

start_app 80 24 --as prom3
wait_for "Actualizado a las"
[ "$(abiertas)" = 0 ] || fail "prom3 ya tenía oportunidades"

# Asignación: 5 clients, confirm, then Enter twice more on the same form.
send 4
wait_for "Pedir un lote de clientes"
wait_for "con estos filtros"
send '?'
wait_for "Ayuda: Asignación"
expect_line 'Enter +pedir \(dos veces: confirma\)'
send_key Escape
wait_until_gone "Ayuda: Asignación"
send_key BSpace
send_key BSpace
send 5
wait_match "Vista previa: se asignarán 5 de 5"
send_key Enter
wait_for "¿Pedir el lote? Enter confirma"
send_key Enter
wait_for "Listo, lote"
wait_for "con estos filtros" # the counts are read again after the request
expect_screen golden/embudo_asignacion.txt
[ "$(abiertas)" = 5 ] || fail "se esperaban 5 oportunidades abiertas, hay $(abiertas)"
send_key Enter
wait_for "¿Pedir el lote?"
send_key Enter
wait_for "Ya tenía el lote"
[ "$(abiertas)" = 5 ] || fail "el segundo Enter creó otro lote"
[ "$(sql_as prom3 "SELECT count(*) FROM crm.lotes")" = 1 ] || fail "más de un lote"

# The embudo, kanban, and its help (digits type into the number fields: leave them first).
send_key Down
send 2
wait_for "Nuevo · 5"
expect_screen golden/embudo_kanban.txt
send '?'
wait_for "Ayuda: Embudo"
expect_screen golden/embudo_ayuda.txt
send_key Escape
wait_until_gone "Ayuda: Embudo"

# Open the first card, move it to Contactado.
send_key Enter
wait_for "Historial"
wait_for "Asignada → Nuevo"
expect_screen golden/embudo_detalle.txt
first=$(sql_as prom3 "SELECT id FROM crm.oportunidades ORDER BY timer_vence, id LIMIT 1")
send m
wait_for "Mover a la etapa"
send_key Enter
wait_for "movida a «Contactado»"
wait_for "Nuevo → Contactado"
[ "$(sql_as prom3 "SELECT e.nombre FROM crm.oportunidades o JOIN crm.etapas e ON e.id = o.etapa_id WHERE o.id = $first")" = Contactado ] ||
    fail "la oportunidad $first no quedó en Contactado"

# The sale: a bad folio is refused as you type; then saved.
send v
wait_for "Registrar venta"
send 12500.50
send_key Tab
send 'Crédito nómina'
send_key Tab
send 'F 9'
wait_for "letras, dígitos, / _ -; hasta 40"
send_key BSpace
send_key BSpace
send '-9'
send_key Enter
wait_for "venta registrada con el folio F-9"
wait_for "Venta registrada"
[ "$(sql_as prom3 "SELECT folio FROM crm.ventas WHERE oportunidad_id = $first")" = F-9 ] ||
    fail "la venta no quedó registrada"

# The same folio on another opportunity: the database refuses, the form keeps what was typed.
# Back in the embudo the cursor follows the sold card to Venta; go back to Nuevo.
send_key Escape
wait_for "Venta · 1"
for _ in 1 2 3 4 5 6 7 8 9 10; do send_key Left; done
wait_for "Nuevo · 4"
send_key Enter
wait_for "Historial"
send v
wait_for "Registrar venta"
send 900
send_key Tab
send 'Seguro'
send_key Tab
send 'F-9'
send_key Enter
wait_for "el folio F-9 ya está registrado en otra venta"
# The form's own layout is the framework's (form_vm): check the content, not the screen.
expect_line '✗ el folio F-9 ya está registrado en otra venta'
expect_line 'Monto\* +\[900 +\]'
expect_line 'Producto\* +\[Seguro +\]'
expect_line 'Folio\* +\[F-9 +\]'
[ "$(sql_as prom3 "SELECT count(*) FROM crm.ventas")" = 1 ] || fail "se registró otra venta"
send_key Escape
wait_for "¿Descartar lo escrito"
send s
wait_until_gone "Registrar venta"

# "No localizado" asks for two contact attempts first (sql/065): the picker says so before a
# reason is typed; then one with a note and one with another outcome.
send x
wait_for "Salida: ¿a qué etapa?"
send_key Enter
wait_for "✗ «No localizado» pide 2 intentos de contacto (lleva 0): regístrelos con i."
send i
wait_for "Intento de contacto"
send_key Tab
send 'sonó seis veces'
send_key Enter
wait_for "Intento 1 registrado (no contesta)."
wait_for "Intento: no contesta"
send i
wait_for "Intento de contacto"
send_key Right
send_key Enter
wait_for "Intento 2 registrado (buzón)."

# To the bandeja, with a reason.
send x
wait_for "Salida: ¿a qué etapa?"
send_key Enter
wait_for "Salida a No localizado"
send 'no contesta, número equivocado'
send_key Enter
wait_for "en la bandeja del supervisor"
[ "$(sql_as prom3 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'EN_BANDEJA'")" = 1 ] ||
    fail "no llegó a la bandeja"
send '?'
wait_for "Ayuda: Detalle"
expect_screen golden/embudo_detalle_ayuda.txt
send_key Escape
wait_until_gone "Ayuda: Detalle"

# Back in the embudo (the cursor followed the card to its exit stage), the terminal grows and
# shrinks: as many stage columns as fit, the focused one always visible.
send_key Escape
wait_for "▪ en bandeja"
wait_for "etapas 5–7 de 9"
$T resize-window -t app -x 160 -y 50 || fail "resize-window"
wait_for "etapas 4–9 de 9"
expect_line '^Documentación · 0 +En trámite · 0 +Venta · 1 +⇥ No localizado · 1 +⇥ No interesado · 0 +⇥ No califica · 0$'
$T resize-window -t app -x 70 -y 20 || fail "resize-window"
wait_for "etapas 6–7 de 9"
expect_line '^Venta · 1 +⇥ No localizado · 1$'

send q
wait_gone
expect_exit 0
e2e_end
