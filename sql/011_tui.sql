-- 011_tui.sql — what the terminal client's read queries (src/db/db_tui.c) need beyond plain
-- SELECTs under row-level security: the open business windows between two instants.
--
-- The embudo pane shows "vence en 3 h 20 m hábiles" on every card and the equipo pane ages
-- every active opportunity in business hours. Calling crm.horas_habiles_entre once per row
-- walks the calendar once per row; instead the query computes the windows once
-- (crm.ventanas_habiles) and sums their overlap with each row's interval. The windows are the
-- same ones crm.horas_habiles_entre walks (crm.horario_operativo minus crm.dias_inhabiles, in
-- the zone, through the tz database), so both give the same hours (tests/db/test_tui.c checks
-- it). Invoker rights: it only reads tables every user may read.

SET LOCAL ROLE embudo_owner;

-- The operating windows of zona that overlap [desde, hasta], clipped to it, in order. Empty
-- when either end is NULL or hasta <= desde. Same bound as crm.horas_habiles_entre (EB010 for
-- more than 40,000 days); EB011 for an unknown zone.
CREATE FUNCTION crm.ventanas_habiles(desde timestamptz, hasta timestamptz, zona text)
RETURNS TABLE (abre timestamptz, cierra timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    dia    date;
    ultimo date;
BEGIN
    IF desde IS NULL OR hasta IS NULL OR hasta <= desde THEN
        RETURN;
    END IF;
    PERFORM crm.zona_valida(zona);
    dia := (desde AT TIME ZONE zona)::date;
    ultimo := (hasta AT TIME ZONE zona)::date;
    IF ultimo - dia > 40000 THEN
        RAISE EXCEPTION 'intervalo demasiado largo para contar horas hábiles'
            USING ERRCODE = 'EB010';
    END IF;
    RETURN QUERY
    SELECT greatest((g.d::date + h.abre) AT TIME ZONE zona, desde),
           least((g.d::date + h.cierra) AT TIME ZONE zona, hasta)
      FROM generate_series(dia, ultimo, interval '1 day') AS g(d)
      JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM g.d)::smallint
     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles x WHERE x.fecha = g.d::date)
       AND least((g.d::date + h.cierra) AT TIME ZONE zona, hasta)
           > greatest((g.d::date + h.abre) AT TIME ZONE zona, desde)
     ORDER BY 1;
END
$$;

GRANT EXECUTE ON FUNCTION crm.ventanas_habiles(timestamptz, timestamptz, text) TO embudo_usuario;
