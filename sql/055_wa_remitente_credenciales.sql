-- 055_wa_remitente_credenciales.sql — the sealed credentials for the account's sender (issue 7:
-- campaigns over the `web` transport). Like 028's functions they take the account explicitly,
-- so the promoter's own session (the TUI) and a server session (`embudo worker`, accounts with
-- envio_servidor) go through the same code; the permission check is crm.wa_remitente (EB363).
--
-- * api.wa_remitente_credenciales(cuenta): the sealed blob (NULL when not linked). The blob is
--   sealed in C (src/wa/creds_seal); the database never sees a key.
-- * api.wa_remitente_guardar_credenciales(cuenta, credenciales): replaces the blob when the
--   connection changed it (pre-keys generated or consumed, routing). Nothing else changes: not
--   the state, nor vinculada_at, nor the warm-up (api.wa_guardar_credenciales is the link's).
--   An account whose credentials were dropped meanwhile (unlinked, logged out) stays without
--   them (EB333): a sender must not bring a removed device back.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.wa_remitente_credenciales(cuenta int) RETURNS bytea
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN (SELECT c.credenciales FROM crm.wa_cuentas c WHERE c.usuario_id = cuenta);
END
$$;

CREATE FUNCTION api.wa_remitente_guardar_credenciales(cuenta int, credenciales bytea)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c crm.wa_cuentas;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF credenciales IS NULL OR octet_length(credenciales) NOT BETWEEN 1 AND 1048576 THEN
        RAISE EXCEPTION 'credenciales vacías o demasiado grandes (máximo 1 MiB)'
            USING ERRCODE = 'EB332';
    END IF;
    c := crm.wa_cuenta_bloquear(cuenta);
    IF c.credenciales IS NULL THEN
        RAISE EXCEPTION 'la cuenta no tiene credenciales guardadas: vincúlela primero'
            USING ERRCODE = 'EB333';
    END IF;
    UPDATE crm.wa_cuentas x
       SET credenciales = wa_remitente_guardar_credenciales.credenciales, actualizado_at = now()
     WHERE x.usuario_id = cuenta;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_remitente_credenciales(int),
                          api.wa_remitente_guardar_credenciales(int, bytea)
    TO embudo_usuario;
