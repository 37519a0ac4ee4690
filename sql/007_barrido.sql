-- 007_barrido.sql — the timer sweep and its heartbeat.
--
-- One batch per call (a SECURITY DEFINER function cannot COMMIT, so the C caller loops, one
-- autocommit call per batch): postgres-measurements.md §4 — one big UPDATE blocked a
-- promoter's edit for ~2 s; committed batches of 1,000 kept waits under 80 ms, and any number
-- of sweepers split the work with SKIP LOCKED, none done twice. Candidates are read in the
-- order of the partial index oportunidades_timer / oportunidades_aviso. A row whose timer was
-- restarted by a concurrent commit is re-checked against its newest version by the row lock
-- (EvalPlanQual) and dropped, so a reassignment that wins is never undone by the sweep.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.barrer_timers(lote int DEFAULT 1000, proceso text DEFAULT NULL)
RETURNS TABLE (devueltas int, avisadas int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    n   int := barrer_timers.lote;
    p   text := left(barrer_timers.proceso, 200);
    dev int;
    avi int;
BEGIN
    IF n IS NULL OR n < 1 OR n > 10000 THEN
        RAISE EXCEPTION 'tamaño de lote inválido: % (entre 1 y 10000)', coalesce(n::text, '—')
            USING ERRCODE = 'EB401';
    END IF;

    WITH cand AS (
        SELECT o.id FROM crm.oportunidades o
         WHERE o.estado = 'ABIERTA' AND o.timer_vence IS NOT NULL AND o.timer_vence <= now()
         ORDER BY o.timer_vence
         LIMIT n
           FOR UPDATE OF o SKIP LOCKED),
    upd AS (
        UPDATE crm.oportunidades o
           SET estado = 'DEVUELTA', timer_vence = NULL, timer_aviso = NULL, cerrada_at = now(),
               updated_at = now()
          FROM cand
         WHERE o.id = cand.id
        RETURNING o.id, o.etapa_id, o.usuario_id),
    h AS (
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                                   usuario_id, datos)
        SELECT upd.id, 'TIMER_VENCIDO', upd.etapa_id, e.nombre, upd.etapa_id, e.nombre,
               'ABIERTA', 'DEVUELTA', NULL,
               jsonb_strip_nulls(jsonb_build_object('usuario_id', upd.usuario_id, 'proceso', p))
          FROM upd JOIN crm.etapas e ON e.id = upd.etapa_id
        RETURNING 1)
    SELECT count(*)::int INTO dev FROM h;

    WITH cand AS (
        SELECT o.id FROM crm.oportunidades o
         WHERE o.estado = 'ABIERTA' AND NOT o.timer_avisado AND o.timer_aviso IS NOT NULL
           AND o.timer_aviso <= now() AND o.timer_vence > now()  -- expired: returned, not warned
         ORDER BY o.timer_aviso
         LIMIT n
           FOR UPDATE OF o SKIP LOCKED),
    upd AS (
        UPDATE crm.oportunidades o SET timer_avisado = true
          FROM cand
         WHERE o.id = cand.id
        RETURNING o.id, o.etapa_id, o.usuario_id, o.timer_vence),
    h AS (
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   usuario_id, datos)
        SELECT upd.id, 'TIMER_AVISO', upd.etapa_id, e.nombre, NULL,
               jsonb_strip_nulls(jsonb_build_object('usuario_id', upd.usuario_id,
                                                    'timer_vence', upd.timer_vence, 'proceso', p))
          FROM upd JOIN crm.etapas e ON e.id = upd.etapa_id
        RETURNING 1)
    SELECT count(*)::int INTO avi FROM h;

    RETURN QUERY SELECT dev, avi;
END
$$;

CREATE FUNCTION api.sweep_inicio(proceso text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p   text := nullif(btrim(sweep_inicio.proceso), '');
    rid bigint;
BEGIN
    INSERT INTO crm.sweep_runs (proceso)
    VALUES (left(coalesce(p, session_user::text), 200))
    RETURNING id INTO rid;
    RETURN rid;
END
$$;

CREATE FUNCTION api.sweep_fin(id bigint, devueltas int, avisadas int, error text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE crm.sweep_runs r
       SET terminado_at = greatest(now(), r.iniciado_at),
           devueltas = greatest(coalesce(sweep_fin.devueltas, 0), 0),
           avisadas = greatest(coalesce(sweep_fin.avisadas, 0), 0),
           error = left(nullif(btrim(sweep_fin.error), ''), 2000)
     WHERE r.id = sweep_fin.id AND r.terminado_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la corrida de barrido % no existe o ya terminó',
            coalesce(sweep_fin.id::text, '—') USING ERRCODE = 'EB402';
    END IF;
END
$$;

CREATE FUNCTION api.sweep_salud()
RETURNS TABLE (ultimo_exito timestamptz, segundos_desde int, ultimo_inicio timestamptz,
               ultimo_error text, ultimo_error_at timestamptz, corridas_1h int)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
    WITH ok AS (
        SELECT r.terminado_at FROM crm.sweep_runs r
         WHERE r.terminado_at IS NOT NULL AND r.error IS NULL
         ORDER BY r.iniciado_at DESC LIMIT 1),
    mal AS (
        SELECT r.error, r.terminado_at FROM crm.sweep_runs r
         WHERE r.error IS NOT NULL
         ORDER BY r.iniciado_at DESC LIMIT 1)
    SELECT (SELECT terminado_at FROM ok),
           (SELECT floor(extract(epoch FROM now() - terminado_at))::int FROM ok),
           (SELECT max(r.iniciado_at) FROM crm.sweep_runs r),
           (SELECT error FROM mal),
           (SELECT terminado_at FROM mal),
           (SELECT count(*)::int FROM crm.sweep_runs r WHERE r.iniciado_at > now() - interval '1 hour')
$$;

GRANT EXECUTE ON FUNCTION api.barrer_timers(int, text), api.sweep_inicio(text),
                          api.sweep_fin(bigint, int, int, text), api.sweep_salud()
    TO embudo_usuario;
