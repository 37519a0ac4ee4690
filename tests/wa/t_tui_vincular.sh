# tests/wa/t_tui_vincular.sh — sourced by tests/wa/run.sh (its helpers, cluster and fake server
# script): the terminal's WhatsApp pane links an account over transport = web.
#
# prom2 opens the client in a private tmux server (160×50), goes to the WhatsApp pane and
# presses v: the pane pairs through the native client (ui/wa_vincular.c, the factory from
# src/cmd/wa_link.c) and draws the QR in half blocks with its countdown. The test reads the
# QR off the screen (qr_screen.mjs, as a phone would) and gives it to the fake phone; the
# pane then shows the account linked, the database holds sealed credentials under the JID the
# fake phone gave, and the sender starts by itself on the stored credentials (a second login
# on the fake server). v again on a linked account does not pair again. Refs rotate on screen,
# and once all expired the pane says so and v asks again. Another promoter
# quits the client while the QR is on screen: the attempt stops, the client exits 0 and the
# account goes back to SIN_VINCULAR; with no server, v shows the reason in Spanish and the
# client stays. prom7 links by phone number instead: n, the number in the form (a bad one is
# refused there), the 8-character code on screen, typed on the fake phone, linked. Needs tmux
# and node.

TT="tmux -u -L embudo-wa$$ -f /dev/null"
tui_exit="$work/tui.exit"

# tui_start LOGIN: the client as LOGIN in a detached session "app", against the fake server.
tui_start() {
    rm -f "$tui_exit"
    $TT new-session -d -s app -x 160 -y 50 \
        "env EMBUDO_WA_URL='$url' EMBUDO_WA_ROOT_KEY='$root' XDG_STATE_HOME='$work/state' \
         '$BIN' --home '$home' --as $1; echo \$? > '$tui_exit'"
}
tui_screen() { $TT capture-pane -p -t app 2>/dev/null; }
tui_send() { $TT send-keys -t app -l -- "$1"; }
# tui_wait TEXT [SECONDS]: polls (max 30 s) until TEXT (fixed string) is on the screen.
tui_wait() {
    i=0
    while [ $i -lt "${2:-30}0" ]; do
        tui_screen | grep -F -q -- "$1" && return 0
        $TT has-session -t app 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# tui_gone: polls (max 30 s) until the client exited; then its exit status is in tui_exit.
tui_gone() {
    i=0
    while $TT has-session -t app 2>/dev/null; do
        [ $i -ge 300 ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    [ -f "$tui_exit" ]
}
# tui_pane NAME: opens the tab titled NAME (its digit, from the tab row).
tui_pane() {
    tui_send "$(tui_screen | sed -n 2p | grep -o "[0-9] $1" | head -n 1 | cut -c1)"
}
cuenta() { # LOGIN: estado|credentials stored|jid of LOGIN's account
    eb --as postgres db psql -X -q -t -A -c "SELECT c.estado, c.credenciales IS NOT NULL,
        coalesce(c.jid, '') FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id
        WHERE u.login = '$1'" 2>&1
}
tui_fail_screen() { # DESCRIPTION: fails with the screen and the client's log tail
    tui_screen > "$work/tui.screen" 2>&1
    tail -n 20 "$home/embudo.log" >> "$work/tui.screen" 2>/dev/null
    bad "$1" "$work/tui.screen"
}

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "no se crearon prom2, prom3, prom4"
SELECT api.crear_usuario('prom2', 'Promotora Dos', 'PROMOTOR', 'sup1');
SELECT api.crear_usuario('prom3', 'Promotora Tres', 'PROMOTOR', 'sup1');
SELECT api.crear_usuario('prom4', 'Promotora Cuatro', 'PROMOTOR', 'sup1');
SELECT api.crear_usuario('prom7', 'Promotora Siete', 'PROMOTOR', 'sup1');
SQL
start_fake
scans=$(events '"ev":"scan"' '"ok":true')
logins=$(events '"ev":"login"' '"ok":true')

tui_start prom2
if tui_wait "Actualizado a las" && tui_pane WhatsApp && tui_wait "sin vincular"; then
    ok "TUI: el panel de WhatsApp muestra la cuenta sin vincular"
else
    tui_fail_screen "TUI: no se llegó al panel de WhatsApp"
fi
tui_send v
if tui_wait "El código cambia en" && tui_wait "▀"; then
    ok "TUI (web): v muestra el código QR en medios bloques con su cuenta regresiva"
else
    tui_fail_screen "TUI (web): v no mostró el código QR"
fi
check "TUI (web): la cuenta queda VINCULANDO mientras se muestra el código" \
    [ "$(cuenta prom2)" = "VINCULANDO|f|" ]
tui_send s
check "TUI (web): s (escaneo simulado) solo remite al teléfono" tui_wait "Solo en la red simulada"
tui_screen | node "$(dirname "$0")/qr_screen.mjs" > "$work/tui.qr" 2> "$work/tui.qr.err"
if grep -q '^https://wa\.me/settings/linked_devices#' "$work/tui.qr"; then
    ok "TUI (web): el código de la pantalla se lee como el de «wa link»"
    printf 'scan-qr %s\n' "$(cat "$work/tui.qr")" > "$work/admin"
else
    tui_fail_screen "TUI (web): el código de la pantalla no se pudo leer ($(cat "$work/tui.qr.err"))"
fi
if tui_wait "WhatsApp vinculado." && tui_wait "conectada"; then
    ok "TUI (web): tras el escaneo el panel muestra la cuenta vinculada"
else
    tui_fail_screen "TUI (web): el panel no mostró la cuenta vinculada"
fi
check "TUI (web): el teléfono falso aceptó el código leído de la pantalla" \
    [ "$(events '"ev":"scan"' '"ok":true')" = $((scans + 1)) ]
linked() { cuenta prom2 | grep -qE '^CONECTADA\|t\|15550001111:[0-9]+@s\.whatsapp\.net$'; }
check "TUI (web): la base tiene la cuenta CONECTADA con credenciales selladas y su jid" linked
# The sender starts on the stored credentials: the link's login, then the sender's.
sender_login() { [ "$(events '"ev":"login"' '"ok":true')" -ge $((logins + 2)) ]; }
i=0
until sender_login || [ $i -ge 100 ]; do sleep 0.2; i=$((i + 1)); done
check "TUI (web): el envío arranca solo con las credenciales guardadas (segundo login)" sender_login
tui_send v
check "TUI (web): v en una cuenta vinculada no vuelve a emparejar" \
    tui_wait "La cuenta ya está vinculada y enviando."
tui_send q
if tui_gone && [ "$(cat "$tui_exit")" = 0 ]; then
    ok "TUI (web): q cierra el cliente con estado 0"
else
    tui_fail_screen "TUI (web): el cliente no terminó limpio"
fi

# The refs rotate (60 s, then 20 s: the session's defaults) and each replaces the drawing; once
# both expired the pane says so and v asks again.
tui_start prom4
if tui_wait "Actualizado a las" && tui_pane WhatsApp && tui_wait "sin vincular" &&
    tui_send v && tui_wait "(código 1)."; then
    tui_screen | node "$(dirname "$0")/qr_screen.mjs" > "$work/tui.qr1" 2>&1
    if tui_wait "(código 2)." 90; then
        tui_screen | node "$(dirname "$0")/qr_screen.mjs" > "$work/tui.qr2" 2>&1
        rotated() {
            ref1=$(sed -n 's/^[^#]*#\([^,]*\),.*/\1/p' "$work/tui.qr1")
            ref2=$(sed -n 's/^[^#]*#\([^,]*\),.*/\1/p' "$work/tui.qr2")
            [ -n "$ref1" ] && [ -n "$ref2" ] && [ "$ref1" != "$ref2" ] &&
                [ "$(cut -d, -f2- "$work/tui.qr1")" = "$(cut -d, -f2- "$work/tui.qr2")" ]
        }
        check "TUI (web): el segundo ref reemplaza al primero en pantalla (mismas llaves)" rotated
    else
        tui_fail_screen "TUI (web): no llegó el segundo código"
    fi
    check "TUI (web): vencidos los códigos, el panel lo dice y ofrece v" \
        tui_wait "Los códigos vencieron sin escanearse. Pulse v para pedir otro." 60
    check "TUI (web): códigos vencidos: la cuenta vuelve a SIN_VINCULAR" \
        [ "$(cuenta prom4)" = "SIN_VINCULAR|f|" ]
    tui_send v
    check "TUI (web): v pide un código nuevo" tui_wait "(código 1)."
else
    tui_fail_screen "TUI (web): prom4 no llegó a ver el código"
fi
tui_send q
check "TUI (web): el cliente sale con 0 a media vinculación" \
    eval 'tui_gone && [ "$(cat "$tui_exit")" = 0 ]'

# Quitting while the QR is on screen stops the attempt; the account is left as it was.
tui_start prom3
if tui_wait "Actualizado a las" && tui_pane WhatsApp && tui_wait "sin vincular" &&
    tui_send v && tui_wait "El código cambia en"; then
    tui_send q
    if tui_gone && [ "$(cat "$tui_exit")" = 0 ]; then
        ok "TUI (web): salir con el código en pantalla detiene la vinculación y sale con 0"
    else
        tui_fail_screen "TUI (web): salir durante la vinculación no terminó limpio"
    fi
else
    tui_fail_screen "TUI (web): prom3 no llegó a ver el código"
fi
check "TUI (web): una vinculación interrumpida deja la cuenta SIN_VINCULAR" \
    [ "$(cuenta prom3)" = "SIN_VINCULAR|f|" ]

# Linking by phone number: n asks for it, the code is drawn big enough to read on any terminal.
tui_start prom7
hellos=$(events '"ev":"link-code-hello"' '"ok":true')
if tui_wait "Actualizado a las" && tui_pane WhatsApp && tui_wait "O pulse n para vincularlo" &&
    tui_send n && tui_wait "Su número de WhatsApp"; then
    tui_send "12"
    $TT send-keys -t app Enter
    check "TUI (web): n rechaza en el formulario un número que no es teléfono" \
        tui_wait "10 dígitos de México (con o sin +52), u otro país con +lada"
    $TT send-keys -t app BSpace BSpace
    tui_send "+1 555 000 1111"
    $TT send-keys -t app Enter
else
    tui_fail_screen "TUI (web): n no abrió el formulario del número"
fi
if tui_wait "Vincular con el número de teléfono, y escriba:" && tui_wait "El código vence en"; then
    ok "TUI (web): el panel muestra el código para escribir en el teléfono, con su cuenta regresiva"
    code=$(tui_screen | sed -n 's/^ *\([1-9A-HJ-NP-TV-Z]\{4\}\)-\([1-9A-HJ-NP-TV-Z]\{4\}\) *$/\1\2/p' |
        head -n 1)
    i=0
    while [ "$(events '"ev":"link-code-hello"' '"ok":true')" = "$hellos" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    printf 'type-code 15550001111 %s\n' "$code" > "$work/admin"
else
    tui_fail_screen "TUI (web): no se mostró el código de vinculación"
fi
if tui_wait "WhatsApp vinculado." && tui_wait "conectada"; then
    ok "TUI (web): escrito el código en el teléfono, el panel muestra la cuenta vinculada"
else
    tui_fail_screen "TUI (web): el código escrito no vinculó la cuenta"
fi
check "TUI (web): vinculada por código: CONECTADA con credenciales selladas y el jid del teléfono" \
    eval 'cuenta prom7 | grep -qE "^CONECTADA\|t\|15550001111:[0-9]+@s\.whatsapp\.net$"'
tui_send q
check "TUI (web): el cliente sale con 0 tras vincular por código" \
    eval 'tui_gone && [ "$(cat "$tui_exit")" = 0 ]'
check "el servidor falso termina limpio" stop_fake

# No server: the pane says why in Spanish, keeps the client running, and v may try again.
tui_start prom3
if tui_wait "Actualizado a las" && tui_pane WhatsApp && tui_wait "sin vincular" &&
    tui_send v && tui_wait "No se vinculó: la conexión con WhatsApp terminó (0,"; then
    ok "TUI (web): sin servidor, el error se muestra en español sin salir del cliente"
else
    tui_fail_screen "TUI (web): sin servidor no se mostró el error"
fi
check "TUI (web): tras el error, el panel ofrece vincular de nuevo" \
    tui_wait "Pulse v para vincular su WhatsApp con un código QR."
tui_send q
check "TUI (web): el cliente sale con 0 tras el error" eval 'tui_gone && [ "$(cat "$tui_exit")" = 0 ]'
check "TUI (web): un intento fallido deja la cuenta SIN_VINCULAR" [ "$(cuenta prom3)" = "SIN_VINCULAR|f|" ]
$TT kill-server >/dev/null 2>&1
