# t_help — "?" opens the help overlay with the keys of the screen (from the keymap), the
# hint bar switches to the overlay's keys, Esc closes it and the screen is whole again.
. "$(dirname "$0")/lib.inc"

# Counts; and the tail of Inicio's next-date line that shows right of the box (its length
# depends on whether a rest day or a special date comes next).
E2E_MASK='s/ +[0-9][0-9,]*( │)?$/ #\1/; s/^(  Pr[óo]ximo│.*│).*/\1/'

start_app 80 24 --as prom1
wait_for "Actualizado a las"
send '?'
wait_for "Ayuda: Inicio"
expect_line '^ Esc cerrar la ayuda  q salir$'
expect_screen golden/help.txt
send_key Escape
wait_until_gone "Ayuda: Inicio"
wait_for " ? ayuda  : comando  q salir"
expect_screen golden/start_quit.txt
send q
wait_gone
expect_exit 0
e2e_end
