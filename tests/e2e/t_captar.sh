# t_captar — a promoter captures a lead of their own from the embudo (c): a form asks for
# name, phone, convenio and CURP, and names the privacy notice in force, which the lead
# records (sql/080); a bad phone is refused in the form before anything is sent;
# the new opportunity opens in detalle with the prospect's name and its "Captada" history; the
# kanban card carries the name too (a prospect has no padron row: sql/068). The same phone
# again is refused by the database inside the form, with what was typed kept, and nothing is
# written. Then the supervisor reassigns it from detalle (a): the form offers the team's other
# active promoters, the opportunity changes hands with its reason in the history. Its own
# people (promcap and promcap2, under supcap), so no other scenario's data or goldens depend
# on them.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supcap', 'Supervisor Captación', 'SUPERVISOR');
    SELECT api.crear_usuario('promcap', 'Promotora Captación', 'PROMOTOR', 'supcap');
    SELECT api.crear_usuario('promcap2', 'Rebeca Captación', 'PROMOTOR', 'supcap')" \
    >/dev/null || fail "crear promcap"

start_app 80 24 --as promcap
wait_for "● conectado"
send 2
wait_for "c captar cliente"
send c
wait_for "Captar un cliente"
aviso=$(sql_as postgres "SELECT version FROM crm.avisos_privacidad
                          WHERE id = crm.aviso_vigente(now())")
[ -n "$aviso" ] || fail "la demo no trae un aviso de privacidad vigente"
wait_for "Antes de capturar, informe el aviso de privacidad $aviso:"
send "Rosa Elena Muñoz Ávila"
send_key Tab
send "55 12"
send_key Enter
wait_for "10 dígitos de México, con o sin +52"
[ "$(sql_as promcap "SELECT count(*) FROM crm.oportunidades")" = 0 ] ||
    fail "un teléfono inválido llegó a la base"
send "34 5699"
send_key Tab
send "IMSS"
send_key Enter
wait_for "Captada → Nuevo"
wait_for "Rosa Elena Muñoz Ávila"
wait_for "IMSS — Instituto Mexicano del Seguro Social"
wait_for "+52 55 1234 5699"
wait_match "captada: prospecto nuevo"
id=$(sql_as promcap "SELECT id FROM crm.oportunidades")
[ "$(sql_as promcap "SELECT count(*) FROM crm.historial WHERE evento = 'CAPTADA'")" = 1 ] ||
    fail "sin historial CAPTADA"
[ "$(sql_as postgres "SELECT a.version FROM crm.prospectos p
        JOIN crm.avisos_privacidad a ON a.id = p.aviso_id WHERE p.capturado_por =
        (SELECT id FROM crm.usuarios WHERE login = 'promcap')")" = "$aviso" ] ||
    fail "el prospecto no registra el aviso $aviso"

# The card in the kanban has the prospect's name.
send 2
wait_for "Nuevo · 1"
wait_for "Rosa Elena Muñoz Ávila"

# The same phone again: the database refuses it inside the form; nothing is written.
send c
wait_for "Captar un cliente"
send "Rosa Muñoz"
send_key Tab
send "+52 55 1234 5699"
send_key Enter
wait_for "ese cliente ya es suyo: oportunidad $id"
wait_for "Rosa Muñoz" # what was typed stays
[ "$(sql_as promcap "SELECT count(*) FROM crm.oportunidades")" = 1 ] ||
    fail "la captación duplicada escribió algo"
send_key Escape
wait_for "¿Descartar lo escrito en el formulario? (s/n)"
send s
wait_until_gone "Captar un cliente"
send q
wait_gone
expect_exit 0

# The supervisor hands it to the team's other promoter, from detalle.
start_app 80 24 --as supcap
wait_for "● conectado"
send 2
wait_for "Rosa Elena Muñoz Ávila"
send_key Enter
wait_for "Promotor  promcap (Promotora Captación)"
send a
wait_for "Reasignar la oportunidad $id"
wait_for "promcap2 · Rebeca"
send_key Tab
send "cubre sus vacaciones"
send_key Enter
wait_for "Promotor  promcap2 (Rebeca Captación)"
wait_for "«cubre sus vacaciones»"
[ "$(sql_as supcap "SELECT u.login FROM crm.oportunidades o JOIN crm.usuarios u
                     ON u.id = o.usuario_id WHERE o.id = $id")" = promcap2 ] ||
    fail "la oportunidad no cambió de promotor"
send q
wait_gone
expect_exit 0
e2e_end
