-- 058_wa_cuentas_servidor_sin_vincular.sql — `embudo worker` says why a launched campaign does not
-- leave when its account is not linked. 028's api.wa_cuentas_servidor() listed only linked
-- accounts, so a worker asked to send for one that was unlinked (wa unlink, or a 401 that
-- dropped the credentials) skipped it in silence and the campaign stayed ENVIANDO with nobody
-- told. Now such an account is listed too while it has messages waiting in a launched campaign:
-- the worker starts its sender, which refuses at once with the reason ("la cuenta de WhatsApp de
-- X no está vinculada (ESTADO): vincúlela primero", rt/sendcore), and `worker --once` exits 1.
-- Same signature, so the grants stay.

SET LOCAL ROLE embudo_owner;

CREATE OR REPLACE FUNCTION api.wa_cuentas_servidor()
RETURNS TABLE (usuario_id int, login text, estado text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        RAISE EXCEPTION 'solo una sesión de servidor (administrador) envía por otras cuentas'
            USING ERRCODE = 'EB363';
    END IF;
    RETURN QUERY
    SELECT c.usuario_id, u.login, c.estado
      FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id
     WHERE c.envio_servidor AND c.estado <> 'BLOQUEADA'
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
