-- 041_asignacion_rapida.sql — less work per assignment request, same rules.
--
-- Measured with tests/bench/asignacion and perf on the backend (docs/bench-asignacion.md,
-- run 6): a 50-client request spent about a quarter of its CPU in per-row foreign-key checks
-- and a sixth in re-parsing and re-planning. What changes here:
--
-- * Opportunity owner and lote: the two FKs oportunidades.lote_id → lotes and
--   oportunidades.usuario_id → usuarios become one composite FK (lote_id, usuario_id) →
--   lotes (id, usuario_id). Every path already puts an opportunity in a lote of its owner
--   (request, captación, reassignment: the REASIGNACION lote belongs to the destination), so
--   the rule gets stricter, and the dropped usuario FK is implied: lotes.usuario_id is itself
--   a NOT NULL FK to usuarios, so a (lote, owner) pair that exists names an existing user.
--   One check per opportunity instead of two.
-- * pool_libres carries libre_desde as its last key column instead of INCLUDE, so that
--   `libre_desde <= now()` is checked on the index entry: blocked free rows (cool-downs,
--   opt-outs) gather at the front of the index order as the pool is taken, and before this
--   every request fetched each of them from the heap to reject it (with 2.5 % of clients
--   blocked and 146,000 taken, 3,800 heap fetches: 18 ms → 0.6 ms for the candidate scan).
--   The order the assignment reads (convenio, entidad, edad) is unchanged.
-- * The partial unique index on active prospect opportunities skips the NULLs of client
--   opportunities (they can never conflict): one index insert fewer per assigned client.
-- * crm.zona, crm.fecha_negocio and crm.cartera were SQL functions with SET search_path, which
--   PostgreSQL never inlines: every call parsed and planned the query again. As plpgsql their
--   plans are cached per session; results are identical.
-- * api.solicitar_asignacion charges the quota once, with what was granted (the row is locked
--   from the start, so the check against the limit is unchanged), builds the history's datos
--   once per request, and uses generic plans (checked: the candidate scan stays an index scan
--   on pool_libres in the index order, no sort).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.lotes ADD CONSTRAINT lotes_id_usuario_key UNIQUE (id, usuario_id);
ALTER TABLE crm.oportunidades
    ADD CONSTRAINT oportunidades_lote_usuario_fkey FOREIGN KEY (lote_id, usuario_id)
        REFERENCES crm.lotes (id, usuario_id),
    DROP CONSTRAINT oportunidades_lote_id_fkey,
    DROP CONSTRAINT oportunidades_usuario_id_fkey;

DROP INDEX crm.pool_libres;
CREATE INDEX pool_libres ON crm.pool (convenio_id, entidad_id, edad, libre_desde)
    WHERE oportunidad_id IS NULL;

DROP INDEX crm.oportunidades_prospecto_activa;
CREATE UNIQUE INDEX oportunidades_prospecto_activa ON crm.oportunidades (prospecto_id)
    WHERE estado IN ('ABIERTA', 'EN_BANDEJA') AND prospecto_id IS NOT NULL;

CREATE OR REPLACE FUNCTION crm.zona() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT a.zona FROM crm.ajustes a);
END
$$;

CREATE OR REPLACE FUNCTION crm.fecha_negocio(t timestamptz) RETURNS date
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (t AT TIME ZONE crm.zona())::date;
END
$$;

CREATE OR REPLACE FUNCTION crm.cartera(usuario int) RETURNS int
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*)::int FROM crm.oportunidades o
             WHERE o.usuario_id = usuario AND o.estado IN ('ABIERTA', 'EN_BANDEJA'));
END
$$;

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

    t := crm.timer_etapa(etapa.id, now());
    datos := jsonb_build_object('lote_id', lote);
    -- Candidates in the order of the partial index being read: without a matching ORDER BY
    -- the planner may fall to a sequential scan over the taken rows (measurements §2.6).
    -- convenio = ANY (…) on the leading column keeps the index order; the entidad, when
    -- given, is a second index condition — hence two statements, no "IS NULL OR" filter;
    -- libre_desde <= now() is an index condition too (blocked rows cost no heap fetch).
    IF f.entidad_id IS NULL THEN
        WITH cand AS (
            SELECT p.cliente_id FROM crm.pool p
             WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()
               AND p.convenio_id = ANY (f.convenios)
               AND p.edad BETWEEN f.emin AND f.emax
             ORDER BY p.convenio_id, p.entidad_id, p.edad
             LIMIT n
               FOR UPDATE OF p SKIP LOCKED),
        ins AS (
            INSERT INTO crm.oportunidades (cliente_id, usuario_id, lote_id, etapa_id, estado,
                                           etapa_desde, timer_vence, timer_aviso)
            SELECT cand.cliente_id, yo.id, lote, etapa.id, 'ABIERTA', now(), t.vence, t.aviso
              FROM cand
            RETURNING id),
        h AS (
            INSERT INTO crm.historial (oportunidad_id, evento, etapa_nueva_id, etapa_nueva,
                                       estado_nuevo, usuario_id, datos)
            SELECT ins.id, 'ASIGNADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id, datos
              FROM ins
            RETURNING 1)
        SELECT count(*)::int INTO got FROM h;
    ELSE
        WITH cand AS (
            SELECT p.cliente_id FROM crm.pool p
             WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()
               AND p.convenio_id = ANY (f.convenios)
               AND p.entidad_id = f.entidad_id
               AND p.edad BETWEEN f.emin AND f.emax
             ORDER BY p.convenio_id, p.entidad_id, p.edad
             LIMIT n
               FOR UPDATE OF p SKIP LOCKED),
        ins AS (
            INSERT INTO crm.oportunidades (cliente_id, usuario_id, lote_id, etapa_id, estado,
                                           etapa_desde, timer_vence, timer_aviso)
            SELECT cand.cliente_id, yo.id, lote, etapa.id, 'ABIERTA', now(), t.vence, t.aviso
              FROM cand
            RETURNING id),
        h AS (
            INSERT INTO crm.historial (oportunidad_id, evento, etapa_nueva_id, etapa_nueva,
                                       estado_nuevo, usuario_id, datos)
            SELECT ins.id, 'ASIGNADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id, datos
              FROM ins
            RETURNING 1)
        SELECT count(*)::int INTO got FROM h;
    END IF;

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
