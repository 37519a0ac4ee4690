# t_equipo_limites — an admin changes a promoter's cupo diario, cartera máxima and supervisor
# from the Equipo pane (80×24; api.usuario_limites, api.cambiar_supervisor): l on promlim1
# opens «Cupo y cartera de promlim1» with 50 and 500; letters and a number past 10,000 are
# refused under the field as typed and Enter sends nothing; 30 and 400 save, the bottom bar
# says what is in force, the row follows through the notification, and the database and
# `usuario cambios` have both changes by admin. The same values again send nothing. s opens
# «Supervisor de promlim1» on suplim; suplim2 is chosen, and set AUSENTE meanwhile: the
# database's refusal (EB107) shows in the form with the choice kept; once active again the
# same Enter moves promlim1 to suplim2's team. The record of changes (h) shows all three, and
# s works from it too. l and s are an admin's: the supervisor's and the auditor's help do not
# list them, the supervisor's hint bar is as before and its l and s open nothing, the
# auditor's s answers «Solo lectura». Its own people (suplim, suplim2, promlim1), so no other
# scenario's team or report moves.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suplim', 'Sonia Límite Ruiz', 'SUPERVISOR');
    SELECT api.crear_usuario('suplim2', 'Saúl Límite Peña', 'SUPERVISOR');
    SELECT api.crear_usuario('promlim1', 'Íñigo Cupo Núñez', 'PROMOTOR', 'suplim')" \
    >/dev/null || fail "crear suplim"
# However it ends, suplim2 is active again (other scenarios list the active supervisors).
E2E_ON_EXIT="eb --as admin usuario estado suplim2 activo"

campo() { # a column of promlim1's row in crm.usuarios
    sql_as admin "SELECT $1 FROM crm.usuarios WHERE login = 'promlim1'"
}
supervisor() {
    sql_as admin "SELECT s.login FROM crm.usuarios u JOIN crm.usuarios s
                  ON s.id = u.supervisor_id WHERE u.login = 'promlim1'"
}
ncambios() {
    sql_as admin "SELECT count(*) FROM api.usuario_cambios('promlim1', 100)"
}
out="$E2E_WORK/$E2E_NAME.out"

start_app 80 24 --as admin
wait_for "● conectado"
send_key M-5
wait_for "Antigüedad en la etapa"
# The cursor to promlim1: the table lists the promoters not in BAJA by login.
n=$(sql_as admin "SELECT count(*) FROM crm.usuarios WHERE rol = 'PROMOTOR'
                  AND estado <> 'BAJA' AND login < 'promlim1'")
i=0
while [ "$i" -lt "$n" ]; do send_key Down; i=$((i + 1)); done
wait_match '^ promlim1 '

# l: the values in force, checked as typed; nothing is sent while one is wrong.
send l
wait_for "Cupo y cartera de promlim1"
wait_match 'Cupo diario\* +\[50 +\]'
wait_match 'Cartera máxima\* +\[500 +\]'
send_key BSpace
send_key BSpace
send '3x'
wait_for "✗ Solo dígitos"
send_key BSpace
send_key BSpace
send '10001'
wait_for "✗ Debe estar entre 0 y 10,000"
send_key Enter
wait_for "Cupo y cartera de promlim1" # still open: Enter went to the wrong field
[ "$(campo cupo_diario)" = 50 ] || fail "se envió un cupo inválido: $(campo cupo_diario)"
i=0
while [ $i -lt 5 ]; do send_key BSpace; i=$((i + 1)); done
send '30'
wait_until_gone "Debe estar entre"
send_key Tab
send_key BSpace
send_key BSpace
send_key BSpace
send '400'
send_key Enter
wait_for "promlim1: cupo diario 30 · cartera máxima 400"
wait_until_gone "Cupo y cartera de promlim1"
[ "$(campo cupo_diario)" = 30 ] || fail "cupo_diario: $(campo cupo_diario)"
[ "$(campo cartera_max)" = 400 ] || fail "cartera_max: $(campo cartera_max)"
wait_match '^ promlim1 [^0-9]* 0/400 +0/30 ' # the row, re-read through the notification
eb --as admin usuario cambios promlim1 > "$out" 2>&1 || fail "usuario cambios: $(cat "$out")"
grep -q '  promlim1  cupo_diario: 50 → 30  por admin$' "$out" || fail "cambios: $(cat "$out")"
grep -q '  promlim1  cartera_max: 500 → 400  por admin$' "$out" || fail "cambios: $(cat "$out")"
# The same values again: nothing to send, nothing recorded.
antes=$(ncambios)
send l
wait_match 'Cupo diario\* +\[30 +\]'
send_key Enter
wait_for "promlim1: nada que cambiar."
wait_until_gone "Cupo y cartera de promlim1"
[ "$(ncambios)" = "$antes" ] || fail "se registró un cambio sin cambios"

# s: the form opens on suplim; suplim2, away meanwhile, is refused by the database.
send s
wait_for "Supervisor de promlim1"
wait_match '\[suplim · Sonia +\]'
send_key Right
wait_match '\[suplim2 · Saúl +\]'
eb --as admin usuario estado suplim2 ausente >/dev/null || fail "suplim2 ausente"
send_key Enter
wait_for "el supervisor «suplim2» no existe o no es un supervisor activo"
wait_match '\[suplim2 · Saúl +\]'
[ "$(supervisor)" = suplim ] || fail "promlim1 cambió de equipo: $(supervisor)"
eb --as admin usuario estado suplim2 activo >/dev/null || fail "suplim2 activo"
send_key Enter
wait_for "promlim1: supervisor suplim → suplim2"
wait_until_gone "Supervisor de promlim1"
[ "$(supervisor)" = suplim2 ] || fail "supervisor: $(supervisor)"
eb --as admin usuario cambios promlim1 > "$out" 2>&1 || fail "usuario cambios: $(cat "$out")"
head -n 1 "$out" | grep -q '  promlim1  supervisor: suplim → suplim2  por admin$' ||
    fail "cambios: $(cat "$out")"
# The record of changes has all three; s from there opens on suplim2 now, and Esc on an
# untouched form just closes it.
send h
wait_for "Cambios de promlim1 · Íñigo Cupo Núñez"
wait_match '^ [0-9/]+ [0-9:]+  Supervisor: suplim → suplim2  por admin *$'
wait_match '  Cupo diario: 50 → 30  por admin *$'
wait_match '  Cartera máxima: 500 → 400  por admin *$'
send s
wait_for "Supervisor de promlim1"
wait_match '\[suplim2 · Saúl +\]'
send_key Escape
wait_until_gone "Supervisor de promlim1"
send_key Escape
wait_for "Antigüedad en la etapa"
send '?'
wait_for "Ayuda: Equipo"
expect_line '│  l +cupo diario y cartera máxima +│'
expect_line '│  s +supervisor +│'
send_key Escape
wait_until_gone "Ayuda: Equipo"
send q
wait_gone
expect_exit 0

# Not a supervisor's: no l or s in the help or the hint bar, and the keys open nothing.
start_app 80 24 --as suplim2
wait_for "● conectado"
send 5
wait_for "Antigüedad en la etapa"
wait_match '^ promlim1 [^0-9]* 0/400 +0/30 '
expect_line '^ Enter ver su embudo  c repartirle clientes  e estado  h cambios  \? ayuda *$'
send l
send s
send '?'
wait_for "Ayuda: Equipo"
screen | grep -E -q '│  [ls] +[a-z]' && fail "la ayuda del supervisor ofrece l o s"
send_key Escape
wait_until_gone "Ayuda: Equipo"
screen | grep -E -q "Cupo y cartera de|Supervisor de" && fail "l o s abrió un formulario"
send q
wait_gone
expect_exit 0

# Nor the auditor's: s answers «Solo lectura».
start_app 80 24 --as auditor
wait_for "● conectado"
send 5
wait_for "Antigüedad en la etapa"
send s
wait_for "Solo lectura: su perfil no cambia datos."
send '?'
wait_for "Ayuda: Equipo"
screen | grep -E -q '│  [ls] +[a-z]' && fail "la ayuda del auditor ofrece l o s"
send_key Escape
wait_until_gone "Ayuda: Equipo"
send q
wait_gone
expect_exit 0
[ "$(campo cupo_diario)/$(campo cartera_max)/$(supervisor)" = 30/400/suplim2 ] ||
    fail "promlim1 cambió: $(campo cupo_diario)/$(campo cartera_max)/$(supervisor)"
e2e_end
