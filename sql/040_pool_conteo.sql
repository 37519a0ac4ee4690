-- 040_pool_conteo.sql — availability counts without reading the free rows.
--
-- api.disponibles used to count the ~950,000 free pool rows on every call (150–250 ms on this
-- machine, docs/bench-asignacion.md runs 1–5). Now:
--
-- * crm.pool_conteo holds signed deltas of "free pool rows" (oportunidad_id IS NULL) per
--   bucket (convenio, entidad, edad). Statement-level triggers with transition tables on
--   crm.pool add one row per bucket a statement changed (+1 per row entering the free state,
--   −1 per row leaving it), in the same transaction as the pool change. The table is
--   insert-only for writers: no unique key and no UPDATE, so concurrent requests never wait
--   for each other or conflict on a hot counter row.
-- * The sweep compacts it (api.sweep_fin): `WITH d AS (DELETE … RETURNING) INSERT … sum()`,
--   one row per bucket. Rows inserted meanwhile by others are not in the DELETE's snapshot and
--   stay; two compactors at once are kept apart by a try-lock (the loser skips).
-- * api.disponibles sums the buckets that match the filters and subtracts the free rows that
--   are still blocked (libre_desde > now(): cool-downs, opt-outs), read through a partial
--   index that holds only free rows that were ever blocked. Both in one statement, so one
--   snapshot: the number is exactly the assignment's candidate predicate.

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.pool_conteo (
    convenio_id smallint NOT NULL,
    entidad_id  smallint NOT NULL,
    edad        smallint NOT NULL,
    n           int NOT NULL CHECK (n <> 0)
);

-- Free rows that carry (or carried) a block; the counts subtract those still blocked.
CREATE INDEX pool_libres_bloqueadas ON crm.pool (libre_desde)
    INCLUDE (convenio_id, entidad_id, edad)
    WHERE oportunidad_id IS NULL AND libre_desde > '-infinity';

CREATE FUNCTION crm.pool_conteo_delta() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO crm.pool_conteo (convenio_id, entidad_id, edad, n)
        SELECT x.convenio_id, x.entidad_id, x.edad, count(*)::int
          FROM nuevas x WHERE x.oportunidad_id IS NULL
         GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO crm.pool_conteo (convenio_id, entidad_id, edad, n)
        SELECT x.convenio_id, x.entidad_id, x.edad, -count(*)::int
          FROM viejas x WHERE x.oportunidad_id IS NULL
         GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO crm.pool_conteo (convenio_id, entidad_id, edad, n)
        SELECT x.convenio_id, x.entidad_id, x.edad, sum(x.d)::int
          FROM (SELECT v.convenio_id, v.entidad_id, v.edad, -1 AS d
                  FROM viejas v WHERE v.oportunidad_id IS NULL
                UNION ALL
                SELECT w.convenio_id, w.entidad_id, w.edad, 1
                  FROM nuevas w WHERE w.oportunidad_id IS NULL) x
         GROUP BY 1, 2, 3
        HAVING sum(x.d) <> 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_conteo_ins AFTER INSERT ON crm.pool
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_conteo_delta();
CREATE TRIGGER pool_conteo_upd AFTER UPDATE ON crm.pool
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.pool_conteo_delta();
CREATE TRIGGER pool_conteo_del AFTER DELETE ON crm.pool
    REFERENCING OLD TABLE AS viejas FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_conteo_delta();

-- TRUNCATE has no transition table: the counts go with the rows.
CREATE FUNCTION crm.pool_conteo_vaciar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM crm.pool_conteo;
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_conteo_truncate AFTER TRUNCATE ON crm.pool
    FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_conteo_vaciar();

-- The pool as it is now (the migration runs in one transaction, the triggers are in place).
INSERT INTO crm.pool_conteo (convenio_id, entidad_id, edad, n)
SELECT p.convenio_id, p.entidad_id, p.edad, count(*)::int
  FROM crm.pool p WHERE p.oportunidad_id IS NULL
 GROUP BY 1, 2, 3;

-- One row per bucket; buckets that add up to zero disappear. Returns the rows removed, or
-- NULL when another transaction is compacting (it would only wait for that one and then find
-- nothing to merge). Any number of concurrent writers keep inserting meanwhile.
CREATE FUNCTION crm.pool_conteo_compactar() RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    antes   int;
    despues int;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('embudo.pool_conteo')) THEN
        RETURN NULL;
    END IF;
    WITH d AS (
        DELETE FROM crm.pool_conteo k
         WHERE (k.convenio_id, k.entidad_id, k.edad) IN (
                SELECT x.convenio_id, x.entidad_id, x.edad FROM crm.pool_conteo x
                 GROUP BY 1, 2, 3 HAVING count(*) > 1)
        RETURNING k.convenio_id, k.entidad_id, k.edad, k.n),
    ins AS (
        INSERT INTO crm.pool_conteo (convenio_id, entidad_id, edad, n)
        SELECT d.convenio_id, d.entidad_id, d.edad, sum(d.n)::int
          FROM d GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0
        RETURNING 1)
    SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM ins) INTO antes, despues;
    RETURN antes - despues;
END
$$;

-- The sweep's end also compacts the counts (once per run, i.e. about once a minute).
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
END
$$;

CREATE OR REPLACE FUNCTION api.disponibles(convenio text DEFAULT NULL, entidad text DEFAULT NULL,
                                           edad_min int DEFAULT NULL, edad_max int DEFAULT NULL,
                                           por text DEFAULT NULL)
RETURNS TABLE (grupo text, disponibles bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
-- Custom plans: the NULL filters fold away.
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
    f  record;
    g  text := lower(btrim(por));
BEGIN
    IF g IS NOT NULL AND g NOT IN ('convenio', 'entidad') THEN
        RAISE EXCEPTION 'agrupación inválida: % (convenio o entidad)', por USING ERRCODE = 'EB210';
    END IF;
    f := crm.filtro_pool(disponibles.convenio, disponibles.entidad, disponibles.edad_min,
                         disponibles.edad_max);
    -- Exactly the candidate predicate of api.solicitar_asignacion (oportunidad_id IS NULL AND
    -- libre_desde <= now() AND the filters): free rows by bucket, minus the free rows whose
    -- block has not ended. libre_desde > '-infinity' is implied by > now(); it is written out
    -- so that the partial index pool_libres_bloqueadas matches.
    RETURN QUERY
    WITH libres AS (
        SELECT k.convenio_id, k.entidad_id, k.n::bigint AS n FROM crm.pool_conteo k
         WHERE k.convenio_id = ANY (f.convenios)
           AND (f.entidad_id IS NULL OR k.entidad_id = f.entidad_id)
           AND k.edad BETWEEN f.emin AND f.emax
        UNION ALL
        SELECT p.convenio_id, p.entidad_id, -1 FROM crm.pool p
         WHERE p.oportunidad_id IS NULL AND p.libre_desde > '-infinity'
           AND p.libre_desde > now()
           AND p.convenio_id = ANY (f.convenios)
           AND (f.entidad_id IS NULL OR p.entidad_id = f.entidad_id)
           AND p.edad BETWEEN f.emin AND f.emax),
    cuenta AS (
        SELECT CASE g WHEN 'convenio' THEN l.convenio_id WHEN 'entidad' THEN l.entidad_id END AS k,
               sum(l.n)::bigint AS n
          FROM libres l GROUP BY 1
        HAVING sum(l.n) <> 0)
    SELECT CASE g WHEN 'convenio' THEN (SELECT c.clave FROM padron.convenios c WHERE c.id = cuenta.k)
                  WHEN 'entidad' THEN (SELECT e.clave FROM padron.entidades e WHERE e.id = cuenta.k)
                  ELSE 'TOTAL' END,
           cuenta.n
      FROM cuenta
     ORDER BY 1;
    IF g IS NULL AND NOT FOUND THEN
        RETURN QUERY SELECT 'TOTAL'::text, 0::bigint;
    END IF;
END
$$;

-- `embudo doctor`: the buckets must add up to the free rows of the pool (one pass over the
-- pool, like the other POOL_DESCUADRADO checks). The checks of 010 move to
-- crm.invariantes_010 unchanged, so this file does not repeat them.
ALTER FUNCTION api.verificar_invariantes() RENAME TO invariantes_010;
ALTER FUNCTION api.invariantes_010() SET SCHEMA crm;
REVOKE EXECUTE ON FUNCTION crm.invariantes_010() FROM embudo_supervisor, embudo_admin;

CREATE FUNCTION api.verificar_invariantes()
RETURNS TABLE (invariante text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_supervisor();
BEGIN
    RETURN QUERY SELECT * FROM crm.invariantes_010();
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text,
           format('convenio %s, entidad %s, edad %s: %s libres en el pool, %s en los conteos',
                  coalesce(p.convenio_id, k.convenio_id), coalesce(p.entidad_id, k.entidad_id),
                  coalesce(p.edad, k.edad), coalesce(p.n, 0), coalesce(k.n, 0))
      FROM (SELECT x.convenio_id, x.entidad_id, x.edad, count(*) AS n FROM crm.pool x
             WHERE x.oportunidad_id IS NULL GROUP BY 1, 2, 3) p
      FULL JOIN (SELECT y.convenio_id, y.entidad_id, y.edad, sum(y.n) AS n FROM crm.pool_conteo y
                  GROUP BY 1, 2, 3) k
        ON (k.convenio_id, k.entidad_id, k.edad) = (p.convenio_id, p.entidad_id, p.edad)
     WHERE coalesce(p.n, 0) <> coalesce(k.n, 0);
END
$$;
GRANT EXECUTE ON FUNCTION api.verificar_invariantes() TO embudo_supervisor, embudo_admin;
