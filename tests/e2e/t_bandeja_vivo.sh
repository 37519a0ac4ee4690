# t_bandeja_vivo — the supervisor's side, live: prom5 sends an opportunity to the bandeja
# (through the CLI, as another terminal would); sup2's bandeja shows it with its reason; sup2
# tags it, reassigns it to prom6 with a reason (the picker shows each promoter's quota and
# cartera) once it has waited past her time (late on her Inicio, gone when decided); prom6,
# whose embudo is open in a second tmux session, sees the card appear
# without pressing a key (LISTEN/NOTIFY). The equipo pane and its help; both quit.
. "$(dirname "$0")/lib.inc"

E2E_MASK='s/[0-9]+ h [0-9]{2} m hábiles/N h NN m hábiles/g; s/[0-9]+ m hábiles/NN m hábiles/g;
s/ [0-9]+ (h|min)$/ N/; s/ [0-9]+ ░ [0-9]+h/ N ░ Nh/g'

# A second client session in the same tmux server.
start_second() {
    $T new-session -d -s p6 -x 80 -y 24 \
        "env LANG=$E2E_LOCALE LC_ALL=$E2E_LOCALE XDG_CONFIG_HOME='$E2E_WORK/cfg' \
         ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS' \
         '$E2E_BIN' --home '$E2E_HOME' --as prom6; echo \$? > '$E2E_WORK/p6.exit'" ||
        fail "tmux new-session p6"
}
screen_p6() {
    $T capture-pane -p -t p6 2>/dev/null
}
wait_for_p6() {
    deadline=$(($(date +%s) + E2E_TIMEOUT))
    while ! screen_p6 | grep -F -q -- "$1"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            screen_p6 >&2
            fail "no apareció «$1» en la pantalla de prom6"
        fi
        sleep 0.1
    done
}

# prom5 works a lote of 3 and sends one to the bandeja. SEP clients only, so the clients the
# other scenarios get (IMSS, the first in the pool's order) do not depend on this one.
eb --as prom5 asignar --cantidad 3 --convenio SEP --clave vivo >/dev/null ||
    fail "asignar como prom5"
id=$(sql_as prom5 "SELECT min(id) FROM crm.oportunidades WHERE estado = 'ABIERTA'")
cliente=$(sql_as prom5 "SELECT c.nombre || ' ' || c.primer_apellido FROM crm.oportunidades o
                        JOIN padron.clientes c ON c.id = o.cliente_id WHERE o.id = $id")
eb --as prom5 mover "$id" "No interesado" --motivo "ya tiene crédito" >/dev/null ||
    fail "mover como prom5"

# prom6: embudo open and empty.
start_second
wait_for_p6 "Actualizado a las"
$T send-keys -t p6 -l 2
wait_for_p6 "No hay oportunidades abiertas"

# sup2: the bandeja.
start_app 100 30 --as sup2
wait_for "Actualizado a las"
send 4
wait_for "ya tiene crédito"
wait_for "Bandeja · 1 en espera · intentos: ninguno"
expect_screen golden/bandeja_sup2.txt
send '?'
wait_for "Ayuda: Bandeja"
expect_line 'Espacio +marcar'
expect_line 'o +reabrir'
send_key Escape
wait_until_gone "Ayuda: Bandeja"
# The exit waits past the time a supervisor has to decide it (crm.ajustes.bandeja_horas):
# sup2's Inicio says so beside the count, and the bandeja's footer counts it.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "UPDATE crm.oportunidades
    SET etapa_desde = now() - interval '30 days' WHERE id = $id" >/dev/null ||
    fail "no se pudo envejecer la salida $id"
send 1
send r
wait_for "En bandeja · 1 atrasada"
send 4
wait_for "Bandeja · 1 en espera · 1 atrasada"
send ' '
wait_for "1 marcada "
send a
wait_for "Reasignar a…"
wait_for "prom6 (Verónica Flores Ávila)"
expect_screen golden/bandeja_picker.txt
send_key Down
send_key Enter
wait_for "Reasignar 1 a prom6"
send 'se queda con la zona norte'
send_key Enter
wait_for "se reasignó 1 oportunidad a Verónica Flores Ávila (prom6)"
wait_for "La bandeja está vacía"
send 1
wait_for "Oportunidades de mi equipo"
wait_until_gone "atrasada" # the reassignment's history re-reads the summary, no key pressed
[ "$(sql_as sup2 "SELECT u.login FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id WHERE o.id = $id")" = prom6 ] ||
    fail "la oportunidad $id no es de prom6"

# prom6's screen shows it with no key pressed.
wait_for_p6 "$cliente"
wait_for_p6 "Nuevo · 1"

# The team, and its help.
send 5
wait_for "Antigüedad en la etapa"
wait_for "prom6 Verónica"
expect_screen golden/equipo_sup2.txt
send '?'
wait_for "Ayuda: Equipo"
send_key Escape
wait_until_gone "Ayuda: Equipo"

send q
wait_gone
expect_exit 0
$T send-keys -t p6 -l q
deadline=$(($(date +%s) + E2E_TIMEOUT))
while $T has-session -t p6 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "la sesión de prom6 sigue viva"
    sleep 0.1
done
[ "$(cat "$E2E_WORK/p6.exit")" = 0 ] || fail "prom6 salió con $(cat "$E2E_WORK/p6.exit")"
e2e_end
