# t_tema — themes are plain files: ":tema" switches live between the installed ones
# (dark → light → mono, checked on the status bar's colours), a user's own theme in
# ~/.config/embudo/themes is found and used, a theme file with an error is refused with
# FILE:LINE and the current theme stays, and NO_COLOR gives a screen without any colour
# where every signal keeps its glyph or word.
. "$(dirname "$0")/lib.inc"

themes="$E2E_WORK/cfg/embudo/themes"
E2E_ON_EXIT="rm -rf '$themes'"
mkdir -p "$themes"
printf 'text = default default\nbar = white magenta bold\n' > "$themes/rosa.theme"
printf 'text = default default\nbar = azulito blanco\n' > "$themes/roto.theme"

ESC=$(printf '\033')
# bar_has SGR: the status bar (first row) uses that SGR code (e.g. 44 = blue background).
bar_has() {
    screen_sgr | head -n 1 | grep -q "$ESC\\[$1m"
}
wait_bar() {
    deadline=$(($(date +%s) + E2E_TIMEOUT))
    until bar_has "$1"; do
        [ "$(date +%s)" -ge "$deadline" ] && fail "la barra de estado no usa el código $1"
        sleep 0.1
    done
}

start_app 80 24 --as prom3
wait_for "● conectado"
wait_bar 44 # dark: white on blue

send ':tema light'
send_key Enter
wait_for "Tema: light"
wait_bar 46 # cyan background
bar_has 44 && fail "el tema claro conserva el azul de dark"

send ':tema mono'
send_key Enter
wait_for "Tema: mono"
wait_bar 7 # reverse video, no colours at all
screen_sgr | grep -q "$ESC\\[[34][0-7]m" && fail "el tema mono usa colores"

send ':tema rosa'
send_key Enter
wait_for "Tema: rosa"
wait_bar 45

send ':tema roto'
send_key Enter
wait_for "✗ roto.theme:2: color desconocido «azulito»"
bar_has 45 || fail "un tema con errores cambió el tema en uso"
send ':tema azul'
send_key Enter
wait_for "✗ tema desconocido: «azul» (:tema y Tab lista los instalados)"

send q
wait_gone
expect_exit 0

# NO_COLOR: attributes only, and the state still reads "● conectado".
E2E_ENV=NO_COLOR=1
start_app 80 24 --as prom3
wait_for "● conectado"
wait_for "Actualizado a las"
wait_bar 7
screen_sgr | grep -q "$ESC\\[[34][0-7]m" && fail "NO_COLOR dejó colores en pantalla"
send q
wait_gone
expect_exit 0
rm -rf "$themes"
e2e_end
