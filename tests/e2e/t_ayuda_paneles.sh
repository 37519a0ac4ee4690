# t_ayuda_paneles — "?" shows the keys of the pane it is pressed in (its own section first,
# then the global keys), for every pane a promoter and a supervisor can reach, and the
# hint bar follows the pane. Panes a profile may not use have no tab, and their commands say
# the profile has no access.
. "$(dirname "$0")/lib.inc"

# check_help N TITLE: pane number N is TITLE and its "?" overlay lists its keys first.
check_help() {
    send "$1"
    wait_match "^  .*$1 $2( |\$)"
    send '?'
    wait_for "Ayuda: $2"
    wait_match "│ $2 +│" # the pane's own section heading
    wait_match "│ En todos los paneles +│"
    send_key Escape
    wait_until_gone "Ayuda: $2"
}

start_app 100 30 --as prom1
wait_for "● conectado"
expect_line '^  1 Inicio   2 Embudo   3 Detalle   4 Asignación '
screen | sed -n 2p | grep -q -e Bandeja -e Equipo && fail "un promotor ve pestañas de supervisión"
check_help 2 Embudo
check_help 5 Informe # before Asignación, where digits type into Cantidad
check_help 4 Asignación
send_key BTab # back from Asignación: Detalle
wait_for "Elige una oportunidad en el Embudo"
send ':bandeja'
send_key Enter
wait_for "✗ su perfil no tiene acceso a :bandeja"
send q
wait_gone
expect_exit 0

start_app 100 30 --as sup1
wait_for "● conectado"
expect_line '^  1 Inicio   2 Embudo   3 Detalle   4 Bandeja   5 Equipo( |$)'
check_help 2 Embudo
check_help 4 Bandeja
check_help 5 Equipo
check_help 6 Informe
send q
wait_gone
expect_exit 0
e2e_end
