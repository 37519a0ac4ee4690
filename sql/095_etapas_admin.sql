-- 095_etapas_admin.sql — the funnel's stages are administered through the api.
--
-- The stages (crm.etapas) could only be changed with SQL as the owner, and some changes broke
-- what the database promises: giving a stage a timer left the opportunities already in it
-- without one (the doctor's SIN_TIMER), taking it away left theirs running to an expiry the
-- stage no longer had, and a stage deactivated with opportunities in it hid them from every
-- kanban. Now an admin:
--
--   api.etapa_agregar(nombre, tipo, horas, despues_de, intentos)   a NORMAL stage (with its
--              business-hour timer or none) or an exit (SALIDA, with the contact attempts it
--              asks for first, 065), placed after another (default: after the last working
--              stage, or the last exit); one INICIAL and one VENTA stay (EB031);
--   api.etapa_cambiar(etapa, nombre, horas, sin_timer, intentos)   renames it (the history
--              keeps the names as they were), changes its timer or its attempts. A timer's new
--              length counts for entries from now on: the opportunities already there keep the
--              expiry they were told. A stage that gets a timer starts one for each
--              opportunity in it (paused for an owner who is away, 094), and one that loses it
--              stops theirs, each with a TIMER_RECALCULADO row;
--   api.etapa_mover(etapa, despues_de)   changes its place; the INICIAL stage stays first;
--   api.etapa_desactivar(etapa) / api.etapa_activar(etapa)   takes a stage out of the funnel
--              when no active opportunity is in it (EB035), or brings it back; never the
--              INICIAL or the VENTA stage (EB034);
--   api.etapas()                 every stage, active or not, with how many active
--              opportunities the caller sees in it (anyone);
--   api.etapas_cambios(limite)   who changed what, when (anyone).
--
-- Each change writes one crm.etapas_cambios row (append-only) and notifies {"tabla":"etapas"},
-- so every open kanban re-reads its columns. Names are compared without case, as api.mover
-- finds them.
--
-- Concurrency. Adding and reordering serialise on a SHARE ROW EXCLUSIVE lock of crm.etapas
-- (the foreign keys of opportunities being written are not held up). Giving a stage a timer,
-- taking it away, or deactivating a stage takes ACCESS EXCLUSIVE on crm.etapas, as 093 does
-- on the calendar: a transition that read the stage (its timer, whether it is active) holds
-- its read lock until it ends, so the change waits for it and then sees the opportunity it
-- moved in; a later one waits and reads the change. Without that, an opportunity moved in at
-- the same moment would keep a stage without a timer, or land in a stage just closed.
-- lock_timeout is 10 s there; a lock not had in time, or a deadlock with a transition that
-- locked its opportunity first, is EB036 («intente de nuevo»), nothing changed.

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.etapas_cambios (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    etapa_id  smallint NOT NULL REFERENCES crm.etapas,
    campo     text NOT NULL CHECK (campo IN ('alta', 'nombre', 'timer_horas', 'intentos_minimos',
                                             'orden', 'activa')),
    anterior  text,
    nuevo     text,
    hecho_por int REFERENCES crm.usuarios,           -- NULL: the database's owner or a superuser
    hecho_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER etapas_cambios_sin_update BEFORE UPDATE OR DELETE ON crm.etapas_cambios
    FOR EACH ROW EXECUTE FUNCTION crm.historial_inmutable();
CREATE TRIGGER etapas_cambios_sin_truncate BEFORE TRUNCATE ON crm.etapas_cambios
    FOR EACH STATEMENT EXECUTE FUNCTION crm.historial_inmutable();

-- Every change to the stages reaches the open clients (a table they do not name: they re-read
-- what they show, columns included).
CREATE FUNCTION crm.etapas_notificar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('embudo', json_build_object('tabla', 'etapas')::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER etapas_notificar AFTER INSERT OR UPDATE ON crm.etapas
    FOR EACH STATEMENT EXECUTE FUNCTION crm.etapas_notificar();

-- The stage named nombre (any case, spaces trimmed), locked (not its key: the foreign keys
-- of opportunities being written keep going); EB303 when there is none.
CREATE FUNCTION crm.etapa_por_nombre(nombre text) RETURNS crm.etapas
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e crm.etapas;
BEGIN
    SELECT * INTO e FROM crm.etapas x WHERE lower(x.nombre) = lower(btrim(etapa_por_nombre.nombre))
       FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la etapa "%" no existe', coalesce(etapa_por_nombre.nombre, '')
            USING ERRCODE = 'EB303';
    END IF;
    RETURN e;
END
$$;

-- A stage name that is free (2–40 characters, EB032), trimmed.
CREATE FUNCTION crm.etapa_nombre_libre(nombre text, salvo smallint) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n text := btrim(nombre);
    otra crm.etapas;
BEGIN
    IF n IS NULL OR length(n) NOT BETWEEN 2 AND 40 THEN
        RAISE EXCEPTION 'el nombre de una etapa va de 2 a 40 caracteres' USING ERRCODE = 'EB032';
    END IF;
    SELECT * INTO otra FROM crm.etapas x
     WHERE lower(x.nombre) = lower(n) AND x.id IS DISTINCT FROM salvo;
    IF FOUND THEN
        RAISE EXCEPTION 'ya existe la etapa "%"%', otra.nombre,
            CASE WHEN otra.activa THEN '' ELSE ' (desactivada: actívela)' END
            USING ERRCODE = 'EB032';
    END IF;
    RETURN n;
END
$$;

-- Hours for a stage timer: 0 < h ≤ 10000 (EB033).
CREATE FUNCTION crm.etapa_horas_validas(horas numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF horas IS NULL OR horas <= 0 OR horas > 10000 THEN
        RAISE EXCEPTION 'el temporizador de una etapa va de más de 0 a 10000 horas hábiles (se dio %)',
            coalesce(horas::text, '—') USING ERRCODE = 'EB033';
    END IF;
    RETURN horas;
END
$$;

-- Makes room at orden pos + 1 (every stage after pos moves one down), or closes the gap left
-- at pos (dir -1). orden is UNIQUE and > 0, so the block moves away and back; a stage parked
-- at 30000 (api.etapa_mover) stays where it is.
CREATE FUNCTION crm.etapas_correr(pos int, dir int) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE crm.etapas SET orden = orden + 10000 WHERE orden > pos AND orden < 10000;
    UPDATE crm.etapas SET orden = orden - 10000 + dir WHERE orden BETWEEN 10001 AND 19999;
END
$$;

-- Waits (at most the caller's lock_timeout) until no transaction is reading the stages, and
-- keeps every other reader out until the caller's transaction ends: a transition that read a
-- stage's timer or whether it is active either finished before, or reads the change.
CREATE FUNCTION crm.etapas_bloquear() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    LOCK TABLE crm.etapas IN ACCESS EXCLUSIVE MODE;
END
$$;

-- One record of a change to stage e by the caller.
CREATE FUNCTION crm.etapa_registrar(e smallint, campo text, anterior text, nuevo text)
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO crm.etapas_cambios (etapa_id, campo, anterior, nuevo, hecho_por)
    VALUES (e, campo, anterior, nuevo, crm.yo())
$$;

-- «temporizador de 48 h», «sin temporizador».
CREATE FUNCTION crm.etapa_timer_texto(horas numeric) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN horas IS NULL THEN 'sin temporizador'
                ELSE 'temporizador de ' || trim_scale(horas)::text || ' h' END
$$;

CREATE FUNCTION api.etapa_agregar(nombre text, tipo text, horas numeric DEFAULT NULL,
                                  despues_de text DEFAULT NULL, intentos int DEFAULT 0)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t    text := upper(btrim(etapa_agregar.tipo));
    n    text;
    pos  int;
    tras crm.etapas;
    id   smallint;
BEGIN
    PERFORM crm.exigir_admin('cambiar las etapas del embudo');                   -- EB101
    IF t IS NULL OR t NOT IN ('NORMAL', 'SALIDA') THEN
        RAISE EXCEPTION 'una etapa nueva es NORMAL o SALIDA (se dio "%"): la inicial y la de '
                        'venta ya existen', coalesce(etapa_agregar.tipo, '') USING ERRCODE = 'EB031';
    END IF;
    LOCK TABLE crm.etapas IN SHARE ROW EXCLUSIVE MODE;       -- one change to the order at a time
    n := crm.etapa_nombre_libre(etapa_agregar.nombre, NULL);                     -- EB032
    IF t = 'SALIDA' AND etapa_agregar.horas IS NOT NULL THEN
        RAISE EXCEPTION 'una etapa de salida no tiene temporizador: espera en la bandeja'
            USING ERRCODE = 'EB033';
    END IF;
    IF t = 'NORMAL' AND coalesce(etapa_agregar.intentos, 0) <> 0 THEN
        RAISE EXCEPTION 'los intentos mínimos son de una etapa de salida' USING ERRCODE = 'EB033';
    END IF;
    IF etapa_agregar.intentos IS NULL OR etapa_agregar.intentos NOT BETWEEN 0 AND 20 THEN
        RAISE EXCEPTION 'los intentos mínimos van de 0 a 20' USING ERRCODE = 'EB033';
    END IF;
    IF etapa_agregar.horas IS NOT NULL THEN
        PERFORM crm.etapa_horas_validas(etapa_agregar.horas);                    -- EB033
    END IF;
    IF etapa_agregar.despues_de IS NOT NULL THEN
        tras := crm.etapa_por_nombre(etapa_agregar.despues_de);                  -- EB303
        pos := tras.orden;
    ELSIF t = 'NORMAL' THEN
        pos := (SELECT max(x.orden) FROM crm.etapas x
                 WHERE x.tipo IN ('INICIAL', 'NORMAL') AND x.activa);
    ELSE
        pos := coalesce((SELECT max(x.orden) FROM crm.etapas x
                          WHERE x.tipo = 'SALIDA' AND x.activa),
                        (SELECT max(x.orden) FROM crm.etapas x));
    END IF;
    PERFORM crm.etapas_correr(pos, 1);
    INSERT INTO crm.etapas AS x (nombre, orden, tipo, timer_horas, intentos_minimos)
    VALUES (n, pos + 1, t, etapa_agregar.horas, etapa_agregar.intentos)
    RETURNING x.id INTO id;
    PERFORM crm.etapa_registrar(id, 'alta', NULL,
                                format('%s, %s, después de "%s"', t,
                                       crm.etapa_timer_texto(etapa_agregar.horas),
                                       (SELECT x.nombre FROM crm.etapas x WHERE x.orden = pos)));
    RETURN format('etapa "%s" agregada (%s, %s) después de "%s"', n, lower(t),
                  CASE WHEN t = 'SALIDA'
                       THEN format('pide %s intentos antes', etapa_agregar.intentos)
                       ELSE crm.etapa_timer_texto(etapa_agregar.horas) END,
                  (SELECT x.nombre FROM crm.etapas x WHERE x.orden = pos));
END
$$;

-- Starts (horas not NULL) or stops the timers of the ABIERTA opportunities in stage e, with
-- a TIMER_RECALCULADO row each; an owner who is away gets it paused (094). Returns how many.
CREATE FUNCTION crm.etapa_timers(e crm.etapas, horas numeric, motivo text) RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    zona text := crm.zona();
    pct  numeric := (SELECT a.aviso_pct FROM crm.ajustes a);
    n    int;
BEGIN
    WITH t AS (
        SELECT o.id, o.timer_vence, u.estado IN ('AUSENTE', 'VACACIONES') AS fuera
          FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id
         WHERE o.etapa_id = e.id AND o.estado = 'ABIERTA'
         ORDER BY o.id
           FOR UPDATE OF o),
    u AS (
        UPDATE crm.oportunidades o
           SET timer_vence = CASE WHEN horas IS NOT NULL AND NOT t.fuera
                                  THEN crm.sumar_horas_habiles(now(), horas, zona) END,
               timer_aviso = CASE WHEN horas IS NOT NULL AND NOT t.fuera
                                  THEN crm.sumar_horas_habiles(now(), horas * pct / 100, zona)
                             END,
               timer_pausa = CASE WHEN horas IS NOT NULL AND t.fuera THEN horas END,
               timer_pausa_aviso = CASE WHEN horas IS NOT NULL AND t.fuera
                                        THEN horas * pct / 100 END,
               timer_avisado = false, updated_at = now()
          FROM t
         WHERE o.id = t.id
        RETURNING o.id, t.timer_vence AS antes, o.timer_vence AS vence, o.timer_pausa)
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT u.id, 'TIMER_RECALCULADO', e.id, e.nombre, e.id, e.nombre, 'ABIERTA', 'ABIERTA',
           crm.yo(), motivo,
           jsonb_strip_nulls(jsonb_build_object('vence_anterior', u.antes, 'vence', u.vence,
                                                'horas_en_pausa', u.timer_pausa))
      FROM u;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

CREATE FUNCTION api.etapa_cambiar(etapa text, nombre text DEFAULT NULL, horas numeric DEFAULT NULL,
                                  sin_timer boolean DEFAULT false, intentos int DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
#variable_conflict use_variable
DECLARE
    e      crm.etapas;
    n      text;
    h      numeric;
    dicho  text[] := '{}';
    k      int;
BEGIN
    PERFORM crm.exigir_admin('cambiar las etapas del embudo');                   -- EB101
    IF etapa_cambiar.nombre IS NULL AND etapa_cambiar.horas IS NULL
       AND NOT coalesce(etapa_cambiar.sin_timer, false) AND etapa_cambiar.intentos IS NULL THEN
        RAISE EXCEPTION 'diga qué cambiar: el nombre, el temporizador o los intentos'
            USING ERRCODE = 'EB033';
    END IF;
    IF etapa_cambiar.horas IS NOT NULL AND etapa_cambiar.sin_timer THEN
        RAISE EXCEPTION 'o un temporizador nuevo o sin temporizador, no los dos'
            USING ERRCODE = 'EB033';
    END IF;
    e := crm.etapa_por_nombre(etapa_cambiar.etapa);                              -- EB303

    IF etapa_cambiar.nombre IS NOT NULL THEN
        n := crm.etapa_nombre_libre(etapa_cambiar.nombre, e.id);                 -- EB032
        IF n IS DISTINCT FROM e.nombre THEN
            UPDATE crm.etapas x SET nombre = n WHERE x.id = e.id;
            PERFORM crm.etapa_registrar(e.id, 'nombre', e.nombre, n);
            dicho := dicho || format('se llama "%s" (antes "%s")', n, e.nombre);
            e.nombre := n;
        END IF;
    END IF;

    IF etapa_cambiar.horas IS NOT NULL OR etapa_cambiar.sin_timer THEN
        IF e.tipo NOT IN ('INICIAL', 'NORMAL') THEN
            RAISE EXCEPTION 'la etapa "%" es de %: no tiene temporizador', e.nombre,
                CASE e.tipo WHEN 'VENTA' THEN 'venta' ELSE 'salida' END USING ERRCODE = 'EB033';
        END IF;
        h := CASE WHEN etapa_cambiar.sin_timer THEN NULL
                  ELSE crm.etapa_horas_validas(etapa_cambiar.horas) END;       -- EB033
        IF h IS DISTINCT FROM e.timer_horas THEN
            IF (e.timer_horas IS NULL) <> (h IS NULL) THEN
                PERFORM crm.etapas_bloquear();
            END IF;
            UPDATE crm.etapas x SET timer_horas = h WHERE x.id = e.id;
            PERFORM crm.etapa_registrar(e.id, 'timer_horas', trim_scale(e.timer_horas)::text,
                                        trim_scale(h)::text);
            IF (e.timer_horas IS NULL) <> (h IS NULL) THEN
                k := crm.etapa_timers(e, h,
                                      format('la etapa "%s" %s', e.nombre,
                                             CASE WHEN h IS NULL THEN 'ya no tiene temporizador'
                                                  ELSE 'ahora tiene ' || crm.etapa_timer_texto(h)
                                             END));
                dicho := dicho || format('temporizador: %s → %s (%s)',
                                         coalesce(trim_scale(e.timer_horas) || ' h', 'ninguno'),
                                         coalesce(trim_scale(h) || ' h', 'ninguno'),
                                         CASE WHEN h IS NULL
                                              THEN format('se detuvo el de %s', crm.cuantos(k,
                                                          'oportunidad', 'oportunidades'))
                                              ELSE format('empezó para %s', crm.cuantos(k,
                                                          'oportunidad', 'oportunidades')) END);
            ELSE
                k := (SELECT count(*) FROM crm.oportunidades o
                       WHERE o.etapa_id = e.id AND o.estado = 'ABIERTA');
                dicho := dicho || format('temporizador: %s → %s (cuenta para las que entren; '
                                         '%s que ya %s conservan su vencimiento)',
                                         trim_scale(e.timer_horas) || ' h', trim_scale(h) || ' h',
                                         crm.cuantos(k, 'oportunidad', 'oportunidades'),
                                         CASE WHEN k = 1 THEN 'está' ELSE 'están' END);
            END IF;
        END IF;
    END IF;

    IF etapa_cambiar.intentos IS NOT NULL THEN
        IF e.tipo <> 'SALIDA' THEN
            RAISE EXCEPTION 'los intentos mínimos son de una etapa de salida' USING ERRCODE = 'EB033';
        END IF;
        IF etapa_cambiar.intentos NOT BETWEEN 0 AND 20 THEN
            RAISE EXCEPTION 'los intentos mínimos van de 0 a 20' USING ERRCODE = 'EB033';
        END IF;
        IF etapa_cambiar.intentos <> e.intentos_minimos THEN
            UPDATE crm.etapas x SET intentos_minimos = etapa_cambiar.intentos WHERE x.id = e.id;
            PERFORM crm.etapa_registrar(e.id, 'intentos_minimos', e.intentos_minimos::text,
                                        etapa_cambiar.intentos::text);
            dicho := dicho || format('pide %s intentos antes (antes %s)', etapa_cambiar.intentos,
                                     e.intentos_minimos);
        END IF;
    END IF;

    IF cardinality(dicho) = 0 THEN
        RETURN format('la etapa "%s" ya estaba así: nada que cambiar', e.nombre);
    END IF;
    RETURN format('etapa "%s": %s', e.nombre, array_to_string(dicho, '; '));
EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
    RAISE EXCEPTION 'las etapas o alguna oportunidad están en uso en este momento; intente de '
                    'nuevo' USING ERRCODE = 'EB036';
END
$$;

CREATE FUNCTION api.etapa_mover(etapa text, despues_de text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e     crm.etapas;
    tras  crm.etapas;
    pos   int;
    antes text;
BEGIN
    PERFORM crm.exigir_admin('cambiar las etapas del embudo');                   -- EB101
    LOCK TABLE crm.etapas IN SHARE ROW EXCLUSIVE MODE;
    e := crm.etapa_por_nombre(etapa);                                            -- EB303
    tras := crm.etapa_por_nombre(despues_de);                                    -- EB303
    IF e.tipo = 'INICIAL' THEN
        RAISE EXCEPTION 'la etapa inicial "%" va primero', e.nombre USING ERRCODE = 'EB034';
    END IF;
    IF e.id = tras.id THEN
        RAISE EXCEPTION 'una etapa no va después de sí misma' USING ERRCODE = 'EB034';
    END IF;
    IF (SELECT max(x.orden) FROM crm.etapas x WHERE x.orden < e.orden) = tras.orden THEN
        RETURN format('la etapa "%s" ya va después de "%s"', e.nombre, tras.nombre);
    END IF;
    antes := (SELECT x.nombre FROM crm.etapas x WHERE x.orden < e.orden ORDER BY x.orden DESC
               LIMIT 1);
    UPDATE crm.etapas x SET orden = 30000 WHERE x.id = e.id;       -- parked
    PERFORM crm.etapas_correr(e.orden, -1);                        -- close its gap
    pos := (SELECT x.orden FROM crm.etapas x WHERE x.id = tras.id);
    PERFORM crm.etapas_correr(pos, 1);                             -- room after tras
    UPDATE crm.etapas x SET orden = pos + 1 WHERE x.id = e.id;
    PERFORM crm.etapa_registrar(e.id, 'orden', format('después de "%s"', antes),
                                format('después de "%s"', tras.nombre));
    RETURN format('la etapa "%s" va ahora después de "%s"', e.nombre, tras.nombre);
END
$$;

-- Deactivates (activar false) or reactivates a stage.
CREATE FUNCTION crm.etapa_activa(etapa text, activar boolean) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' AS $$
DECLARE
    e crm.etapas;
    n int;
BEGIN
    PERFORM crm.exigir_admin('cambiar las etapas del embudo');                   -- EB101
    e := crm.etapa_por_nombre(etapa);                                            -- EB303
    IF e.tipo IN ('INICIAL', 'VENTA') THEN
        RAISE EXCEPTION 'la etapa % "%" no se desactiva: cámbiele el nombre o el temporizador',
            CASE e.tipo WHEN 'INICIAL' THEN 'inicial' ELSE 'de venta' END, e.nombre
            USING ERRCODE = 'EB034';
    END IF;
    IF e.activa = activar THEN
        RETURN format('la etapa "%s" ya estaba %s', e.nombre,
                      CASE WHEN activar THEN 'activa' ELSE 'desactivada' END);
    END IF;
    IF NOT activar THEN
        PERFORM crm.etapas_bloquear();           -- no transition into it is under way
        n := (SELECT count(*) FROM crm.oportunidades o
               WHERE o.etapa_id = e.id AND o.estado IN ('ABIERTA', 'EN_BANDEJA'));
        IF n > 0 THEN
            RAISE EXCEPTION 'hay % en "%": muévalas antes de desactivarla',
                crm.cuantos(n, 'oportunidad activa', 'oportunidades activas'), e.nombre
                USING ERRCODE = 'EB035';
        END IF;
    END IF;
    UPDATE crm.etapas x SET activa = activar WHERE x.id = e.id;
    PERFORM crm.etapa_registrar(e.id, 'activa',
                                CASE WHEN e.activa THEN 'activa' ELSE 'desactivada' END,
                                CASE WHEN activar THEN 'activa' ELSE 'desactivada' END);
    RETURN format('la etapa "%s" %s', e.nombre,
                  CASE WHEN activar THEN 'vuelve al embudo' ELSE 'sale del embudo' END);
EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
    RAISE EXCEPTION 'las etapas o alguna oportunidad están en uso en este momento; intente de '
                    'nuevo' USING ERRCODE = 'EB036';
END
$$;

CREATE FUNCTION api.etapa_desactivar(etapa text) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.etapa_activa(etapa, false)
$$;

CREATE FUNCTION api.etapa_activar(etapa text) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.etapa_activa(etapa, true)
$$;

-- Every stage in order, with the active opportunities in it the caller may see.
CREATE FUNCTION api.etapas()
RETURNS TABLE (orden int, nombre text, tipo text, timer_horas numeric, intentos_minimos int,
               activa boolean, oportunidades bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    todos boolean := crm.sesion_es_admin() OR crm.mi_rol() = 'AUDITOR';
    ver   int[];
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        PERFORM crm.yo_fila();                                                   -- EB001
    END IF;
    ver := CASE WHEN todos THEN NULL ELSE crm.usuarios_visibles() END;
    RETURN QUERY
    SELECT e.orden::int, e.nombre, e.tipo, e.timer_horas, e.intentos_minimos::int, e.activa,
           (SELECT count(*) FROM crm.oportunidades o
             WHERE o.etapa_id = e.id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
               AND (todos OR o.usuario_id = ANY (ver)))
      FROM crm.etapas e
     ORDER BY e.orden;
END
$$;

CREATE FUNCTION api.etapas_cambios(limite int DEFAULT 50)
RETURNS TABLE (id bigint, hecho_at timestamptz, hecho_por text, etapa text, campo text,
               anterior text, nuevo text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        PERFORM crm.yo_fila();                                                   -- EB001
    END IF;
    IF limite IS NULL OR limite NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'límite inválido: % (1 a 1000)', coalesce(limite::text, '—')
            USING ERRCODE = 'EB020';
    END IF;
    RETURN QUERY
    SELECT c.id, c.hecho_at, u.login, e.nombre, c.campo, c.anterior, c.nuevo
      FROM crm.etapas_cambios c
      JOIN crm.etapas e ON e.id = c.etapa_id
      LEFT JOIN crm.usuarios u ON u.id = c.hecho_por
     ORDER BY c.id DESC
     LIMIT limite;
END
$$;

REVOKE ALL ON FUNCTION crm.etapas_notificar(), crm.etapa_por_nombre(text),
                       crm.etapa_nombre_libre(text, smallint), crm.etapa_horas_validas(numeric),
                       crm.etapas_correr(int, int), crm.etapas_bloquear(),
                       crm.etapa_registrar(smallint, text, text, text),
                       crm.etapa_timer_texto(numeric), crm.etapa_timers(crm.etapas, numeric, text),
                       crm.etapa_activa(text, boolean),
                       api.etapa_agregar(text, text, numeric, text, int),
                       api.etapa_cambiar(text, text, numeric, boolean, int),
                       api.etapa_mover(text, text), api.etapa_desactivar(text),
                       api.etapa_activar(text), api.etapas(), api.etapas_cambios(int)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.etapas(), api.etapas_cambios(int) TO embudo_usuario;
-- Writers: the three working groups, so a promoter or supervisor hears "solo un administrador"
-- (EB101); an auditor gets 42501, as everywhere since 071.
GRANT EXECUTE ON FUNCTION api.etapa_agregar(text, text, numeric, text, int),
                          api.etapa_cambiar(text, text, numeric, boolean, int),
                          api.etapa_mover(text, text), api.etapa_desactivar(text),
                          api.etapa_activar(text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
