# t_teclas — key overrides in ~/.config/embudo/teclas.conf: a bad line is reported in the
# bottom bar as FILE:LINE in Spanish while the good lines still apply; the hint bar and the
# "?" overlay show the user's keys (x quits instead of q), and the keys do what they say;
# ":teclas" reads the file again without a restart.
. "$(dirname "$0")/lib.inc"

conf="$E2E_WORK/cfg/embudo/teclas.conf"
E2E_ON_EXIT="rm -f '$conf'"
mkdir -p "$(dirname "$conf")"
cat > "$conf" <<'CONF'
# teclas de prueba
x = salir
[inicio]
ñ = ayuda
[embudo]
m = volar
CONF

start_app 80 24 --as prom3
wait_for "teclas.conf:6: acción desconocida «volar»"
wait_for "● conectado"
send ñ # ñ opens the help on Inicio; the message goes away with the first key
wait_for "Ayuda: Inicio"
wait_match '│  x +salir +│'
wait_match '│  ñ +ayuda +│'
send_key Escape
wait_until_gone "Ayuda: Inicio"
expect_line '^ \? ayuda  : comando  x salir$' # the hint bar shows the user's x
send q # q no longer quits (x replaced it)
send '?'
wait_for "Ayuda: Inicio"
send_key Escape
wait_until_gone "Ayuda: Inicio"
# Edited while running: ":teclas" reads it again (no restart), and the new keys show.
printf '# otra vez\nCtrl-x = salir\n' > "$conf"
send ':teclas'
send_key Enter
wait_for "Teclas: se volvió a leer teclas.conf"
send '?'
wait_match '│  Ctrl-x +salir +│'
send_key Escape
wait_until_gone "Ayuda: Inicio"
expect_line '^ \? ayuda  : comando  Ctrl-x salir$'
send x # x no longer quits either
send_key C-x
wait_gone
expect_exit 0
rm -f "$conf"
e2e_end
