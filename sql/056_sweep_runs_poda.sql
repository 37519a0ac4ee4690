-- 056_sweep_runs_poda.sql — the sweep heartbeat table stops growing without bound.
--
-- Since every terminal client sweeps once a minute (ui/app_sweep.c), crm.sweep_runs gains a
-- row per client per minute: with 100 promoters on a working day, about 50,000 rows. The
-- health query only reads the newest rows (index on iniciado_at), so what grew was disk and
-- the table's vacuum work, not latency. What an ops engineer needs from old runs is their
-- errors and the runs that returned or warned opportunities; the history already records each
-- returned opportunity (TIMER_VENCIDO). So the end of every sweep run deletes:
--   * runs older than 2 days that did nothing (no returns, no warnings, no error);
--   * any run older than 90 days;
-- at most 1,000 rows per call, skipping rows another client is deleting (SKIP LOCKED), so
-- many clients finishing at the same minute never wait on each other. Runs still open
-- (terminado_at IS NULL) are kept unless older than 90 days: a crashed sweep leaves one.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION crm.sweep_runs_podar() RETURNS int
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n int;
BEGIN
    WITH v AS (
        SELECT r.id FROM crm.sweep_runs r
         WHERE r.iniciado_at < now() - interval '90 days'
            OR (r.iniciado_at < now() - interval '2 days' AND r.terminado_at IS NOT NULL
                AND r.devueltas = 0 AND r.avisadas = 0 AND r.error IS NULL)
         ORDER BY r.iniciado_at
         LIMIT 1000
           FOR UPDATE SKIP LOCKED)
    DELETE FROM crm.sweep_runs r USING v WHERE r.id = v.id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- 040's sweep_fin plus the pruning.
CREATE OR REPLACE FUNCTION api.sweep_fin(id bigint, devueltas int, avisadas int,
                                         error text DEFAULT NULL)
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
    PERFORM crm.pool_conteo_compactar();
    PERFORM crm.sweep_runs_podar();
END
$$;
