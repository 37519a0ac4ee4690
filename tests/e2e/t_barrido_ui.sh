# t_barrido_ui — the client sweeps the timers itself (DESIGN §5), with no `embudo sweep` or
# `embudo worker` anywhere: with every heartbeat deleted, its first pass clears the status
# bar's "sin barrido" warning; an opportunity whose timer runs out while its promoter looks at
# the embudo leaves the view by itself (the next pass, at most a minute later, returns it to
# the pool and NOTIFY re-reads the pane), and the history says which client returned it; past
# its warning, Inicio counted it «por vencer», and no longer once returned.
# Its own promoter (promba, under supba) with one captured prospect, so no other scenario's
# data or goldens depend on it.
. "$(dirname "$0")/lib.inc"

E2E_ON_EXIT='eb --as prom1 sweep --once' # a fresh heartbeat for the next scenarios

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supba', 'Supervisor Barrido', 'SUPERVISOR');
    SELECT api.crear_usuario('promba', 'Promotora Barrido', 'PROMOTOR', 'supba');
    DELETE FROM crm.sweep_runs" >/dev/null || fail "crear promba"
eb --as promba captar --nombre "Úrsula Vence Ñuño" --telefono 9990003001 >/dev/null ||
    fail "captar como promba"
id=$(sql_as promba "SELECT id FROM crm.oportunidades WHERE estado = 'ABIERTA'")

start_app 80 24 --as promba
wait_for "Actualizado a las"
wait_for "● conectado"
# The first pass runs once the session is read: its heartbeat, and no warning left.
wait_sql promba "SELECT count(*) > 0 FROM crm.sweep_runs
                  WHERE proceso LIKE 'embudo ui promba %' AND terminado_at IS NOT NULL
                    AND error IS NULL" t
wait_until_gone "barrido"

send 2
wait_for "Nuevo · 1"
wait_match "[0-9]+ h [0-9]{2} m hábiles" # a prospect's card: its timer
# Past its warning (75 % of the timer): her Inicio counts it beside the open ones.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.oportunidades SET timer_aviso = now() - interval '1 minute' WHERE id = $id" \
    >/dev/null || fail "avisar la oportunidad $id"
send 1
send r
wait_for "Abiertas · 1 por vencer"
send 2
wait_for "Nuevo · 1"
# The timer runs out (moved into the past as the database's owner, as tests/db does).
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    UPDATE crm.oportunidades SET etapa_desde = now() - interval '1 day', timer_aviso = NULL,
           timer_vence = now() - interval '1 second' WHERE id = $id" >/dev/null || fail "vencer la oportunidad $id"
wait_for "vencida"
# No key from here on: the client's next pass (SWEEP_PERIOD_S = 60 s) returns it.
E2E_TIMEOUT=90
wait_for "No hay oportunidades abiertas"
E2E_TIMEOUT=20
[ "$(sql_as postgres "SELECT estado FROM crm.oportunidades WHERE id = $id")" = DEVUELTA ] ||
    fail "la oportunidad $id no fue devuelta al pool"
send 1
wait_for "Mis oportunidades"
wait_until_gone "por vencer" # returned: the history's NOTIFY re-read the summary
quien=$(sql_as postgres "SELECT datos->>'proceso' FROM crm.historial
                        WHERE oportunidad_id = $id AND evento = 'TIMER_VENCIDO'")
case "$quien" in
"embudo ui promba "*) ;;
*) fail "la devolvió «$quien», no el cliente de promba" ;;
esac
[ "$(sql_as promba "SELECT count(*) FROM crm.sweep_runs WHERE proceso NOT LIKE 'embudo ui %'")" \
    = 0 ] || fail "otro proceso barrió durante el escenario"
expect_line '^ embudo │ promba · PROMOTOR +[0-9]{2}:[0-9]{2}  ● conectado$'

send q
wait_gone
expect_exit 0
e2e_end
