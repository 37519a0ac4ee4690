-- 067_reparto_intentos.sql — `embudo reparto` also counts each promoter's contact attempts of
-- the day: what was received next to what was worked.
--
-- A partial index on the attempts alone (evento = 'INTENTO') by who and when: the day's count
-- per promoter is one range read, and no other history row pays for the index (an assignment
-- writes 50 ASIGNADA rows per request; they stay as cheap as before).

SET LOCAL ROLE embudo_owner;

CREATE INDEX historial_intentos ON crm.historial (usuario_id, ocurrido_at)
    WHERE evento = 'INTENTO';

DROP FUNCTION api.reparto(date);
CREATE FUNCTION api.reparto(fecha date DEFAULT NULL)
RETURNS TABLE (login text, nombre text, estado text, cupo int, recibidos int,
               por_solicitud int, por_reasignacion int, pedidos int, solicitados int,
               captados int, activas int, cartera_max int, intentos int)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo   crm.usuarios := crm.yo_fila();
    dia  date := coalesce(reparto.fecha, crm.fecha_negocio(now()));
    zona text := crm.zona();
    ini  timestamptz := dia::timestamp AT TIME ZONE zona;
    fin  timestamptz := (dia + 1)::timestamp AT TIME ZONE zona;
BEGIN
    IF dia > crm.fecha_negocio(now()) THEN
        RAISE EXCEPTION 'la fecha % todavía no llega', dia USING ERRCODE = 'EB212';
    END IF;
    RETURN QUERY
    SELECT u.login, u.nombre, u.estado,
           coalesce(c.limite, u.cupo_diario),
           coalesce(c.usados, 0),
           coalesce(c.usados, 0) - coalesce(l.reasignados, 0)::int,
           coalesce(l.reasignados, 0)::int,
           coalesce(l.pedidos, 0)::int,
           coalesce(l.solicitados, 0)::int,
           coalesce(l.captados, 0)::int,
           crm.cartera(u.id),
           u.cartera_max,
           (SELECT count(*)::int FROM crm.historial h
             WHERE h.evento = 'INTENTO' AND h.usuario_id = u.id
               AND h.ocurrido_at >= ini AND h.ocurrido_at < fin)
      FROM crm.usuarios u
      LEFT JOIN crm.cupo_diario c ON c.usuario_id = u.id AND c.fecha = dia
      LEFT JOIN LATERAL (
          SELECT count(*) FILTER (WHERE x.origen = 'SOLICITUD') AS pedidos,
                 sum(x.solicitados) FILTER (WHERE x.origen = 'SOLICITUD') AS solicitados,
                 sum(x.solicitados) FILTER (WHERE x.origen = 'REASIGNACION') AS reasignados,
                 count(*) FILTER (WHERE x.origen = 'CAPTACION') AS captados
            FROM crm.lotes x
           WHERE x.usuario_id = u.id AND x.created_at >= ini AND x.created_at < fin) l ON true
     WHERE u.rol = 'PROMOTOR' AND u.id = ANY (crm.usuarios_visibles())
     ORDER BY u.nombre, u.login;
END
$$;
GRANT EXECUTE ON FUNCTION api.reparto(date) TO embudo_usuario;
