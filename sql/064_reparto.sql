-- 064_reparto.sql — `embudo reparto`: what each promoter received on a business day against
-- what they were entitled to (docs/anchors.md C5, "received vs. entitled").
--
-- A supervisor asks "is the assignment fair?": who used their cupo, who asked and got less,
-- who only received by reassignment, whose cartera is full. One row per promoter the caller
-- may see (supervisor: their team; admin: everyone; promoter: themself), with:
--   cupo          the day's limit (the cupo_diario row when there is one, else the user's)
--   recibidos     clients charged to the cupo that day (cupo_diario.usados)
--   por_reasignacion / por_solicitud   the part received from supervisors and the rest
--   pedidos, solicitados   the requests made (SOLICITUD lotes) and how many clients they asked
--   captados      leads captured (CAPTACION lotes; not charged to the cupo)
--   activas, cartera_max   the cartera now
-- Every figure comes from rows that already exist (counts derived, never stored), read by the
-- user's keys: cupo_diario's primary key and lotes (usuario_id, clave).

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.reparto(fecha date DEFAULT NULL)
RETURNS TABLE (login text, nombre text, estado text, cupo int, recibidos int,
               por_solicitud int, por_reasignacion int, pedidos int, solicitados int,
               captados int, activas int, cartera_max int)
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
           u.cartera_max
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
