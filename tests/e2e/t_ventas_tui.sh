# t_ventas_tui — `:ventas` in the terminal and a supervisor's corrections of a sale (sql/092),
# 80×24, with its own users and leads (tvsup, tvprom; 999 003 0001, 999 003 0002; folios TV-1,
# TV-2). tvprom sold TV-2 from the CLI and sells TV-1 from Detalle; `:ventas` lists both with
# their total, and neither her hint bar nor her `?` offers correcting or cancelling. tvsup
# corrects TV-1's amount from the list: a folio another sale has is refused inside the form
# with what was typed, then the amount alone is saved; the list, Detalle's data block and its
# history say it. Then tvsup cancels TV-1 («n» first: nothing is sent), the list marks it
# «cancelada» and the total drops, Detalle says when and why, and the opportunity waits in the
# bandeja at the stage it had before the sale. The auditor lists them without the keys.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('tvsup', 'Teresa Ventas', 'SUPERVISOR');
    SELECT api.crear_usuario('tvprom', 'Tomás Ventas', 'PROMOTOR', 'tvsup')" \
    >/dev/null || fail "crear tvsup y tvprom"
eb --as tvprom captar --nombre "Valeria Venta Tui" --telefono 9990030001 >/dev/null ||
    fail "captar la primera"
eb --as tvprom captar --nombre "Vicente Venta Tui" --telefono 9990030002 >/dev/null ||
    fail "captar la segunda"
op1=$(sql_as tvprom "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                        ON p.id = o.prospecto_id WHERE p.telefono = '+529990030001'")
op2=$(sql_as tvprom "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                        ON p.id = o.prospecto_id WHERE p.telefono = '+529990030002'")
[ -n "$op1" ] && [ -n "$op2" ] || fail "sin las oportunidades captadas"
eb --as tvprom mover "$op1" Interesado >/dev/null || fail "mover la primera a Interesado"
eb --as tvprom venta "$op2" --monto 5000 --producto 'Crédito de nómina' --folio TV-2 \
    >/dev/null || fail "vender la segunda"

# The promoter sells TV-1 from Detalle (found with :buscar).
start_app 80 24 --as tvprom
wait_for "● conectado"
send :
send 'buscar 999 003 0001'
send_key Enter
wait_for "Valeria Venta Tui"
send_key Enter
wait_for "#$op1"
send v
wait_for "Registrar venta"
send 138500
send_key Tab
send 'Crédito de nómina'
send_key Tab
send TV-1
send_key Enter
wait_for "venta registrada con el folio TV-1"
wait_for "Venta     \$138,500.00 · Crédito de nómina · folio TV-1"
screen | grep -q "corregida" && fail "una venta recién registrada dice corregida"
# A won opportunity: the promoter's bar offers the note, nothing of the sale's.
send_key Escape
wait_until_gone "venta registrada"
screen | tail -n 1 | grep -q "corregir venta\|cancelar venta" && fail "el promotor ve E/X en Detalle"
send '?'
wait_for "Ayuda"
screen | grep -q "corregir venta\|cancelar venta" && fail "la ayuda del promotor ofrece E/X"
send_key Escape
wait_until_gone "Ayuda"

# :ventas: both, newest first, the total; no correcting or cancelling for her.
send :
send ventas
send_key Enter
wait_for "· sus ventas"
wait_match "^[0-9/]{8} TV-1 +Valeria Venta Tui +— +Crédito de … +\\\$138,500.00$"
wait_match "^[0-9/]{8} TV-2 +Vicente Venta Tui +— +Crédito de … +\\\$5,000.00$"
wait_for "2 ventas vigentes, total \$143,500.00"
screen | grep -q "cancelada" && fail "una cancelada antes de cancelar"
screen | tail -n 1 | grep -q "corregir venta\|cancelar venta" && fail "el promotor ve E/X"
# [ shows last month (nothing sold then), ] comes back, ] again stops at today.
send '['
wait_for "Ninguna venta registrada en estas fechas."
fin=$(sql_as tvprom "SELECT to_char(date_trunc('month', crm.fecha_negocio(now()))
                                     - interval '1 day', 'FMDD')")
wait_for "Ventas del 1 al $fin de "
send ']'
wait_for "2 ventas vigentes, total \$143,500.00"
send ']'
wait_for "No hay ventas después de hoy."
send '?'
wait_for "Ayuda"
screen | grep -q "corregir venta\|cancelar venta" && fail "la ayuda del promotor ofrece E/X"
send_key Escape
wait_until_gone "Ayuda"
# E and X do nothing for her: the help opens over the list, no form.
send E
send X
send '?'
wait_for "Ayuda"
screen | grep -q "Corregir la venta\|Cancelar la venta" && fail "el promotor abrió un formulario"
send_key Escape
wait_until_gone "Ayuda"
send_key Escape
wait_until_gone "· sus ventas"
send q
wait_gone
expect_exit 0

# The supervisor: the same two with whose they are, and E / X offered on the one in force.
start_app 80 24 --as tvsup
wait_for "● conectado"
send :
send ventas
send_key Enter
wait_for "· todo el equipo"
wait_match "^[0-9/]{8} TV-1 .* tvprom +\\\$138,500.00$"
expect_line '^ Enter abrir  E corregir venta  X cancelar venta  \? ayuda  : comando  q salir'
wait_for "2 ventas vigentes, total \$143,500.00"

# E on TV-1: the form holds the sale as it is; another sale's folio is refused inside it.
send E
wait_for "Corregir la venta TV-1"
expect_line 'Monto\* +\[138500\.00 +\]'
expect_line 'Producto\* +\[Crédito de nómina +\]'
expect_line 'Folio\* +\[TV-1 +\]'
for _ in 1 2 3 4 5 6 7 8 9; do send_key BSpace; done
send 138000.50
send_key Tab
send_key Tab
send_key BSpace
send 2
send_key Tab
send 'se capturó mal el monto'
send_key Enter
wait_for "el folio TV-2 ya está registrado en otra venta"
expect_line 'Monto\* +\[138000\.50 +\]'
expect_line 'Motivo\* +\[se capturó mal el monto +\]'
[ "$(sql_as tvsup "SELECT monto || ' ' || folio FROM crm.ventas WHERE oportunidad_id = $op1")" = \
    "138500.00 TV-1" ] || fail "la corrección rechazada cambió la venta"
send_key BTab
send_key BSpace
send 1
send_key Enter
wait_for "venta corregida (folio TV-1, \$138,000.50, Crédito de nómina)"
wait_until_gone "Corregir la venta TV-1"
wait_match "^[0-9/]{8} TV-1 .* tvprom +\\\$138,000.50$"
wait_for "2 ventas vigentes, total \$143,000.50"
wait_match "^Corregida el [0-9/]{10} · Enter abre en Detalle · \\[ \\] otro mes · Esc vuelve$"
[ "$(sql_as tvsup "SELECT datos::text FROM crm.historial WHERE oportunidad_id = $op1
                   AND evento = 'VENTA_CORREGIDA'")" = \
    '{"antes": {"monto": 138500.00}, "despues": {"monto": 138000.50}}' ] ||
    fail "el historial de la corrección: $(sql_as tvsup "SELECT datos FROM crm.historial
                                          WHERE evento = 'VENTA_CORREGIDA'")"

# Detalle says it, with the history row and its reason; its bar offers the note and E, X.
send_key Enter
wait_for "#$op1"
wait_for "Venta     \$138,000.50 · Crédito de nómina · folio TV-1 (corregida)"
wait_match "Venta corregida: monto \\\$138,500.00 → \\\$138,000.50 +tvsup"
wait_for "«se capturó mal el monto»"
expect_line '^ n nota  E corregir venta  X cancelar venta  \? ayuda'
send E
wait_for "Corregir la venta TV-1"
expect_line 'Monto\* +\[138000\.50 +\]'
send_key Escape
wait_until_gone "Corregir la venta TV-1"
send_key Escape
wait_for "· todo el equipo"

# X: the form says what happens before the reason; «n» keeps it and sends nothing.
send X
wait_for "Cancelar la venta TV-1"
wait_for "la venta de \$138,000.50 deja de contar"
send 'la financiera no autorizó el crédito'
send_key Enter
wait_for "¿Cancelar la venta TV-1? Deja de contar y la oportunidad va a la bandeja. (s/n)"
send n
wait_until_gone "¿Cancelar la venta TV-1?"
expect_line 'Motivo\* +\[.*no autorizó el crédito +\]'
[ "$(sql_as tvsup "SELECT estado FROM crm.ventas WHERE oportunidad_id = $op1")" = VIGENTE ] ||
    fail "«n» canceló la venta"
send_key Enter
wait_for "¿Cancelar la venta TV-1?"
send s
wait_for "venta con el folio TV-1 cancelada: la oportunidad $op1 pasó a la bandeja"
wait_until_gone "Cancelar la venta TV-1"
wait_match "^[0-9/]{8} TV-1 .* tvprom +cancelada$"
wait_for "1 venta vigente, total \$5,000.00 · 1 cancelada, no suma"
wait_match "^Cancelada el [0-9/]{10} por tvsup: «la financiera no autorizó el crédito»$"
# On the cancelled one the bar offers no E or X (on the other it does), and X says why.
send j
wait_match "^Enter abre en Detalle · \\[ \\] otro mes · Esc vuelve$"
expect_line '^ Enter abrir  E corregir venta  X cancelar venta  \? ayuda'
send k
wait_match "^Cancelada el "
expect_line '^ Enter abrir  \? ayuda  : comando  q salir'
send X
wait_for "Esa venta ya está cancelada."
[ "$(sql_as tvsup "SELECT v.estado || ' ' || o.estado FROM crm.ventas v
                   JOIN crm.oportunidades o ON o.id = v.oportunidad_id
                   WHERE v.oportunidad_id = $op1")" = "CANCELADA EN_BANDEJA" ] ||
    fail "la venta y la oportunidad tras cancelar"

# Detalle: when and why, and the history; no sale keys on it any more.
send_key Enter
wait_for "#$op1"
wait_match "Venta     cancelada el [0-9/]{10}: la financiera no autorizó el crédito"
send G
wait_match "Venta cancelada → Interesado +tvsup"
screen | tail -n 1 | grep -q "corregir venta\|cancelar venta" && fail "E/X en una cancelada"
send_key Escape
wait_for "· todo el equipo"

# The opportunity waits in the bandeja, at the stage it had before the sale.
send_key Escape
wait_until_gone "· todo el equipo"
send :
send bandeja
send_key Enter
wait_match "Valeria Venta Tui +tvprom +Interesado"
send q
wait_gone
expect_exit 0

# The auditor reads the list (one promoter of it) without E or X; X says why.
start_app 80 24 --as auditor
wait_for "● conectado"
send :
send 'ventas tvprom'
send_key Enter
wait_for "· solo tvprom"
wait_match "^[0-9/]{8} TV-1 .* tvprom +cancelada$"
wait_for "1 venta vigente, total \$5,000.00 · 1 cancelada, no suma"
send j
wait_match "^Enter abre en Detalle · \\[ \\] otro mes · Esc vuelve$"
screen | tail -n 1 | grep -q "corregir venta\|cancelar venta" && fail "el auditor ve E/X"
send X
wait_for "Solo lectura: su perfil no cambia datos."
send q
wait_gone
expect_exit 0
e2e_end
