-- 080_arco.sql — personal data under the LFPDPPP (2025): the privacy notice each captured lead
-- was given, and a titular's cancellation as block, then suppress (anchors X1).
--
-- Until now a person who asked the company to delete their data could only be put in the
-- do-not-contact registry: their name, CURP, phones, notes and messages stayed in every table,
-- and the next campaign or import would treat them again. The law's cancellation has two steps:
-- the data is first BLOCKED (kept only to answer for the past, processed for nothing else) for
-- a period, then SUPPRESSED. Now:
--
--   crm.avisos_privacidad   the versions of the company's privacy notice, each with the date
--                           it takes effect and where it is published; a lead captured by a
--                           promoter records the version in force (crm.prospectos.aviso_id),
--                           so "which notice was this person given" has an answer. The padron
--                           is the lender's, under the lender's notice.
--   crm.arco_cancelaciones  one row per titular (a padron client or a captured prospect) with
--                           the request's folio, the day it was received and the day the block
--                           ends. api.arco_cancelar (an admin — the company's data officer) blocks
--                           at once: the active opportunity is closed (DESCARTADA, with the
--                           folio in its history), a pending prórroga is cancelled, the phones
--                           enter the do-not-contact registry (SOLICITUD: no campaign, captación
--                           or assignment reaches them again, 074), and a padron client gets an
--                           ARCO block without end, so the pool never offers it again.
--                           api.arco_suprimir, once the block has ended, erases what identifies
--                           the person everywhere the CRM wrote it: the padron row's name, CURP,
--                           RFC and contact data, the prospect, exit reasons, the history's
--                           reasons and free data, campaign and manual messages, replies, the
--                           WhatsApp caches and Signal sessions for their numbers.
--   kept on purpose         the history rows themselves (who did what when, with the reasons
--                           replaced by «[suprimido]»: the funnel's counts and the audit stay
--                           true), a sale's folio and amount (the lender's contract), and the
--                           phone in the do-not-contact and opt-out lists: the one piece that
--                           keeps the person from being contacted again is kept for that sole
--                           purpose, which the law allows.
--   crm.historial           stays append-only: its trigger now admits exactly one change, the
--                           suppression of a suppressed titular's rows (motivo → «[suprimido]»,
--                           free data → the whitelisted keys), checked row by row.
--   doctor                  ARCO_CON_ACTIVA (a titular with a cancellation and an active
--                           opportunity) and ARCO_SUPRESION_PENDIENTE (a block that ended and
--                           was not suppressed: the law's deadline passed).
--
-- Refusals EB850–EB858 (docs/sqlstates.md); docs/api.md §17 and docs/arco.md.

SET LOCAL ROLE embudo_owner;

-- ---------------------------------------------------------------------------------------------
-- Privacy notices.

CREATE TABLE crm.avisos_privacidad (
    id            int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version       text NOT NULL UNIQUE CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$'),
    vigente_desde date NOT NULL,
    ubicacion     text NOT NULL CHECK (length(ubicacion) BETWEEN 3 AND 500),
    creado_por    int REFERENCES crm.usuarios,          -- NULL: the database owner's session
    created_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE crm.avisos_privacidad ENABLE ROW LEVEL SECURITY;   -- read through the api

-- The notice in force on the business date of t (NULL when none is).
CREATE FUNCTION crm.aviso_vigente(t timestamptz) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT a.id FROM crm.avisos_privacidad a
     WHERE a.vigente_desde <= crm.fecha_negocio(t)
     ORDER BY a.vigente_desde DESC, a.id DESC LIMIT 1
$$;

ALTER TABLE crm.prospectos ADD COLUMN aviso_id int REFERENCES crm.avisos_privacidad,
    ADD COLUMN suprimido_at timestamptz,
    ALTER COLUMN telefono DROP NOT NULL,
    ADD CONSTRAINT prospectos_telefono_o_suprimido
        CHECK (telefono IS NOT NULL OR suprimido_at IS NOT NULL);

-- Every captured lead records the notice in force when it was captured, whichever path
-- inserted it.
CREATE FUNCTION crm.prospectos_aviso() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.aviso_id := coalesce(NEW.aviso_id, crm.aviso_vigente(NEW.created_at));
    RETURN NEW;
END
$$;
CREATE TRIGGER prospectos_aviso BEFORE INSERT ON crm.prospectos
    FOR EACH ROW EXECUTE FUNCTION crm.prospectos_aviso();

-- An admin publishes a version. It takes effect today or later: a notice dated in the past
-- would rewrite which notice earlier leads were given (EB851). Returns the date it takes effect.
CREATE FUNCTION api.aviso_privacidad_agregar(version text, vigente_desde date, ubicacion text)
RETURNS date
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    v text := btrim(aviso_privacidad_agregar.version);
    u text := btrim(aviso_privacidad_agregar.ubicacion);
    d date := coalesce(aviso_privacidad_agregar.vigente_desde, crm.fecha_negocio(now()));
BEGIN
    PERFORM crm.exigir_admin('publicar avisos de privacidad');                  -- EB101
    IF v IS NULL OR v !~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$' THEN
        RAISE EXCEPTION 'versión de aviso inválida: «%» (letras, dígitos y . _ / -, hasta 40)',
            coalesce(aviso_privacidad_agregar.version, '') USING ERRCODE = 'EB850';
    END IF;
    IF u IS NULL OR length(u) NOT BETWEEN 3 AND 500 THEN
        RAISE EXCEPTION 'escriba dónde está publicado el aviso (3 a 500 caracteres)'
            USING ERRCODE = 'EB850';
    END IF;
    IF d < crm.fecha_negocio(now()) THEN
        RAISE EXCEPTION 'un aviso entra en vigor hoy o después, no el %', to_char(d, 'DD/MM/YYYY')
            USING ERRCODE = 'EB851';
    END IF;
    IF EXISTS (SELECT 1 FROM crm.avisos_privacidad a WHERE a.version = v) THEN
        RAISE EXCEPTION 'ya existe el aviso de privacidad «%»', v USING ERRCODE = 'EB851';
    END IF;
    INSERT INTO crm.avisos_privacidad (version, vigente_desde, ubicacion, creado_por)
    VALUES (v, d, u, crm.yo());
    RETURN d;
END
$$;

-- Every version, newest first, with the one in force marked and how many leads were captured
-- under each (of those the caller may see: RLS-free counts are an admin's and an auditor's;
-- a promoter counts their own, a supervisor their team's).
CREATE FUNCTION api.avisos_privacidad()
RETURNS TABLE (version text, vigente_desde date, ubicacion text, vigente boolean,
               prospectos bigint, creado_por text, created_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    todos  boolean := crm.sesion_es_admin();
    ver    int[] := crm.usuarios_visibles();           -- an auditor's: everyone
    actual int := crm.aviso_vigente(now());
BEGIN
    IF NOT todos AND ver IS NULL THEN
        PERFORM crm.yo_fila();                                                   -- EB001
    END IF;
    RETURN QUERY
    SELECT a.version, a.vigente_desde, a.ubicacion, a.id = actual,
           (SELECT count(*) FROM crm.prospectos p
             WHERE p.aviso_id = a.id AND (todos OR p.capturado_por = ANY (ver))),
           u.login, a.created_at
      FROM crm.avisos_privacidad a LEFT JOIN crm.usuarios u ON u.id = a.creado_por
     ORDER BY a.vigente_desde DESC, a.id DESC;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Cancellation: block, then suppress.

ALTER TABLE crm.bloqueos DROP CONSTRAINT bloqueos_motivo_check,
    ADD CONSTRAINT bloqueos_motivo_check
        CHECK (motivo IN ('ENFRIAMIENTO', 'VENTA', 'OPT_OUT', 'NO_CONTACTAR', 'ARCO'));

ALTER TABLE crm.ajustes ADD COLUMN arco_bloqueo_dias int NOT NULL DEFAULT 90
    CHECK (arco_bloqueo_dias BETWEEN 0 AND 3650);

CREATE TABLE crm.arco_cancelaciones (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    folio         text NOT NULL UNIQUE CHECK (folio ~ '^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$'),
    cliente_id    bigint UNIQUE REFERENCES padron.clientes,
    prospecto_id  bigint UNIQUE REFERENCES crm.prospectos,
    recibida      date NOT NULL,
    bloqueo_hasta date NOT NULL,          -- suppression is due on this business date
    estado        text NOT NULL DEFAULT 'BLOQUEADA' CHECK (estado IN ('BLOQUEADA', 'SUPRIMIDA')),
    detalle       text CHECK (length(detalle) BETWEEN 1 AND 500),   -- erased at suppression
    creado_por    int REFERENCES crm.usuarios,
    created_at    timestamptz NOT NULL DEFAULT now(),
    suprimida_por int REFERENCES crm.usuarios,
    suprimida_at  timestamptz,
    CHECK (num_nonnulls(cliente_id, prospecto_id) = 1),
    CHECK (bloqueo_hasta >= recibida),
    CHECK ((estado = 'SUPRIMIDA') = (suprimida_at IS NOT NULL)),
    CHECK (estado = 'BLOQUEADA' OR detalle IS NULL)
);
ALTER TABLE crm.arco_cancelaciones ENABLE ROW LEVEL SECURITY;   -- read through the api
-- A suppressed titular's replies and manual sends keep their times, not their number.
ALTER TABLE crm.wa_entrantes ALTER COLUMN telefono DROP NOT NULL;
ALTER TABLE crm.wa_envios_manuales ALTER COLUMN telefono DROP NOT NULL,
    ALTER COLUMN jid DROP NOT NULL;

CREATE INDEX arco_cancelaciones_pendientes ON crm.arco_cancelaciones (bloqueo_hasta)
    WHERE estado = 'BLOQUEADA';

-- What a suppressed history row keeps of its free data: numbers, booleans and the keys that
-- hold codes, dates and the sale's contract data; every other string (phones, JIDs, names,
-- texts) goes. A whitelist, so a key added later is erased until someone decides otherwise.
CREATE FUNCTION crm.arco_datos_limpios(datos jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
      FROM jsonb_each(datos) e
     WHERE jsonb_typeof(e.value) IN ('number', 'boolean', 'null')
        OR e.key IN ('resultado', 'fuente', 'folio', 'producto', 'timer_vence', 'vence',
                     'vence_anterior', 'reanudar', 'regla', 'arco_folio')
$$;

-- The history stays append-only; the one change it admits is the suppression of a suppressed
-- titular's row: every column but motivo and datos unchanged, motivo «[suprimido]» (or still
-- NULL), datos cleaned as above, and the row's opportunity a titular's whose cancellation is
-- SUPRIMIDA (api.arco_suprimir marks it first, in the same transaction). Its own trigger
-- function: crm.historial_inmutable stays as strict as ever for crm.usuarios_cambios (078) and
-- for TRUNCATE.
CREATE FUNCTION crm.historial_solo_supresion() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.oportunidad_id, NEW.evento, NEW.etapa_anterior_id, NEW.etapa_anterior,
            NEW.etapa_nueva_id, NEW.etapa_nueva, NEW.estado_anterior, NEW.estado_nuevo,
            NEW.usuario_id, NEW.ocurrido_at)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.oportunidad_id, OLD.evento, OLD.etapa_anterior_id, OLD.etapa_anterior,
            OLD.etapa_nueva_id, OLD.etapa_nueva, OLD.estado_anterior, OLD.estado_nuevo,
            OLD.usuario_id, OLD.ocurrido_at)
       AND NEW.motivo IS NOT DISTINCT FROM
           (CASE WHEN OLD.motivo IS NULL THEN NULL ELSE '[suprimido]' END)
       AND NEW.datos = crm.arco_datos_limpios(OLD.datos)
       AND EXISTS (SELECT 1 FROM crm.oportunidades o
                     JOIN crm.arco_cancelaciones a
                       ON a.cliente_id = o.cliente_id OR a.prospecto_id = o.prospecto_id
                    WHERE o.id = OLD.oportunidad_id AND a.estado = 'SUPRIMIDA') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'el historial es de solo agregar: no se puede modificar ni borrar'
        USING ERRCODE = 'EB900';
END
$$;
DROP TRIGGER historial_sin_update ON crm.historial;
CREATE TRIGGER historial_sin_update BEFORE UPDATE OR DELETE ON crm.historial
    FOR EACH ROW EXECUTE FUNCTION crm.historial_solo_supresion();

-- The titular named by exactly one of cliente, prospecto or oportunidad (EB852, EB853).
CREATE FUNCTION crm.arco_titular(cliente bigint, prospecto bigint, oportunidad bigint,
                                 OUT cliente_id bigint, OUT prospecto_id bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF num_nonnulls(cliente, prospecto, oportunidad) <> 1 THEN
        RAISE EXCEPTION 'nombre al titular de una sola forma: cliente, prospecto u oportunidad'
            USING ERRCODE = 'EB852';
    END IF;
    IF oportunidad IS NOT NULL THEN
        SELECT o.cliente_id, o.prospecto_id INTO cliente_id, prospecto_id
          FROM crm.oportunidades o WHERE o.id = oportunidad;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'la oportunidad % no existe', oportunidad USING ERRCODE = 'EB853';
        END IF;
    ELSIF cliente IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM padron.clientes c WHERE c.id = cliente) THEN
            RAISE EXCEPTION 'el cliente % no existe', cliente USING ERRCODE = 'EB853';
        END IF;
        cliente_id := cliente;
    ELSE
        IF NOT EXISTS (SELECT 1 FROM crm.prospectos p WHERE p.id = prospecto) THEN
            RAISE EXCEPTION 'el prospecto % no existe', prospecto USING ERRCODE = 'EB853';
        END IF;
        prospecto_id := prospecto;
    END IF;
END
$$;

-- The titular's phones in E.164 (every one the padron or the prospect has, vigente or not).
CREATE FUNCTION crm.arco_telefonos(cliente bigint, prospecto bigint) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT t.tel), '{}')
      FROM (SELECT d.valor AS tel FROM padron.datos_contacto d
             WHERE d.cliente_id = cliente AND d.tipo IN ('CELULAR', 'FIJO')
            UNION ALL
            SELECT p.telefono FROM crm.prospectos p
             WHERE p.id = prospecto AND p.telefono IS NOT NULL) t
$$;

-- An admin blocks a titular's data at their request. recibida: the day the request came in
-- (default today); plazo_dias: how long the block lasts (default crm.ajustes.arco_bloqueo_dias).
CREATE FUNCTION api.arco_cancelar(folio text, cliente bigint DEFAULT NULL,
                                  prospecto bigint DEFAULT NULL, oportunidad bigint DEFAULT NULL,
                                  recibida date DEFAULT NULL, plazo_dias int DEFAULT NULL,
                                  detalle text DEFAULT NULL)
RETURNS TABLE (folio_alta text, cliente_id bigint, prospecto_id bigint, bloqueo_hasta date,
               oportunidades_cerradas int, telefonos int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    f     text := btrim(arco_cancelar.folio);
    det   text := nullif(btrim(arco_cancelar.detalle), '');
    hoy   date := crm.fecha_negocio(now());
    rec   date := coalesce(arco_cancelar.recibida, hoy);
    plazo int;
    t     record;
    prev  crm.arco_cancelaciones;
    ops   crm.oportunidades[];
    tels  text[];
    razon text;
    yo    int := crm.yo();
BEGIN
    PERFORM crm.exigir_admin('registrar una cancelación de datos personales');   -- EB101
    IF f IS NULL OR f !~ '^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$' THEN
        RAISE EXCEPTION 'folio inválido: «%» (letras, dígitos y / _ -, hasta 40)',
            coalesce(arco_cancelar.folio, '') USING ERRCODE = 'EB854';
    END IF;
    IF rec > hoy THEN
        RAISE EXCEPTION 'la solicitud no puede recibirse en el futuro (%)',
            to_char(rec, 'DD/MM/YYYY') USING ERRCODE = 'EB855';
    END IF;
    SELECT aj.arco_bloqueo_dias INTO plazo FROM crm.ajustes aj;
    plazo := coalesce(arco_cancelar.plazo_dias, plazo);
    IF plazo NOT BETWEEN 0 AND 3650 THEN
        RAISE EXCEPTION 'el bloqueo dura de 0 a 3 650 días, no %', plazo USING ERRCODE = 'EB855';
    END IF;
    IF det IS NOT NULL AND length(det) > 500 THEN
        RAISE EXCEPTION 'el detalle es demasiado largo (máximo 500 caracteres)'
            USING ERRCODE = 'EB855';
    END IF;
    t := crm.arco_titular(arco_cancelar.cliente, arco_cancelar.prospecto,
                          arco_cancelar.oportunidad);                          -- EB852, EB853
    -- One request per folio and per titular; serialise two for the same titular.
    PERFORM pg_advisory_xact_lock(hashtext('embudo.arco'),
                                  hashtext(coalesce(t.cliente_id::text, 'p' || t.prospecto_id)));
    SELECT * INTO prev FROM crm.arco_cancelaciones a
     WHERE a.folio = f OR a.cliente_id = t.cliente_id OR a.prospecto_id = t.prospecto_id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ya hay una cancelación % (folio %) %', lower(prev.estado), prev.folio,
            CASE WHEN prev.folio = f THEN 'con ese folio' ELSE 'de ese titular' END
            USING ERRCODE = 'EB856';
    END IF;

    -- The active opportunity first, then the client's pool row: the order every path that
    -- closes an opportunity takes (its pool-pointer trigger comes second), so none deadlocks
    -- with this. Once the pool row is held no assignment can claim the client (the claim is
    -- FOR UPDATE SKIP LOCKED), so a second look finds any opened in between, and locks it.
    LOOP
        SELECT array_agg(o ORDER BY o.id) INTO ops
          FROM (SELECT * FROM crm.oportunidades o
                 WHERE (o.cliente_id = t.cliente_id OR o.prospecto_id = t.prospecto_id)
                   AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
                   FOR UPDATE) o;
        EXIT WHEN t.cliente_id IS NULL;
        PERFORM 1 FROM crm.pool p WHERE p.cliente_id = t.cliente_id FOR UPDATE;
        EXIT WHEN NOT EXISTS (SELECT 1 FROM crm.oportunidades o
                               WHERE o.cliente_id = t.cliente_id
                                 AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
                                 AND o.id <> ALL (ARRAY(SELECT x.id FROM unnest(ops) x)));
    END LOOP;
    razon := format('cancelación de datos personales (ARCO), folio %s', f);
    IF ops IS NOT NULL THEN
        UPDATE crm.prorrogas r
           SET estado = 'CANCELADA', resuelta_at = now(), resuelta_por = yo, respuesta = razon
         WHERE r.oportunidad_id IN (SELECT x.id FROM unnest(ops) x) AND r.estado = 'PENDIENTE';
        UPDATE crm.oportunidades o
           SET estado = 'DESCARTADA', cerrada_at = now(), updated_at = now(),
               timer_vence = NULL, timer_aviso = NULL, motivo_salida = razon
         WHERE o.id IN (SELECT x.id FROM unnest(ops) x);
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                                   usuario_id, motivo, datos)
        SELECT x.id, 'DESCARTADA', x.etapa_id, e.nombre, x.etapa_id, e.nombre, x.estado,
               'DESCARTADA', yo, razon, jsonb_build_object('arco_folio', f)
          FROM unnest(ops) x JOIN crm.etapas e ON e.id = x.etapa_id;
    END IF;

    INSERT INTO crm.arco_cancelaciones (folio, cliente_id, prospecto_id, recibida,
                                        bloqueo_hasta, detalle, creado_por)
    VALUES (f, t.cliente_id, t.prospecto_id, rec, greatest(rec + plazo, hoy), det, yo);

    -- No campaign, captación or assignment reaches these numbers again (074's machinery).
    tels := crm.arco_telefonos(t.cliente_id, t.prospecto_id);
    INSERT INTO crm.no_contactar AS r (telefono, fuente, detalle, creado_por)
    SELECT x.tel, 'SOLICITUD', razon, yo FROM unnest(tels) x(tel)
    ON CONFLICT (telefono, fuente) DO UPDATE
       SET hasta = NULL, detalle = excluded.detalle, creado_por = excluded.creado_por,
           created_at = now(), quitado_at = NULL, quitado_por = NULL, quitado_motivo = NULL;
    IF t.cliente_id IS NOT NULL THEN
        INSERT INTO crm.bloqueos (cliente_id, hasta, motivo, detalle, creado_por)
        VALUES (t.cliente_id, NULL, 'ARCO', 'folio ' || f, yo);
    END IF;

    RETURN QUERY SELECT f, t.cliente_id, t.prospecto_id, greatest(rec + plazo, hoy),
                        coalesce(cardinality(ops), 0), cardinality(tels);
END
$$;

-- Erases what identifies the titular of c everywhere the CRM wrote it. Returns the rows
-- changed or deleted. The caller has locked c and marked it SUPRIMIDA.
CREATE FUNCTION crm.arco_suprimir_titular(c crm.arco_cancelaciones) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tels   text[] := crm.arco_telefonos(c.cliente_id, c.prospecto_id);
    ops    bigint[];
    pns    text[];          -- WhatsApp user parts: 52…, 521… and the LIDs learnt for them
    n      bigint := 0;
    k      bigint;
BEGIN
    ops := ARRAY(SELECT o.id FROM crm.oportunidades o
                  WHERE o.cliente_id = c.cliente_id OR o.prospecto_id = c.prospecto_id);
    pns := ARRAY(SELECT substr(x.tel, 2) FROM unnest(tels) x(tel)
                 UNION SELECT '521' || substr(x.tel, 4) FROM unnest(tels) x(tel));
    pns := pns || ARRAY(SELECT l.lid FROM crm.wa_lids l WHERE l.pn = ANY (pns));

    IF c.cliente_id IS NOT NULL THEN
        UPDATE padron.clientes x
           SET nombre = '[suprimido]', primer_apellido = '[suprimido]', segundo_apellido = NULL,
               curp = NULL, rfc = NULL, municipio = NULL, capacidad_pago = NULL,
               segmento = NULL
         WHERE x.id = c.cliente_id;
        DELETE FROM padron.datos_contacto d WHERE d.cliente_id = c.cliente_id;
        GET DIAGNOSTICS k = ROW_COUNT; n := n + k + 1;
        -- The registry's blocks carried the phone; the ARCO block keeps the client out.
        UPDATE crm.bloqueos b SET telefono = NULL, detalle = NULL
         WHERE b.cliente_id = c.cliente_id AND b.motivo <> 'ARCO'
           AND (b.telefono IS NOT NULL OR b.detalle IS NOT NULL);
        GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    ELSE
        UPDATE crm.prospectos p
           SET nombre = '[suprimido]', telefono = NULL, curp = NULL, datos = '{}',
               suprimido_at = now()
         WHERE p.id = c.prospecto_id;
        n := n + 1;
    END IF;

    UPDATE crm.oportunidades o SET motivo_salida = '[suprimido]'
     WHERE o.id = ANY (ops) AND o.motivo_salida IS NOT NULL;
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.historial h
       SET motivo = CASE WHEN h.motivo IS NULL THEN NULL ELSE '[suprimido]' END,
           datos = crm.arco_datos_limpios(h.datos)
     WHERE h.oportunidad_id = ANY (ops)
       AND (h.motivo IS NOT NULL OR h.datos <> crm.arco_datos_limpios(h.datos));
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.prorrogas r
       SET motivo = '[suprimido]',
           respuesta = CASE WHEN r.respuesta IS NULL THEN NULL ELSE '[suprimido]' END
     WHERE r.oportunidad_id = ANY (ops);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.lotes l SET filtros = l.filtros - 'telefono'
     WHERE l.origen = 'CAPTACION' AND l.filtros ? 'telefono'
       AND l.id IN (SELECT o.lote_id FROM crm.oportunidades o WHERE o.id = ANY (ops));
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;

    -- WhatsApp: messages keep their states and times (the campaign's statistics), not their
    -- text or address; one still waiting is skipped, never sent.
    UPDATE crm.wa_mensajes m
       SET texto = NULL, telefono = NULL, jid = NULL,
           error = CASE WHEN m.estado = 'PENDIENTE' THEN 'datos suprimidos (ARCO)'
                        ELSE m.error END,
           estado = CASE WHEN m.estado = 'PENDIENTE' THEN 'OMITIDO' ELSE m.estado END,
           actualizado_at = now()
     WHERE m.oportunidad_id = ANY (ops);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.wa_entrantes e SET texto = '[suprimido]', telefono = NULL
     WHERE e.oportunidad_id = ANY (ops) OR e.telefono = ANY (tels);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.wa_envios_manuales m SET telefono = NULL, jid = NULL
     WHERE m.telefono = ANY (tels) OR m.telefono = ANY (ARRAY(SELECT '+' || p FROM unnest(pns) p))
        OR split_part(m.jid, '@', 1) = ANY (pns);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    -- The opt-out keeps its number (it must go on working) but no longer says whose it was.
    UPDATE crm.wa_bajas b SET texto = NULL, oportunidad_id = NULL, mensaje_id = NULL
     WHERE b.telefono = ANY (tels) OR b.oportunidad_id = ANY (ops);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    DELETE FROM crm.wa_numeros w WHERE w.telefono = ANY (tels);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    DELETE FROM crm.wa_lids l WHERE l.pn = ANY (pns) OR l.lid = ANY (pns);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    DELETE FROM crm.wa_tctokens t WHERE split_part(t.jid, '@', 1) = ANY (pns);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    DELETE FROM crm.wa_signal_sesiones s
     WHERE regexp_replace(s.direccion, '(_[0-9]+)?\.[0-9]+$', '') = ANY (pns);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    DELETE FROM crm.wa_signal_identidades s
     WHERE regexp_replace(s.direccion, '(_[0-9]+)?\.[0-9]+$', '') = ANY (pns);
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    RETURN n;
END
$$;

-- An admin suppresses the titular of folio once its block has ended (EB857, EB858), or with
-- folio NULL every titular whose block has ended. One row per titular suppressed.
CREATE FUNCTION api.arco_suprimir(folio text DEFAULT NULL)
RETURNS TABLE (folio_suprimido text, cliente_id bigint, prospecto_id bigint, filas bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    f   text := nullif(btrim(arco_suprimir.folio), '');
    hoy date := crm.fecha_negocio(now());
    c   crm.arco_cancelaciones;
BEGIN
    PERFORM crm.exigir_admin('suprimir datos personales');                     -- EB101
    IF f IS NOT NULL THEN
        SELECT * INTO c FROM crm.arco_cancelaciones a WHERE a.folio = f FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no hay una cancelación con folio %', f USING ERRCODE = 'EB857';
        ELSIF c.estado = 'SUPRIMIDA' THEN
            RAISE EXCEPTION 'los datos del folio % ya se suprimieron el %', f,
                to_char(c.suprimida_at AT TIME ZONE crm.zona(), 'DD/MM/YYYY')
                USING ERRCODE = 'EB858';
        ELSIF c.bloqueo_hasta > hoy THEN
            RAISE EXCEPTION 'el bloqueo del folio % dura hasta el %: se suprime ese día', f,
                to_char(c.bloqueo_hasta, 'DD/MM/YYYY') USING ERRCODE = 'EB858';
        END IF;
    END IF;
    FOR c IN SELECT * FROM crm.arco_cancelaciones a
              WHERE a.estado = 'BLOQUEADA' AND a.bloqueo_hasta <= hoy
                AND (f IS NULL OR a.folio = f)
              ORDER BY a.bloqueo_hasta, a.id
                FOR UPDATE SKIP LOCKED LOOP
        UPDATE crm.arco_cancelaciones a
           SET estado = 'SUPRIMIDA', suprimida_at = now(), suprimida_por = crm.yo(),
               detalle = NULL
         WHERE a.id = c.id;
        folio_suprimido := c.folio;
        cliente_id := c.cliente_id;
        prospecto_id := c.prospecto_id;
        filas := crm.arco_suprimir_titular(c);
        RETURN NEXT;
    END LOOP;
END
$$;

-- The requests, newest first; pendientes: only those still blocked. Admins and auditors.
CREATE FUNCTION api.arco_cancelaciones(pendientes boolean DEFAULT false)
RETURNS TABLE (folio text, titular text, cliente_id bigint, prospecto_id bigint, recibida date,
               bloqueo_hasta date, estado text, detalle text, registro text,
               registrada_at timestamptz, suprimio text, suprimida_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT crm.sesion_es_admin() AND crm.mi_rol() IS DISTINCT FROM 'AUDITOR' THEN
        RAISE EXCEPTION 'solo un administrador o un auditor ven las cancelaciones de datos'
            USING ERRCODE = 'EB101';
    END IF;
    RETURN QUERY
    SELECT a.folio,
           CASE WHEN a.estado = 'SUPRIMIDA' THEN '[suprimido]'
                WHEN a.cliente_id IS NOT NULL THEN
                    concat_ws(' ', k.nombre, k.primer_apellido, k.segundo_apellido)
                ELSE p.nombre END,
           a.cliente_id, a.prospecto_id, a.recibida, a.bloqueo_hasta, a.estado, a.detalle,
           u.login, a.created_at, s.login, a.suprimida_at
      FROM crm.arco_cancelaciones a
      LEFT JOIN padron.clientes k ON k.id = a.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = a.prospecto_id
      LEFT JOIN crm.usuarios u ON u.id = a.creado_por
      LEFT JOIN crm.usuarios s ON s.id = a.suprimida_por
     WHERE NOT pendientes OR a.estado = 'BLOQUEADA'
     ORDER BY a.created_at DESC, a.id DESC;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- doctor: the checks so far move to crm.invariantes_074 unchanged (as 040 did with 010's), so
-- this file adds the cancellations' without repeating them. The wrapper keeps their gate.
ALTER FUNCTION api.verificar_invariantes() RENAME TO invariantes_074;
ALTER FUNCTION api.invariantes_074() SET SCHEMA crm;
REVOKE EXECUTE ON FUNCTION crm.invariantes_074()
    FROM embudo_supervisor, embudo_admin, embudo_auditor;

CREATE FUNCTION api.verificar_invariantes()
RETURNS TABLE (invariante text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY SELECT * FROM crm.invariantes_074();              -- EB001, EB002 as before
    RETURN QUERY
    SELECT 'ARCO_CON_ACTIVA'::text,
           format('folio %s: la oportunidad %s del titular sigue activa (%s)', a.folio, o.id,
                  o.estado)
      FROM crm.arco_cancelaciones a
      JOIN crm.oportunidades o
        ON (o.cliente_id = a.cliente_id OR o.prospecto_id = a.prospecto_id)
       AND o.estado IN ('ABIERTA', 'EN_BANDEJA');
    RETURN QUERY
    SELECT 'ARCO_SUPRESION_PENDIENTE'::text,
           format('folio %s: el bloqueo terminó el %s y los datos no se han suprimido'
                  ' (embudo arco suprimir)', a.folio, to_char(a.bloqueo_hasta, 'DD/MM/YYYY'))
      FROM crm.arco_cancelaciones a
     WHERE a.estado = 'BLOQUEADA' AND a.bloqueo_hasta < crm.fecha_negocio(now());
END
$$;
GRANT EXECUTE ON FUNCTION api.verificar_invariantes()
    TO embudo_supervisor, embudo_admin, embudo_auditor;

-- Writers: the three working groups, so a promoter or supervisor hears "solo un administrador"
-- (EB101) rather than a privilege error; an auditor gets 42501, as everywhere since 071.
GRANT EXECUTE ON FUNCTION api.aviso_privacidad_agregar(text, date, text),
                          api.arco_cancelar(text, bigint, bigint, bigint, date, int, text),
                          api.arco_suprimir(text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
GRANT EXECUTE ON FUNCTION api.arco_cancelaciones(boolean), api.avisos_privacidad()
    TO embudo_usuario;
