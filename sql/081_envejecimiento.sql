-- 081_envejecimiento.sql — where opportunities are rotting: per promoter and stage, how many
-- ABIERTA opportunities sit there now and how long they have been there in business hours,
-- against that stage's own timer (docs/anchors.md C11: an aging heatmap per promoter × etapa,
-- with the rot threshold per stage, not per pipeline).
--
-- The funnel report (077) says how stays that ended went; nothing said where the open ones
-- are going stale until the sweep returned them. Now:
--
--   api.informe_envejecimiento(promotor)   one row per promoter of the scope × stage with a
--        timer (INICIAL/NORMAL with timer_horas): the ABIERTA opportunities in it (abiertas),
--        how many are past the warning threshold (en_aviso) and how many have a timer that
--        ran out and wait for the sweep (vencidas) — decided as the cards decide them
--        (ui/vm/embudo_vm.c timer_estado_de: business hours left until timer_vence against
--        timer_horas × aviso_pct), so the heatmap and the kanban agree —, the median and the
--        longest business hours since they entered the stage (etapa_desde), the stage's
--        timer_horas, and razon = median ÷ timer_horas, the age to colour by against
--        aviso_pct (returned too, from crm.ajustes) and 1.
--
-- Scope is 077's (crm.informe_alcance): own (promoter), team (supervisor), everyone (admin,
-- auditor), or the one promoter named (EB630 otherwise). Rows: every promoter of the scope
-- who is not BAJA, and anyone else of it who owns an ABIERTA opportunity in such a stage, by
-- nombre; columns: the active stages with a timer, and an inactive one only while somebody
-- still has opportunities in it, by orden. Empty cells come with zeros and NULL hours, so a
-- client lays the grid out as it comes. STABLE: the auditor may run it, and it writes nothing.
--
-- Business hours of every open opportunity at once, as 077 does: the calendar from the
-- oldest etapa_desde to the latest timer_vence is built once (crm.calendario_habil) and every
-- instant becomes "business seconds since its first day" with one join; an age is now's
-- position minus etapa_desde's, the hours left are timer_vence's minus now's. No call of
-- crm.horas_habiles_entre per row (0.1 ms each). `jit = off` like 077's reports: the
-- calendar function's estimates would make PostgreSQL compile the plan on every call.
-- crm.instante_habil has no SET clause so the planner inlines it into the joins (077's
-- historial_frontera: a SET clause makes a function run once per row); it reads no table
-- and names only pg_catalog's functions, which are searched first.

SET LOCAL ROLE embudo_owner;

-- An instant's business seconds since the first day of a crm.calendario_habil series, given
-- the calendar row of its own date (antes: the days before; abre/cierra: that day's hours).
CREATE FUNCTION crm.instante_habil(t timestamptz, antes numeric, abre timestamptz,
                                   cierra timestamptz)
RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT antes + CASE WHEN abre IS NULL THEN 0
                        ELSE extract(epoch FROM least(greatest(t, abre), cierra) - abre) END
$$;

CREATE FUNCTION api.informe_envejecimiento(promotor text DEFAULT NULL)
RETURNS TABLE (login text, nombre text, etapa_id smallint, orden smallint, etapa text,
               timer_horas numeric, aviso_pct smallint, abiertas int, en_aviso int,
               vencidas int, horas_mediana numeric, horas_max numeric, razon numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    ids   int[] := crm.informe_alcance(promotor);
    zona  text := crm.zona();
    pct   smallint := (SELECT a.aviso_pct FROM crm.ajustes a);
    ahora timestamptz := now();
    hoy   date := crm.fecha_negocio(now());
BEGIN
    RETURN QUERY
    WITH abierta AS MATERIALIZED (
        SELECT o.usuario_id, o.etapa_id, o.etapa_desde, o.timer_vence, e.timer_horas
          FROM crm.oportunidades o
          JOIN crm.etapas e ON e.id = o.etapa_id
         WHERE o.estado = 'ABIERTA' AND o.usuario_id = ANY (ids)
           AND e.tipo IN ('INICIAL', 'NORMAL') AND e.timer_horas IS NOT NULL
    ), cal AS MATERIALIZED (
        SELECT * FROM crm.calendario_habil(
            least(hoy, (SELECT (min(a.etapa_desde) AT TIME ZONE zona)::date FROM abierta a)),
            greatest(hoy, (SELECT (max(a.timer_vence) AT TIME ZONE zona)::date FROM abierta a)),
            zona)
    ), ya AS (
        SELECT crm.instante_habil(ahora, c.antes, c.abre, c.cierra) AS s
          FROM cal c WHERE c.dia = hoy
    ), edad AS (
        -- An opportunity written by a transaction that began after this one can have an
        -- etapa_desde a moment after now(): its age is 0, not negative.
        SELECT a.usuario_id, a.etapa_id, a.timer_horas, a.timer_vence,
               greatest(ya.s - crm.instante_habil(a.etapa_desde, c1.antes, c1.abre, c1.cierra),
                        0) / 3600 AS horas,
               (crm.instante_habil(a.timer_vence, c2.antes, c2.abre, c2.cierra) - ya.s) / 3600
                   AS restante
          FROM abierta a
          CROSS JOIN ya
          JOIN cal c1 ON c1.dia = (a.etapa_desde AT TIME ZONE zona)::date
          LEFT JOIN cal c2 ON c2.dia = (a.timer_vence AT TIME ZONE zona)::date
    ), celda AS (
        SELECT d.usuario_id, d.etapa_id, count(*)::int AS abiertas,
               count(*) FILTER (WHERE d.timer_vence > ahora
                                  AND (d.timer_horas - d.restante) * 100
                                      >= pct * d.timer_horas)::int AS en_aviso,
               count(*) FILTER (WHERE d.timer_vence <= ahora)::int AS vencidas,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY d.horas)::numeric AS mediana,
               max(d.horas) AS maximo
          FROM edad d
         GROUP BY d.usuario_id, d.etapa_id
    ), columna AS (
        SELECT e.id, e.orden, e.nombre, e.timer_horas
          FROM crm.etapas e
         WHERE e.tipo IN ('INICIAL', 'NORMAL') AND e.timer_horas IS NOT NULL
           AND (e.activa OR EXISTS (SELECT 1 FROM celda c WHERE c.etapa_id = e.id))
    ), fila AS (
        SELECT u.id, u.login, u.nombre
          FROM crm.usuarios u
         WHERE u.id = ANY (ids)
           AND ((u.rol = 'PROMOTOR' AND u.estado <> 'BAJA')
                OR EXISTS (SELECT 1 FROM celda c WHERE c.usuario_id = u.id))
    )
    SELECT f.login, f.nombre, k.id, k.orden, k.nombre, k.timer_horas, pct,
           coalesce(c.abiertas, 0), coalesce(c.en_aviso, 0), coalesce(c.vencidas, 0),
           round(c.mediana, 1), round(c.maximo, 1), round(c.mediana / k.timer_horas, 3)
      FROM fila f
     CROSS JOIN columna k
      LEFT JOIN celda c ON c.usuario_id = f.id AND c.etapa_id = k.id
     ORDER BY f.nombre, f.login, k.orden;
END
$$;

GRANT EXECUTE ON FUNCTION api.informe_envejecimiento(text) TO embudo_usuario;
