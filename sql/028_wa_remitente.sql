-- 028_wa_remitente.sql — what the sender runtime (src/rt/sender.c, `embudo worker`) needs
-- beyond 024/027: every call takes the account explicitly, so the same code works for the
-- promoter's own session (the TUI) and for a server session sending on the promoter's
-- behalf (admin / superuser / embudo_owner, only when the account has envio_servidor on).
-- The permission check is 024's crm.wa_remitente (EB363).
--
-- * api.wa_remitente_cuenta(cuenta): the account as its sender sees it (state, linked or not).
-- * api.wa_cuentas_servidor(): the accounts `embudo worker` sends for (server sessions only).
-- * api.wa_remitente_estado(cuenta, estado, detalle): the connection state the sender saw
--   (api.wa_cambiar_estado only takes the caller's own account).
-- * api.envio_proximo(cuenta): when a claim could next hand something out, so an idle
--   sender sleeps until then (or until a NOTIFY) instead of polling.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.wa_remitente_cuenta(cuenta int)
RETURNS TABLE (usuario_id int, login text, estado text, jid text, vinculada boolean,
               envio_servidor boolean, limite_diario int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    RETURN QUERY
    SELECT u.id, u.login, coalesce(c.estado, 'SIN_VINCULAR'), c.jid,
           coalesce(c.credenciales IS NOT NULL, false), coalesce(c.envio_servidor, false),
           coalesce(c.limite_diario, 180)
      FROM crm.usuarios u
      LEFT JOIN crm.wa_cuentas c ON c.usuario_id = u.id
     WHERE u.id = cuenta;
END
$$;

-- Accounts whose promoter enabled server-side sending, linked and not BLOQUEADA. EB363 for a
-- session that is not a server session (admin, superuser, embudo_owner).
CREATE FUNCTION api.wa_cuentas_servidor()
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
     WHERE c.envio_servidor AND c.credenciales IS NOT NULL AND c.estado <> 'BLOQUEADA'
       AND u.estado <> 'BAJA'
       AND u.rol = 'PROMOTOR'
     ORDER BY c.usuario_id;
END
$$;

-- The state the sender saw: CONECTADA on open; DESCONECTADA, REQUIERE_VINCULO (credentials
-- dropped, as in api.wa_cambiar_estado) or BLOQUEADA on close. EB331, EB333, EB363.
CREATE FUNCTION api.wa_remitente_estado(cuenta int, estado text, detalle text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c crm.wa_cuentas;
    d text := left(nullif(btrim(detalle), ''), 500);
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF estado IS NULL OR estado NOT IN ('CONECTADA', 'DESCONECTADA', 'REQUIERE_VINCULO',
                                        'BLOQUEADA') THEN
        RAISE EXCEPTION 'estado de envío inválido «%»: CONECTADA, DESCONECTADA, '
                        'REQUIERE_VINCULO o BLOQUEADA', coalesce(estado, '')
            USING ERRCODE = 'EB331';
    END IF;
    c := crm.wa_cuenta_bloquear(cuenta);
    IF estado = 'CONECTADA' AND c.credenciales IS NULL THEN
        RAISE EXCEPTION 'la cuenta no tiene credenciales guardadas: vincúlela primero'
            USING ERRCODE = 'EB333';
    END IF;
    UPDATE crm.wa_cuentas x
       SET estado = wa_remitente_estado.estado, detalle = d, actualizado_at = now(),
           credenciales = CASE WHEN wa_remitente_estado.estado = 'REQUIERE_VINCULO' THEN NULL
                               ELSE x.credenciales END
     WHERE x.usuario_id = cuenta
       AND (x.estado IS DISTINCT FROM wa_remitente_estado.estado
            OR x.detalle IS DISTINCT FROM d);
END
$$;

-- The earliest instant at which api.mensaje_reclamar(cuenta) could hand out a message,
-- judging by time only: the first due PENDIENTE message of an ENVIANDO campaign, moved into
-- the next operating window, and past today when today's cap is used up. NULL when nothing
-- is waiting (a launch, a resume or a re-send then arrives as a NOTIFY) or the account is
-- not CONECTADA (the sender changes that itself).
CREATE FUNCTION api.envio_proximo(cuenta int) RETURNS timestamptz
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    hoy date := crm.fecha_negocio(now());
    t   timestamptz;
    d   record;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    IF NOT EXISTS (SELECT 1 FROM crm.wa_cuentas c
                    WHERE c.usuario_id = cuenta AND c.estado = 'CONECTADA') THEN
        RETURN NULL;
    END IF;
    SELECT min(m.programado_para) INTO t
      FROM crm.wa_mensajes m JOIN crm.wa_campanas c ON c.id = m.campana_id
     WHERE m.usuario_id = cuenta AND m.estado = 'PENDIENTE' AND c.estado = 'ENVIANDO';
    IF t IS NULL THEN
        RETURN NULL;
    END IF;
    t := greatest(t, now());
    FOR d IN SELECT * FROM crm.wa_dias_operativos(t, 3) LOOP
        IF d.dia = hoy AND crm.wa_en_curso_hoy(cuenta, hoy) >= crm.wa_tope_cuenta(cuenta, hoy)
        THEN
            CONTINUE;
        END IF;
        RETURN greatest(t, d.abre);
    END LOOP;
    RETURN NULL;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_remitente_cuenta(int), api.wa_cuentas_servidor(),
                          api.wa_remitente_estado(int, text, text), api.envio_proximo(int)
    TO embudo_usuario;
