-- 031_wa_signal.sql — the Signal store of each WhatsApp account (issue 7; docs/wa.md "Signal").
--
-- Five tables, one row per Signal record: peers' identity keys, our one-time pre-keys, our
-- signed pre-keys, sessions and sender keys. Every blob is sealed in C (src/crypto/seal,
-- XChaCha20-Poly1305) with associated data "<table>:<usuario_id>:<row key>", so the database
-- never sees a key, and a row moved to another account, table or key does not open.
-- src/wa/signal writes a row before the libsignal call that changed it returns; one-time
-- pre-keys are deleted when a message consumes them.
--
-- Rows are the account's alone: RLS lets only the owner read them; writes go through the
-- SECURITY DEFINER functions below, which take the account explicitly, like 028's sender
-- functions (the promoter's own session, or a server session for an account with
-- envio_servidor: crm.wa_remitente, EB363). Refusals: EB380, EB381 (docs/sqlstates.md).

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.wa_signal_identidades (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    direccion  text NOT NULL CHECK (direccion ~ '^[0-9]{1,63}(_[0-9]{1,3})?\.[0-9]{1,5}$'),
    blob       bytea NOT NULL CHECK (octet_length(blob) BETWEEN 41 AND 1048617),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, direccion)
);

CREATE TABLE crm.wa_signal_prekeys (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    prekey_id  int NOT NULL CHECK (prekey_id BETWEEN 0 AND 16777215),
    blob       bytea NOT NULL CHECK (octet_length(blob) BETWEEN 41 AND 1048617),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, prekey_id)
);

CREATE TABLE crm.wa_signal_signed_prekeys (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    prekey_id  int NOT NULL CHECK (prekey_id BETWEEN 0 AND 16777215),
    blob       bytea NOT NULL CHECK (octet_length(blob) BETWEEN 41 AND 1048617),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, prekey_id)
);

CREATE TABLE crm.wa_signal_sesiones (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    direccion  text NOT NULL CHECK (direccion ~ '^[0-9]{1,63}(_[0-9]{1,3})?\.[0-9]{1,5}$'),
    blob       bytea NOT NULL CHECK (octet_length(blob) BETWEEN 41 AND 1048617),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, direccion)
);

CREATE TABLE crm.wa_signal_sender_keys (
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    clave      text NOT NULL CHECK (length(clave) BETWEEN 3 AND 159 AND clave !~ '[[:cntrl:]]'),
    blob       bytea NOT NULL CHECK (octet_length(blob) BETWEEN 41 AND 1048617),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (usuario_id, clave)
);

-- The key column of a table, or EB380 for a name that is not one of the five.
CREATE FUNCTION crm.wa_signal_columna(tabla text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CASE tabla
    WHEN 'wa_signal_identidades', 'wa_signal_sesiones' THEN RETURN 'direccion';
    WHEN 'wa_signal_prekeys', 'wa_signal_signed_prekeys' THEN RETURN 'prekey_id';
    WHEN 'wa_signal_sender_keys' THEN RETURN 'clave';
    ELSE
        RAISE EXCEPTION 'tabla de Signal desconocida: "%"', left(coalesce(tabla, ''), 60)
            USING ERRCODE = 'EB380';
    END CASE;
END
$$;

-- A row key checked against its table (the same rules as the CHECKs, with a Spanish
-- refusal instead of a constraint error): EB381.
CREATE FUNCTION crm.wa_signal_clave(tabla text, clave text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col text := crm.wa_signal_columna(tabla);
BEGIN
    IF clave IS NULL
       OR (col = 'direccion' AND clave !~ '^[0-9]{1,63}(_[0-9]{1,3})?\.[0-9]{1,5}$')
       OR (col = 'prekey_id' AND CASE WHEN clave ~ '^[0-9]{1,8}$' THEN clave::int > 16777215
                                      ELSE true END)
       OR (col = 'clave' AND (length(clave) NOT BETWEEN 3 AND 159 OR clave ~ '[[:cntrl:]]'))
    THEN
        RAISE EXCEPTION 'clave de fila de Signal inválida para %', tabla USING ERRCODE = 'EB381';
    END IF;
    RETURN clave;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- api

-- Inserts or replaces one sealed row of account cuenta. blob is a v1 sealed blob (version
-- byte 1, nonce, ciphertext, tag): 41 bytes to 1 MiB + 41. EB363, EB380, EB381.
CREATE FUNCTION api.wa_signal_guardar(cuenta int, tabla text, clave text, blob bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col text;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    col := crm.wa_signal_columna(tabla);
    PERFORM crm.wa_signal_clave(tabla, clave);
    IF (CASE WHEN blob IS NULL OR octet_length(blob) NOT BETWEEN 41 AND 1048617 THEN true
             ELSE get_byte(blob, 0) <> 1 END) THEN
        RAISE EXCEPTION 'fila de Signal que no es un blob sellado v1 (41 bytes a 1 MiB)'
            USING ERRCODE = 'EB381';
    END IF;
    EXECUTE format('INSERT INTO crm.%I (usuario_id, %I, blob) VALUES ($1, $2::%s, $3) '
                   'ON CONFLICT (usuario_id, %I) DO UPDATE SET blob = excluded.blob, '
                   'updated_at = now()',
                   tabla, col, CASE col WHEN 'prekey_id' THEN 'int' ELSE 'text' END, col)
        USING cuenta, clave, blob;
END
$$;

-- Deletes one row (a consumed pre-key, a dropped session); a missing row is no error.
-- Returns whether a row was deleted. EB363, EB380, EB381.
CREATE FUNCTION api.wa_signal_borrar(cuenta int, tabla text, clave text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col text;
    n   int;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    col := crm.wa_signal_columna(tabla);
    PERFORM crm.wa_signal_clave(tabla, clave);
    EXECUTE format('DELETE FROM crm.%I WHERE usuario_id = $1 AND %I = $2::%s', tabla, col,
                   CASE col WHEN 'prekey_id' THEN 'int' ELSE 'text' END)
        USING cuenta, clave;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n > 0;
END
$$;

-- Every row of one table of account cuenta, as (clave text, blob bytea), in key order.
-- EB363, EB380.
CREATE FUNCTION api.wa_signal_filas(cuenta int, tabla text)
RETURNS TABLE (clave text, blob bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    col text;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    col := crm.wa_signal_columna(tabla);
    RETURN QUERY EXECUTE format('SELECT %I::text, blob FROM crm.%I WHERE usuario_id = $1 '
                                'ORDER BY %I', col, tabla, col)
        USING cuenta;
END
$$;

-- Drops the whole Signal store of account cuenta (unlink, a new link): returns the rows
-- deleted. EB363.
CREATE FUNCTION api.wa_signal_vaciar(cuenta int) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    total bigint := 0;
    n     bigint;
    t     text;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    FOREACH t IN ARRAY ARRAY['wa_signal_identidades', 'wa_signal_prekeys',
                             'wa_signal_signed_prekeys', 'wa_signal_sesiones',
                             'wa_signal_sender_keys'] LOOP
        EXECUTE format('DELETE FROM crm.%I WHERE usuario_id = $1', t) USING cuenta;
        GET DIAGNOSTICS n = ROW_COUNT;
        total := total + n;
    END LOOP;
    RETURN total;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: owner-only reads (RLS); no direct writes.

ALTER TABLE crm.wa_signal_identidades ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.wa_signal_prekeys ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.wa_signal_signed_prekeys ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.wa_signal_sesiones ENABLE ROW LEVEL SECURITY;
ALTER TABLE crm.wa_signal_sender_keys ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON crm.wa_signal_identidades, crm.wa_signal_prekeys, crm.wa_signal_signed_prekeys,
                crm.wa_signal_sesiones, crm.wa_signal_sender_keys TO embudo_usuario;
CREATE POLICY propias ON crm.wa_signal_identidades FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());
CREATE POLICY propias ON crm.wa_signal_prekeys FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());
CREATE POLICY propias ON crm.wa_signal_signed_prekeys FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());
CREATE POLICY propias ON crm.wa_signal_sesiones FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());
CREATE POLICY propias ON crm.wa_signal_sender_keys FOR SELECT TO embudo_usuario
    USING (usuario_id = crm.yo());

GRANT EXECUTE ON FUNCTION api.wa_signal_guardar(int, text, text, bytea),
                          api.wa_signal_borrar(int, text, text), api.wa_signal_filas(int, text),
                          api.wa_signal_vaciar(int)
    TO embudo_usuario;
