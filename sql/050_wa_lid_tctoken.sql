-- 050_wa_lid_tctoken.sql — per-contact WhatsApp state that must outlive a process (issue 7;
-- docs/wa.md "Mensajes"): the LID ↔ phone map each account learnt from usync, and the
-- privacy tokens (tctoken) contacts issued to the account.
--
-- * crm.wa_lids: one row per phone user (digits) with the LID user (digits) the server gave.
--   A LID names one phone: storing a LID under a new phone moves it.
-- * crm.wa_tctokens: the newest token per contact JID (its LID when known, else its phone
--   JID), with the token's own timestamp t. Not sealed, unlike the Signal store (031): a token
--   is no key — it only lets this account's authenticated device reach that contact, and the
--   server checks it against the account that presents it — and the row says nothing the
--   account's wa_mensajes rows do not already say (whom it writes to). RLS keeps both tables
--   to their owner.
--
-- Rows are the account's alone: RLS lets only the owner read them; writes go through the
-- SECURITY DEFINER functions below, which take the account explicitly like 031's (the
-- promoter's own session, or a server session for an account with envio_servidor:
-- crm.wa_remitente, EB363). Refusals: EB382 (bad LID row), EB383 (bad token row).
-- Neither table is emptied by an unlink: a phone's LID and a contact's token belong to the
-- WhatsApp account, not to the linked device.

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.wa_lids (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    pn         text NOT NULL CHECK (pn ~ '^[0-9]{1,20}$'),
    lid        text NOT NULL CHECK (lid ~ '^[0-9]{1,20}$'),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, pn),
    UNIQUE (usuario_id, lid)
);

CREATE TABLE crm.wa_tctokens (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    jid        text NOT NULL CHECK (jid ~ '^[0-9]{1,20}@(lid|s\.whatsapp\.net)$'),
    token      bytea NOT NULL CHECK (octet_length(token) BETWEEN 1 AND 1024),
    t          bigint NOT NULL CHECK (t > 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, jid)
);

-- Stores that phone user pn has LID user lid (both bare digits). EB363, EB382.
CREATE FUNCTION api.wa_lid_guardar(cuenta int, pn text, lid text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF pn IS NULL OR lid IS NULL OR pn !~ '^[0-9]{1,20}$' OR lid !~ '^[0-9]{1,20}$' THEN
        RAISE EXCEPTION 'par teléfono/LID inválido (dígitos, 1 a 20)' USING ERRCODE = 'EB382';
    END IF;
    DELETE FROM crm.wa_lids l WHERE l.usuario_id = cuenta AND l.lid = $3 AND l.pn <> $2;
    INSERT INTO crm.wa_lids (usuario_id, pn, lid) VALUES (cuenta, $2, $3)
    ON CONFLICT ON CONSTRAINT wa_lids_pkey DO UPDATE SET lid = excluded.lid, updated_at = now()
        WHERE crm.wa_lids.lid IS DISTINCT FROM excluded.lid;
END
$$;

-- The account's map, most recently learnt first, at most limite rows. EB363.
CREATE FUNCTION api.wa_lid_filas(cuenta int, limite int)
RETURNS TABLE (pn text, lid text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN QUERY SELECT l.pn, l.lid FROM crm.wa_lids l WHERE l.usuario_id = cuenta
                  ORDER BY l.updated_at DESC, l.pn LIMIT greatest(coalesce(limite, 0), 0);
END
$$;

-- Keeps token (issued at t, unix seconds) for contact jid unless the stored one is newer;
-- returns whether it was stored. EB363, EB383.
CREATE FUNCTION api.wa_tctoken_guardar(cuenta int, jid text, token bytea, t bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    n int;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF jid IS NULL OR jid !~ '^[0-9]{1,20}@(lid|s\.whatsapp\.net)$' OR token IS NULL
       OR octet_length(token) NOT BETWEEN 1 AND 1024 OR t IS NULL OR t <= 0 THEN
        RAISE EXCEPTION 'token de privacidad inválido (JID de usuario, 1 a 1024 bytes, t > 0)'
            USING ERRCODE = 'EB383';
    END IF;
    INSERT INTO crm.wa_tctokens AS x (usuario_id, jid, token, t) VALUES (cuenta, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT wa_tctokens_pkey DO UPDATE SET token = excluded.token, t = excluded.t,
                                                updated_at = now()
        WHERE x.t <= excluded.t;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n > 0;
END
$$;

-- The account's tokens issued at or after desde (unix seconds; older ones no longer attach),
-- newest first, at most limite rows. EB363.
CREATE FUNCTION api.wa_tctoken_filas(cuenta int, desde bigint, limite int)
RETURNS TABLE (jid text, token bytea, t bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN QUERY SELECT x.jid, x.token, x.t FROM crm.wa_tctokens x
                  WHERE x.usuario_id = cuenta AND x.t >= coalesce(desde, 0)
                  ORDER BY x.t DESC, x.jid LIMIT greatest(coalesce(limite, 0), 0);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: owner-only reads (RLS); no direct writes.

ALTER TABLE crm.wa_lids ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.wa_tctokens ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON crm.wa_lids, crm.wa_tctokens TO embudo_usuario;
CREATE POLICY propias ON crm.wa_lids FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());
CREATE POLICY propias ON crm.wa_tctokens FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());

GRANT EXECUTE ON FUNCTION api.wa_lid_guardar(int, text, text), api.wa_lid_filas(int, int),
                          api.wa_tctoken_guardar(int, text, bytea, bigint),
                          api.wa_tctoken_filas(int, bigint, int)
    TO embudo_usuario;
