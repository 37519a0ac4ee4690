-- 005_asignacion.sql — assignment requests and availability counts.
--
-- Design measured in postgres-measurements.md §2–§3: quota charged atomically on today's row
-- (locked: the request and its refund live in one transaction), candidates from crm.pool read
-- in the order of its free-rows index with FOR UPDATE SKIP LOCKED, one statement inserting the
-- opportunities and their history. SECURITY DEFINER is required, not just convenient: under
-- RLS the caller would see only their own active rows (§6 trap).

SET LOCAL ROLE embudo_owner;

-- The typed filter of a request, resolved and checked: convenio ids (active convenios only),
-- entidad id, age range. Shared by the assignment and the counts so both use one predicate.
CREATE FUNCTION crm.filtro_pool(convenio text, entidad text, edad_min int, edad_max int,
                                OUT convenios smallint[], OUT entidad_id smallint,
                                OUT emin smallint, OUT emax smallint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF convenio IS NULL THEN
        SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') INTO convenios
          FROM padron.convenios c WHERE c.activo;
    ELSE
        SELECT array[c.id] INTO convenios
          FROM padron.convenios c WHERE c.clave = upper(btrim(convenio)) AND c.activo;
        IF convenios IS NULL THEN
            RAISE EXCEPTION 'el convenio % no existe o no está activo', convenio
                USING ERRCODE = 'EB202';
        END IF;
    END IF;
    IF entidad IS NOT NULL THEN
        SELECT e.id INTO entidad_id FROM padron.entidades e WHERE e.clave = upper(btrim(entidad));
        IF entidad_id IS NULL THEN
            RAISE EXCEPTION 'la entidad % no existe (use la clave: CDMX, JAL, NL…)', entidad
                USING ERRCODE = 'EB203';
        END IF;
    END IF;
    IF (edad_min IS NOT NULL AND (edad_min < 18 OR edad_min > 110))
       OR (edad_max IS NOT NULL AND (edad_max < 18 OR edad_max > 110))
       OR (edad_min IS NOT NULL AND edad_max IS NOT NULL AND edad_min > edad_max) THEN
        RAISE EXCEPTION 'rango de edad inválido: % a % (entre 18 y 110, mínima ≤ máxima)',
            coalesce(edad_min::text, '—'), coalesce(edad_max::text, '—')
            USING ERRCODE = 'EB204';
    END IF;
    emin := coalesce(edad_min, 18)::smallint;
    emax := coalesce(edad_max, 110)::smallint;
END
$$;

CREATE FUNCTION api.solicitar_asignacion(cantidad int, convenio text DEFAULT NULL,
                                         entidad text DEFAULT NULL, edad_min int DEFAULT NULL,
                                         edad_max int DEFAULT NULL, clave text DEFAULT NULL)
RETURNS TABLE (lote_id bigint, asignados int, solicitados int, cupo_restante int,
               repetido boolean, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo      crm.usuarios := crm.yo_fila();
    f       record;
    etapa   crm.etapas;
    t       record;
    lote    bigint;
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

    -- Quota (today's row locked until commit) and cartera room.
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
    UPDATE crm.cupo_diario c SET usados = c.usados + n
     WHERE c.usuario_id = yo.id AND c.fecha = cupo.fecha;

    t := crm.timer_etapa(etapa.id, now());
    -- Candidates in the order of the partial index being read: without a matching ORDER BY
    -- the planner may fall to a sequential scan over the taken rows (measurements §2.6).
    -- Checked with generic and custom plans: always an index scan on pool_libres, no sort
    -- (convenio = ANY (…) on the leading column keeps the index order; the entidad, when
    -- given, is a second index condition — hence two statements, no "IS NULL OR" filter).
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
            SELECT ins.id, 'ASIGNADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id,
                   jsonb_build_object('lote_id', lote)
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
            SELECT ins.id, 'ASIGNADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id,
                   jsonb_build_object('lote_id', lote)
              FROM ins
            RETURNING 1)
        SELECT count(*)::int INTO got FROM h;
    END IF;

    IF got = 0 THEN
        RAISE EXCEPTION 'no hay clientes disponibles con esos filtros' USING ERRCODE = 'EB209';
    END IF;
    IF got < n THEN
        UPDATE crm.cupo_diario c SET usados = c.usados - (n - got)
         WHERE c.usuario_id = yo.id AND c.fecha = cupo.fecha;
    END IF;
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

CREATE FUNCTION api.disponibles(convenio text DEFAULT NULL, entidad text DEFAULT NULL,
                                edad_min int DEFAULT NULL, edad_max int DEFAULT NULL,
                                por text DEFAULT NULL)
RETURNS TABLE (grupo text, disponibles bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
-- Custom plans: the NULL filters fold away, so a given entidad is an index condition.
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
    -- Exactly the candidate predicate of api.solicitar_asignacion.
    RETURN QUERY
    WITH libres AS (
        SELECT p.convenio_id, p.entidad_id FROM crm.pool p
         WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()
           AND p.convenio_id = ANY (f.convenios)
           AND (f.entidad_id IS NULL OR p.entidad_id = f.entidad_id)
           AND p.edad BETWEEN f.emin AND f.emax),
    cuenta AS (
        SELECT CASE g WHEN 'convenio' THEN l.convenio_id WHEN 'entidad' THEN l.entidad_id END AS k,
               count(*) AS n
          FROM libres l GROUP BY 1)
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

GRANT EXECUTE ON FUNCTION api.solicitar_asignacion(int, text, text, int, int, text),
                          api.disponibles(text, text, int, int, text)
    TO embudo_usuario;
