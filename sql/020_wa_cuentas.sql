-- 020_wa_cuentas.sql — WhatsApp accounts (one per promoter), the campaign settings and the
-- daily cap with its warm-up ramp.
--
-- crm.wa_cuentas is a contract with the linking code (docs/campanas.md "Base de datos"):
-- credenciales is a blob sealed in C (src/crypto/seal.h, associated data "wa_cuentas:<id>");
-- the database never sees plaintext. en_uso_desde drives the warm-up ramp and survives
-- re-links of the same number (a different number starts the ramp again).
-- Refusals: EB330…EB334 (docs/sqlstates.md).

SET LOCAL ROLE embudo_owner;

-- One row of campaign settings.
CREATE TABLE crm.wa_ajustes (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- A phone messaged (or scheduled) by any campaign in the last N days is skipped.
    recontacto_dias  smallint NOT NULL DEFAULT 7 CHECK (recontacto_dias BETWEEN 0 AND 365),
    -- The warm-up ramp: src/core/pacing.h PACING_WARMUP_START / PACING_WARMUP_DAYS.
    rampa_inicio     smallint NOT NULL DEFAULT 20 CHECK (rampa_inicio BETWEEN 1 AND 1000),
    rampa_dias       smallint NOT NULL DEFAULT 14 CHECK (rampa_dias BETWEEN 0 AND 365),
    -- How far ahead creation plans (operating days); what does not fit is skipped SIN_CUPO.
    horizonte_dias   smallint NOT NULL DEFAULT 60 CHECK (horizonte_dias BETWEEN 1 AND 365)
);
INSERT INTO crm.wa_ajustes DEFAULT VALUES;
GRANT SELECT ON crm.wa_ajustes TO embudo_usuario;

CREATE TABLE crm.wa_cuentas (
    usuario_id     int PRIMARY KEY REFERENCES crm.usuarios,
    jid            text CHECK (jid ~ '^[0-9]{6,20}(:[0-9]{1,5})?@s\.whatsapp\.net$'),
    estado         text NOT NULL DEFAULT 'SIN_VINCULAR'
                   CHECK (estado IN ('SIN_VINCULAR', 'VINCULANDO', 'CONECTADA', 'DESCONECTADA',
                                     'REQUIERE_VINCULO', 'BLOQUEADA')),
    credenciales   bytea CHECK (octet_length(credenciales) BETWEEN 1 AND 1048576),
    vinculada_at   timestamptz,
    en_uso_desde   date,
    envio_servidor boolean NOT NULL DEFAULT false,
    limite_diario  int NOT NULL DEFAULT 180 CHECK (limite_diario BETWEEN 1 AND 1000),
    detalle        text CHECK (length(detalle) <= 500),
    actualizado_at timestamptz NOT NULL DEFAULT now(),
    CHECK (estado <> 'CONECTADA' OR credenciales IS NOT NULL)
);

-- The number part of a jid ("5215512345678:3@s.whatsapp.net" → "5215512345678").
CREATE FUNCTION crm.jid_numero(jid text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT nullif(split_part(split_part(jid, '@', 1), ':', 1), '')
$$;

-- The daily cap of an account on business date dia: min(limite, ramp). Mirrors
-- pacing_cap_for() in src/core/pacing.c exactly (tests/db/test_campana_tope.c pins both):
-- ramp = inicio + (limite - inicio) * d / dias (integer division), d = days since
-- en_uso_desde (0 when unknown or not after it), the limit from day dias + 1 on.
CREATE FUNCTION crm.wa_tope(limite int, en_uso_desde date, dia date, inicio int, dias int)
RETURNS int
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE
           WHEN dias = 0 OR inicio >= limite THEN limite
           WHEN coalesce(dia - en_uso_desde, 0) >= dias THEN limite
           ELSE inicio + ((limite - inicio)::bigint * greatest(coalesce(dia - en_uso_desde, 0), 0)
                          / dias)::int
           END
$$;

-- The cap of account cuenta on dia, with the configured ramp.
CREATE FUNCTION crm.wa_tope_cuenta(cuenta int, dia date) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.wa_tope(c.limite_diario, c.en_uso_desde, dia, a.rampa_inicio, a.rampa_dias)
      FROM crm.wa_cuentas c, crm.wa_ajustes a
     WHERE c.usuario_id = cuenta
$$;

-- Live panes: {"tabla":"wa_cuentas","usuario_id":N}.
CREATE FUNCTION crm.wa_cuentas_notificar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('embudo', json_build_object('tabla', 'wa_cuentas',
                                                  'usuario_id', u.usuario_id)::text)
       FROM (SELECT DISTINCT usuario_id FROM nuevas) u;
    RETURN NULL;
END
$$;
CREATE TRIGGER wa_cuentas_ins AFTER INSERT ON crm.wa_cuentas
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.wa_cuentas_notificar();
CREATE TRIGGER wa_cuentas_upd AFTER UPDATE ON crm.wa_cuentas
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.wa_cuentas_notificar();

-- The caller's row when it is a promoter (the only role with a WhatsApp account), or
-- EB001 / EB330.
CREATE FUNCTION crm.yo_promotor_wa() RETURNS crm.usuarios
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios := crm.yo_fila();
BEGIN
    IF u.rol <> 'PROMOTOR' THEN
        RAISE EXCEPTION 'solo los promotores tienen cuenta de WhatsApp y envían campañas'
            USING ERRCODE = 'EB330';
    END IF;
    RETURN u;
END
$$;

-- The caller's account row, created (SIN_VINCULAR) when missing, and locked.
CREATE FUNCTION crm.wa_cuenta_bloquear(usuario int) RETURNS crm.wa_cuentas
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c crm.wa_cuentas;
BEGIN
    INSERT INTO crm.wa_cuentas (usuario_id) VALUES (usuario) ON CONFLICT DO NOTHING;
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = usuario FOR UPDATE;
    RETURN c;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- api

-- The caller's own account (a SIN_VINCULAR row with the defaults when none was stored yet),
-- with the sealed credentials and today's cap.
CREATE FUNCTION api.wa_cuenta()
RETURNS TABLE (usuario_id int, jid text, estado text, credenciales bytea,
               vinculada_at timestamptz, en_uso_desde date, envio_servidor boolean,
               limite_diario int, detalle text, actualizado_at timestamptz, tope_hoy int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
    c  crm.wa_cuentas;
    a  crm.wa_ajustes;
BEGIN
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = yo.id;
    IF NOT FOUND THEN
        c := ROW(yo.id, NULL, 'SIN_VINCULAR', NULL, NULL, NULL, false, 180, NULL, now());
    END IF;
    SELECT * INTO a FROM crm.wa_ajustes;
    RETURN QUERY SELECT c.usuario_id, c.jid, c.estado, c.credenciales, c.vinculada_at,
        c.en_uso_desde, c.envio_servidor, c.limite_diario, c.detalle, c.actualizado_at,
        crm.wa_tope(c.limite_diario, c.en_uso_desde, crm.fecha_negocio(now()), a.rampa_inicio,
                    a.rampa_dias);
END
$$;

-- Stores the sealed credentials after pairing: estado CONECTADA, vinculada_at now. The
-- warm-up start (en_uso_desde) is kept when the number is the same as before, and starts
-- today for a new number.
CREATE FUNCTION api.wa_guardar_credenciales(jid text, credenciales bytea) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
    c  crm.wa_cuentas;
BEGIN
    IF jid IS NULL OR jid !~ '^[0-9]{6,20}(:[0-9]{1,5})?@s\.whatsapp\.net$' THEN
        RAISE EXCEPTION 'identificador de WhatsApp inválido: "%"', left(coalesce(jid, ''), 60)
            USING ERRCODE = 'EB332';
    END IF;
    IF credenciales IS NULL OR octet_length(credenciales) NOT BETWEEN 1 AND 1048576 THEN
        RAISE EXCEPTION 'credenciales vacías o demasiado grandes (máximo 1 MiB)'
            USING ERRCODE = 'EB332';
    END IF;
    c := crm.wa_cuenta_bloquear(yo.id);
    UPDATE crm.wa_cuentas x
       SET jid = wa_guardar_credenciales.jid, credenciales = wa_guardar_credenciales.credenciales,
           estado = 'CONECTADA', detalle = NULL, vinculada_at = now(), actualizado_at = now(),
           en_uso_desde = CASE
               WHEN crm.jid_numero(c.jid) = crm.jid_numero(wa_guardar_credenciales.jid)
                    AND c.en_uso_desde IS NOT NULL THEN c.en_uso_desde
               ELSE crm.fecha_negocio(now()) END
     WHERE x.usuario_id = yo.id;
END
$$;

-- Records a state reported by the connection (VINCULANDO, CONECTADA, DESCONECTADA,
-- REQUIERE_VINCULO — logged out: the credentials are dropped —, BLOQUEADA). detalle is the
-- Spanish reason shown in the pane (may be NULL).
CREATE FUNCTION api.wa_cambiar_estado(estado text, detalle text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
    c  crm.wa_cuentas;
    d  text := nullif(btrim(detalle), '');
BEGIN
    IF estado IS NULL OR estado NOT IN ('VINCULANDO', 'CONECTADA', 'DESCONECTADA',
                                        'REQUIERE_VINCULO', 'BLOQUEADA') THEN
        RAISE EXCEPTION 'estado de WhatsApp inválido «%»: VINCULANDO, CONECTADA, DESCONECTADA, '
                        'REQUIERE_VINCULO o BLOQUEADA', coalesce(estado, '')
            USING ERRCODE = 'EB331';
    END IF;
    IF length(d) > 500 THEN
        RAISE EXCEPTION 'el detalle pasa de 500 caracteres' USING ERRCODE = 'EB331';
    END IF;
    c := crm.wa_cuenta_bloquear(yo.id);
    IF estado = 'CONECTADA' AND c.credenciales IS NULL THEN
        RAISE EXCEPTION 'la cuenta no tiene credenciales guardadas: vincúlela primero'
            USING ERRCODE = 'EB333';
    END IF;
    UPDATE crm.wa_cuentas x
       SET estado = wa_cambiar_estado.estado, detalle = d, actualizado_at = now(),
           credenciales = CASE WHEN wa_cambiar_estado.estado = 'REQUIERE_VINCULO' THEN NULL
                               ELSE x.credenciales END
     WHERE x.usuario_id = yo.id;
END
$$;

-- Unlinks: credentials dropped, SIN_VINCULAR. jid and en_uso_desde stay, so re-linking the
-- same number keeps its warm-up.
CREATE FUNCTION api.wa_desvincular() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
BEGIN
    PERFORM crm.wa_cuenta_bloquear(yo.id);
    UPDATE crm.wa_cuentas x
       SET estado = 'SIN_VINCULAR', credenciales = NULL, detalle = NULL, actualizado_at = now()
     WHERE x.usuario_id = yo.id;
END
$$;

-- Account settings; NULL = unchanged. en_uso_desde (when the number really started being
-- used; the link flow asks for it) may not be in the future; limite_diario 1…1000.
CREATE FUNCTION api.wa_configurar(limite_diario int DEFAULT NULL, envio_servidor boolean DEFAULT NULL,
                                  en_uso_desde date DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
BEGIN
    IF limite_diario IS NOT NULL AND limite_diario NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'límite diario fuera de 1 a 1000: %', limite_diario
            USING ERRCODE = 'EB334';
    END IF;
    IF en_uso_desde IS NOT NULL AND en_uso_desde > crm.fecha_negocio(now()) THEN
        RAISE EXCEPTION 'la fecha de inicio de uso (%) no puede ser futura', en_uso_desde
            USING ERRCODE = 'EB334';
    END IF;
    PERFORM crm.wa_cuenta_bloquear(yo.id);
    UPDATE crm.wa_cuentas x
       SET limite_diario = coalesce(wa_configurar.limite_diario, x.limite_diario),
           envio_servidor = coalesce(wa_configurar.envio_servidor, x.envio_servidor),
           en_uso_desde = coalesce(wa_configurar.en_uso_desde, x.en_uso_desde),
           actualizado_at = now()
     WHERE x.usuario_id = yo.id;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: the sealed credentials are not readable from the table (api.wa_cuenta gives the
-- caller its own); the rest is visible like every per-user row.

ALTER TABLE crm.wa_cuentas ENABLE ROW LEVEL SECURITY;
GRANT SELECT (usuario_id, jid, estado, vinculada_at, en_uso_desde, envio_servidor,
              limite_diario, detalle, actualizado_at) ON crm.wa_cuentas TO embudo_usuario;
CREATE POLICY visibles ON crm.wa_cuentas FOR SELECT TO embudo_usuario
    USING (usuario_id = ANY ((SELECT crm.usuarios_visibles())::int[]));

GRANT EXECUTE ON FUNCTION api.wa_cuenta(), api.wa_guardar_credenciales(text, bytea),
                          api.wa_cambiar_estado(text, text), api.wa_desvincular(),
                          api.wa_configurar(int, boolean, date)
    TO embudo_usuario;
