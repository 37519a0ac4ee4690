# t_whatsapp_pausa — sql/102 in the terminal: a campaign whose account keeps failing pauses by
# itself, and the Progreso pane says so live, with no key pressed: «⚠ Se pausó sola: …» under the
# campaign's name, «◐ pausada», no next send, «se pausó sola» in its row of the list, and in
# her supervisor's list with her login; both Inicios say it; resumed, the warnings go. Its own promoter
# (promps, under supps) with four captured leads, so no other scenario's data or goldens depend
# on it. She links on the simulated network and sends from the server, so her session's sender
# stays out; the three refusals are written as a sender writes them.
. "$(dirname "$0")/lib.inc"

E2E_TIMEOUT=60

# Campaign creation plans in operating time: every day, all day, for this scenario only.
horario_abierto

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supps', 'Supervisora Pausa', 'SUPERVISOR');
    SELECT api.crear_usuario('promps', 'Paula Sola Núñez', 'PROMOTOR', 'supps')" \
    >/dev/null || fail "crear promps"
for i in 1 2 3 4; do
    eb --as promps captar --nombre "Cliente Pausa $i" --telefono "99900051$i$i" >/dev/null ||
        fail "captar como promps"
done
EMBUDO_TRANSPORT=sim EMBUDO_SIM_AUTOSCAN=1 eb --as promps wa link >/dev/null ||
    fail "vincular promps en la red simulada"
sql_as promps "SELECT api.wa_configurar(envio_servidor => true,
                                         en_uso_desde => crm.fecha_negocio(now()) - 30)" >/dev/null
id=$(eb --as promps campana crear --etapa Nuevo --texto 'Hola {nombre}.' |
    sed -nE 's/^campaña ([0-9]+) creada: 4 mensajes programados.*/\1/p')
[ -n "$id" ] || fail "crear la campaña"
eb --as promps campana lanzar "$id" >/dev/null || fail "lanzar la campaña $id"

start_app 160 50 --as promps
wait_for "Actualizado a las"
send "$(screen | sed -n 2p | grep -o '[0-9] Progreso' | cut -c1)"
wait_for "● enviando"

# Three claims refused by the server, as the sender records them.
for i in 1 2 3; do
    m=$(sql_as postgres "UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', reclamado_at = now()
        WHERE id = (SELECT min(id) FROM crm.wa_mensajes WHERE campana_id = $id
                    AND estado = 'PENDIENTE') RETURNING id")
    sql_as promps "SELECT api.mensaje_fallido($m, '479')" >/dev/null
done
wait_for "◐ pausada"
wait_for "⚠ Se pausó sola: los últimos 3 envíos de la cuenta fallaron (el último, error 479);"
wait_for "revise el WhatsApp del teléfono antes de reanudar"
screen | grep -q "Próximo envío" && fail "una campaña en pausa anuncia su próximo envío"
wait_for "Puede: reanudar · cancelar · reintentar fallidos"
wait_match "^ > $id  .* · se pausó sola"
send q
wait_gone
expect_exit 0

# Her supervisor's Inicio says a campaign of hers stopped by itself; Progreso names the
# promoter and shows which one.
start_app 160 50 --as supps
wait_for "Actualizado a las"
wait_match "⚠ La campaña «.*» de promps se pausó sola: véala en Progreso\."
send "$(screen | sed -n 2p | grep -o '[0-9] Progreso' | cut -c1)"
wait_match "^ > $id  promps · .* · se pausó sola"
wait_for "⚠ Se pausó sola: los últimos 3 envíos de la cuenta fallaron"
send q
wait_gone
expect_exit 0

# She resumes it from the pane: the warning goes away, on Inicio too.
start_app 160 50 --as promps
wait_for "Actualizado a las"
wait_match "⚠ La campaña «.*» se pausó sola: véala en Progreso\."
send "$(screen | sed -n 2p | grep -o '[0-9] Progreso' | cut -c1)"
wait_for "◐ pausada"
send a
wait_for "● enviando"
wait_until_gone "Se pausó sola"
send 1
wait_for "Actualizado a las"
wait_until_gone "se pausó sola"
[ "$(sql_as promps "SELECT coalesce(pausa_motivo, '-') FROM api.campana_estado($id)")" = - ] ||
    fail "la razón de la pausa sigue guardada"
eb --as promps campana cancelar "$id" >/dev/null || fail "cancelar la campaña $id"

send q
wait_gone
expect_exit 0
