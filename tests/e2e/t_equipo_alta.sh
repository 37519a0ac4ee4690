# t_equipo_alta — an admin gives a new promoter an account from Equipo (80×24; A, sql/098): the
# form «Alta de usuario» checks the login as typed (a digit first is refused under the field
# and Enter sends nothing), opens on PROMOTOR with a supervisor chosen, and saves; the bottom
# bar says who was created, the database has the user with its team and limits, the record of
# changes says «Alta como Promotor por admin», the admin's cursor goes to the new row, and a
# supervisor with Equipo open sees it without touching a key (the alta notifies). n corrects the new promoter's name (blanks
# collapsed as the database keeps them; the same name again is «nada que cambiar»). The same
# login with another name is refused inside the form in the database's words. :usuarios lists
# the new supervisor too, and its record opens from there. A is an admin's: the supervisor's help does not list
# it and the key opens nothing. Its own people (supalta, promalta1), the promoter given BAJA at
# the end so no other scenario's lists move.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supalta', 'Sara Alta Ruiz', 'SUPERVISOR')" >/dev/null ||
    fail "crear supalta"
E2E_ON_EXIT="eb --as admin usuario estado promalta1 BAJA --motivo fin-de-prueba"
out="$E2E_WORK/$E2E_NAME.out"

# The supervisor watches their (empty) team in a client of their own.
escuchas=$(listen_count)
start_app 80 24 --as supalta
wait_listening "$escuchas"
send 5
wait_for "No hay promotores en su equipo."
$T rename-session -t app vigia || fail "rename-session"

start_app 80 24 --as admin
wait_for "● conectado"
send_key M-5
wait_for "Antigüedad en la etapa"
send A
wait_for "Alta de usuario"
expect_line 'Para entrar necesita también su cuenta del sistema con el mismo nombre'
wait_match 'Rol\* +\[PROMOTOR +\]'
wait_match 'Cupo diario\* +\[50 +\]'
wait_match 'Cartera máxima\* +\[500 +\]'
send 9promalta
send_key Tab
wait_for "✗ 2 a 31 minúsculas, dígitos o «_», sin dígito al inicio"
send_key Enter # refused here: the focus goes back to the wrong field
wait_for "Alta de usuario"
[ "$(sql_as admin "SELECT count(*) FROM crm.usuarios WHERE login LIKE '%promalta%'")" = 0 ] ||
    fail "se envió un login inválido"
i=0
while [ $i -lt 9 ]; do send_key BSpace; i=$((i + 1)); done
send promalta1
send_key Tab
send 'Álvaro Alta Peña'
send_key Tab
send_key Tab # the supervisor: → until supalta
press_until Right 20 'Supervisor *\[supalta · Sara' \
    "supalta no está entre los supervisores del formulario"
send_key Tab
send_key BSpace
send_key BSpace
send 40
send_key Enter
wait_for "Alta: promalta1 (Álvaro Alta Peña), PROMOTOR de supalta."
wait_until_gone "Alta de usuario"
[ "$(sql_as admin "SELECT u.nombre || '/' || u.rol || '/' || s.login || '/' || u.cupo_diario ||
                   '/' || u.cartera_max FROM crm.usuarios u JOIN crm.usuarios s
                   ON s.id = u.supervisor_id WHERE u.login = 'promalta1'")" = \
    "Álvaro Alta Peña/PROMOTOR/supalta/40/500" ] || fail "promalta1 no quedó como se pidió"
eb --as admin usuario cambios promalta1 > "$out" 2>&1 || fail "usuario cambios: $(cat "$out")"
grep -q '  promalta1  alta: — → PROMOTOR  por admin$' "$out" || fail "cambios: $(cat "$out")"

# The new row has the cursor (it scrolled into sight); n on it corrects its name (sql/099);
# the same name again sends nothing.
wait_match '^ promalta1 Álvaro'
send n
wait_for "Nombre de promalta1"
wait_match 'Nombre completo\* +\[Álvaro Alta Peña +\]'
send_key End
send '  Soto'
send_key Tab
send 'segundo apellido'
send_key Enter
wait_for "promalta1: «Álvaro Alta Peña» → «Álvaro Alta Peña Soto»"
[ "$(sql_as admin "SELECT nombre FROM crm.usuarios WHERE login = 'promalta1'")" = \
    "Álvaro Alta Peña Soto" ] || fail "el nombre no quedó"
send n
wait_for "Nombre de promalta1"
send_key Enter
wait_for "promalta1: nada que cambiar."

# The same login with another name: the database's refusal, inside the form.
send A
wait_for "Alta de usuario"
send promalta1
send_key Tab
send 'Otro Nombre'
send_key Enter
wait_for "ya existe con otros datos"
expect_line 'Usuario\* +\[promalta1 +\]'
send_key Escape
wait_for "¿Descartar lo escrito en el formulario?"
send s
wait_until_gone "Alta de usuario"
# :usuarios lists everyone, the supervisor too (Equipo's table has promoters only); a click on
# its row and h show its record, Esc goes back to the list and then to the table.
# (Other scenarios' users come before ours: page down until a row is in sight.)
send :usuarios
send_key Enter
wait_for "Usuarios ("
fila='^ promalta1 +Álvaro Alta Peña Soto +Promotor +Activo +0/500'
press_until NPage 12 "$fila" "no apareció /$fila/ en la lista de usuarios"
send g
fila='^ supalta +Sara Alta Ruiz +Supervisor +Activo'
press_until NPage 12 "$fila" "no apareció /$fila/ en la lista de usuarios"
click_on "supalta "
wait_for "supalta, Supervisor: e estado · n nombre · h cambios · A alta · Esc vuelve"
send h
wait_for "Cambios de supalta · Sara Alta Ruiz"
wait_match ' Alta como Supervisor  por el dueño de la base$'
send_key Escape
wait_for "Usuarios ("
send_key Escape
wait_for "Antigüedad en la etapa"
send '?'
wait_for "Ayuda: Equipo"
expect_line '│  A +dar de alta un usuario +│'
send_key Escape
send q
wait_gone
expect_exit 0

# The supervisor's Equipo showed the new promoter by itself; their help has no A, nor the key.
$T rename-session -t vigia app || fail "rename-session"
wait_match '^ promalta1 Álvaro.* 0/500 +0/40 '
expect_line '^ Cambios de|^ Promotor ' # (the table, not a form)
send A
send '?'
wait_for "Ayuda: Equipo"
screen | grep -q '│  A ' && fail "la ayuda del supervisor ofrece A"
send_key Escape
wait_until_gone "Ayuda: Equipo"
screen | grep -q "Alta de usuario" && fail "A abrió el formulario para un supervisor"
send q
wait_gone
expect_exit 0
e2e_end
