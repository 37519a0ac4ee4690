-- 032_wa_envio_manual: texts sent by hand (`embudo wa enviar`, issue 7) go through the same
-- governor as campaigns: they count against the account's daily cap (warm-up included) and
-- are refused to a phone that opted out.
--
-- * crm.wa_envios_manuales: one row per manual text (wa_id = the WhatsApp message id),
--   forward-only state ENVIANDO → ENVIADO → ENTREGADO → LEIDO, or FALLIDO.
-- * crm.wa_en_curso_hoy (027) now also counts the manual texts of the day (every row
--   created today that did not fail), so the campaign claim, the sender's next-due check and
--   the manual send share one count.
-- * api.wa_envio_manual(telefono, jid, wa_id): the check and the row, under the account's
--   send lock (the one api.mensaje_reclamar takes); EB365 cap reached, EB366 opted out.
-- * api.wa_envio_manual_estado(wa_id, estado, error): ack and receipts.

CREATE TABLE crm.wa_envios_manuales (
    id           bigserial PRIMARY KEY,
    usuario_id   int NOT NULL REFERENCES crm.wa_cuentas,
    telefono     text NOT NULL CHECK (telefono ~ '^\+[0-9]{8,15}$'),
    jid          text NOT NULL CHECK (jid ~ '^[0-9]{6,20}@s\.whatsapp\.net$'),
    wa_id        text NOT NULL UNIQUE CHECK (wa_id ~ '^[!-~]{1,64}$'),
    estado       text NOT NULL DEFAULT 'ENVIANDO'
                 CHECK (estado IN ('ENVIANDO', 'ENVIADO', 'ENTREGADO', 'LEIDO', 'FALLIDO')),
    error        text CHECK (length(error) <= 200),
    creado_at    timestamptz NOT NULL DEFAULT now(),
    enviado_at   timestamptz,
    entregado_at timestamptz,
    leido_at     timestamptz
);
CREATE INDEX wa_envios_manuales_dia ON crm.wa_envios_manuales (usuario_id, creado_at);
REVOKE ALL ON crm.wa_envios_manuales FROM PUBLIC;

-- The manual texts of account cuenta that count on day hoy (the table is not readable by
-- sessions; wa_en_curso_hoy runs with the caller's rights).
CREATE FUNCTION crm.wa_manuales_dia(cuenta int, hoy date) RETURNS int
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT count(*)::int FROM crm.wa_envios_manuales x
     WHERE x.usuario_id = cuenta AND x.estado <> 'FALLIDO'
       AND x.creado_at >= hoy::timestamp AT TIME ZONE crm.zona()
       AND x.creado_at < (hoy + 1)::timestamp AT TIME ZONE crm.zona()
$$;

CREATE OR REPLACE FUNCTION crm.wa_en_curso_hoy(cuenta int, hoy date) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ((SELECT count(*) FROM crm.wa_mensajes m
              WHERE m.usuario_id = cuenta AND m.estado = 'ENVIANDO')
          + (SELECT count(*) FROM crm.wa_mensajes m
              WHERE m.usuario_id = cuenta AND m.enviado_at IS NOT NULL
                AND m.enviado_at >= hoy::timestamp AT TIME ZONE crm.zona()
                AND m.enviado_at < (hoy + 1)::timestamp AT TIME ZONE crm.zona())
          + crm.wa_manuales_dia(cuenta, hoy))::int
$$;

-- Reserves one of today's sends for a manual text to telefono (E.164, "+" and digits) at jid
-- (the canonical JID a number check returned) under wa_id. Returns how many sends are left
-- today after this one.
CREATE FUNCTION api.wa_envio_manual(telefono text, jid text, wa_id text) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cuenta int := crm.yo();
    hoy    date := crm.fecha_negocio(now());
    usados int;
    tope   int;
BEGIN
    PERFORM crm.wa_remitente(cuenta);                                   -- EB363
    PERFORM pg_advisory_xact_lock(hashtext('embudo.wa_envio'), cuenta);
    IF NOT EXISTS (SELECT 1 FROM crm.wa_cuentas c WHERE c.usuario_id = cuenta) THEN
        RAISE EXCEPTION 'la cuenta de WhatsApp no existe' USING ERRCODE = 'EB363';
    END IF;
    IF EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = wa_envio_manual.telefono) THEN
        RAISE EXCEPTION 'el número % pidió no recibir mensajes (baja)', telefono
            USING ERRCODE = 'EB366';
    END IF;
    usados := crm.wa_en_curso_hoy(cuenta, hoy);
    tope := crm.wa_tope_cuenta(cuenta, hoy);
    IF usados >= tope THEN
        RAISE EXCEPTION 'límite diario alcanzado: % de % envíos hoy', usados, tope
            USING ERRCODE = 'EB365';
    END IF;
    INSERT INTO crm.wa_envios_manuales (usuario_id, telefono, jid, wa_id)
    VALUES (cuenta, telefono, jid, wa_id);
    RETURN tope - usados - 1;
END
$$;

-- Records what the server said about a manual text: ENVIADO (ack), ENTREGADO, LEIDO
-- (receipts; read implies delivered) or FALLIDO with error (a refused ack). Forward only:
-- true when something changed. EB360 unknown wa_id or not the caller's; EB362 bad estado.
CREATE FUNCTION api.wa_envio_manual_estado(wa_id text, estado text, error text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    x     crm.wa_envios_manuales;
    orden CONSTANT text[] := ARRAY['ENVIANDO', 'ENVIADO', 'ENTREGADO', 'LEIDO'];
BEGIN
    SELECT * INTO x FROM crm.wa_envios_manuales m WHERE m.wa_id = wa_envio_manual_estado.wa_id
       FOR UPDATE;
    IF NOT FOUND OR x.usuario_id IS DISTINCT FROM crm.yo() THEN
        RAISE EXCEPTION 'el envío % no existe', wa_id USING ERRCODE = 'EB360';
    END IF;
    IF estado IS NULL OR NOT (estado = ANY (orden) OR estado = 'FALLIDO') THEN
        RAISE EXCEPTION 'estado de envío inválido: %', estado USING ERRCODE = 'EB362';
    END IF;
    IF estado = 'FALLIDO' THEN
        IF x.estado <> 'ENVIANDO' THEN
            RETURN false;
        END IF;
        UPDATE crm.wa_envios_manuales m SET estado = 'FALLIDO', error = left(wa_envio_manual_estado.error, 200)
         WHERE m.id = x.id;
        RETURN true;
    END IF;
    IF x.estado = 'FALLIDO' OR array_position(orden, estado) <= array_position(orden, x.estado) THEN
        RETURN false;
    END IF;
    UPDATE crm.wa_envios_manuales m
       SET estado = wa_envio_manual_estado.estado,
           enviado_at = coalesce(m.enviado_at, now()),
           entregado_at = CASE WHEN wa_envio_manual_estado.estado IN ('ENTREGADO', 'LEIDO')
                               THEN coalesce(m.entregado_at, now()) END,
           leido_at = CASE WHEN wa_envio_manual_estado.estado = 'LEIDO' THEN now() END
     WHERE m.id = x.id;
    RETURN true;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_envio_manual(text, text, text),
                          api.wa_envio_manual_estado(text, text, text) TO embudo_usuario;
