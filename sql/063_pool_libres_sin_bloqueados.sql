-- 063_pool_libres_sin_bloqueados.sql — a request no longer walks over blocked clients.
--
-- pool_libres held every free row, blocked ones included (libre_desde as its last key column,
-- 041). Requests take free rows from the front of the index order, so as a convenio's range
-- is consumed the front becomes leaf pages that hold only blocked clients: a btree page is
-- reclaimed only when it is empty, and a page where 2.5 % of the rows were blocked keeps
-- those. Every request walked them. Measured on the bench database (docs/bench-asignacion.md,
-- run 9: 1,000,000 clients, 2.5 % blocked, 121,000 IMSS clients taken): 4,089 blocked entries
-- on 196 leaf pages before the first free IMSS client, 1.46 ms of every request, and growing
-- with every client taken. Opt-outs (blocked without end) stay there forever.
--
-- * pool_libres now holds only the free rows that carry no block: libre_desde = '-infinity'.
--   The predicate of a request and of the counts does not change: a free row whose block has
--   ended (libre_desde <= now()) is still a candidate.
-- * Ended blocks go back to '-infinity', so those rows re-enter pool_libres at their place in
--   the order: every sweep run (api.sweep_fin, once a minute in every running client and
--   worker) releases them, in batches that skip rows someone holds. Between a block's end and
--   the next sweep, the request reads them through pool_libres_bloqueadas after the unblocked
--   ones: nothing the counts promise is ever missing.
-- * The index entries of taken rows are the other half of the front: they point at dead row
--   versions until VACUUM removes them, and autovacuum's default (20 % of the table changed)
--   means 200,000 taken clients on a 1,000,000-client pool. Measured after 158,000 taken
--   without a vacuum: 106 index pages before the first free IMSS client, 1.6 ms per request;
--   after VACUUM, 4 pages and 0.1 ms. crm.pool is vacuumed after 1 % of it changes (10,000
--   rows for 1,000,000 clients: a few hundred requests), which costs one pass over its
--   indexes in the background.
-- * `embudo doctor` accepts '-infinity' in the pool for a client whose blocks have all
--   ended (before, libre_desde had to equal the latest end).
-- * The request collects its candidates into an array and inserts once, instead of repeating
--   the insert in each branch.

SET LOCAL ROLE embudo_owner;

DROP INDEX crm.pool_libres;
CREATE INDEX pool_libres ON crm.pool (convenio_id, entidad_id, edad)
    WHERE oportunidad_id IS NULL AND libre_desde = '-infinity';

ALTER TABLE crm.pool SET (autovacuum_vacuum_scale_factor = 0.01,
                          autovacuum_vacuum_threshold = 1000);

UPDATE crm.pool SET libre_desde = '-infinity'
 WHERE libre_desde > '-infinity' AND libre_desde <= now();

-- Free rows whose block has ended go back to '-infinity' (and so into pool_libres). At most
-- 10,000 per call, oldest end first; rows locked by someone (a captación, a new block being
-- written) are left for the next run. A block written meanwhile wins: the row lock re-reads
-- the newest version, whose libre_desde is then in the future.
CREATE FUNCTION crm.pool_liberar_bloqueos() RETURNS int
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n int;
BEGIN
    WITH v AS (
        SELECT p.cliente_id FROM crm.pool p
         WHERE p.oportunidad_id IS NULL AND p.libre_desde > '-infinity'
           AND p.libre_desde <= now()
         ORDER BY p.libre_desde
         LIMIT 10000
           FOR UPDATE SKIP LOCKED)
    UPDATE crm.pool p SET libre_desde = '-infinity' FROM v WHERE p.cliente_id = v.cliente_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- 056's sweep_fin plus the release of ended blocks.
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
    PERFORM crm.pool_liberar_bloqueos();
    PERFORM crm.pool_conteo_compactar();
    PERFORM crm.sweep_runs_podar();
END
$$;

-- 041's request; only the candidate reading and the insert change.
CREATE OR REPLACE FUNCTION api.solicitar_asignacion(cantidad int, convenio text DEFAULT NULL,
                                                    entidad text DEFAULT NULL,
                                                    edad_min int DEFAULT NULL,
                                                    edad_max int DEFAULT NULL,
                                                    clave text DEFAULT NULL)
RETURNS TABLE (lote_id bigint, asignados int, solicitados int, cupo_restante int,
               repetido boolean, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    yo      crm.usuarios := crm.yo_fila();
    f       record;
    etapa   crm.etapas;
    t       record;
    lote    bigint;
    datos   jsonb;
    cupo    crm.cupo_diario;
    pedido  int := solicitar_asignacion.cantidad;
    k       text := nullif(btrim(solicitar_asignacion.clave), '');
    libre   int;
    cabe    int;
    n       int;
    ids     bigint[];
    got     int;
    msg     text;
BEGIN
    IF yo.rol <> 'PROMOTOR' THEN
        RAISE EXCEPTION 'solo los promotores piden asignaciones' USING ERRCODE = 'EB208';
    END IF;
    IF yo.estado <> 'ACTIVO' THEN
        RAISE EXCEPTION 'tu usuario está en estado %: no puedes pedir clientes', yo.estado
            USING ERRCODE = 'EB207';
    END IF;
    IF pedido IS NULL OR pedido < 1 OR pedido > 1000 THEN
        RAISE EXCEPTION 'cantidad inválida: % (entre 1 y 1000)', coalesce(pedido::text, '—')
            USING ERRCODE = 'EB201';
    END IF;
    IF k IS NOT NULL AND length(k) > 100 THEN
        RAISE EXCEPTION 'la clave de la solicitud es demasiado larga (máximo 100)'
            USING ERRCODE = 'EB201';
    END IF;
    f := crm.filtro_pool(solicitar_asignacion.convenio, solicitar_asignacion.entidad,
                         solicitar_asignacion.edad_min, solicitar_asignacion.edad_max);
    etapa := crm.etapa_inicial();

    -- The lote first: its UNIQUE (usuario_id, clave) makes a concurrent double click wait for
    -- the first request and then return it.
    INSERT INTO crm.lotes AS l (usuario_id, origen, filtros, solicitados, clave, creado_por)
    VALUES (yo.id, 'SOLICITUD',
            jsonb_strip_nulls(jsonb_build_object(
                'convenio', upper(btrim(solicitar_asignacion.convenio)),
                'entidad', upper(btrim(solicitar_asignacion.entidad)),
                'edad_min', solicitar_asignacion.edad_min,
                'edad_max', solicitar_asignacion.edad_max)),
            pedido, k, yo.id)
    ON CONFLICT (usuario_id, clave) DO NOTHING
    RETURNING l.id INTO lote;
    IF lote IS NULL THEN
        SELECT l.id, l.solicitados INTO lote, pedido
          FROM crm.lotes l WHERE l.usuario_id = yo.id AND l.clave = k;
        SELECT c.limite - c.usados INTO libre FROM crm.cupo_diario c
         WHERE c.usuario_id = yo.id AND c.fecha = crm.fecha_negocio(now());
        SELECT count(*)::int INTO got FROM crm.oportunidades o WHERE o.lote_id = lote;
        RETURN QUERY SELECT lote, got, pedido, coalesce(libre, yo.cupo_diario), true,
            format('esta solicitud ya se había hecho (clave %s): lote %s con %s clientes',
                   k, lote, got);
        RETURN;
    END IF;

    -- Quota (today's row locked until commit, charged below with what was granted) and
    -- cartera room.
    cupo := crm.cupo_bloquear(yo.id);
    libre := cupo.limite - cupo.usados;
    IF libre <= 0 THEN
        RAISE EXCEPTION 'ya usaste todo tu cupo de hoy (% de %)', cupo.usados, cupo.limite
            USING ERRCODE = 'EB205';
    END IF;
    cabe := yo.cartera_max - crm.cartera(yo.id);
    IF cabe <= 0 THEN
        RAISE EXCEPTION 'tu cartera está llena (% oportunidades activas, máximo %)',
            yo.cartera_max - cabe, yo.cartera_max USING ERRCODE = 'EB206';
    END IF;
    n := least(pedido, libre, cabe);

    -- Candidates, locked until commit: first the unblocked free rows in the order of
    -- pool_libres (without a matching ORDER BY the planner may fall to a sequential scan over
    -- the taken rows, measurements §2.6; convenio = ANY (…) on the leading column keeps the
    -- index order, and the entidad, when given, is a second index condition — hence two
    -- statements, no "IS NULL OR" filter).
    IF f.entidad_id IS NULL THEN
        SELECT array_agg(c.cliente_id) INTO ids
          FROM (SELECT p.cliente_id FROM crm.pool p
                 WHERE p.oportunidad_id IS NULL AND p.libre_desde = '-infinity'
                   AND p.convenio_id = ANY (f.convenios)
                   AND p.edad BETWEEN f.emin AND f.emax
                 ORDER BY p.convenio_id, p.entidad_id, p.edad
                 LIMIT n
                   FOR UPDATE OF p SKIP LOCKED) c;
    ELSE
        SELECT array_agg(c.cliente_id) INTO ids
          FROM (SELECT p.cliente_id FROM crm.pool p
                 WHERE p.oportunidad_id IS NULL AND p.libre_desde = '-infinity'
                   AND p.convenio_id = ANY (f.convenios)
                   AND p.entidad_id = f.entidad_id
                   AND p.edad BETWEEN f.emin AND f.emax
                 ORDER BY p.convenio_id, p.entidad_id, p.edad
                 LIMIT n
                   FOR UPDATE OF p SKIP LOCKED) c;
    END IF;
    got := coalesce(cardinality(ids), 0);
    -- Then, if short, the free rows whose block ended since the last sweep released it.
    IF got < n THEN
        SELECT ids || array_agg(c.cliente_id) INTO ids
          FROM (SELECT p.cliente_id FROM crm.pool p
                 WHERE p.oportunidad_id IS NULL AND p.libre_desde > '-infinity'
                   AND p.libre_desde <= now()
                   AND p.convenio_id = ANY (f.convenios)
                   AND (f.entidad_id IS NULL OR p.entidad_id = f.entidad_id)
                   AND p.edad BETWEEN f.emin AND f.emax
                 ORDER BY p.libre_desde
                 LIMIT n - got
                   FOR UPDATE OF p SKIP LOCKED) c;
    END IF;

    t := crm.timer_etapa(etapa.id, now());
    datos := jsonb_build_object('lote_id', lote);
    WITH ins AS (
        INSERT INTO crm.oportunidades (cliente_id, usuario_id, lote_id, etapa_id, estado,
                                       etapa_desde, timer_vence, timer_aviso)
        SELECT c, yo.id, lote, etapa.id, 'ABIERTA', now(), t.vence, t.aviso
          FROM unnest(ids) c
        RETURNING id),
    h AS (
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_nueva_id, etapa_nueva,
                                   estado_nuevo, usuario_id, datos)
        SELECT ins.id, 'ASIGNADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id, datos
          FROM ins
        RETURNING 1)
    SELECT count(*)::int INTO got FROM h;

    IF got = 0 THEN
        RAISE EXCEPTION 'no hay clientes disponibles con esos filtros' USING ERRCODE = 'EB209';
    END IF;
    UPDATE crm.cupo_diario c SET usados = c.usados + got
     WHERE c.usuario_id = yo.id AND c.fecha = cupo.fecha;
    libre := libre - got;

    IF got = pedido THEN
        msg := format('se asignaron %s clientes', got);
    ELSIF got < n THEN
        msg := format('se asignaron %s de %s: no hay más clientes disponibles con esos filtros',
                      got, pedido);
    ELSIF n = libre + got THEN
        msg := format('se asignaron %s de %s: solo te quedaban %s de tu cupo diario (%s)',
                      got, pedido, got, cupo.limite);
    ELSE
        msg := format('se asignaron %s de %s: tu cartera solo admitía %s más (máximo %s)',
                      got, pedido, got, yo.cartera_max);
    END IF;
    RETURN QUERY SELECT lote, got, pedido, libre, false, msg;
END
$$;

-- 010's checks (crm.invariantes_010 since 040), unchanged but the last one: a pool row may
-- say '-infinity' for a client whose blocks have all ended.
CREATE OR REPLACE FUNCTION crm.invariantes_010()
RETURNS TABLE (invariante text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_supervisor();
BEGIN
    -- A client with more than one active opportunity (the unique index forbids it).
    RETURN QUERY
    SELECT 'MULTIPLES_ACTIVAS'::text,
           format('cliente %s: oportunidades %s', o.cliente_id, string_agg(o.id::text, ', '))
      FROM crm.oportunidades o
     WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA') AND o.cliente_id IS NOT NULL
     GROUP BY o.cliente_id HAVING count(*) > 1;
    RETURN QUERY
    SELECT 'MULTIPLES_ACTIVAS'::text,
           format('prospecto %s: oportunidades %s', o.prospecto_id, string_agg(o.id::text, ', '))
      FROM crm.oportunidades o
     WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA') AND o.prospecto_id IS NOT NULL
     GROUP BY o.prospecto_id HAVING count(*) > 1;

    -- Quota: the opportunities charged to a user on a business day (requested and received by
    -- reassignment) must equal `usados` and never exceed the limit.
    RETURN QUERY
    WITH asignadas AS (
        SELECT (h.datos ->> 'lote_id')::bigint AS lote_id, count(*) AS n
          FROM crm.historial h WHERE h.evento = 'ASIGNADA' GROUP BY 1),
    cargos AS (
        SELECT l.usuario_id, crm.fecha_negocio(l.created_at) AS fecha,
               sum(CASE WHEN l.origen = 'SOLICITUD' THEN coalesce(a.n, 0)
                        ELSE l.solicitados END) AS n
          FROM crm.lotes l LEFT JOIN asignadas a ON a.lote_id = l.id
         WHERE l.origen IN ('SOLICITUD', 'REASIGNACION')
         GROUP BY 1, 2)
    SELECT 'SOBRE_CUPO'::text,
           format('usuario %s, %s: %s asignadas, usados %s, límite %s', coalesce(c.usuario_id, g.usuario_id),
                  coalesce(c.fecha, g.fecha), coalesce(g.n, 0), coalesce(c.usados, 0),
                  coalesce(c.limite, 0))
      FROM crm.cupo_diario c
      FULL JOIN cargos g ON g.usuario_id = c.usuario_id AND g.fecha = c.fecha
     WHERE coalesce(g.n, 0) <> coalesce(c.usados, 0)
        OR coalesce(g.n, 0) > coalesce(c.limite, 0);

    -- An open opportunity whose stage has a timer but that has none.
    RETURN QUERY
    SELECT 'SIN_TIMER'::text,
           format('oportunidad %s en la etapa "%s" (%s h) sin vencimiento', o.id, e.nombre,
                  e.timer_horas)
      FROM crm.oportunidades o JOIN crm.etapas e ON e.id = o.etapa_id
     WHERE o.estado = 'ABIERTA' AND e.timer_horas IS NOT NULL AND o.timer_vence IS NULL;

    -- The estado must be the outcome of the latest state-changing history row.
    RETURN QUERY
    SELECT 'SIN_HISTORIAL'::text,
           format('oportunidad %s: estado %s, último evento de estado %s', o.id, o.estado,
                  coalesce(h.evento || ' → ' || h.estado_nuevo, 'ninguno'))
      FROM crm.oportunidades o
      LEFT JOIN LATERAL (SELECT x.evento, x.estado_nuevo FROM crm.historial x
                          WHERE x.oportunidad_id = o.id AND x.estado_nuevo IS NOT NULL
                          ORDER BY x.id DESC LIMIT 1) h ON true
     WHERE h.estado_nuevo IS DISTINCT FROM o.estado;

    -- The pool must mirror the active opportunities and hold every padron client.
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text,
           format('cliente %s: el pool apunta a la oportunidad %s (%s)', p.cliente_id,
                  p.oportunidad_id, coalesce(o.estado, 'inexistente'))
      FROM crm.pool p
      LEFT JOIN crm.oportunidades o ON o.id = p.oportunidad_id
     WHERE p.oportunidad_id IS NOT NULL
       AND (o.id IS NULL OR o.estado NOT IN ('ABIERTA', 'EN_BANDEJA')
            OR o.cliente_id IS DISTINCT FROM p.cliente_id OR o.usuario_id <> p.usuario_id);
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text,
           format('oportunidad activa %s del cliente %s: el pool apunta a %s', o.id, o.cliente_id,
                  coalesce(p.oportunidad_id::text, 'nada'))
      FROM crm.oportunidades o
      LEFT JOIN crm.pool p ON p.cliente_id = o.cliente_id
     WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA') AND o.cliente_id IS NOT NULL
       AND p.oportunidad_id IS DISTINCT FROM o.id;
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text, format('cliente %s del padrón no está en el pool', c.id)
      FROM padron.clientes c
     WHERE NOT EXISTS (SELECT 1 FROM crm.pool p WHERE p.cliente_id = c.id);
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text, format('el pool tiene al cliente %s, que no está en el padrón',
                                            p.cliente_id)
      FROM crm.pool p
     WHERE NOT EXISTS (SELECT 1 FROM padron.clientes c WHERE c.id = p.cliente_id);
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text,
           format('cliente %s: bloqueado hasta %s en el pool, %s según los bloqueos',
                  p.cliente_id, p.libre_desde, b.hasta)
      FROM crm.pool p
      JOIN (SELECT x.cliente_id,
                   CASE WHEN bool_or(x.hasta IS NULL) THEN 'infinity'::timestamptz
                        ELSE max(x.hasta) END AS hasta
              FROM crm.bloqueos x GROUP BY x.cliente_id) b ON b.cliente_id = p.cliente_id
     WHERE p.libre_desde <> b.hasta
       AND NOT (p.libre_desde = '-infinity' AND b.hasta <= now());
END
$$;
