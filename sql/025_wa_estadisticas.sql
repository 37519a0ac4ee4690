-- 025_wa_estadisticas.sql — campaign statistics and the message export, over what the caller
-- may see (a promoter its own, a supervisor the team, an admin — or a superuser session — all).
-- A message's day is the business date it was sent (else claimed, else scheduled).

SET LOCAL ROLE embudo_owner;

-- The users whose messages the session sees (superuser/embudo_owner sessions: all).
CREATE FUNCTION crm.wa_visibles() RETURNS int[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        RETURN (SELECT coalesce(array_agg(u.id), '{}') FROM crm.usuarios u);
    END IF;
    PERFORM crm.yo_fila();    -- EB001
    RETURN crm.usuarios_visibles();
END
$$;

-- desde ≤ hasta, at most 366 days (EB370).
CREATE FUNCTION crm.wa_rango_fechas(desde date, hasta date) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF desde IS NULL OR hasta IS NULL OR desde > hasta OR hasta - desde > 366 THEN
        RAISE EXCEPTION 'rango de fechas inválido: % a % (desde ≤ hasta, hasta 366 días)',
            coalesce(desde::text, '—'), coalesce(hasta::text, '—') USING ERRCODE = 'EB370';
    END IF;
END
$$;

-- Per promoter, business day and campaign: sent, delivered, read, replied, opted out,
-- failed, and failed by reason ({"479": 2, "INCIERTO": 1}).
CREATE FUNCTION api.wa_estadisticas(desde date, hasta date)
RETURNS TABLE (usuario_id int, usuario_login text, dia date, campana_id bigint, campana text,
               enviados int, entregados int, leidos int, respondidos int, bajas int,
               fallidos int, fallidos_por jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[] := crm.wa_visibles();
BEGIN
    PERFORM crm.wa_rango_fechas(desde, hasta);
    RETURN QUERY
    WITH m AS (
        SELECT x.*, crm.fecha_negocio(coalesce(x.enviado_at, x.reclamado_at, x.programado_para))
                    AS d
          FROM crm.wa_mensajes x
         WHERE x.usuario_id = ANY (vis) AND x.estado NOT IN ('PENDIENTE', 'OMITIDO', 'CANCELADO')
    )
    SELECT m.usuario_id, u.login, m.d, m.campana_id, c.nombre,
           count(m.enviado_at)::int, count(m.entregado_at)::int, count(m.leido_at)::int,
           count(m.respondido_at)::int,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM crm.wa_bajas b
                                           WHERE b.mensaje_id = m.id))::int,
           count(*) FILTER (WHERE m.estado = 'FALLIDO')::int,
           coalesce((SELECT jsonb_object_agg(f.error, f.n)
                       FROM (SELECT y.error, count(*) AS n FROM m y
                              WHERE y.campana_id = m.campana_id AND y.d = m.d
                                AND y.estado = 'FALLIDO'
                              GROUP BY y.error) f), '{}'::jsonb)
      FROM m
      JOIN crm.usuarios u ON u.id = m.usuario_id
      JOIN crm.wa_campanas c ON c.id = m.campana_id
     WHERE m.d BETWEEN desde AND hasta
     GROUP BY m.usuario_id, u.login, m.d, m.campana_id, c.nombre
     ORDER BY m.d, u.login, m.campana_id;
END
$$;

-- Every message of the visible campaigns whose day falls in desde…hasta (skipped and
-- cancelled ones by their creation date), for `embudo export mensajes`.
CREATE FUNCTION api.wa_mensajes_exportar(desde date, hasta date)
RETURNS TABLE (mensaje_id bigint, campana_id bigint, campana text, usuario_login text,
               oportunidad_id bigint, telefono text, estado text, incierto boolean,
               programado_para timestamptz, enviado_at timestamptz, entregado_at timestamptz,
               leido_at timestamptz, respondido_at timestamptz, error text, texto text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[] := crm.wa_visibles();
BEGIN
    PERFORM crm.wa_rango_fechas(desde, hasta);
    RETURN QUERY
    SELECT m.id, m.campana_id, c.nombre, u.login, m.oportunidad_id, m.telefono, m.estado,
           m.incierto, m.programado_para, m.enviado_at, m.entregado_at, m.leido_at,
           m.respondido_at, m.error, m.texto
      FROM crm.wa_mensajes m
      JOIN crm.wa_campanas c ON c.id = m.campana_id
      JOIN crm.usuarios u ON u.id = m.usuario_id
     WHERE m.usuario_id = ANY (vis)
       AND crm.fecha_negocio(coalesce(m.enviado_at, m.reclamado_at, m.programado_para,
                                      m.creado_at)) BETWEEN desde AND hasta
     ORDER BY m.id;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_estadisticas(date, date), api.wa_mensajes_exportar(date, date)
    TO embudo_usuario;
