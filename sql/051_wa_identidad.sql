-- 051_wa_identidad.sql — a contact's WhatsApp identity key changed (issue 7: "Identity change:
-- session dropped and rebuilt; the event recorded on the opportunity"; docs/wa.md "Mensajes").
--
-- api.wa_identidad_cambiada(telefono_o_jid, cuenta) writes a WA_IDENTIDAD row in the
-- historial of the opportunity that phone belongs to for that account, found the way
-- api.wa_entrante (024) finds the one a reply belongs to: the opportunity of the last message
-- the account sent to that phone, else the account's active opportunity whose prospect or
-- client has that phone. The sender (src/wa/send/msgsend) has already dropped the sessions
-- and rebuilds them on the next message; the row tells the promoter that the contact
-- reinstalled WhatsApp or changed phone. One contact's devices change together and each may
-- report it, so a second report for the same opportunity within ten minutes adds no row.
-- Permission: crm.wa_remitente (EB363).

SET LOCAL ROLE embudo_owner;

-- The opportunity the row went to (NULL: the phone is not Mexican, or no opportunity has it),
-- also when a recent row made this one unnecessary. EB363.
CREATE FUNCTION api.wa_identidad_cambiada(telefono_o_jid text, cuenta int DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cta int := coalesce(cuenta, crm.yo());
    tel text := crm.wa_telefono(telefono_o_jid);
    oid bigint;
    e   crm.etapas;
BEGIN
    PERFORM crm.wa_remitente(cta);
    IF tel IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT m.oportunidad_id INTO oid FROM crm.wa_mensajes m
     WHERE m.usuario_id = cta AND m.telefono = tel AND m.enviado_at IS NOT NULL
     ORDER BY m.enviado_at DESC, m.id DESC LIMIT 1;
    IF oid IS NULL THEN
        SELECT x.id INTO oid FROM crm.oportunidades x
          LEFT JOIN crm.prospectos p ON p.id = x.prospecto_id
         WHERE x.usuario_id = cta AND x.estado IN ('ABIERTA', 'EN_BANDEJA')
           AND (p.telefono = tel OR EXISTS (SELECT 1 FROM padron.datos_contacto d
                                             WHERE d.cliente_id = x.cliente_id AND d.valor = tel
                                               AND d.vigente))
         ORDER BY x.id LIMIT 1;
    END IF;
    IF oid IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM crm.oportunidades x WHERE x.id = oid FOR UPDATE;
    IF EXISTS (SELECT 1 FROM crm.historial h
                WHERE h.oportunidad_id = oid AND h.evento = 'WA_IDENTIDAD'
                  AND h.ocurrido_at > now() - interval '10 minutes') THEN
        RETURN oid;
    END IF;
    SELECT s.* INTO e FROM crm.etapas s JOIN crm.oportunidades x ON x.etapa_id = s.id
     WHERE x.id = oid;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               usuario_id, motivo, datos)
    VALUES (oid, 'WA_IDENTIDAD', e.id, e.nombre, NULL,
            'el contacto cambió su clave de seguridad de WhatsApp (reinstaló o cambió de '
            'teléfono); la sesión cifrada se rehízo',
            jsonb_build_object('telefono', tel, 'jid', left(telefono_o_jid, 100), 'cuenta', cta));
    RETURN oid;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_identidad_cambiada(text, int) TO embudo_usuario;
