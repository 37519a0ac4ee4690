# t_raton — the mouse, as a terminal reports it: a click on a tab shows that pane, a click on a
# key of the bottom bar presses it, a click on a card or a row selects it and a double click
# opens it in Detalle, the wheel moves the cursor three rows, a click on a form's field focuses
# it; ":raton no" gives the mouse back to the terminal (tmux stops reporting it) and ":raton"
# takes it again; an xterm-256color terminal's SGR reports work alike. Nothing here writes:
# prom1's lote is only read.
. "$(dirname "$0")/lib.inc"

start_app 80 24 --as prom1
wait_for "Actualizado a las"
wait_for "● conectado"
[ "$($T display -p -t app '#{mouse_any_flag}')" = 1 ] || fail "el cliente no pidió el ratón"

# A tab: the kanban.
click_on "2 Embudo"
wait_match '^Nuevo · [0-9]+'

# The bottom bar's «v columnas/lista» is the key v: the list, one client per row.
click_on "columnas/lista"
wait_match '^Cliente +Conv\. +Etapa +Tiempo'
# The clients of rows 2 and 5 of the list (screen rows 4 and 7), as drawn.
name_of() {
    screen | sed -n "$(($1 + 1))p" | sed -E 's/ {2,}.*//'
}
second=$(name_of 4)
fourth=$(name_of 6)
fifth=$(name_of 7)
[ -n "$second" ] && [ -n "$fifth" ] && [ "$second" != "$fifth" ] ||
    fail "la lista no tiene cinco clientes distintos"

# A double click on the second row opens it in Detalle (its name heads the pane).
double_click 4 3
wait_match "^ $second "
click_on "2 Embudo"
wait_match '^Cliente +Conv\.'

# A click on the first row, then one wheel step down: three rows, the fourth; one more step
# and one up: back there. Enter opens it.
click 3 3
wheel_down 10 10
wheel_down 10 10
wheel_up 10 10
send_key Enter
wait_match "^ $fourth "
click_on "2 Embudo"
wait_match '^Cliente +Conv\.'

# A single click selects without opening: Enter after it opens the fifth.
click 7 20
send_key Enter
wait_match "^ $fifth "
click_on "2 Embudo"
wait_match '^Cliente +Conv\.'

# The bottom bar's «? ayuda» opens the help; the wheel scrolls it, Esc closes it.
click_on "? ayuda"
wait_for "Ayuda: Embudo"
wheel_down 10 40
send_key Escape
wait_until_gone "Ayuda: Embudo"

# A form: a click on a field's row focuses it, and what is typed goes there.
send c
wait_for "Teléfono"
click_on "Teléfono"
send 5512345678
wait_match 'Teléfono\*? +\[5512345678'
expect_line 'Nombre completo\* +\[ +\] ✗ Obligatorio' # the field left is checked, as with Tab
send_key Escape
wait_for "¿Descartar lo escrito en el formulario?"
send s
wait_until_gone "Teléfono"

# The mouse back to the terminal: tmux no longer reports it, and a click on a tab does nothing
# the client sees (it would select text in a real terminal).
send ':raton '
send_key Tab # the two words it takes
wait_match '^:raton +sí  no$'
send 'no'
send_key Enter
wait_for "Ratón: desactivado"
[ "$($T display -p -t app '#{mouse_any_flag}')" = 0 ] || fail "el ratón sigue pedido tras :raton no"
send ':raton'
send_key Enter
wait_for "Ratón: clic elige"
[ "$($T display -p -t app '#{mouse_any_flag}')" = 1 ] || fail ":raton no volvió a pedir el ratón"
# The tabs that do not fit at 80 columns hide behind «…»: a click shows the first of them.
click_on "…"
wait_for "1 Audiencia ›"
click_on "1 Inicio"
wait_for "Actualizado a las"

send q
wait_gone
expect_exit 0

# An xterm-256color terminal asks for SGR reports (mode 1006): the same click, encoded so. The
# tab is one whose number is not among the report's digits (read as keys, they would switch
# panes too).
E2E_ENV=TERM=xterm-256color start_app 80 24 --as prom1
wait_for "Actualizado a las"
[ "$($T display -p -t app '#{mouse_sgr_flag}')" = 1 ] || fail "no se pidieron reportes SGR"
pos=$(where "4 Asignación")
case "$((${pos#* } + 1));$((${pos% *} + 1))" in *4*) fail "el reporte tendría un 4: elija otra pestaña" ;; esac
sgr_click "${pos% *}" "${pos#* }"
wait_for "Pedir un lote de clientes"
send q
wait_gone
expect_exit 0
