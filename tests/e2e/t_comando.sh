# t_comando — the ":" command line: Tab completes command names, argument keys and values
# the panes supplied (convenio claves from the database), repeated Tab cycles, a wrong
# command or key is refused in Spanish, Backspace on an empty line and Esc close it,
# ":ayuda" opens the full reference (keys and commands), ":asignar" lands in the Asignación
# pane with the filters filled in, and quitting with that pending asks first (n stays, s quits).
. "$(dirname "$0")/lib.inc"

start_app 80 24 --as prom3
wait_for "Actualizado a las"
wait_for "● conectado"

send ':'
wait_match '^:$'
send 'as'
send_key Tab
wait_match '^:asignar$' # (the blank after it is not captured)
send '2 con'
send_key Tab
wait_match '^:asignar 2 convenio=$'
send 'IS'
send_key Tab # three claves start with ISS: the common prefix, and the list beside it
wait_match '^:asignar 2 convenio=ISS  ISSEMYM  ISSSTE  ISSSTE-PENSIONADOS$'
send_key Tab
wait_match '^:asignar 2 convenio=ISSEMYM  +ISSEMYM  ISSSTE'
send_key Tab
wait_match '^:asignar 2 convenio=ISSSTE  +ISSEMYM  ISSSTE'
send 'edad_m'
send_key Tab
wait_match '^:asignar 2 convenio=ISSSTE edad_m  edad_min=  edad_max=$'
send 'in=30'
send_key Enter
# Routed to the pane that owns it: Asignación, with the filters from the line.
wait_for "Pedir un lote de clientes"
wait_match 'Convenio +◂ ISSSTE'
expect_line '^  Cantidad +2'
expect_line '^  Edad mínima +30'

send ':volar'
send_key Enter
wait_for "✗ comando desconocido «volar» (:ayuda los lista)"
send ':asignar 3 convenoi=IMSS'
send_key Enter
wait_for "✗ argumento desconocido «convenoi» (convenio, entidad, edad_min, edad_max)"
send ':mover'
send_key Enter
wait_for "✗ uso: :mover ETAPA [motivo=TEXTO]"

send ':x'
send_key BSpace
send_key BSpace # Backspace on the empty line closes it: the hint bar is back
wait_match '^ .*\? ayuda'
expect_line '^ Enter pedir'


send ':ayuda'
send_key Enter
wait_for "Ayuda: referencia de teclas"
send G # the end of the reference: the commands
wait_for "Comandos (: y Tab completa)"
wait_match '│  :asignar +pedir un lote de clientes'
send g
wait_for "En todos los paneles"
send_key Escape
wait_until_gone "Ayuda: referencia de teclas"

send ':q'
send_key Enter # the lote is filled in and not asked for: quitting asks first
wait_for "Hay cambios sin guardar. ¿Salir de todos modos? (s/n)"
send n
wait_until_gone "Hay cambios sin guardar"
send q
wait_for "Hay cambios sin guardar. ¿Salir de todos modos? (s/n)"
send s
wait_gone
expect_exit 0
e2e_end
