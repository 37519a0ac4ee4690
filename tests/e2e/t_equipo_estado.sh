# t_equipo_estado — a supervisor marks the promoters of the team from the Equipo pane (80×24,
# sql/078): e on promeq1 opens «Estado de promeq1» with Activo chosen; Ausente and a reason
# save it, the bottom bar says «promeq1: Activo → Ausente», the row reads «◌ ausente» and
# the database and `usuario cambios` have it with the reason and who. A promoter moved to
# another team while the form is open: the database's refusal (EB116) shows in the form and
# what was typed stays. Vacaciones on promeq2, whose login leaves room only for the glyph:
# «◇» on the row and «◇ vacaciones» under the table. h shows «Cambios de promeq1» (business
# local time, Activo → Ausente, «por supeq», the reason); e from there puts it back to
# Activo and the view shows that change too; Esc and q go back to the team. Both end Activo.
# An admin's form offers Baja, a supervisor's does not. Its own people (supeq, supeq2,
# promeq1, promeq2), so no other scenario's team or report moves.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supeq', 'Sofía Estrada Treviño', 'SUPERVISOR');
    SELECT api.crear_usuario('supeq2', 'Saúl Estrada Otro', 'SUPERVISOR');
    SELECT api.crear_usuario('promeq1', 'Begoña Núñez Ibáñez', 'PROMOTOR', 'supeq');
    SELECT api.crear_usuario('promeq2', 'Joaquín Peña Ruiz', 'PROMOTOR', 'supeq')" \
    >/dev/null || fail "crear supeq"
# However it ends, both promoters are back in supeq's team and active.
E2E_ON_EXIT="eb --as admin usuario supervisor promeq2 supeq; \
    eb --as admin usuario estado promeq1 activo; eb --as admin usuario estado promeq2 activo"

estado() { # the estado of promoter $1
    sql_as admin "SELECT estado FROM crm.usuarios WHERE login = '$1'"
}
# Dates in the record of changes depend on the day the scenario runs (times are masked).
E2E_MASK='s#[0-9]{2}/[0-9]{2}/[0-9]{2}#DD/MM/AA#g'
out="$E2E_WORK/$E2E_NAME.out"

start_app 80 24 --as supeq
wait_for "● conectado"
send 5
wait_for "Antigüedad en la etapa"
wait_for "promeq2 Joaquín"
expect_line '^ Enter ver su embudo  c repartirle clientes  e estado  h cambios  \? ayuda *$'

# e on promeq1 (the cursor's first row): Activo chosen; the choices stop at Vacaciones.
send e
wait_for "Estado de promeq1"
wait_match '\[Activo +\]'
send_key Left
wait_match '\[Vacaciones +\]'
send_key Right
send_key Right
wait_match '\[Ausente +\]'
send_key Tab
send 'cita en el IMSS'
send_key Enter
wait_for "promeq1: Activo → Ausente"
wait_until_gone "Estado de promeq1"
wait_match '^ promeq1 ◌ ausente +0/500 '
[ "$(estado promeq1)" = AUSENTE ] || fail "promeq1 no quedó AUSENTE: $(estado promeq1)"
eb --as supeq usuario cambios promeq1 > "$out" 2>&1 || fail "usuario cambios: $(cat "$out")"
head -n 1 "$out" |
    grep -q '  promeq1  estado: ACTIVO → AUSENTE  por supeq («cita en el IMSS»)$' ||
    fail "usuario cambios: $(cat "$out")"

# promeq2 leaves the team while its form is open: the database refuses, the form keeps it.
send_key Down
send e
wait_for "Estado de promeq2"
send_key Left
wait_match '\[Vacaciones +\]'
send_key Tab
send 'semana santa'
eb --as admin usuario supervisor promeq2 supeq2 >/dev/null || fail "mover promeq2"
send_key Enter
wait_for "no es promotor de su equipo"
wait_for "semana santa"
wait_match '\[Vacaciones +\]'
[ "$(estado promeq2)" = ACTIVO ] || fail "promeq2 cambió sin ser del equipo"
# Back in the team, the same form saves.
eb --as admin usuario supervisor promeq2 supeq >/dev/null || fail "devolver promeq2"
send_key Enter
wait_for "promeq2: Activo → Vacaciones"
wait_match '^ promeq2 Joaqu[^ ]*… ◇ +0/500 '
wait_match '^ ◇ vacaciones *$'
[ "$(estado promeq2)" = VACACIONES ] || fail "promeq2 no quedó VACACIONES"
expect_screen golden/equipo_estado.txt

# h on promeq1: its record, in business time, with the reason and who.
send_key Up
send h
wait_for "Cambios de promeq1 · Begoña Núñez Ibáñez"
cuando=$(sql_as supeq "SELECT to_char(hecho_at AT TIME ZONE crm.zona(), 'DD/MM/YY HH24:MI')
                        FROM api.usuario_cambios('promeq1', 1)")
wait_for " $cuando  Estado: Activo → Ausente  por supeq"
wait_for "«cita en el IMSS»"
expect_screen golden/equipo_cambios.txt
# e from the record puts it back; the record shows that change on top.
send e
wait_for "Estado de promeq1"
wait_match '\[Ausente +\]'
send_key Left
wait_match '\[Activo +\]'
send_key Enter
wait_for "promeq1: Ausente → Activo"
wait_match '^ [0-9/]+ [0-9:]+  Estado: Ausente → Activo  por supeq *$'
[ "$(estado promeq1)" = ACTIVO ] || fail "promeq1 no volvió a ACTIVO"
# q goes back to the team, not out of the program.
send q
wait_for "Antigüedad en la etapa"
wait_match '^ promeq1 Begoña [^ ]*… +0/500 '
send h
wait_for "Cambios de promeq1"
send_key Escape
wait_for "Antigüedad en la etapa"

# promeq2 back to Activo from the table.
send_key Down
send e
wait_for "Estado de promeq2"
send_key Left
send_key Left
wait_match '\[Activo +\]'
send_key Enter
wait_for "promeq2: Vacaciones → Activo"
wait_until_gone "vacaciones"
[ "$(estado promeq2)" = ACTIVO ] || fail "promeq2 no volvió a ACTIVO"
send q
wait_gone
expect_exit 0

# An admin's form also offers Baja (last, so Left from Activo reaches it); nothing is sent.
start_app 80 24 --as admin
wait_for "● conectado"
send_key M-5
wait_for "Antigüedad en la etapa"
send e
wait_for "Estado de "
wait_match '\[Activo +\]'
send_key Left
wait_match '\[Baja +\]'
send_key Escape
wait_for "¿Descartar lo escrito en el formulario?"
send s
wait_until_gone "Estado de "
send q
wait_gone
expect_exit 0
e2e_end
