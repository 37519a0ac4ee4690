# t_alt_paneles — Alt+digit switches panes wherever the pane reads keys as text: digits type
# into Asignación's number field (and the hint bar offers Alt-1…9 there), the wizard's first
# step reads every key, and Alt-1 still goes to Inicio from both; a plain digit from a choice
# field still picks a pane; Esc then q arriving together are still Esc and q.
. "$(dirname "$0")/lib.inc"

start_app 100 30 --as prom4
wait_for "Actualizado a las"
tabs=$(screen | sed -n 2p)
pane_key() { # the digit of the tab titled $1
    echo "$tabs" | grep -o "[0-9] $1" | head -n 1 | cut -c1
}

send "$(pane_key Asignación)"
wait_for "Pedir un lote de clientes"
wait_match '^ Enter pedir \(dos veces: confirma\)  ↑ campo anterior  Alt-1…9 paneles  \? ayuda'
wait_match '^  Cantidad +20'
send_key BSpace
send_key BSpace
send 37 # Cantidad has the focus: the digits are the number
wait_match '^  Cantidad +37'
expect_line "Pedir un lote de clientes"
send_key M-1
wait_for "Resumen"
wait_until_gone "Pedir un lote de clientes"
send "$(pane_key Asignación)"
wait_match '^  Cantidad +37' # nothing typed was lost
send_key Down # the convenio (a choice): a digit picks a pane again
send 1
wait_until_gone "Pedir un lote de clientes"

send "$(pane_key 'Nueva campaña')"
wait_for "1 Audiencia"
send 3 # step 1 reads every key (the máximo field takes digits)
send_key M-1
wait_until_gone "1 Audiencia"
wait_for "Resumen"

send ? # the help lists the Alt keys on one row
wait_match '│ +Alt-1…9 +ir al panel, también escribiendo'
send_key Escape # and q at once, as over a slow link: Alt-q is not bound, so they are two keys
send q
wait_for "Hay cambios sin guardar. ¿Salir de todos modos? (s/n)"
send s
wait_gone
expect_exit 0
e2e_end
