-- 103_bandeja_habil.sql — how long an exit has waited in the bandeja, in business hours, and
-- whether that is longer than the supervisor should take (docs/anchors.md C1: one business
-- clock for every timer, SLA and report).
--
-- api.bandeja gave the wait in wall-clock hours (antiguedad_horas) and the TUI painted a row
-- red from 24 of them. Every other age in embudo is business time — the stage timers, the
-- heat map, the report's stays — so on a Monday at 09:00 the whole bandeja was red with exits
-- that came in on Friday at 18:50 and had waited ten minutes of anyone's working day, and a
-- row that arrived at 09:00 was not red at 18:00 after a whole day nobody decided it. Now:
--
--   crm.ajustes.bandeja_horas   the business hours a supervisor has to decide an exit
--                (default 8, about a working day of the default calendar; 1–200);
--   api.bandeja  gains espera_habiles (business hours since the exit, two decimals, by the
--                calendar every timer uses: weekday windows, rest days, special days) and
--                atrasada (espera_habiles ≥ bandeja_horas). antiguedad_horas stays: the CLI's
--                JSON has it, and a wall-clock age is still a fact.
--
-- The hours of every row at once, as 081's heat map does: the calendar from the oldest exit's
-- date to today is built once (crm.calendario_habil) and each instant becomes "business
-- seconds since that first day" with one join (crm.instante_habil), instead of
-- crm.horas_habiles_entre per row. An exit written by a transaction that began after this
-- one has waited 0. The hours are computed in the main query's join, not in a CTE joined back
-- by id: with CTE scans on both sides the planner chose a nested loop on that id and a
-- bandeja of 2 000 exits took 1.7 s; as written, 76–86 ms against 63–90 ms for 071's
-- function, measured side by side on the benchmark's database (2 000 exits over 90 days). Dropped and created again (the return type changes): 071's body plus the
-- two columns, granted as 066 and 071 granted it.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.ajustes
    ADD COLUMN bandeja_horas numeric NOT NULL DEFAULT 8 CHECK (bandeja_horas BETWEEN 1 AND 200);

DROP FUNCTION api.bandeja();
CREATE FUNCTION api.bandeja()
RETURNS TABLE (oportunidad_id bigint, cliente text, telefono text, usuario_id int,
               usuario_login text, usuario_nombre text, etapa text, motivo text,
               en_bandeja_desde timestamptz, antiguedad_horas numeric, ultimo_evento text,
               ultimo_evento_at timestamptz, intentos int, ultimo_intento text,
               espera_habiles numeric, atrasada boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    yo     crm.usuarios := crm.yo_supervisor();
    zona   text := crm.zona();
    ahora  timestamptz := now();
    hoy    date := crm.fecha_negocio(now());
    limite numeric := (SELECT a.bandeja_horas FROM crm.ajustes a);
BEGIN
    RETURN QUERY
    WITH b AS MATERIALIZED (
        SELECT o.id, o.cliente_id, o.prospecto_id, o.etapa_id, o.motivo_salida, o.etapa_desde,
               u.id AS uid, u.login, u.nombre
          FROM crm.oportunidades o
          JOIN crm.usuarios u ON u.id = o.usuario_id
         WHERE o.estado = 'EN_BANDEJA'
           AND (yo.rol IN ('ADMIN', 'AUDITOR') OR u.supervisor_id = yo.id OR u.id = yo.id)
    ), cal AS MATERIALIZED (
        SELECT * FROM crm.calendario_habil(
            least(hoy, (SELECT (min(b.etapa_desde) AT TIME ZONE zona)::date FROM b)), hoy, zona)
    ), ya AS (
        SELECT crm.instante_habil(ahora, c.antes, c.abre, c.cierra) AS s
          FROM cal c WHERE c.dia = hoy
    )
    SELECT b.id,
           coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),
                    p.nombre),
           coalesce(p.telefono,
                    (SELECT dc.valor FROM padron.datos_contacto dc
                      WHERE dc.cliente_id = b.cliente_id AND dc.vigente AND dc.tipo <> 'EMAIL'
                      ORDER BY dc.tipo, dc.id LIMIT 1)),
           b.uid, b.login, b.nombre, e.nombre, b.motivo_salida, b.etapa_desde,
           round((extract(epoch FROM ahora - b.etapa_desde) / 3600)::numeric, 1),
           h.evento, h.ocurrido_at, crm.intentos(b.id), i.resultado,
           w.horas, w.horas >= limite
      FROM b
     CROSS JOIN ya
      LEFT JOIN cal k ON k.dia = (b.etapa_desde AT TIME ZONE zona)::date
     CROSS JOIN LATERAL (SELECT round(coalesce(greatest(ya.s - crm.instante_habil(
                                          b.etapa_desde, k.antes, k.abre, k.cierra), 0), 0)
                                      / 3600, 2) AS horas) w
      JOIN crm.etapas e ON e.id = b.etapa_id
      LEFT JOIN padron.clientes c ON c.id = b.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = b.prospecto_id
      LEFT JOIN LATERAL (SELECT x.evento, x.ocurrido_at FROM crm.historial x
                          WHERE x.oportunidad_id = b.id ORDER BY x.id DESC LIMIT 1) h ON true
      LEFT JOIN LATERAL (SELECT x.datos ->> 'resultado' AS resultado FROM crm.historial x
                          WHERE x.oportunidad_id = b.id AND x.evento = 'INTENTO'
                          ORDER BY x.id DESC LIMIT 1) i ON true
     ORDER BY b.etapa_desde, b.id;
END
$$;
REVOKE ALL ON FUNCTION api.bandeja() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.bandeja() TO embudo_supervisor, embudo_admin, embudo_auditor;
