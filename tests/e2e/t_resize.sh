# t_resize — the terminal changes size under the client (SIGWINCH): every window is
# re-created and re-laid out for the new size, bigger and smaller, without a key press.
. "$(dirname "$0")/lib.inc"

E2E_MASK='s/ +[0-9][0-9,]*( │)?$/ #\1/'

start_app 80 24 --as prom1
wait_for "Actualizado a las"

$T resize-window -t app -x 100 -y 30 || fail "resize-window"
wait_status_width 100 # right-aligned to the new width
expect_screen golden/resize_100x30.txt

$T resize-window -t app -x 44 -y 12 || fail "resize-window"
wait_status_width 44
expect_screen golden/resize_44x12.txt

send q
wait_gone
expect_exit 0
e2e_end
