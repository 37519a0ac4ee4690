# t_corregir — correcting a captured lead's data from Detalle (e, sql/085), 80×24. promcdat
# captures a lead from the embudo (c), which opens in Detalle; e opens «Corregir los datos de
# la oportunidad N» with its name, its phone as typed (ten digits) and its CURP. A phone that
# is another active lead's is refused by the database inside the form (EB702), with what was
# typed kept and nothing written; the right one is saved: the bottom bar gives the database's
# message, the form closes, Detalle shows the new phone and «Datos corregidos: teléfono» with
# the reason, and the database has the phone and one DATOS_CORREGIDOS row naming only it. `?`
# lists e. Its supervisor adds the CURP the same way (only the CURP is sent). On a padron
# client's opportunity (prom1's) e says the lender corrects it and opens nothing. The auditor
# has no e in the hint bar or `?`, and its e answers «Solo lectura». Its own people (supcdat,
# promcdat) and phones, so no other scenario's team, report or golden moves.
. "$(dirname "$0")/lib.inc"

T1=5570850001 # captured from the form
T2=5570850002 # another active lead of the same promoter
T3=5570850009 # the right number
CURP=MURM850312MDFXZR05
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supcdat', 'Sara Corrección Díaz', 'SUPERVISOR');
    SELECT api.crear_usuario('promcdat', 'Pablo Corrección Núñez', 'PROMOTOR', 'supcdat')" \
    >/dev/null || fail "crear supcdat y promcdat"
otra=$(sql_as promcdat "SELECT oportunidad_id FROM api.captar('Lidia Otra Vez', '$T2')")
[ -n "$otra" ] || fail "captar la otra oportunidad"
telefono_de() { # the prospect's phone of opportunity $1
    sql_as postgres "SELECT p.telefono FROM crm.prospectos p
                     JOIN crm.oportunidades o ON o.prospecto_id = p.id WHERE o.id = $1"
}
corregidos() { # the DATOS_CORREGIDOS rows of opportunity $1: «campos:motivo» each
    sql_as postgres "SELECT coalesce(string_agg((datos->'campos')::text || ':' || motivo,
                            ' / ' ORDER BY id), '') FROM crm.historial
                     WHERE oportunidad_id = $1 AND evento = 'DATOS_CORREGIDOS'"
}
# backspaces N: N Backspaces (the form's fields open with their value, the cursor at the end)
backspaces() {
    i=0
    while [ "$i" -lt "$1" ]; do send_key BSpace; i=$((i + 1)); done
}

# The promoter captures the lead; it opens in Detalle.
start_app 80 24 --as promcdat
wait_for "● conectado"
send 2
wait_for "c captar cliente"
send c
wait_for "Captar un cliente"
send "Marta Corrige Ruiz"
send_key Tab
send "$T1"
send_key Enter
wait_for "Captada → Nuevo"
wait_for "+52 55 7085 0001"
id=$(sql_as promcdat "SELECT id FROM crm.oportunidades WHERE id <> $otra")
wait_for "#$id"

# e: the form opens with the lead's data.
send e
wait_for "Corregir los datos de la oportunidad $id"
wait_for "Solo se corrige lo que cambie; el motivo queda en el historial."
wait_match "Nombre completo\* +\[Marta Corrige Ruiz +\]"
wait_match "Teléfono\* +\[$T1 +\]"
# Another active lead's phone: the database refuses it in the form, what was typed stays.
send_key Tab
backspaces 10
send "$T2"
send_key Tab
send_key Tab
send "dígitos cambiados"
send_key Enter
wait_for "ese cliente ya es suyo: oportunidad $otra"
wait_for "Corregir los datos de la oportunidad $id"
wait_for "dígitos cambiados"
wait_match "Teléfono\* +\[$T2 +\]"
[ "$(telefono_de "$id")" = "+52$T1" ] ||
    fail "el rechazo cambió el teléfono: $(telefono_de "$id")"
[ -z "$(corregidos "$id")" ] || fail "el rechazo escribió historial: $(corregidos "$id")"
# The right number: the database's message, the form closes, Detalle re-reads.
send_key Up
send_key Up
backspaces 10
send "$T3"
send_key Enter
wait_for "oportunidad $id: se corrigió el teléfono"
wait_until_gone "Corregir los datos"
wait_for "+52 55 7085 0009"
screen | grep -q "+52 55 7085 0001" && fail "Detalle sigue mostrando el teléfono anterior"
send G
wait_match "^   [0-9/]+ [0-9:]+  Datos corregidos: teléfono  promcdat *$"
wait_for "«dígitos cambiados»"
[ "$(telefono_de "$id")" = "+52$T3" ] || fail "teléfono en la base: $(telefono_de "$id")"
[ "$(corregidos "$id")" = '["telefono"]:dígitos cambiados' ] ||
    fail "historial: $(corregidos "$id")"
send '?'
wait_for "Ayuda: Detalle"
expect_line '│  e +corregir datos +│'
send_key Escape
wait_until_gone "Ayuda: Detalle"
send q
wait_gone
expect_exit 0

# detalle_de_marta LOGIN: the client as LOGIN, Embudo, / finds the lead, Enter opens its Detalle.
detalle_de_marta() {
    start_app 80 24 --as "$1"
    wait_for "● conectado"
    send 2
    send /
    send 'Marta Corrige'
    send_key Enter
    wait_for "Marta Corrige Ruiz"
    send_key Enter
    wait_for "#$id"
}

# The supervisor adds the CURP: only that is sent (the name and phone as they opened).
detalle_de_marta supcdat
send e
wait_for "Corregir los datos de la oportunidad $id"
wait_match "Teléfono\* +\[$T3 +\]"
send_key Tab
send_key Tab
send "$(echo "$CURP" | tr 'A-Z' 'a-z')"
send_key Tab
send "la trajo en su INE"
send_key Enter
wait_for "oportunidad $id: se corrigió la CURP"
wait_until_gone "Corregir los datos"
wait_for " CURP      $CURP"
send G
wait_match "^   [0-9/]+ [0-9:]+  Datos corregidos: CURP  supcdat *$"
[ "$(corregidos "$id")" = "[\"telefono\"]:dígitos cambiados / [\"curp\"]:la trajo en su INE" ] ||
    fail "historial: $(corregidos "$id")"
[ "$(telefono_de "$id")" = "+52$T3" ] || fail "la CURP movió el teléfono: $(telefono_de "$id")"
send q
wait_gone
expect_exit 0

# A padron client's opportunity (prom1's lote): the lender corrects it; nothing opens.
cliente=$(sql_as prom1 "SELECT concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido)
                        FROM crm.oportunidades o JOIN padron.clientes c ON c.id = o.cliente_id
                        WHERE o.estado = 'ABIERTA' ORDER BY o.id LIMIT 1")
[ -n "$cliente" ] || fail "prom1 no tiene clientes del padrón"
start_app 80 24 --as prom1
wait_for "● conectado"
send 2
wait_for "Nuevo ·"
send /
send "$cliente"
send_key Enter
send_key Enter
wait_for "Promotor  prom1 "
send e
wait_for "Es cliente del padrón: sus datos se corrigen en la financiera, no aquí."
screen | grep -q "Corregir los datos" && fail "e abrió el formulario en un cliente del padrón"
send q
wait_gone
expect_exit 0

# The auditor: no e in the hint bar or the help; e says why nothing happens.
before=$(corregidos "$id")
detalle_de_marta auditor
screen | tail -n 1 | grep -q "corregir" && fail "la barra de teclas del auditor ofrece corregir"
send '?'
wait_for "Ayuda: Detalle"
screen | grep -q "corregir datos" && fail "la ayuda del auditor ofrece corregir datos"
send_key Escape
wait_until_gone "Ayuda: Detalle"
send e
wait_for "Solo lectura: su perfil no cambia datos."
screen | grep -q "Corregir los datos" && fail "e abrió el formulario al auditor"
send q
wait_gone
expect_exit 0
[ "$(corregidos "$id")" = "$before" ] || fail "el auditor cambió el historial"
e2e_end
