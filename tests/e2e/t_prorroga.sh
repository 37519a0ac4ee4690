# t_prorroga — prórrogas from the terminal (80×24, sql/079): promtprr opens a captured
# opportunity in Detalle and presses z: «Pedir prórroga» refuses a day that does not exist
# beside the field, then a date ten days ahead and a reason send it, and the bottom bar says
# «Prórroga pedida: el supervisor decide.» with the history showing it. suptprr's Bandeja
# lists it under «Prórrogas por decidir (1)»; s asks and approves it: «Prórroga aprobada:
# vence …», the timer moved in the database and the history has PRORROGA_PEDIDA and
# PRORROGA. A second request, made from the CLI while the bandeja is open, appears with no
# key pressed; n rejects it with an answer, which promtprr's Detalle shows. The auditor's
# Bandeja lists it too, and s answers «Solo lectura». Then promtprr withdraws it from Detalle:
# the data block says it waits, z says Z withdraws it, «n» keeps it; a rejection that lands
# while the question is open makes the database refuse (EB645) in the bottom bar; a new one
# is withdrawn with Z and «s», the history line arriving through the notification, the
# request CANCELADA and the timer as it was. Its own people (suptprr, promtprr) and captured
# prospects, so no other scenario's team or report moves.
. "$(dirname "$0")/lib.inc"

T1=+525570791001
T2=+525570791002
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suptprr', 'Susana Prórroga Ruiz', 'SUPERVISOR');
    SELECT api.crear_usuario('promtprr', 'Pedro Prórroga Núñez', 'PROMOTOR', 'suptprr')" \
    >/dev/null || fail "crear suptprr"
captar() { # name phone → the opportunity's id
    sql_as promtprr "SELECT oportunidad_id FROM api.captar('$1', '$2')"
}
id1=$(captar 'Renata Espera' "$T1")
id2=$(captar 'Lucía Después' "$T2")
hasta=$(sql_as postgres "SELECT to_char(crm.fecha_negocio(now()) + 10, 'YYYY-MM-DD')")
vence() { sql_as postgres "SELECT timer_vence FROM crm.oportunidades WHERE id = $1"; }
antes=$(vence "$id1")
eventos() { # the opportunity's prórroga events, oldest first, one line
    sql_as postgres "SELECT string_agg(evento, ' ' ORDER BY id) FROM crm.historial
                     WHERE oportunidad_id = $1 AND evento LIKE 'PRORROGA%'"
}

# The owner asks from Detalle.
start_app 80 24 --as promtprr
wait_for "● conectado"
send 2
wait_for "Renata Espera"
send /
send Renata
send_key Enter
send_key Enter
wait_for "#$id1"
send z
wait_for "Pedir prórroga"
send '2026-02-30'
wait_for "una fecha AAAA-MM-DD que exista"
i=0
while [ $i -lt 10 ]; do send_key BSpace; i=$((i + 1)); done
send "$hasta"
send_key Tab
send 'pidió que le llamen después del 15'
send_key Enter
wait_for "Prórroga pedida: el supervisor decide."
wait_until_gone "Reanudar el"
wait_for "Prórroga pedida hasta el $(echo "$hasta" | awk -F- '{print $3 "/" $2}')  promtprr"
[ "$(eventos "$id1")" = PRORROGA_PEDIDA ] || fail "historial: $(eventos "$id1")"
send q
wait_gone
expect_exit 0

# The supervisor approves it from the Bandeja; a second one arrives live and is rejected.
start_app 80 24 --as suptprr
wait_for "● conectado"
send 4
wait_for "Prórrogas por decidir (1)"
wait_match '^  Renata Espera +promtprr +Nuevo '
send s
wait_for "¿Aprobar la prórroga de promtprr"
send s
wait_match "Prórroga aprobada: vence [0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}"
wait_until_gone "Prórrogas por decidir"
[ "$(vence "$id1")" != "$antes" ] || fail "timer_vence no se movió: $antes"
[ "$(sql_as postgres "SELECT timer_vence >= '$hasta'::date FROM crm.oportunidades
                      WHERE id = $id1")" = t ] || fail "timer_vence antes de $hasta"
[ "$(eventos "$id1")" = "PRORROGA_PEDIDA PRORROGA" ] || fail "historial: $(eventos "$id1")"
eb --as promtprr prorroga pedir "$id2" --hasta "$hasta" --motivo 'de viaje' >/dev/null ||
    fail "prorroga pedir $id2"
wait_for "Prórrogas por decidir (1)"
wait_match '^  Lucía Después +promtprr '
send n
wait_for "Rechazar la prórroga de promtprr"
send 'llámele hoy: la tasa cambia'
send_key Enter
wait_for "Prórroga rechazada."
wait_until_gone "Prórrogas por decidir"
[ "$(eventos "$id2")" = "PRORROGA_PEDIDA PRORROGA_RECHAZADA" ] || fail "historial: $(eventos "$id2")"
send q
wait_gone
expect_exit 0

# The owner sees the answer in Detalle.
start_app 80 24 --as promtprr
wait_for "● conectado"
send 2
wait_for "Lucía Después"
send /
send Lucía
send_key Enter
send_key Enter
wait_for "#$id2"
send G
wait_for "Prórroga rechazada  suptprr"
wait_for "«llámele hoy: la tasa cambia»"
send q
wait_gone
expect_exit 0

# The auditor sees a pending one but may not decide it.
eb --as promtprr prorroga pedir "$id2" --hasta "$hasta" --motivo 'otra vez' >/dev/null ||
    fail "prorroga pedir $id2 (2)"
start_app 80 24 --as auditor
wait_for "● conectado"
send 4
wait_for "Prórrogas por decidir"
wait_match '^  Lucía Después +promtprr '
send s
wait_for "Solo lectura: su perfil no cambia datos."
send q
wait_gone
expect_exit 0
[ "$(eventos "$id2")" = "PRORROGA_PEDIDA PRORROGA_RECHAZADA PRORROGA_PEDIDA" ] ||
    fail "historial: $(eventos "$id2")"

# The owner withdraws it from Detalle.
dia=$(echo "$hasta" | awk -F- '{print $3 "/" $2}')
pendiente() { # the opportunity's pending request, if any
    sql_as postgres "SELECT id FROM crm.prorrogas WHERE oportunidad_id = $1
                     AND estado = 'PENDIENTE'"
}
estado_de() { sql_as postgres "SELECT estado FROM crm.prorrogas WHERE id = $1"; }
p3=$(pendiente "$id2")
[ -n "$p3" ] || fail "no hay prórroga pendiente en $id2"
antes=$(vence "$id2")
start_app 80 24 --as promtprr
wait_for "● conectado"
send 2
wait_for "Lucía Después"
send /
send Lucía
send_key Enter
send_key Enter
wait_for "#$id2"
wait_for " Prórroga  pedida hasta el $dia · por decidir"
send z
wait_for "Ya pidió una prórroga hasta el $dia y está por decidir; Z la cancela."
screen | grep -q "Pedir prórroga" && fail "z abrió el formulario con una pendiente"
send Z
wait_for "¿Cancelar su prórroga pedida hasta el $dia? El supervisor ya no la verá. (s/n)"
send n
wait_until_gone "¿Cancelar su prórroga"
[ "$(estado_de "$p3")" = PENDIENTE ] || fail "«n» la canceló: $(estado_de "$p3")"
# Rejected while the question is open: the database says so, and the rejection stays.
send Z
wait_for "¿Cancelar su prórroga pedida"
eb --as suptprr prorroga rechazar "$p3" --respuesta 'ya no hace falta' >/dev/null ||
    fail "prorroga rechazar $p3"
send s
wait_for "No se pudo cancelar: la prórroga $p3 ya no está por decidir (rechazada)"
[ "$(estado_de "$p3")" = RECHAZADA ] || fail "prórroga $p3: $(estado_de "$p3")"
wait_until_gone " Prórroga  pedida" # the rejection's notification re-read it
send Z
wait_for "No hay una prórroga por decidir en esta oportunidad."
# A new one, withdrawn: the history line comes with the notification, no key pressed.
eb --as promtprr prorroga pedir "$id2" --hasta "$hasta" --motivo 'la última' >/dev/null ||
    fail "prorroga pedir $id2 (3)"
wait_for " Prórroga  pedida hasta el $dia · por decidir"
p4=$(pendiente "$id2")
send Z
wait_for "¿Cancelar su prórroga pedida hasta el $dia?"
send s
wait_for "Prórroga cancelada: el temporizador sigue como estaba."
wait_until_gone " Prórroga  pedida"
send G
wait_match "^   [0-9/]+ [0-9:]+  Prórroga cancelada  promtprr *$"
[ "$(estado_de "$p4")" = CANCELADA ] || fail "prórroga $p4: $(estado_de "$p4")"
[ "$(eventos "$id2")" = "PRORROGA_PEDIDA PRORROGA_RECHAZADA PRORROGA_PEDIDA PRORROGA_RECHAZADA \
PRORROGA_PEDIDA PRORROGA_CANCELADA" ] || fail "historial: $(eventos "$id2")"
[ "$(vence "$id2")" = "$antes" ] || fail "timer_vence cambió al cancelar: $(vence "$id2")"
send '?'
wait_for "Ayuda: Detalle"
expect_line '│  z +pedir prórroga +│'
expect_line '│  Z +cancelar prórroga +│'
send_key Escape
wait_until_gone "Ayuda: Detalle"
send q
wait_gone
expect_exit 0

# Only the owner asks and withdraws: the supervisor's and the auditor's Detalle offer neither
# z nor Z in the help, and the auditor's Z answers «Solo lectura».
for quien in suptprr auditor; do
    start_app 80 24 --as "$quien"
    wait_for "● conectado"
    send 2
    send /
    send 'Lucía Después'
    send_key Enter
    wait_for "Lucía Después"
    send_key Enter
    wait_for "#$id2"
    send '?'
    wait_for "Ayuda: Detalle"
    screen | grep -E -q '│  [zZ] +' && fail "la ayuda de $quien ofrece z o Z"
    send_key Escape
    wait_until_gone "Ayuda: Detalle"
    if [ "$quien" = auditor ]; then
        send Z
        wait_for "Solo lectura: su perfil no cambia datos."
    fi
    send q
    wait_gone
    expect_exit 0
done
[ "$(eventos "$id2" | wc -w)" = 6 ] || fail "historial: $(eventos "$id2")"
e2e_end
