-- 010_invariantes.sql — `embudo doctor`: the rules that span rows, checked after the fact.
-- Empty result = healthy. The constraints and the api functions should make every row here
-- impossible; this is the proof the race tests read.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.verificar_invariantes()
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
     WHERE p.libre_desde <> b.hasta;
END
$$;

GRANT EXECUTE ON FUNCTION api.verificar_invariantes() TO embudo_supervisor, embudo_admin;
