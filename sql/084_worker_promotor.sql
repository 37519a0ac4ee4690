-- 084_worker_promotor.sql — `embudo worker` run by a promoter sends for that promoter's own
-- account.
--
-- An account's WhatsApp credentials and Signal state are sealed in C with the key file of the
-- Unix user who linked it (wa.key_file, per user: ~/.local/state/embudo/wa.key). On a real
-- server every promoter is a Unix user of their own (SSH, peer authentication: the role is
-- the Unix user) and links from their own terminal, so a central worker running as a service
-- account holds another key and can never open those credentials. Server-side sending there
-- is one worker per promoter (the systemd template embudo-worker@LOGIN, User=LOGIN: their uid,
-- their key, their role), next to one central worker without sending (`worker --sin-envio`)
-- for the sweep and the ARCO suppressions.
--
-- 028/058's api.wa_cuentas_servidor() refused every session but a server one (EB363), so a
-- promoter's worker could not even learn whether it had anything to send. Now:
-- * a server session (admin, superuser, embudo_owner) gets what it got: every account with
--   envio_servidor on, not BLOQUEADA, of an active promoter, linked or with messages waiting
--   in a launched campaign (058, so the sender says why nothing leaves);
-- * any other session gets its own account under the same conditions, or nothing (a promoter
--   who did not turn envio_servidor on, a supervisor or an auditor — they have no account to
--   send for — a role that is no user). Never EB363: asking is not sending, and a promoter may
--   already send for their own account (024's crm.wa_remitente).
-- envio_servidor keeps its meaning for a promoter's own worker: "send when I am not at the
-- terminal". The TUI's own sender does not use this list. Same signature: the grants stay.

SET LOCAL ROLE embudo_owner;

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
     WHERE (servidor OR c.usuario_id = propia)
       AND c.envio_servidor AND c.estado <> 'BLOQUEADA'
       AND u.estado <> 'BAJA'
       AND u.rol = 'PROMOTOR'
       AND (c.credenciales IS NOT NULL
            OR EXISTS (SELECT 1 FROM crm.wa_campanas k
                        WHERE k.usuario_id = c.usuario_id AND k.estado = 'ENVIANDO'
                          AND EXISTS (SELECT 1 FROM crm.wa_mensajes m
                                       WHERE m.campana_id = k.id AND m.estado = 'PENDIENTE')))
     ORDER BY c.usuario_id;
END
$$;
