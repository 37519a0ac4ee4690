-- 077_informe.sql — the funnel report and the history export (docs/anchors.md C7, X2).
--
-- The history said every step, but nobody could read the funnel out of it: how many entered
-- each stage in a week, how they left it (forward, back, to the bandeja, sale, timer), how
-- long they stayed in business hours, why they were lost, and who did what. Supervisors asked
-- for it in spreadsheets built by hand. Now:
--
--   api.informe_rango(desde, hasta)              the range a report uses (defaults: the last
--                                                seven business dates up to today)
--   api.informe_etapas(desde, hasta, promotor)   per stage: entries, exits by kind, median
--                                                and p90 business hours of the stays that
--                                                ended in the range, active now
--   api.informe_motivos(desde, hasta, promotor)  why they left (the SALIDA stage chosen, the
--                                                stage whose timer ran out, the supervisor's
--                                                reason) and how attempts went
--   api.informe_promotores(desde, hasta, promotor) per promoter: received (the quota charged,
--                                                as api.reparto), captured, attempts, exits,
--                                                expiries, sales and their amount
--   api.historial_exportar(desde, hasta, promotor) every history row of the range, by id,
--                                                with names instead of ids, no personal data
--
-- Scope is what row-level security gives: own (promoter), team (supervisor), everyone (admin,
-- auditor), optionally one promoter of it (EB630 otherwise). Events count for the
-- opportunity's current owner, as every view of the history does; the per-promoter table
-- counts what each one did (attempts, exits by the actor; sales by who registered them).
-- All are STABLE: the auditor may run them, and they can write nothing.
--
-- Business hours of many stays at once: crm.horas_habiles_entre loops over the days of one
-- interval (about 0.1 ms a call), so an admin's month of stays would take seconds. The report
-- builds the calendar of the range once (crm.calendario_habil: each day's opening, closing and
-- the business seconds of the days before it) and turns every instant into "business seconds
-- since the first day" with one join; a stay is the difference. tests/db/test_informe.c
-- compares it with crm.horas_habiles_entre on stays across nights, weekends, holidays and a
-- DST change.
--
-- JIT is off for the report functions: their row estimates (a calendar function, CTEs) run
-- into millions, which made PostgreSQL compile the plan with LLVM on every call — 0.9 s of a
-- 1.3 s report over 156 000 history rows, 0.4 s without.
--
-- Reading a range of the history needs an index on ocurrido_at. A btree would add one more
-- index insertion to every history row (an assignment writes 50); BRIN keeps one summary per
-- 128 pages, and the history is append-only in time order, so a week is a few page ranges.
-- New pages are summarised by autovacuum (autosummarize), not by the insert.

SET LOCAL ROLE embudo_owner;

CREATE INDEX historial_ocurrido ON crm.historial USING brin (ocurrido_at)
    WITH (autosummarize = on);

-- The users a report covers: the caller's visible users, or the one promotor named.
CREATE FUNCTION crm.informe_alcance(promotor text) RETURNS int[]
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo  crm.usuarios := crm.yo_fila();
    vis int[] := crm.usuarios_visibles();
    uid int;
BEGIN
    IF promotor IS NULL THEN
        RETURN vis;
    END IF;
    SELECT u.id INTO uid FROM crm.usuarios u WHERE u.login = promotor AND u.id = ANY (vis);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe o no es de su equipo', promotor
            USING ERRCODE = 'EB630';
    END IF;
    RETURN ARRAY[uid];
END
$$;

CREATE FUNCTION api.informe_rango(desde date DEFAULT NULL, hasta date DEFAULT NULL)
RETURNS TABLE (rango_desde date, rango_hasta date)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    hoy date := crm.fecha_negocio(now());
    h   date := coalesce(informe_rango.hasta, hoy);
    d   date := coalesce(informe_rango.desde, h - 6);
BEGIN
    IF h > hoy THEN
        RAISE EXCEPTION 'la fecha % todavía no llega', h USING ERRCODE = 'EB212';
    END IF;
    PERFORM crm.wa_rango_fechas(d, h);
    RETURN QUERY SELECT d, h;
END
$$;

-- The range a report covers, as dates (d0…d1) and as the instants that bound them in the
-- business zone ([ini, fin)).
CREATE FUNCTION crm.informe_intervalo(desde date, hasta date, OUT d0 date, OUT d1 date,
                                      OUT ini timestamptz, OUT fin timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    zona text := crm.zona();
BEGIN
    SELECT x.rango_desde, x.rango_hasta INTO d0, d1 FROM api.informe_rango(desde, hasta) x;
    ini := d0::timestamp AT TIME ZONE zona;
    fin := (d1 + 1)::timestamp AT TIME ZONE zona;
END
$$;

-- Each day from primero to ultimo in the zone: its opening and closing instants (NULL on a
-- closed day or a holiday) and the business seconds of the days before it in the series.
CREATE FUNCTION crm.calendario_habil(primero date, ultimo date, zona text)
RETURNS TABLE (dia date, abre timestamptz, cierra timestamptz, antes numeric)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH d AS (
        SELECT g.d::date AS dia,
               CASE WHEN x.fecha IS NULL THEN (g.d::date + h.abre) AT TIME ZONE zona END AS abre,
               CASE WHEN x.fecha IS NULL THEN (g.d::date + h.cierra) AT TIME ZONE zona END AS cierra
          FROM generate_series(primero, ultimo, interval '1 day') AS g(d)
          LEFT JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM g.d)::smallint
          LEFT JOIN crm.dias_inhabiles x ON x.fecha = g.d::date
    )
    SELECT d.dia, d.abre, d.cierra,
           coalesce(sum(extract(epoch FROM d.cierra - d.abre))
                        OVER (ORDER BY d.dia ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
      FROM d
$$;

-- True for a history row that starts or ends a stay in a stage: it enters another stage, or
-- it closes the opportunity. No SET clause, so the planner inlines it into the report's scans
-- (a function with SET runs once per row: 2.5 times slower over 156 000 rows); it reads no
-- table and names nothing a search_path could redirect (pg_catalog is searched first).
CREATE FUNCTION crm.historial_frontera(h crm.historial) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (h.etapa_nueva_id IS NOT NULL AND h.etapa_nueva_id IS DISTINCT FROM h.etapa_anterior_id)
        OR h.estado_nuevo IN ('GANADA', 'DEVUELTA', 'DESCARTADA')
$$;

CREATE FUNCTION api.informe_etapas(desde date DEFAULT NULL, hasta date DEFAULT NULL,
                                   promotor text DEFAULT NULL)
RETURNS TABLE (etapa_id smallint, orden smallint, etapa text, tipo text, entradas int,
               salidas int, avanzaron int, regresaron int, a_bandeja int, ventas int,
               vencidas int, otras int, horas_mediana numeric, horas_p90 numeric, en_etapa int)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    ids  int[] := crm.informe_alcance(promotor);
    zona text := crm.zona();
    r    record;
BEGIN
    SELECT * INTO r FROM crm.informe_intervalo(informe_etapas.desde, informe_etapas.hasta);
    RETURN QUERY
    WITH frontera AS (
        -- The range's boundary rows of the scope's opportunities.
        SELECT n.id, n.oportunidad_id, n.evento, n.etapa_anterior_id, n.etapa_nueva_id,
               n.estado_nuevo, n.ocurrido_at,
               n.etapa_nueva_id IS DISTINCT FROM n.etapa_anterior_id AS entra
          FROM crm.historial n
          JOIN crm.oportunidades o ON o.id = n.oportunidad_id
         WHERE n.ocurrido_at >= r.ini AND n.ocurrido_at < r.fin
           AND o.usuario_id = ANY (ids)
           AND crm.historial_frontera(n)
    ), estancia AS (
        -- Each boundary row ends the stay its opportunity's previous boundary row began.
        SELECT s.etapa_nueva_id AS etapa_id, s.ocurrido_at AS inicio, n.ocurrido_at AS termino,
               n.evento, n.etapa_nueva_id AS destino
          FROM frontera n
          CROSS JOIN LATERAL (
              SELECT p.etapa_nueva_id, p.ocurrido_at, p.estado_nuevo
                FROM crm.historial p
               WHERE p.oportunidad_id = n.oportunidad_id AND p.id < n.id
                 AND crm.historial_frontera(p)
               ORDER BY p.id DESC LIMIT 1) s
         WHERE s.etapa_nueva_id IS NOT NULL
           AND s.estado_nuevo IS DISTINCT FROM 'GANADA'
           AND s.estado_nuevo IS DISTINCT FROM 'DEVUELTA'
           AND s.estado_nuevo IS DISTINCT FROM 'DESCARTADA'
    ), cal AS (
        SELECT * FROM crm.calendario_habil(
            least(r.d0, (SELECT min((e.inicio AT TIME ZONE zona)::date) FROM estancia e)),
            r.d1, zona)
    ), duracion AS (
        SELECT e.*,
               ((c2.antes + CASE WHEN c2.abre IS NULL THEN 0 ELSE extract(epoch FROM
                                 least(greatest(e.termino, c2.abre), c2.cierra) - c2.abre) END)
                - (c1.antes + CASE WHEN c1.abre IS NULL THEN 0 ELSE extract(epoch FROM
                                 least(greatest(e.inicio, c1.abre), c1.cierra) - c1.abre) END))
               / 3600 AS horas
          FROM estancia e
          JOIN cal c1 ON c1.dia = (e.inicio AT TIME ZONE zona)::date
          JOIN cal c2 ON c2.dia = (e.termino AT TIME ZONE zona)::date
    ), salida AS (
        SELECT d.etapa_id,
               count(*)::int AS salidas,
               count(*) FILTER (WHERE d.evento IN ('TRANSICION', 'REABIERTA')
                                  AND en.orden > ea.orden)::int AS avanzaron,
               count(*) FILTER (WHERE d.evento IN ('TRANSICION', 'REABIERTA')
                                  AND en.orden < ea.orden)::int AS regresaron,
               count(*) FILTER (WHERE d.evento = 'A_BANDEJA')::int AS a_bandeja,
               count(*) FILTER (WHERE d.evento = 'VENTA')::int AS ventas,
               count(*) FILTER (WHERE d.evento = 'TIMER_VENCIDO')::int AS vencidas,
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d.horas)::numeric, 1)
                   AS horas_mediana,
               round(percentile_cont(0.9) WITHIN GROUP (ORDER BY d.horas)::numeric, 1)
                   AS horas_p90
          FROM duracion d
          JOIN crm.etapas ea ON ea.id = d.etapa_id
          LEFT JOIN crm.etapas en ON en.id = d.destino
         GROUP BY d.etapa_id
    ), entrada AS (
        SELECT f.etapa_nueva_id AS etapa_id, count(*)::int AS n
          FROM frontera f WHERE f.entra AND f.etapa_nueva_id IS NOT NULL
         GROUP BY 1
    ), ahora AS (
        SELECT o.etapa_id, count(*)::int AS n
          FROM crm.oportunidades o
         WHERE o.usuario_id = ANY (ids) AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
         GROUP BY 1
    )
    SELECT e.id, e.orden, e.nombre, e.tipo,
           coalesce(i.n, 0), coalesce(s.salidas, 0), coalesce(s.avanzaron, 0),
           coalesce(s.regresaron, 0), coalesce(s.a_bandeja, 0), coalesce(s.ventas, 0),
           coalesce(s.vencidas, 0),
           coalesce(s.salidas - s.avanzaron - s.regresaron - s.a_bandeja - s.ventas
                    - s.vencidas, 0),
           s.horas_mediana, s.horas_p90, coalesce(a.n, 0)
      FROM crm.etapas e
      LEFT JOIN entrada i ON i.etapa_id = e.id
      LEFT JOIN salida s ON s.etapa_id = e.id
      LEFT JOIN ahora a ON a.etapa_id = e.id
     WHERE e.activa OR i.n IS NOT NULL OR s.salidas IS NOT NULL OR a.n IS NOT NULL
     ORDER BY e.orden;
END
$$;

CREATE FUNCTION api.informe_motivos(desde date DEFAULT NULL, hasta date DEFAULT NULL,
                                    promotor text DEFAULT NULL)
RETURNS TABLE (tipo text, razon text, n int)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    ids  int[] := crm.informe_alcance(promotor);
    r    record;
BEGIN
    SELECT * INTO r FROM crm.informe_intervalo(informe_motivos.desde, informe_motivos.hasta);
    RETURN QUERY
    WITH ev AS (
        SELECT h.evento AS tipo,
               left(CASE h.evento
                    WHEN 'A_BANDEJA' THEN h.etapa_nueva
                    WHEN 'TIMER_VENCIDO' THEN h.etapa_anterior
                    WHEN 'INTENTO' THEN h.datos ->> 'resultado'
                    ELSE nullif(btrim(h.motivo), '') END, 100) AS razon
          FROM crm.historial h
          JOIN crm.oportunidades o ON o.id = h.oportunidad_id
         WHERE h.ocurrido_at >= r.ini AND h.ocurrido_at < r.fin
           AND o.usuario_id = ANY (ids)
           AND h.evento IN ('A_BANDEJA', 'TIMER_VENCIDO', 'DEVUELTA', 'DESCARTADA', 'INTENTO')
    ), g AS (
        -- A supervisor's reasons are typed: "No localizable" and "no localizable " are one.
        SELECT ev.tipo, min(coalesce(ev.razon, '(sin motivo)')) AS razon, count(*)::int AS n
          FROM ev
         GROUP BY ev.tipo, lower(coalesce(ev.razon, '(sin motivo)'))
    ), k AS (
        SELECT g.*, row_number() OVER (PARTITION BY g.tipo ORDER BY g.n DESC, g.razon) AS k
          FROM g
    )
    SELECT k.tipo, CASE WHEN k.k <= 15 THEN k.razon ELSE '(otros)' END, sum(k.n)::int
      FROM k
     GROUP BY k.tipo, CASE WHEN k.k <= 15 THEN k.razon ELSE '(otros)' END, k.k <= 15
     ORDER BY array_position(ARRAY['A_BANDEJA', 'TIMER_VENCIDO', 'DEVUELTA', 'DESCARTADA',
                                   'INTENTO'], k.tipo),
              k.k <= 15 DESC, sum(k.n) DESC, 2;
END
$$;

CREATE FUNCTION api.informe_promotores(desde date DEFAULT NULL, hasta date DEFAULT NULL,
                                       promotor text DEFAULT NULL)
RETURNS TABLE (login text, nombre text, recibidas int, captadas int, intentos int,
               a_bandeja int, vencidas int, ventas int, monto numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    ids  int[] := crm.informe_alcance(promotor);
    r    record;
BEGIN
    SELECT * INTO r FROM crm.informe_intervalo(informe_promotores.desde, informe_promotores.hasta);
    RETURN QUERY
    WITH ev AS (
        SELECT h.evento, h.usuario_id AS actor, o.usuario_id AS dueno
          FROM crm.historial h
          JOIN crm.oportunidades o ON o.id = h.oportunidad_id
         WHERE h.ocurrido_at >= r.ini AND h.ocurrido_at < r.fin
           AND h.evento IN ('INTENTO', 'A_BANDEJA', 'TIMER_VENCIDO')
    ), por_actor AS (
        SELECT ev.actor AS id, count(*) FILTER (WHERE ev.evento = 'INTENTO') AS intentos,
               count(*) FILTER (WHERE ev.evento = 'A_BANDEJA') AS a_bandeja
          FROM ev WHERE ev.actor = ANY (ids) GROUP BY ev.actor
    ), por_dueno AS (
        SELECT ev.dueno AS id, count(*) FILTER (WHERE ev.evento = 'TIMER_VENCIDO') AS vencidas
          FROM ev WHERE ev.dueno = ANY (ids) GROUP BY ev.dueno
    ), fila AS (
        SELECT u.login, u.nombre, u.estado,
               coalesce((SELECT sum(c.usados) FROM crm.cupo_diario c
                          WHERE c.usuario_id = u.id
                            AND c.fecha BETWEEN r.d0 AND r.d1), 0)::int AS recibidas,
               (SELECT count(*) FROM crm.lotes l
                 WHERE l.usuario_id = u.id AND l.origen = 'CAPTACION'
                   AND l.created_at >= r.ini AND l.created_at < r.fin)::int AS captadas,
               coalesce(pa.intentos, 0)::int AS intentos,
               coalesce(pa.a_bandeja, 0)::int AS a_bandeja,
               coalesce(pd.vencidas, 0)::int AS vencidas,
               v.n::int AS ventas, coalesce(v.monto, 0) AS monto
          FROM crm.usuarios u
          LEFT JOIN por_actor pa ON pa.id = u.id
          LEFT JOIN por_dueno pd ON pd.id = u.id
          CROSS JOIN LATERAL (SELECT count(*) AS n, sum(x.monto) AS monto FROM crm.ventas x
                               WHERE x.usuario_id = u.id
                                 AND x.registrada_at >= r.ini AND x.registrada_at < r.fin) v
         WHERE u.id = ANY (ids) AND u.rol = 'PROMOTOR'
    )
    SELECT f.login, f.nombre, f.recibidas, f.captadas, f.intentos, f.a_bandeja, f.vencidas,
           f.ventas, f.monto
      FROM fila f
     WHERE f.estado <> 'BAJA'
        OR f.recibidas + f.captadas + f.intentos + f.a_bandeja + f.vencidas + f.ventas > 0
     ORDER BY f.nombre, f.login;
END
$$;

CREATE FUNCTION api.historial_exportar(desde date DEFAULT NULL, hasta date DEFAULT NULL,
                                       promotor text DEFAULT NULL)
RETURNS TABLE (historial_id bigint, ocurrido_at timestamptz, fecha date, oportunidad_id bigint,
               cliente_id bigint, prospecto_id bigint, dueno text, evento text,
               etapa_anterior text, etapa_nueva text, estado_anterior text, estado_nuevo text,
               usuario text, motivo text, datos jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    ids  int[] := crm.informe_alcance(promotor);
    zona text := crm.zona();
    r    record;
BEGIN
    SELECT * INTO r FROM crm.informe_intervalo(historial_exportar.desde, historial_exportar.hasta);
    RETURN QUERY
    SELECT h.id, h.ocurrido_at, (h.ocurrido_at AT TIME ZONE zona)::date, h.oportunidad_id,
           o.cliente_id, o.prospecto_id, d.login, h.evento, h.etapa_anterior, h.etapa_nueva,
           h.estado_anterior, h.estado_nuevo, a.login, h.motivo, h.datos
      FROM crm.historial h
      JOIN crm.oportunidades o ON o.id = h.oportunidad_id
      JOIN crm.usuarios d ON d.id = o.usuario_id
      LEFT JOIN crm.usuarios a ON a.id = h.usuario_id
     WHERE h.ocurrido_at >= r.ini AND h.ocurrido_at < r.fin
       AND o.usuario_id = ANY (ids)
     ORDER BY h.id;
END
$$;

GRANT EXECUTE ON FUNCTION api.informe_rango(date, date),
    api.informe_etapas(date, date, text), api.informe_motivos(date, date, text),
    api.informe_promotores(date, date, text), api.historial_exportar(date, date, text)
    TO embudo_usuario;
