-- 097_horario_especial.sql — a day with hours of its own (24 and 31 December until 14:00, a
-- Sunday opened for a sales campaign), and every reader of the calendar agrees on it.
--
-- The calendar knew two things: a window per weekday (crm.horario_operativo) and days closed
-- whole (crm.dias_inhabiles). A company that closes at 14:00 on Christmas Eve had to choose
-- between declaring the day closed (its timers lost five working hours they did not) or
-- leaving it whole (its timers counted five hours nobody worked). Now:
--
--   crm.dias_especiales (fecha, abre, cierra, nombre)   a date with its own window, shorter,
--              longer or on a weekday that is otherwise closed;
--   api.dia_especial_agregar(fecha, abre, cierra, nombre)   an admin gives a date (today or
--              later, EB020) its window (EB023) and name (EB021); the same again changes
--              nothing, another window or name replaces it; a rest day has no hours to give
--              (EB026: take the rest day back first);
--   api.dia_especial_quitar(fecha)   the date goes back to its weekday's window (EB027 when it
--              had none of its own);
--   api.calendario(desde, hasta)     gains the column especial (the name of a date's own
--              window; abre and cierra are that window).
--
-- A rest day wins over a special day (the date is closed), so declaring one on a special date
-- needs nothing more. The running timers move exactly as for a rest day (093): measured from
-- the start of the changed date with the calendar as it was, laid again with the calendar as
-- it is, one TIMER_RECALCULADO row each, one crm.calendario_cambios row (ESPECIAL_AGREGADO,
-- ESPECIAL_CAMBIADO, ESPECIAL_QUITADO). crm.calendario_bloquear takes the new table too, so
-- the change waits for every transaction that read the calendar, as in 093.
--
-- One reader of the calendar. The nine functions that built each day's window joined the
-- weekday's row and left the rest days out, each in its own words. They now read
-- crm.calendario_dias(d0, d1): every date of a range with its window (its own, else its
-- weekday's; none on a rest day or a closed weekday), the rest day's name and the special
-- day's; the readers that walk one date at a time read crm.calendario_dia(d), the same rule as
-- a plan of three key lookups. Plain SQL functions without SET, so the planner inlines them
-- into each caller (whose search_path is pinned): the joins stay what they were. Each reader
-- is changed where it read the two tables (crm.funcion_reemplazar, 085), not copied.
--
SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.dias_especiales (
    fecha  date PRIMARY KEY,
    abre   time NOT NULL,
    cierra time NOT NULL,
    nombre text NOT NULL CHECK (length(nombre) BETWEEN 2 AND 120),
    CHECK (cierra > abre)
);
GRANT SELECT ON crm.dias_especiales TO embudo_usuario;
CREATE TRIGGER dias_especiales_notificar AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON crm.dias_especiales FOR EACH STATEMENT EXECUTE FUNCTION crm.calendario_notificar();

ALTER TABLE crm.calendario_cambios DROP CONSTRAINT calendario_cambios_cambio_check,
    ADD CONSTRAINT calendario_cambios_cambio_check CHECK (cambio IN (
        'INHABIL_AGREGADO', 'INHABIL_RENOMBRADO', 'INHABIL_QUITADO', 'HORARIO',
        'ESPECIAL_AGREGADO', 'ESPECIAL_CAMBIADO', 'ESPECIAL_QUITADO'));

-- Every date of [d0, d1] with its window, as every timer, report and sending window counts
-- it: a rest day closed whatever else it is; a special day with its own window; any other
-- day with its weekday's (none on a closed weekday). inhabil and especial are the names.
-- No SET clause: inlined into its callers (see the header). The dates come from a series of
-- timestamps (no time zone: a day is a day), not of integers: PostgreSQL counts an integer
-- series' rows from the values, so a plpgsql caller planned afresh on every call (custom
-- plans looked cheaper than the cached one) — 0.28 ms instead of 0.05 ms for three days of
-- crm.horas_habiles_entre, measured; a timestamp series is planned once and cached.
CREATE FUNCTION crm.calendario_dias(d0 date, d1 date)
RETURNS TABLE (dia date, abre time, cierra time, inhabil text, especial text)
LANGUAGE sql STABLE AS $$
    SELECT g.t::date,
           CASE WHEN i.fecha IS NULL THEN coalesce(e.abre, h.abre) END,
           CASE WHEN i.fecha IS NULL THEN coalesce(e.cierra, h.cierra) END,
           i.nombre, e.nombre
      FROM pg_catalog.generate_series(d0::timestamp, d1::timestamp, interval '1 day') AS g(t)
      LEFT JOIN crm.horario_operativo h
        ON h.isodow = pg_catalog.date_part('isodow', g.t)::smallint
      LEFT JOIN crm.dias_especiales e ON e.fecha = g.t::date
      LEFT JOIN crm.dias_inhabiles i ON i.fecha = g.t::date
$$;
REVOKE ALL ON FUNCTION crm.calendario_dias(date, date) FROM PUBLIC;
-- The users' business-time functions (crm.ventanas_habiles…) run it with their rights.
GRANT EXECUTE ON FUNCTION crm.calendario_dias(date, date) TO embudo_usuario;

-- One date's window, by the same rule, for the readers that walk day by day or look at one
-- date (the sum of business hours of every assignment, the sender's window): a one-row plan
-- of three key lookups. crm.calendario_dias(d, d) would plan for a range — hash tables built
-- on every call, ten times slower (measured: 0.9 ms instead of 0.08 ms for 24 business
-- hours). No row on a closed date. Inlined as crm.calendario_dias is.
CREATE FUNCTION crm.calendario_dia(d date) RETURNS TABLE (abre time, cierra time)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(e.abre, h.abre), coalesce(e.cierra, h.cierra)
      FROM (VALUES (d)) AS x(d)
      LEFT JOIN crm.dias_especiales e ON e.fecha = x.d
      LEFT JOIN crm.horario_operativo h
        ON h.isodow = pg_catalog.date_part('isodow', x.d)::smallint
     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = x.d)
       AND coalesce(e.abre, h.abre) IS NOT NULL
$$;
REVOKE ALL ON FUNCTION crm.calendario_dia(date) FROM PUBLIC;
-- The users' business-time functions (crm.ventanas_habiles…) run it with their rights.
GRANT EXECUTE ON FUNCTION crm.calendario_dia(date) TO embudo_usuario;

CREATE OR REPLACE FUNCTION crm.calendario_bloquear() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    LOCK TABLE crm.horario_operativo, crm.dias_inhabiles, crm.dias_especiales
        IN ACCESS EXCLUSIVE MODE;
END
$$;

-- ---- the readers ------------------------------------------------------------------------

SELECT crm.funcion_reemplazar('crm.sumar_horas_habiles(timestamptz, numeric, text)',
    'FROM crm.horario_operativo h
         WHERE h.isodow = extract(isodow FROM dia)::smallint
           AND NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles d WHERE d.fecha = dia)',
    'FROM crm.calendario_dia(dia) h');

SELECT crm.funcion_reemplazar('crm.horas_habiles_entre(timestamptz, timestamptz, text)',
    'SELECT g.d::date AS d, h.abre, h.cierra
          FROM generate_series(dia, ultimo, interval ''1 day'') AS g(d)
          JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM g.d)::smallint
         WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles x WHERE x.fecha = g.d::date)',
    'SELECT h.dia AS d, h.abre, h.cierra
          FROM crm.calendario_dias(dia, ultimo) h
         WHERE h.abre IS NOT NULL');

SELECT crm.funcion_reemplazar('crm.ventanas_habiles(timestamptz, timestamptz, text)',
    'FROM generate_series(dia, ultimo, interval ''1 day'') AS g(d)
      JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM g.d)::smallint
     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles x WHERE x.fecha = g.d::date)',
    'FROM crm.calendario_dias(dia, ultimo) h
     CROSS JOIN LATERAL (SELECT h.dia AS d) g
     WHERE h.abre IS NOT NULL');

SELECT crm.funcion_reemplazar('crm.wa_dias_operativos(timestamptz, int)',
    'JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM x.d)::smallint
     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = x.d)
       AND (x.d',
    'CROSS JOIN LATERAL crm.calendario_dia(x.d) h
     WHERE (x.d');

SELECT crm.funcion_reemplazar('crm.wa_en_ventana(timestamptz)',
    'JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM x.d)::smallint
         WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = x.d)
           AND t >=',
    'CROSS JOIN LATERAL crm.calendario_dia(x.d) h
         WHERE t >=');

SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    'IF EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = hoy)
       OR NOT EXISTS (SELECT 1 FROM crm.horario_operativo h
                       WHERE h.isodow = extract(isodow FROM hoy)::smallint
                         AND ahora',
    'IF NOT EXISTS (SELECT 1 FROM crm.calendario_dia(hoy) h
                       WHERE ahora');

SELECT crm.funcion_reemplazar('crm.calendario_habil(date, date, text)',
    'CASE WHEN x.fecha IS NULL THEN (g.d::date + h.abre) AT TIME ZONE zona END AS abre,
               CASE WHEN x.fecha IS NULL THEN (g.d::date + h.cierra) AT TIME ZONE zona END AS cierra
          FROM generate_series(primero, ultimo, interval ''1 day'') AS g(d)
          LEFT JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM g.d)::smallint
          LEFT JOIN crm.dias_inhabiles x ON x.fecha = g.d::date',
    '(g.d::date + h.abre) AT TIME ZONE zona AS abre,
               (g.d::date + h.cierra) AT TIME ZONE zona AS cierra
          FROM crm.calendario_dias(primero, ultimo) h
          CROSS JOIN LATERAL (SELECT h.dia AS d) g');

SELECT crm.funcion_reemplazar('crm.calendario_tramos(date)',
    'CROSS JOIN generate_series(d0, d0 + 3700, interval ''1 day'') AS g(d)
                      JOIN crm.horario_operativo h
                        ON h.isodow = extract(isodow FROM g.d)::smallint
                     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i
                                        WHERE i.fecha = g.d::date)',
    'CROSS JOIN crm.calendario_dias(d0, d0 + 3700) h
                     CROSS JOIN LATERAL (SELECT h.dia AS d) g
                     WHERE h.abre IS NOT NULL');

-- api.calendario gains the special day's name (a new column: dropped and created again).
DROP FUNCTION api.calendario(date, date);
CREATE FUNCTION api.calendario(desde date DEFAULT NULL, hasta date DEFAULT NULL)
RETURNS TABLE (fecha date, dia text, abre time, cierra time, inhabil text, especial text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    d0 date := coalesce(calendario.desde, crm.fecha_negocio(now()));
    d1 date := coalesce(calendario.hasta, coalesce(calendario.desde, crm.fecha_negocio(now())) + 89);
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        PERFORM crm.yo_fila();                                                   -- EB001
    END IF;
    IF d1 < d0 OR d1 - d0 >= 400 THEN
        RAISE EXCEPTION 'rango de fechas inválido: del % al % (hasta 400 días)',
            to_char(d0, 'DD/MM/YYYY'), to_char(d1, 'DD/MM/YYYY') USING ERRCODE = 'EB020';
    END IF;
    RETURN QUERY
    SELECT c.dia, crm.dia_semana(extract(isodow FROM c.dia)::int), c.abre, c.cierra, c.inhabil,
           c.especial
      FROM crm.calendario_dias(d0, d1) c
     ORDER BY 1;
END
$$;
REVOKE ALL ON FUNCTION api.calendario(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.calendario(date, date) TO embudo_usuario;

-- ---- the admin's changes ----------------------------------------------------------------

-- «Nochebuena, 09:00–14:00».
CREATE FUNCTION crm.especial_texto(nombre text, abre time, cierra time) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT nombre || ', ' || crm.ventana_texto(abre, cierra)
$$;

CREATE FUNCTION api.dia_especial_agregar(fecha date, abre time, cierra time, nombre text)
RETURNS TABLE (recalculadas int, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
#variable_conflict use_variable
DECLARE
    f      date;
    a      time := dia_especial_agregar.abre;
    z      time := dia_especial_agregar.cierra;
    nom    text := btrim(dia_especial_agregar.nombre);
    viejo  crm.dias_especiales;
    habia  boolean;
    cerr   text;
    medido crm.timer_medido[];
    c      bigint;
    n      int;
BEGIN
    PERFORM crm.exigir_admin('cambiar el calendario');                           -- EB101
    f := crm.calendario_fecha(dia_especial_agregar.fecha);                       -- EB020
    IF nom IS NULL OR length(nom) NOT BETWEEN 2 AND 120 THEN
        RAISE EXCEPTION 'escriba el nombre del día (2 a 120 caracteres)' USING ERRCODE = 'EB021';
    END IF;
    IF a IS NULL OR z IS NULL THEN
        RAISE EXCEPTION 'dé la hora de apertura y la de cierre del horario especial'
            USING ERRCODE = 'EB023';
    END IF;
    IF z <= a THEN
        RAISE EXCEPTION 'el cierre (%) debe ser después de la apertura (%)',
            to_char(z, 'HH24:MI'), to_char(a, 'HH24:MI') USING ERRCODE = 'EB023';
    END IF;
    BEGIN
        PERFORM crm.calendario_bloquear();
        SELECT d.nombre INTO cerr FROM crm.dias_inhabiles d WHERE d.fecha = f;
        IF FOUND THEN
            RAISE EXCEPTION 'el % es inhábil (%): quite el día inhábil antes de darle un horario',
                to_char(f, 'DD/MM/YYYY'), cerr USING ERRCODE = 'EB026';
        END IF;
        SELECT * INTO viejo FROM crm.dias_especiales d WHERE d.fecha = f;
        habia := FOUND;
        IF habia AND viejo.abre = a AND viejo.cierra = z AND viejo.nombre = nom THEN
            RETURN QUERY SELECT 0, format('el %s ya tenía ese horario (%s)',
                                          to_char(f, 'DD/MM/YYYY'),
                                          crm.especial_texto(nom, a, z));
            RETURN;
        END IF;
        c := nextval(pg_get_serial_sequence('crm.calendario_cambios', 'id'));
        medido := crm.timers_medir(f::timestamp AT TIME ZONE crm.zona());
        INSERT INTO crm.dias_especiales AS d (fecha, abre, cierra, nombre) VALUES (f, a, z, nom)
        ON CONFLICT ON CONSTRAINT dias_especiales_pkey DO UPDATE
            SET abre = excluded.abre, cierra = excluded.cierra, nombre = excluded.nombre;
        n := crm.timers_recalcular(medido, c,
                                   format('el %s tiene horario de %s: %s',
                                          to_char(f, 'DD/MM/YYYY'), crm.ventana_texto(a, z), nom),
                                   crm.yo());
        INSERT INTO crm.calendario_cambios (id, cambio, fecha, antes, despues, recalculadas,
                                            hecho_por)
        VALUES (c, CASE WHEN habia THEN 'ESPECIAL_CAMBIADO' ELSE 'ESPECIAL_AGREGADO' END, f,
                CASE WHEN habia THEN crm.especial_texto(viejo.nombre, viejo.abre, viejo.cierra)
                END,
                crm.especial_texto(nom, a, z), n, crm.yo());
        RETURN QUERY SELECT n, format('el %s (%s) se trabaja de %s: %s%s; %s',
                                      to_char(f, 'DD/MM/YYYY'),
                                      crm.dia_semana(extract(isodow FROM f)::int),
                                      replace(crm.ventana_texto(a, z), '–', ' a '), nom,
                                      CASE WHEN habia
                                           THEN format(' (antes %s)', crm.especial_texto(
                                                    viejo.nombre, viejo.abre, viejo.cierra))
                                           ELSE '' END,
                                      crm.timers_texto(n));
    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
        RAISE EXCEPTION 'el calendario o alguna oportunidad está en uso en este momento; '
                        'intente de nuevo' USING ERRCODE = 'EB025';
    END;
END
$$;

CREATE FUNCTION api.dia_especial_quitar(fecha date)
RETURNS TABLE (recalculadas int, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
#variable_conflict use_variable
DECLARE
    f      date;
    viejo  crm.dias_especiales;
    semana text;
    medido crm.timer_medido[];
    c      bigint;
    n      int;
BEGIN
    PERFORM crm.exigir_admin('cambiar el calendario');                           -- EB101
    f := crm.calendario_fecha(dia_especial_quitar.fecha);                        -- EB020
    BEGIN
        PERFORM crm.calendario_bloquear();
        SELECT * INTO viejo FROM crm.dias_especiales d WHERE d.fecha = f;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'el % no tiene un horario especial', to_char(f, 'DD/MM/YYYY')
                USING ERRCODE = 'EB027';
        END IF;
        c := nextval(pg_get_serial_sequence('crm.calendario_cambios', 'id'));
        medido := crm.timers_medir(f::timestamp AT TIME ZONE crm.zona());
        DELETE FROM crm.dias_especiales d WHERE d.fecha = f;
        semana := crm.ventana_texto(
            (SELECT h.abre FROM crm.horario_operativo h
              WHERE h.isodow = extract(isodow FROM f)::smallint),
            (SELECT h.cierra FROM crm.horario_operativo h
              WHERE h.isodow = extract(isodow FROM f)::smallint));
        n := crm.timers_recalcular(medido, c,
                                   format('el %s vuelve al horario de los %s (%s)',
                                          to_char(f, 'DD/MM/YYYY'),
                                          crm.dia_semana(extract(isodow FROM f)::int), semana),
                                   crm.yo());
        INSERT INTO crm.calendario_cambios (id, cambio, fecha, antes, despues, recalculadas,
                                            hecho_por)
        VALUES (c, 'ESPECIAL_QUITADO', f,
                crm.especial_texto(viejo.nombre, viejo.abre, viejo.cierra), semana, n, crm.yo());
        RETURN QUERY SELECT n, format('el %s (%s) vuelve a su horario de siempre (%s; era %s); %s',
                                      to_char(f, 'DD/MM/YYYY'),
                                      crm.dia_semana(extract(isodow FROM f)::int), semana,
                                      crm.especial_texto(viejo.nombre, viejo.abre, viejo.cierra),
                                      crm.timers_texto(n));
    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
        RAISE EXCEPTION 'el calendario o alguna oportunidad está en uso en este momento; '
                        'intente de nuevo' USING ERRCODE = 'EB025';
    END;
END
$$;

REVOKE ALL ON FUNCTION crm.especial_texto(text, time, time),
                       api.dia_especial_agregar(date, time, time, text),
                       api.dia_especial_quitar(date) FROM PUBLIC;
-- Writers: as 093's, so a promoter or supervisor hears "solo un administrador" (EB101).
GRANT EXECUTE ON FUNCTION api.dia_especial_agregar(date, time, time, text),
                          api.dia_especial_quitar(date)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
