-- 100_wa_cloud.sql — WhatsApp's official Cloud API (Meta) as a second provider per account
-- (anchor W11, docs/wa-cloud.md): the same campaigns, funnel, opt-outs and panes over a phone
-- number of the lender's WhatsApp Business account instead of a WhatsApp Web link.
--
--   accounts    crm.wa_cuentas gains proveedor (WEB | CLOUD), cloud_numero_id (Meta's phone
--               number id, unique) and cloud_calidad (Meta's quality rating). A CLOUD account
--               never holds WhatsApp Web credentials, is never VINCULANDO, SIN_VINCULAR or
--               REQUIERE_VINCULO, and always sends from the server (Meta's token is the
--               service account's): a row trigger refuses anything else (EB393), and the
--               linking functions refuse such an account up front with the same EB393. It is
--               CONECTADA without credentials once its sender reached Meta; a sender that
--               reports REQUIERE_VINCULO (Meta refused the token) leaves it DESCONECTADA with
--               the reason, since no QR fixes that. Only an admin makes an account CLOUD or
--               gives it back (api.wa_cloud_asignar / _quitar, on record in
--               crm.usuarios_cambios); its WhatsApp Web credentials and Signal store go.
--   cap         no warm-up ramp for CLOUD (Meta's messaging tiers are the limit): every place
--               that computed the cap with crm.wa_tope (crm.wa_tope_cuenta, the plan, today's
--               explanation, the claim, api.wa_cuenta, creation and retry) takes limite_diario
--               for a CLOUD account.
--   linked      api.wa_remitente_cuenta says vinculada for a CLOUD account, the server's list
--               (api.wa_cuentas_servidor) has every CLOUD account of an active promoter — for
--               server sessions only: a promoter's own worker cannot read Meta's token — and
--               campaign creation does not wait for a CLOUD account's first connection (its
--               jid, EB352 was "link first").
--   late fail   Meta may report `failed` after it took a message: exactly ENVIADO → FALLIDO
--               is allowed, for messages of CLOUD accounts only (022's trigger and
--               api.mensaje_fallido); ENTREGADO and LEIDO never fail, and a receipt that
--               arrives for a message that failed late changes nothing (api.mensaje_recibo,
--               api.envio_lote) instead of breaking its batch with EB390.
--   templates   crm.plantillas, crm.wa_campanas: meta_nombre + meta_idioma, the approved twin
--               in Meta (both or neither). A mapped template may not use spintax (Meta sends
--               the approved text, so the record would lie): EB394, from api.plantilla_meta
--               and, through a trigger, from api.plantilla_guardar. crm.wa_mensajes.parametros
--               holds each message's body parameters ({{1}}…{{n}}), stored with its text by
--               api.campana_meta in the creation's transaction. Launching (or resuming) a
--               campaign of a CLOUD account without a mapping is refused (EB395, a trigger on
--               the state, so api.campana_lanzar and api.campana_reanudar alike); an account
--               made CLOUD pauses its running campaigns without one. A retry carries the
--               mapping and each message's parameters.
--   webhook     crm.wa_cloud_eventos queues what Meta posts (api.wa_cloud_recibir, from
--               `embudo wa webhook`), one row per status and per incoming message, repeats
--               stored once; the account's sender takes rows with SKIP LOCKED
--               (api.wa_cloud_tomar; rows taken more than 5 minutes ago and not done are taken
--               again) and marks them done (api.wa_cloud_hechos); done rows go after 7 days.
--
-- Refusals: EB391…EB397 (docs/sqlstates.md); 42501 for the admin and server functions.

SET LOCAL ROLE embudo_owner;

-- =============================================================================================
-- Accounts

ALTER TABLE crm.wa_cuentas
    ADD COLUMN proveedor text NOT NULL DEFAULT 'WEB'
        CONSTRAINT wa_cuentas_proveedor_check CHECK (proveedor IN ('WEB', 'CLOUD')),
    ADD COLUMN cloud_numero_id text
        CONSTRAINT wa_cuentas_cloud_numero_id_key UNIQUE
        CONSTRAINT wa_cuentas_cloud_numero_id_check CHECK (cloud_numero_id ~ '^[0-9]{1,32}$'),
    -- Meta's quality rating of the number (GREEN, YELLOW, RED, UNKNOWN…); NULL until known.
    ADD COLUMN cloud_calidad text
        CONSTRAINT wa_cuentas_cloud_calidad_check CHECK (cloud_calidad ~ '^[A-Z_]{1,20}$'),
    ADD CONSTRAINT wa_cuentas_cloud_numero
        CHECK ((proveedor = 'CLOUD') = (cloud_numero_id IS NOT NULL));

-- 020's "CONECTADA needs credentials" was an unnamed table CHECK: found by its text, replaced
-- by a named one that lets a CLOUD account be CONECTADA (it has no credentials to hold).
DO $$
DECLARE
    nombres text[];
BEGIN
    SELECT array_agg(c.conname) INTO nombres
      FROM pg_constraint c
     WHERE c.conrelid = 'crm.wa_cuentas'::regclass AND c.contype = 'c'
       AND pg_get_constraintdef(c.oid) LIKE '%''CONECTADA''%credenciales IS NOT NULL%';
    IF cardinality(nombres) IS DISTINCT FROM 1 THEN
        RAISE EXCEPTION 'se esperaba una restricción CONECTADA/credenciales en crm.wa_cuentas: %',
            coalesce(nombres::text, 'ninguna');
    END IF;
    EXECUTE format('ALTER TABLE crm.wa_cuentas DROP CONSTRAINT %I', nombres[1]);
END
$$;
ALTER TABLE crm.wa_cuentas ADD CONSTRAINT wa_cuentas_conectada_credenciales
    CHECK (estado <> 'CONECTADA' OR credenciales IS NOT NULL OR proveedor = 'CLOUD');

GRANT SELECT (proveedor, cloud_numero_id, cloud_calidad) ON crm.wa_cuentas TO embudo_usuario;

-- Account c itself, or EB393 when it is a CLOUD one: what the WhatsApp Web link flow does
-- (QR, credentials, states of a link) has no meaning there.
CREATE FUNCTION crm.wa_exigir_web(c crm.wa_cuentas) RETURNS crm.wa_cuentas
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF c.proveedor = 'CLOUD' THEN
        RAISE EXCEPTION 'una cuenta de la API oficial de WhatsApp envía siempre desde el servidor'
                        ' y no requiere vincularse con QR'
            USING ERRCODE = 'EB393';
    END IF;
    RETURN c;
END
$$;

-- Every write path at once (the api functions, an owner's UPDATE by hand): a CLOUD row keeps
-- no credentials, no link state, and server sending on.
CREATE FUNCTION crm.wa_cuentas_cloud() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.credenciales IS NOT NULL OR NOT NEW.envio_servidor
       OR NEW.estado IN ('SIN_VINCULAR', 'VINCULANDO', 'REQUIERE_VINCULO') THEN
        PERFORM crm.wa_exigir_web(NEW);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER wa_cuentas_cloud BEFORE INSERT OR UPDATE ON crm.wa_cuentas
    FOR EACH ROW WHEN (NEW.proveedor = 'CLOUD') EXECUTE FUNCTION crm.wa_cuentas_cloud();

-- The link flow's functions refuse a CLOUD account before they look at its credentials
-- (which would say "vincúlela primero", EB333).
SELECT crm.funcion_reemplazar('api.wa_guardar_credenciales(text, bytea)',
    'c := crm.wa_cuenta_bloquear(yo.id);',
    'c := crm.wa_exigir_web(crm.wa_cuenta_bloquear(yo.id));');
SELECT crm.funcion_reemplazar('api.wa_cambiar_estado(text, text)',
    'c := crm.wa_cuenta_bloquear(yo.id);',
    'c := crm.wa_exigir_web(crm.wa_cuenta_bloquear(yo.id));');
SELECT crm.funcion_reemplazar('api.wa_desvincular()',
    'PERFORM crm.wa_cuenta_bloquear(yo.id);',
    'PERFORM crm.wa_exigir_web(crm.wa_cuenta_bloquear(yo.id));');
SELECT crm.funcion_reemplazar('api.wa_remitente_guardar_credenciales(int, bytea)',
    'c := crm.wa_cuenta_bloquear(cuenta);',
    'c := crm.wa_exigir_web(crm.wa_cuenta_bloquear(cuenta));');

-- 028's, for both providers: a CLOUD account is CONECTADA without credentials, and a
-- REQUIERE_VINCULO from its sender (Meta refused the token: the admin's to fix, no QR does)
-- is recorded as DESCONECTADA with the sender's reason.
CREATE OR REPLACE FUNCTION api.wa_remitente_estado(cuenta int, estado text,
                                                   detalle text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c  crm.wa_cuentas;
    d  text := left(nullif(btrim(detalle), ''), 500);
    es text;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF estado IS NULL OR estado NOT IN ('CONECTADA', 'DESCONECTADA', 'REQUIERE_VINCULO',
                                        'BLOQUEADA') THEN
        RAISE EXCEPTION 'estado de envío inválido «%»: CONECTADA, DESCONECTADA, '
                        'REQUIERE_VINCULO o BLOQUEADA', coalesce(estado, '')
            USING ERRCODE = 'EB331';
    END IF;
    c := crm.wa_cuenta_bloquear(cuenta);
    IF estado = 'CONECTADA' AND c.credenciales IS NULL AND c.proveedor = 'WEB' THEN
        RAISE EXCEPTION 'la cuenta no tiene credenciales guardadas: vincúlela primero'
            USING ERRCODE = 'EB333';
    END IF;
    es := CASE WHEN c.proveedor = 'CLOUD' AND estado = 'REQUIERE_VINCULO' THEN 'DESCONECTADA'
               ELSE estado END;
    UPDATE crm.wa_cuentas x
       SET estado = es, detalle = d, actualizado_at = now(),
           credenciales = CASE WHEN es = 'REQUIERE_VINCULO' THEN NULL ELSE x.credenciales END
     WHERE x.usuario_id = cuenta
       AND (x.estado IS DISTINCT FROM es OR x.detalle IS DISTINCT FROM d);
END
$$;

-- 028's: a CLOUD account counts as linked (it has nothing to link).
CREATE OR REPLACE FUNCTION api.wa_remitente_cuenta(cuenta int)
RETURNS TABLE (usuario_id int, login text, estado text, jid text, vinculada boolean,
               envio_servidor boolean, limite_diario int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN QUERY
    SELECT u.id, u.login, coalesce(c.estado, 'SIN_VINCULAR'), c.jid,
           coalesce(c.credenciales IS NOT NULL OR c.proveedor = 'CLOUD', false),
           coalesce(c.envio_servidor, false), coalesce(c.limite_diario, 180)
      FROM crm.usuarios u
      LEFT JOIN crm.wa_cuentas c ON c.usuario_id = u.id
     WHERE u.id = cuenta;
END
$$;

-- 084's, with the CLOUD accounts: a server session gets every one of an active promoter that
-- is not BLOQUEADA (no credentials needed: Meta's token is the server's). A promoter's own
-- worker does not get its CLOUD account: it cannot read that token.
CREATE OR REPLACE FUNCTION api.wa_cuentas_servidor()
RETURNS TABLE (usuario_id int, login text, estado text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    servidor boolean := crm.sesion_es_admin();
    propia   int := crm.yo();
BEGIN
    IF NOT servidor AND propia IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT c.usuario_id, u.login, c.estado
      FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id
     WHERE (servidor OR (c.usuario_id = propia AND c.proveedor = 'WEB'))
       AND c.envio_servidor AND c.estado <> 'BLOQUEADA'
       AND u.estado <> 'BAJA'
       AND u.rol = 'PROMOTOR'
       AND (c.proveedor = 'CLOUD'
            OR c.credenciales IS NOT NULL
            OR EXISTS (SELECT 1 FROM crm.wa_campanas k
                        WHERE k.usuario_id = c.usuario_id AND k.estado = 'ENVIANDO'
                          AND EXISTS (SELECT 1 FROM crm.wa_mensajes m
                                       WHERE m.campana_id = k.id AND m.estado = 'PENDIENTE')))
     ORDER BY c.usuario_id;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The daily cap: no warm-up ramp for a CLOUD number.

-- The cap of account row c on dia with settings a: its limit for a CLOUD account, else 020's
-- min(limit, ramp).
CREATE FUNCTION crm.wa_tope_fila(c crm.wa_cuentas, dia date, a crm.wa_ajustes) RETURNS int
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN c.proveedor = 'CLOUD' THEN c.limite_diario
                ELSE crm.wa_tope(c.limite_diario, c.en_uso_desde, dia, a.rampa_inicio,
                                 a.rampa_dias) END
$$;

CREATE OR REPLACE FUNCTION crm.wa_tope_cuenta(cuenta int, dia date) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.wa_tope_fila(c, dia, a)
      FROM crm.wa_cuentas c, crm.wa_ajustes a
     WHERE c.usuario_id = cuenta
$$;

SELECT crm.funcion_reemplazar('crm.wa_planear(crm.wa_cuentas, int)',
    'room := crm.wa_tope(c.limite_diario, c.en_uso_desde, d.dia, a.rampa_inicio, a.rampa_dias)',
    'room := crm.wa_tope_fila(c, d.dia, a)');
SELECT crm.funcion_reemplazar('crm.wa_explicar_hoy(crm.wa_cuentas)',
    'tope := crm.wa_tope(c.limite_diario, c.en_uso_desde, hoy, a.rampa_inicio, a.rampa_dias);',
    'tope := crm.wa_tope_fila(c, hoy, a);');
SELECT crm.funcion_reemplazar('api.wa_cuenta()',
    'crm.wa_tope(c.limite_diario, c.en_uso_desde, crm.fecha_negocio(now()), a.rampa_inicio,
                    a.rampa_dias)',
    'crm.wa_tope_fila(c, crm.fecha_negocio(now()), a)');
SELECT crm.funcion_reemplazar('api.campana_crear(text, text, text, text, text, int)',
    'crm.wa_tope(c.limite_diario, c.en_uso_desde, crm.fecha_negocio(now()),
                       (SELECT a.rampa_inicio FROM crm.wa_ajustes a),
                       (SELECT a.rampa_dias FROM crm.wa_ajustes a))',
    'crm.wa_tope_fila(c, crm.fecha_negocio(now()), (SELECT a FROM crm.wa_ajustes a))');
-- The claim keeps its checks inline (045: no helper on the hot path).
SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    '>= crm.wa_tope(cu.limite_diario, cu.en_uso_desde, hoy, aj.rampa_inicio, aj.rampa_dias) THEN',
    '>= (CASE WHEN cu.proveedor = ''CLOUD'' THEN cu.limite_diario
                ELSE crm.wa_tope(cu.limite_diario, cu.en_uso_desde, hoy, aj.rampa_inicio,
                                 aj.rampa_dias) END) THEN');
-- A CLOUD account learns its jid when its sender first reaches Meta; creating a campaign does
-- not wait for that (sending does).
SELECT crm.funcion_reemplazar('api.campana_crear(text, text, text, text, text, int)',
    'IF NOT FOUND OR c.jid IS NULL THEN',
    'IF NOT FOUND OR (c.jid IS NULL AND c.proveedor = ''WEB'') THEN');

-- =============================================================================================
-- Failures after Meta took the message

-- 022's, plus the one new step: ENVIADO → FALLIDO for a message of a CLOUD account (Meta's
-- `failed` webhook after its 200). parametros and jid join the columns whose change is a
-- change: 022 dropped an update of the jid alone, so a number check's JID never reached the
-- phone's other pending messages (api.wa_numero_guardar, api.envio_lote) and each was
-- checked with WhatsApp again.
CREATE OR REPLACE FUNCTION crm.wa_mensajes_monotono() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ro int := crm.wa_rango(OLD.estado);
    rn int := crm.wa_rango(NEW.estado);
BEGIN
    NEW.enviado_at := coalesce(OLD.enviado_at, NEW.enviado_at);
    NEW.entregado_at := coalesce(OLD.entregado_at, NEW.entregado_at);
    NEW.leido_at := coalesce(OLD.leido_at, NEW.leido_at);
    NEW.respondido_at := coalesce(OLD.respondido_at, NEW.respondido_at);
    NEW.wa_id := coalesce(OLD.wa_id, NEW.wa_id);
    IF NEW.estado IS DISTINCT FROM OLD.estado THEN
        IF ro IS NULL THEN
            RAISE EXCEPTION 'el mensaje % ya terminó (%): no pasa a %', OLD.id, OLD.estado,
                NEW.estado USING ERRCODE = 'EB390';
        ELSIF rn IS NULL THEN
            -- Out of the chain: FALLIDO from PENDIENTE/ENVIANDO, and from ENVIADO when Meta
            -- failed a message of a CLOUD account after taking it; OMITIDO/CANCELADO only
            -- before the send.
            IF NOT (NEW.estado = 'FALLIDO' AND ro <= 1)
               AND NOT (NEW.estado = 'FALLIDO' AND OLD.estado = 'ENVIADO'
                        AND EXISTS (SELECT 1 FROM crm.wa_cuentas c
                                     WHERE c.usuario_id = OLD.usuario_id
                                       AND c.proveedor = 'CLOUD'))
               AND NOT (NEW.estado IN ('OMITIDO', 'CANCELADO') AND ro = 0) THEN
                RAISE EXCEPTION 'el mensaje % no pasa de % a %', OLD.id, OLD.estado, NEW.estado
                    USING ERRCODE = 'EB390';
            END IF;
        ELSIF rn < ro THEN
            IF OLD.incierto AND OLD.estado = 'ENVIANDO' AND NEW.estado = 'PENDIENTE'
               AND NOT NEW.incierto THEN
                NULL;        -- the user chose to re-send an uncertain message
            ELSE
                NEW.estado := OLD.estado;  -- a late receipt: keep the furthest state
            END IF;
        END IF;
    END IF;
    IF NEW.estado IS DISTINCT FROM 'ENVIANDO' THEN
        NEW.incierto := false;
    END IF;
    IF NEW.leido_at IS NOT NULL AND NEW.entregado_at IS NULL THEN
        NEW.entregado_at := NEW.leido_at;  -- read implies delivered
    END IF;
    IF (NEW.estado, NEW.incierto, NEW.entregado_at, NEW.leido_at, NEW.enviado_at,
        NEW.respondido_at, NEW.wa_id, NEW.texto, NEW.error, NEW.programado_para, NEW.dia,
        NEW.parametros, NEW.jid)
       IS NOT DISTINCT FROM
       (OLD.estado, OLD.incierto, OLD.entregado_at, OLD.leido_at, OLD.enviado_at,
        OLD.respondido_at, OLD.wa_id, OLD.texto, OLD.error, OLD.programado_para, OLD.dia,
        OLD.parametros, OLD.jid) THEN
        RETURN NULL;     -- nothing changes: skip the row (no notification either)
    END IF;
    NEW.actualizado_at := now();
    RETURN NEW;
END
$$;

-- 024's, with the late failure of a CLOUD account's message. ENTREGADO and LEIDO still refuse
-- (EB361), as does ENVIADO on a WEB account. Meta's 131050 («this recipient has chosen to
-- stop receiving marketing messages on WhatsApp from your business») is the client's opt-out
-- as surely as a «BAJA»: recorded as one (crm.wa_bajas, the OPT_OUT block, pending messages
-- to the phone skipped), so no campaign of any account tries the number again.
CREATE OR REPLACE FUNCTION api.mensaje_fallido(id bigint, error text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m crm.wa_mensajes := crm.mensaje_bloquear(id);
    r text := left(coalesce(nullif(btrim(error), ''), 'ERROR'), 500);
    o crm.oportunidades;
BEGIN
    IF m.estado = 'FALLIDO' THEN
        RETURN false;
    END IF;
    IF m.estado NOT IN ('PENDIENTE', 'ENVIANDO')
       AND NOT (m.estado = 'ENVIADO'
                AND EXISTS (SELECT 1 FROM crm.wa_cuentas c
                             WHERE c.usuario_id = m.usuario_id AND c.proveedor = 'CLOUD')) THEN
        RAISE EXCEPTION 'el mensaje % ya no se puede marcar como fallido (%)', m.id, m.estado
            USING ERRCODE = 'EB361';
    END IF;
    UPDATE crm.wa_mensajes x SET estado = 'FALLIDO', error = r WHERE x.id = m.id;
    IF r = '131050' AND m.telefono IS NOT NULL THEN
        SELECT * INTO o FROM crm.oportunidades x WHERE x.id = m.oportunidad_id;
        PERFORM crm.wa_registrar_baja(m.usuario_id, m.telefono, o, m.id, 'META_131050',
                                      'dejó de recibir mensajes de marketing de la empresa en '
                                      'WhatsApp (Meta, 131050)');
    END IF;
    PERFORM crm.campana_quizas_terminar(m.campana_id);
    RETURN true;
END
$$;

-- A receipt for a message that failed late changes nothing (the trigger would refuse it,
-- EB390, and with it the whole batch).
SELECT crm.funcion_reemplazar('api.mensaje_recibo(text, text, timestamptz)',
    'IF NOT FOUND THEN',
    'IF NOT FOUND OR m.estado = ''FALLIDO'' THEN');
SELECT crm.funcion_reemplazar(
    'api.envio_lote(int, bigint[], text[], timestamptz[], text[], boolean[], timestamptz[],'
    ' text[], text[], bigint[])',
    'AND m.enviado_at IS NOT NULL',
    'AND m.enviado_at IS NOT NULL AND m.estado <> ''FALLIDO''');

-- =============================================================================================
-- Templates mapped to Meta's approved ones

ALTER TABLE crm.plantillas
    ADD COLUMN meta_nombre text
        -- (PostgreSQL's regular expressions repeat at most 255 times: the length apart.)
        CONSTRAINT plantillas_meta_nombre_check
        CHECK (meta_nombre ~ '^[a-z0-9_]+$' AND length(meta_nombre) <= 512),
    ADD COLUMN meta_idioma text
        CONSTRAINT plantillas_meta_idioma_check CHECK (meta_idioma ~ '^[a-z]{2,3}(_[A-Z]{2})?$'),
    ADD CONSTRAINT plantillas_meta CHECK ((meta_nombre IS NULL) = (meta_idioma IS NULL));

-- Whether a valid template (crm.plantilla_error) has spintax: an option separator inside a
-- group. {{ and }} outside groups are literal braces, as plantilla_error reads them.
CREATE FUNCTION crm.plantilla_tiene_variaciones(t text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ch text[] := CASE WHEN coalesce(t, '') = '' THEN '{}'::text[]
                      ELSE regexp_split_to_array(t, '') END;
    n  int := coalesce(cardinality(ch), 0);
    i  int := 1;
    sp int := 0;
BEGIN
    WHILE i <= n LOOP
        IF sp = 0 AND ch[i] IN ('{', '}') AND i < n AND ch[i + 1] = ch[i] THEN
            i := i + 2;
            CONTINUE;
        END IF;
        IF ch[i] = '{' THEN
            sp := sp + 1;
        ELSIF ch[i] = '}' AND sp > 0 THEN
            sp := sp - 1;
        ELSIF ch[i] = '|' AND sp > 0 THEN
            RETURN true;
        END IF;
        i := i + 1;
    END LOOP;
    RETURN false;
END
$$;

-- Refuses (EB394) a Meta name or language that Meta would not take.
CREATE FUNCTION crm.meta_exigir(nombre text, idioma text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF nombre IS NULL OR nombre !~ '^[a-z0-9_]+$' OR length(nombre) > 512 THEN
        RAISE EXCEPTION 'nombre de plantilla de Meta inválido «%»: minúsculas sin acentos, '
                        'dígitos y «_», hasta 512', left(coalesce(nombre, ''), 60)
            USING ERRCODE = 'EB394';
    END IF;
    IF idioma IS NULL OR idioma !~ '^[a-z]{2,3}(_[A-Z]{2})?$' THEN
        RAISE EXCEPTION 'idioma de plantilla de Meta inválido «%»: como «es» o «es_MX»',
            left(coalesce(idioma, ''), 20)
            USING ERRCODE = 'EB394';
    END IF;
END
$$;

-- A mapped template keeps its text free of spintax, whichever function writes it.
CREATE FUNCTION crm.plantillas_meta() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF crm.plantilla_tiene_variaciones(NEW.texto) THEN
        RAISE EXCEPTION 'la plantilla «%» está ligada a la plantilla «%» de Meta y no puede usar '
                        'variaciones ({a|b}): Meta envía siempre el texto aprobado',
            NEW.nombre, NEW.meta_nombre
            USING ERRCODE = 'EB394';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER plantillas_meta BEFORE INSERT OR UPDATE ON crm.plantillas
    FOR EACH ROW WHEN (NEW.meta_nombre IS NOT NULL) EXECUTE FUNCTION crm.plantillas_meta();

-- Maps template plantilla to Meta's approved template meta_nombre in meta_idioma; a NULL name
-- removes the mapping. The caller's own template; a shared one (no owner) an admin's. EB001,
-- EB342 (not found or not yours: not told which), EB394 (spintax, name, language).
CREATE FUNCTION api.plantilla_meta(plantilla bigint, meta_nombre text,
                                   meta_idioma text DEFAULT 'es_MX') RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo  crm.usuarios := crm.yo_fila();
    p   crm.plantillas;
    nom text := btrim(meta_nombre);
    idi text := btrim(meta_idioma);
BEGIN
    SELECT * INTO p FROM crm.plantillas x
     WHERE x.id = plantilla_meta.plantilla
       AND (x.usuario_id = yo.id OR (x.usuario_id IS NULL AND yo.rol = 'ADMIN'))
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la plantilla % no existe o no es suya',
            coalesce(plantilla_meta.plantilla::text, '(vacía)') USING ERRCODE = 'EB342';
    END IF;
    IF nom IS NULL THEN
        idi := NULL;
    ELSE
        PERFORM crm.meta_exigir(nom, idi);
    END IF;
    UPDATE crm.plantillas x SET meta_nombre = nom, meta_idioma = idi, actualizado_at = now()
     WHERE x.id = p.id;
END
$$;

-- =============================================================================================
-- Campaigns and their messages' parameters

ALTER TABLE crm.wa_campanas
    ADD COLUMN meta_nombre text
        CONSTRAINT wa_campanas_meta_nombre_check
        CHECK (meta_nombre ~ '^[a-z0-9_]+$' AND length(meta_nombre) <= 512),
    ADD COLUMN meta_idioma text
        CONSTRAINT wa_campanas_meta_idioma_check
        CHECK (meta_idioma ~ '^[a-z]{2,3}(_[A-Z]{2})?$'),
    ADD CONSTRAINT wa_campanas_meta CHECK ((meta_nombre IS NULL) = (meta_idioma IS NULL));

-- The values of Meta's body parameters {{1}}…{{n}}, in order (docs/wa-cloud.md).
ALTER TABLE crm.wa_mensajes
    ADD COLUMN parametros jsonb
        CONSTRAINT wa_mensajes_parametros_check
        CHECK (jsonb_typeof(parametros) = 'array' AND jsonb_array_length(parametros) <= 20);

-- j when it is a JSON array, else an empty one (Meta's optional lists, untrusted input).
CREATE FUNCTION crm.jsonb_arreglo(j jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]'::jsonb END
$$;

-- In the transaction that creates campaign campana (BORRADOR, the caller's): its approved
-- template in Meta and, for each pending message mensajes[i], the parameter values
-- parametros[i] (a JSON array of strings; null for a message whose text cannot be rendered —
-- api.campana_textos then skips it, FALTA_DATO). Every pending message once, every array the
-- same length (0…20), every value 1…1024 bytes. Returns the messages given values. EB001,
-- EB355, EB356 (not BORRADOR), EB357, EB394 (name, language, the campaign's text has spintax).
CREATE FUNCTION api.campana_meta(campana bigint, meta_nombre text, meta_idioma text,
                                 mensajes bigint[], parametros jsonb) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo  crm.usuarios := crm.yo_fila();
    c   crm.wa_campanas := crm.campana_bloquear(yo, campana);
    nom text := btrim(meta_nombre);
    idi text := btrim(meta_idioma);
    n     int := coalesce(cardinality(mensajes), 0);
    malos int;
BEGIN
    IF c.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es suya', campana USING ERRCODE = 'EB355';
    END IF;
    IF c.estado <> 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % ya tiene sus textos (%)', c.id, c.estado
            USING ERRCODE = 'EB356';
    END IF;
    PERFORM crm.meta_exigir(nom, idi);
    IF crm.plantilla_tiene_variaciones(c.plantilla) THEN
        RAISE EXCEPTION 'el texto de la campaña usa variaciones ({a|b}): con una plantilla de '
                        'Meta se envía siempre el texto aprobado'
            USING ERRCODE = 'EB394';
    END IF;
    IF jsonb_typeof(parametros) IS DISTINCT FROM 'array' OR jsonb_array_length(parametros) <> n
    THEN
        RAISE EXCEPTION 'se esperaba una lista de parámetros por mensaje' USING ERRCODE = 'EB357';
    END IF;
    SELECT count(*) INTO malos FROM unnest(mensajes) i
     WHERE NOT EXISTS (SELECT 1 FROM crm.wa_mensajes m
                        WHERE m.id = i AND m.campana_id = c.id AND m.estado = 'PENDIENTE');
    IF malos > 0 OR n <> (SELECT count(DISTINCT i) FROM unnest(mensajes) i)
       OR EXISTS (SELECT 1 FROM crm.wa_mensajes m
                   WHERE m.campana_id = c.id AND m.estado = 'PENDIENTE'
                     AND NOT coalesce(m.id = ANY (mensajes), false)) THEN
        RAISE EXCEPTION 'parámetros inválidos: cada mensaje pendiente de la campaña una vez'
            USING ERRCODE = 'EB357';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(parametros) p(v)
                WHERE jsonb_typeof(p.v) NOT IN ('array', 'null'))
       OR (SELECT count(DISTINCT jsonb_array_length(p.v)) FROM jsonb_array_elements(parametros) p(v)
            WHERE jsonb_typeof(p.v) = 'array') > 1
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(parametros) p(v)
                   CROSS JOIN LATERAL jsonb_array_elements(crm.jsonb_arreglo(p.v)) x(s)
                   WHERE jsonb_typeof(x.s) <> 'string'
                      OR octet_length(x.s #>> '{}') NOT BETWEEN 1 AND 1024)
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(parametros) p(v)
                   WHERE jsonb_array_length(crm.jsonb_arreglo(p.v)) > 20) THEN
        RAISE EXCEPTION 'parámetros inválidos: listas de textos de igual largo (hasta 20), cada '
                        'texto de 1 a 1024 bytes'
            USING ERRCODE = 'EB357';
    END IF;
    UPDATE crm.wa_campanas x SET meta_nombre = nom, meta_idioma = idi, actualizado_at = now()
     WHERE x.id = c.id;
    UPDATE crm.wa_mensajes m SET parametros = CASE WHEN jsonb_typeof(v.p) = 'array' THEN v.p END
      FROM unnest(mensajes) WITH ORDINALITY u(i, k)
      JOIN jsonb_array_elements(campana_meta.parametros) WITH ORDINALITY v(p, k) ON v.k = u.k
     WHERE m.id = u.i;
    RETURN (SELECT count(*) FROM jsonb_array_elements(parametros) p(v)
             WHERE jsonb_typeof(p.v) = 'array');
END
$$;

-- Launch and resume (any path to ENVIANDO): a CLOUD account's campaign needs its approved
-- template (EB395), and a mapped campaign the values of every message still to send (EB357).
CREATE FUNCTION crm.wa_campanas_enviar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.meta_nombre IS NULL THEN
        IF EXISTS (SELECT 1 FROM crm.wa_cuentas c
                    WHERE c.usuario_id = NEW.usuario_id AND c.proveedor = 'CLOUD') THEN
            RAISE EXCEPTION 'la cuenta envía por la API oficial de WhatsApp: la campaña necesita '
                            'una plantilla aprobada en Meta'
                USING ERRCODE = 'EB395';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM crm.wa_mensajes m
                   WHERE m.campana_id = NEW.id AND m.estado = 'PENDIENTE'
                     AND m.parametros IS NULL) THEN
        RAISE EXCEPTION 'la campaña % tiene mensajes sin los valores de su plantilla de Meta',
            NEW.id USING ERRCODE = 'EB357';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER wa_campanas_enviar BEFORE UPDATE OF estado ON crm.wa_campanas
    FOR EACH ROW WHEN (NEW.estado = 'ENVIANDO' AND OLD.estado IS DISTINCT FROM 'ENVIANDO')
    EXECUTE FUNCTION crm.wa_campanas_enviar();

-- 033's, carrying the original's Meta template and each failed message's parameters, with
-- the cap of crm.wa_tope_fila.
CREATE OR REPLACE FUNCTION api.campana_reintentar(id bigint)
RETURNS TABLE (campana_id bigint, destinatarios int, omitidos int, hoy int, tope_hoy int,
               mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo  crm.usuarios := crm.yo_promotor_wa();
    o   crm.wa_campanas := crm.campana_bloquear(yo, campana_reintentar.id);
    c   crm.wa_cuentas;
    why text;
    cid bigint;
    aud record;
    p   record;
    cum int[] := '{}';
BEGIN
    IF o.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es suya', o.id USING ERRCODE = 'EB355';
    END IF;
    IF o.estado = 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % aún no tiene sus textos', o.id USING ERRCODE = 'EB356';
    END IF;
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = yo.id FOR UPDATE;
    why := crm.wa_explicar_hoy(c);
    SELECT array_agg(f.oportunidad_id ORDER BY f.oportunidad_id) AS ids,
           array_agg(coalesce(a.telefono, f.telefono) ORDER BY f.oportunidad_id) AS tels,
           array_agg(coalesce(a.jid, f.jid) ORDER BY f.oportunidad_id) AS jids,
           array_agg(CASE WHEN a.oportunidad_id IS NULL THEN 'CERRADA' ELSE a.motivo END
                     ORDER BY f.oportunidad_id) AS motivos,
           array_agg(f.texto ORDER BY f.oportunidad_id) AS textos,
           array_agg(f.parametros ORDER BY f.oportunidad_id) AS parametros,
           count(*) FILTER (WHERE a.oportunidad_id IS NOT NULL AND a.motivo IS NULL)::int AS n
      INTO aud
      FROM crm.wa_mensajes f
      LEFT JOIN crm.wa_audiencia(yo.id, o.etapa_id, NULL::smallint, NULL::smallint, 5000) a
        ON a.oportunidad_id = f.oportunidad_id
     WHERE f.campana_id = o.id AND f.estado = 'FALLIDO' AND f.texto IS NOT NULL;
    IF aud.ids IS NULL THEN
        RAISE EXCEPTION 'la campaña % no tiene mensajes fallidos que reintentar', o.id
            USING ERRCODE = 'EB358';
    END IF;
    p := crm.wa_planear(c, aud.n);
    SELECT coalesce(array_agg(s ORDER BY i), '{}') INTO cum
      FROM (SELECT i, sum(q) OVER (ORDER BY i) AS s
              FROM unnest(p.cantidades) WITH ORDINALITY u(q, i)) z;

    INSERT INTO crm.wa_campanas (usuario_id, nombre, etapa_id, plantilla, filtros, estado,
                                 meta_nombre, meta_idioma)
    VALUES (yo.id, left('Reintento de ' || o.nombre, 120), o.etapa_id, o.plantilla,
            o.filtros || jsonb_build_object('reintenta', o.id), 'LISTA', o.meta_nombre,
            o.meta_idioma)
    RETURNING wa_campanas.id INTO cid;
    INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono, jid, texto,
                                 parametros, estado, error, dia, programado_para)
    SELECT cid, yo.id, r.oid, r.tel, r.jid, r.txt, r.par,
           CASE WHEN r.motivo IS NULL AND r.j IS NOT NULL THEN 'PENDIENTE' ELSE 'OMITIDO' END,
           CASE WHEN r.motivo IS NOT NULL THEN r.motivo
                WHEN r.j IS NULL THEN 'SIN_CUPO' END,
           CASE WHEN r.motivo IS NULL THEN p.dias[r.j] END,
           CASE WHEN r.motivo IS NULL THEN p.abres[r.j] END
      FROM (SELECT u.oid, u.tel, u.jid, u.motivo, u.txt, u.par,
                   (SELECT min(j) FROM generate_subscripts(cum, 1) j WHERE cum[j] >= u.k) AS j
              FROM (SELECT v.*, count(*) FILTER (WHERE v.motivo IS NULL)
                                    OVER (ORDER BY v.ord) AS k
                      FROM unnest(aud.ids, aud.tels, aud.jids, aud.motivos, aud.textos,
                                  aud.parametros)
                           WITH ORDINALITY v(oid, tel, jid, motivo, txt, par, ord)) u) r;

    RETURN QUERY
    SELECT cid, count(*) FILTER (WHERE m.estado = 'PENDIENTE')::int,
           count(*) FILTER (WHERE m.estado = 'OMITIDO')::int,
           count(*) FILTER (WHERE m.estado = 'PENDIENTE'
                              AND m.dia = crm.fecha_negocio(now()))::int,
           crm.wa_tope_fila(c, crm.fecha_negocio(now()), (SELECT a FROM crm.wa_ajustes a)),
           why
      FROM crm.wa_mensajes m WHERE m.campana_id = cid;
END
$$;

-- =============================================================================================
-- The webhook's queue (here, before the admin's functions that empty an account's)

CREATE TABLE crm.wa_cloud_eventos (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    usuario_id  int NOT NULL REFERENCES crm.wa_cuentas,
    -- ESTADO: an object of value.statuses[] (clave "<message id>:<status>"); MENSAJE: one of
    -- value.messages[] (clave its id). A repeat from Meta's retries has the same key.
    tipo        text NOT NULL CHECK (tipo IN ('ESTADO', 'MENSAJE')),
    clave       text NOT NULL CHECK (length(clave) BETWEEN 1 AND 512),
    datos       jsonb NOT NULL CHECK (jsonb_typeof(datos) = 'object'),
    recibido_at timestamptz NOT NULL DEFAULT now(),
    tomado_at   timestamptz,
    hecho_at    timestamptz,
    CONSTRAINT wa_cloud_eventos_clave UNIQUE (usuario_id, tipo, clave)
);
-- What a sender takes, oldest first; what the purge finds.
CREATE INDEX wa_cloud_eventos_pendientes ON crm.wa_cloud_eventos (usuario_id, id)
    WHERE hecho_at IS NULL;
CREATE INDEX wa_cloud_eventos_hechos ON crm.wa_cloud_eventos (usuario_id, hecho_at)
    WHERE hecho_at IS NOT NULL;
-- Read and written only through the api below.
ALTER TABLE crm.wa_cloud_eventos ENABLE ROW LEVEL SECURITY;

-- =============================================================================================
-- The admin's: which accounts send through Meta

ALTER TABLE crm.usuarios_cambios DROP CONSTRAINT usuarios_cambios_campo_check,
    ADD CONSTRAINT usuarios_cambios_campo_check CHECK (campo IN (
        'alta', 'estado', 'rol', 'supervisor', 'cupo_diario', 'cartera_max', 'nombre',
        'whatsapp'));

-- How an account's provider reads in crm.usuarios_cambios ('whatsapp': before and after).
CREATE FUNCTION crm.wa_proveedor_texto(proveedor text, numero_id text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN proveedor = 'CLOUD' THEN 'API oficial, número ' || numero_id
                ELSE 'WhatsApp Web' END
$$;

-- Refuses (42501) a session that is no admin's: admin users, superusers, embudo_owner.
CREATE FUNCTION crm.wa_cloud_exigir_admin() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        RAISE EXCEPTION 'solo un administrador decide qué cuentas envían por la API oficial de '
                        'WhatsApp' USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Records an account's provider change for usuario: the usuarios_cambios row and the
-- notification the open Equipo panes listen to.
CREATE FUNCTION crm.wa_cloud_registrar(usuario int, anterior text, nuevo text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO crm.usuarios_cambios (usuario_id, campo, anterior, nuevo, hecho_por)
    VALUES (usuario, 'whatsapp', anterior, nuevo, crm.yo());
    PERFORM pg_notify('embudo',
                      json_build_object('tabla', 'usuarios', 'usuario_id', usuario)::text);
END
$$;

-- Makes the account of promoter login a CLOUD one with Meta's phone number id numero_id: server
-- sending, DESCONECTADA until its sender reaches Meta, WhatsApp Web credentials, jid and Signal
-- store dropped, linked (vinculada_at) now — so 088's "never delivered" skips no phone for
-- what the old link sent. Its running campaigns without an approved template pause (they
-- could not go out: EB395 on resume). The same id again changes nothing (false). 42501,
-- EB111 (no such user), EB391 (the id is another account's), EB392 (not a promoter, or BAJA),
-- EB396 (not 1…32 digits).
CREATE FUNCTION api.wa_cloud_asignar(login text, numero_id text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n    text := btrim(numero_id);
    u    crm.usuarios;
    c    crm.wa_cuentas;
    otro text;
    t    text;
BEGIN
    PERFORM crm.wa_cloud_exigir_admin();
    IF n IS NULL OR n !~ '^[0-9]{1,32}$' THEN
        RAISE EXCEPTION 'identificador de número de Meta inválido «%»: de 1 a 32 dígitos',
            left(coalesce(numero_id, ''), 40) USING ERRCODE = 'EB396';
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = wa_cloud_asignar.login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(wa_cloud_asignar.login, '')
            USING ERRCODE = 'EB111';
    END IF;
    IF u.rol <> 'PROMOTOR' OR u.estado = 'BAJA' THEN
        RAISE EXCEPTION '«%» no es un promotor en activo: solo los promotores tienen cuenta de '
                        'WhatsApp', u.login USING ERRCODE = 'EB392';
    END IF;
    c := crm.wa_cuenta_bloquear(u.id);
    IF c.proveedor = 'CLOUD' AND c.cloud_numero_id = n THEN
        RETURN false;
    END IF;
    BEGIN
        UPDATE crm.wa_cuentas x
           SET proveedor = 'CLOUD', cloud_numero_id = n, cloud_calidad = NULL,
               envio_servidor = true, estado = 'DESCONECTADA', credenciales = NULL, jid = NULL,
               detalle = NULL, vinculada_at = now(), actualizado_at = now()
         WHERE x.usuario_id = u.id;
    EXCEPTION WHEN unique_violation THEN
        SELECT y.login INTO otro FROM crm.wa_cuentas w JOIN crm.usuarios y ON y.id = w.usuario_id
         WHERE w.cloud_numero_id = n;
        RAISE EXCEPTION 'el número % de Meta ya es de la cuenta de WhatsApp de «%»', n,
            coalesce(otro, '?') USING ERRCODE = 'EB391';
    END;
    FOREACH t IN ARRAY ARRAY['wa_signal_identidades', 'wa_signal_prekeys',
                             'wa_signal_signed_prekeys', 'wa_signal_sesiones',
                             'wa_signal_sender_keys'] LOOP
        EXECUTE format('DELETE FROM crm.%I WHERE usuario_id = $1', t) USING u.id;
    END LOOP;
    UPDATE crm.wa_campanas k SET estado = 'PAUSADA', actualizado_at = now()
     WHERE k.usuario_id = u.id AND k.estado = 'ENVIANDO' AND k.meta_nombre IS NULL;
    PERFORM crm.wa_cloud_registrar(u.id, crm.wa_proveedor_texto(c.proveedor, c.cloud_numero_id),
                                   crm.wa_proveedor_texto('CLOUD', n));
    RETURN true;
END
$$;

-- Gives the account of login back to WhatsApp Web: SIN_VINCULAR (link it again), Meta's id,
-- quality and jid gone, and the events of its number still queued with them (no Cloud sender
-- would ever take them). false when it was not CLOUD. 42501, EB111.
CREATE FUNCTION api.wa_cloud_quitar(login text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios;
    c crm.wa_cuentas;
BEGIN
    PERFORM crm.wa_cloud_exigir_admin();
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = wa_cloud_quitar.login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(wa_cloud_quitar.login, '')
            USING ERRCODE = 'EB111';
    END IF;
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = u.id FOR UPDATE;
    IF NOT FOUND OR c.proveedor <> 'CLOUD' THEN
        RETURN false;
    END IF;
    UPDATE crm.wa_cuentas x
       SET proveedor = 'WEB', cloud_numero_id = NULL, cloud_calidad = NULL, jid = NULL,
           estado = 'SIN_VINCULAR', detalle = NULL, actualizado_at = now()
     WHERE x.usuario_id = u.id;
    DELETE FROM crm.wa_cloud_eventos e WHERE e.usuario_id = u.id;
    PERFORM crm.wa_cloud_registrar(u.id, crm.wa_proveedor_texto('CLOUD', c.cloud_numero_id),
                                   crm.wa_proveedor_texto('WEB', NULL));
    RETURN true;
END
$$;

-- The CLOUD accounts the caller may see (crm.usuarios_visibles: self, team, everyone; a server
-- session every one), by login, with the events their sender has not done yet.
CREATE FUNCTION api.wa_cloud_cuentas()
RETURNS TABLE (usuario_id int, login text, nombre text, numero_id text, estado text, jid text,
               pendientes int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ver int[];
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        ver := (SELECT coalesce(array_agg(u.id), '{}') FROM crm.usuarios u);
    ELSE
        ver := coalesce(crm.usuarios_visibles(), '{}');
    END IF;
    RETURN QUERY
    SELECT u.id, u.login, u.nombre, c.cloud_numero_id, c.estado, c.jid,
           (SELECT count(*) FROM crm.wa_cloud_eventos e
             WHERE e.usuario_id = c.usuario_id AND e.hecho_at IS NULL)::int
      FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id
     WHERE c.proveedor = 'CLOUD' AND c.usuario_id = ANY (ver)
     ORDER BY u.login;
END
$$;

-- =============================================================================================
-- The webhook's events: stored, taken, done

-- Stores the events of one webhook body, verified by the receiver (the signature is not the
-- database's business): for each entry[].changes[] of field "messages", the CLOUD account
-- whose cloud_numero_id is value.metadata.phone_number_id gets one ESTADO row per
-- value.statuses[] and one MENSAJE row per value.messages[] (datos = that object), in the
-- body's order; a repeated event is stored once. One NOTIFY
-- {"tabla":"wa_cloud_eventos","usuario_id":N} per account that got rows. eventos = rows
-- added; ajenos = events stored for nobody: a number that is no CLOUD account's, or an
-- object without the id (and status) Meta always sends. 42501 unless a server session;
-- EB397 not JSON, or not "object": "whatsapp_business_account".
CREATE FUNCTION api.wa_cloud_recibir(cuerpo text) RETURNS TABLE (eventos int, ajenos int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    doc     jsonb;
    nuevos  int;
    sin     int;
    cuentas int[];
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        RAISE EXCEPTION 'solo una sesión de servidor (administrador) recibe los avisos de '
                        'WhatsApp' USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        doc := cuerpo::jsonb;
    EXCEPTION WHEN data_exception THEN
        RAISE EXCEPTION 'el aviso de WhatsApp no es JSON válido' USING ERRCODE = 'EB397';
    END;
    IF jsonb_typeof(doc) IS DISTINCT FROM 'object'
       OR doc ->> 'object' IS DISTINCT FROM 'whatsapp_business_account' THEN
        RAISE EXCEPTION 'el aviso no es de una cuenta de WhatsApp Business (se espera '
                        '"object": "whatsapp_business_account")' USING ERRCODE = 'EB397';
    END IF;
    WITH cambios AS (
        SELECT ch.v -> 'value' AS v, e.i, ch.j
          FROM jsonb_array_elements(crm.jsonb_arreglo(doc -> 'entry')) WITH ORDINALITY e(x, i)
         CROSS JOIN LATERAL jsonb_array_elements(crm.jsonb_arreglo(e.x -> 'changes'))
                            WITH ORDINALITY ch(v, j)
         WHERE ch.v ->> 'field' = 'messages'
    ), todos AS (
        SELECT x.v -> 'metadata' ->> 'phone_number_id' AS numero, 'ESTADO' AS tipo, s.o AS datos,
               CASE WHEN jsonb_typeof(s.o -> 'id') = 'string'
                         AND jsonb_typeof(s.o -> 'status') = 'string'
                    THEN (s.o ->> 'id') || ':' || (s.o ->> 'status') END AS clave,
               x.i, x.j, 1 AS g, s.k
          FROM cambios x
         CROSS JOIN LATERAL jsonb_array_elements(crm.jsonb_arreglo(x.v -> 'statuses'))
                            WITH ORDINALITY s(o, k)
        UNION ALL
        SELECT x.v -> 'metadata' ->> 'phone_number_id', 'MENSAJE', m.o,
               CASE WHEN jsonb_typeof(m.o -> 'id') = 'string' THEN m.o ->> 'id' END,
               x.i, x.j, 2, m.k
          FROM cambios x
         CROSS JOIN LATERAL jsonb_array_elements(crm.jsonb_arreglo(x.v -> 'messages'))
                            WITH ORDINALITY m(o, k)
    ), suyos AS (
        SELECT c.usuario_id, t.*
          FROM todos t JOIN crm.wa_cuentas c ON c.cloud_numero_id = t.numero
         WHERE c.proveedor = 'CLOUD' AND length(t.clave) BETWEEN 1 AND 512
    ), guardados AS (
        INSERT INTO crm.wa_cloud_eventos (usuario_id, tipo, clave, datos)
        SELECT s.usuario_id, s.tipo, s.clave, s.datos FROM suyos s ORDER BY s.i, s.j, s.g, s.k
        ON CONFLICT ON CONSTRAINT wa_cloud_eventos_clave DO NOTHING
        RETURNING usuario_id
    )
    SELECT (SELECT count(*) FROM guardados),
           (SELECT count(*) FROM todos) - (SELECT count(*) FROM suyos),
           (SELECT array_agg(DISTINCT g.usuario_id) FROM guardados g)
      INTO nuevos, sin, cuentas;
    PERFORM pg_notify('embudo', json_build_object('tabla', 'wa_cloud_eventos',
                                                  'usuario_id', u)::text)
       FROM unnest(cuentas) u;
    RETURN QUERY SELECT nuevos, sin;
END
$$;

-- Takes up to max (1…500) events of account cuenta for its sender, oldest first: those never
-- taken and those taken more than 5 minutes ago and not done (a sender that died), locked
-- with SKIP LOCKED so two senders never hold the same row. Also drops up to 1000 of the
-- account's events done more than 7 days ago (long past any retry of Meta's). EB363, EB362
-- (max).
CREATE FUNCTION api.wa_cloud_tomar(cuenta int, max int)
RETURNS TABLE (id bigint, tipo text, datos jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF max IS NULL OR max NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION 'se toman de 1 a 500 avisos a la vez, no %', coalesce(max::text, '(vacío)')
            USING ERRCODE = 'EB362';
    END IF;
    DELETE FROM crm.wa_cloud_eventos x
     WHERE x.id IN (SELECT y.id FROM crm.wa_cloud_eventos y
                     WHERE y.usuario_id = cuenta AND y.hecho_at < now() - interval '7 days'
                     LIMIT 1000
                       FOR UPDATE SKIP LOCKED);
    RETURN QUERY
    WITH tomados AS (
        UPDATE crm.wa_cloud_eventos x SET tomado_at = now()
         WHERE x.id IN (SELECT y.id FROM crm.wa_cloud_eventos y
                         WHERE y.usuario_id = cuenta AND y.hecho_at IS NULL
                           AND (y.tomado_at IS NULL
                                OR y.tomado_at < now() - interval '5 minutes')
                         ORDER BY y.id
                         LIMIT max
                           FOR UPDATE SKIP LOCKED)
        RETURNING x.id, x.tipo, x.datos)
    SELECT t.id, t.tipo, t.datos FROM tomados t ORDER BY t.id;
END
$$;

-- Marks events ids of account cuenta done; ids of another account, or done already, are left
-- alone. Returns how many it marked. EB363.
CREATE FUNCTION api.wa_cloud_hechos(cuenta int, ids bigint[]) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n int;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    UPDATE crm.wa_cloud_eventos x SET hecho_at = now()
     WHERE x.usuario_id = cuenta AND x.id = ANY (ids) AND x.hecho_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- =============================================================================================
-- The sender's

-- Account cuenta's provider as its sender needs it: WEB or CLOUD with Meta's phone number id.
-- EB363.
CREATE FUNCTION api.wa_cloud_remitente(cuenta int)
RETURNS TABLE (proveedor text, numero_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN QUERY
    SELECT coalesce(c.proveedor, 'WEB'), c.cloud_numero_id
      FROM (SELECT 1) u
      LEFT JOIN crm.wa_cuentas c ON c.usuario_id = cuenta;
END
$$;

-- What Meta said about account cuenta's number when its sender connected: the number's digits
-- (its jid from now on) and its quality rating (NULL: unknown). Changes and notifies only
-- what differs. EB363, EB332 (not 6…20 digits, a rating that is no word), EB393 (not a CLOUD
-- account).
CREATE FUNCTION api.wa_cloud_conectada(cuenta int, numero text, calidad text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c   crm.wa_cuentas;
    num text := btrim(numero);
    cal text := upper(nullif(btrim(calidad), ''));
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF num IS NULL OR num !~ '^[0-9]{6,20}$' THEN
        RAISE EXCEPTION 'número de WhatsApp inválido «%»: de 6 a 20 dígitos',
            left(coalesce(numero, ''), 40) USING ERRCODE = 'EB332';
    END IF;
    IF cal !~ '^[A-Z_]{1,20}$' THEN
        RAISE EXCEPTION 'calificación de calidad de Meta inválida «%»', left(calidad, 40)
            USING ERRCODE = 'EB332';
    END IF;
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = cuenta FOR UPDATE;
    IF c.proveedor IS DISTINCT FROM 'CLOUD' THEN
        RAISE EXCEPTION 'la cuenta de WhatsApp % no es de la API oficial', cuenta
            USING ERRCODE = 'EB393';
    END IF;
    UPDATE crm.wa_cuentas x
       SET jid = num || '@s.whatsapp.net', cloud_calidad = cal, actualizado_at = now()
     WHERE x.usuario_id = cuenta
       AND (x.jid IS DISTINCT FROM num || '@s.whatsapp.net'
            OR x.cloud_calidad IS DISTINCT FROM cal);
END
$$;

-- The approved template Meta must render for message mensaje, with the message's parameter
-- values (zero rows: its campaign has none — send its text). EB360 when the caller may not
-- send it.
CREATE FUNCTION api.wa_cloud_plantilla_mensaje(mensaje bigint)
RETURNS TABLE (nombre text, idioma text, parametros jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    m crm.wa_mensajes;
BEGIN
    SELECT * INTO m FROM crm.wa_mensajes x WHERE x.id = mensaje;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el mensaje % no existe o no es suyo', coalesce(mensaje::text, '(vacío)')
            USING ERRCODE = 'EB360';
    END IF;
    BEGIN
        PERFORM crm.wa_remitente(m.usuario_id);
    EXCEPTION WHEN SQLSTATE 'EB363' THEN
        RAISE EXCEPTION 'el mensaje % no existe o no es suyo', mensaje USING ERRCODE = 'EB360';
    END;
    RETURN QUERY
    SELECT k.meta_nombre, k.meta_idioma, m.parametros
      FROM crm.wa_campanas k
     WHERE k.id = m.campana_id AND k.meta_nombre IS NOT NULL;
END
$$;

-- =============================================================================================
-- Privileges: nothing for PUBLIC; reading functions for every user (they refuse by
-- themselves); writing ones for the working groups, as since 071 (an auditor: 42501); the
-- admin's and the webhook's for admins (and the owner and superusers, who need no grant).

REVOKE ALL ON FUNCTION crm.wa_exigir_web(crm.wa_cuentas), crm.wa_cuentas_cloud(),
                       crm.wa_tope_fila(crm.wa_cuentas, date, crm.wa_ajustes),
                       crm.plantilla_tiene_variaciones(text), crm.meta_exigir(text, text),
                       crm.plantillas_meta(), crm.jsonb_arreglo(jsonb),
                       crm.wa_campanas_enviar(), crm.wa_proveedor_texto(text, text),
                       crm.wa_cloud_exigir_admin(), crm.wa_cloud_registrar(int, text, text),
                       api.plantilla_meta(bigint, text, text),
                       api.campana_meta(bigint, text, text, bigint[], jsonb),
                       api.wa_cloud_asignar(text, text), api.wa_cloud_quitar(text),
                       api.wa_cloud_recibir(text), api.wa_cloud_tomar(int, int),
                       api.wa_cloud_hechos(int, bigint[]), api.wa_cloud_cuentas(),
                       api.wa_cloud_remitente(int), api.wa_cloud_conectada(int, text, text),
                       api.wa_cloud_plantilla_mensaje(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.wa_cloud_cuentas(), api.wa_cloud_remitente(int),
                          api.wa_cloud_plantilla_mensaje(bigint)
    TO embudo_usuario;
GRANT EXECUTE ON FUNCTION api.plantilla_meta(bigint, text, text),
                          api.campana_meta(bigint, text, text, bigint[], jsonb),
                          api.wa_cloud_conectada(int, text, text), api.wa_cloud_tomar(int, int),
                          api.wa_cloud_hechos(int, bigint[])
    TO embudo_promotor, embudo_supervisor, embudo_admin;
GRANT EXECUTE ON FUNCTION api.wa_cloud_asignar(text, text), api.wa_cloud_quitar(text),
                          api.wa_cloud_recibir(text)
    TO embudo_admin;
