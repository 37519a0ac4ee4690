# t_historial — the ":" line's history: Up and Down recall the commands run in this session
# (what was being typed comes back after the newest), and the next session finds them in
# $XDG_STATE_HOME/embudo/historial, a file only its owner may read, where a line another
# session wrote meanwhile is kept.
. "$(dirname "$0")/lib.inc"

estado="$E2E_WORK/state/$E2E_NAME" # start_app's XDG_STATE_HOME

start_app 80 24 --as prom1
wait_for "● conectado"
send ':tema light'
send_key Enter
wait_for "Tema: light"
send ':tema mono'
send_key Enter
wait_for "Tema: mono"
send ':tema d' # being typed: kept while walking the history
send_key Up
wait_match '^:tema mono$'
send_key Up
wait_match '^:tema light$'
send_key Up # the oldest stays
wait_match '^:tema light$'
send_key Down
wait_match '^:tema mono$'
send_key Down
wait_match '^:tema d$'
send_key Escape
wait_match '^ .*\? ayuda'
send q
wait_gone
expect_exit 0

f="$estado/embudo/historial"
[ "$(cat "$f")" = "tema light
tema mono" ] || fail "historial: $(cat "$f")"
[ "$(stat -c %a "$f")" = 600 ] || fail "el historial no es 0600: $(stat -c %a "$f")"

# A new session: the history is there before anything is run.
start_app 80 24 --as prom1
wait_for "● conectado"
send ':'
send_key Up
wait_match '^:tema mono$'
send_key BSpace
send_key BSpace
send_key BSpace
send_key BSpace
send 'dark'
echo "buscar otra sesión" >> "$f" # another session writes meanwhile: its line stays
send_key Enter
wait_for "Tema: dark"
send q
wait_gone
expect_exit 0
[ "$(cat "$f")" = "tema light
tema mono
buscar otra sesión
tema dark" ] || fail "historial tras dos sesiones: $(cat "$f")"
e2e_end
