-- 089_wa_respuestas.sql — the replies to a campaign reach the promoter, and what nobody
-- attended is visible to the supervisor.
--
-- When a client answers a campaign message, api.wa_entrante (024) stores the text in
-- crm.wa_entrantes, marks respondido_at on the message and writes a WA_RESPUESTA history row
-- (WA_BAJA for an opt-out, which also sends an ABIERTA opportunity to the bandeja). Nothing
-- read them back: the campaign panes only counted them and no screen or command listed who
-- answered and what they said, so a client who wrote «sí me interesa» waited until the
-- promoter happened to open that opportunity. A reply is the point of a campaign.
--
--   api.wa_respuestas(desde, solo_pendientes)
--              the replies the caller may see, newest first: on the opportunities of the
--              users crm.wa_visibles() gives (a promoter her own, a supervisor her team's, an
--              admin and the auditor everyone's; the database owner's session every one) —
--              the reply follows the opportunity, so after a reassignment the new owner sees
--              it —, plus the replies from numbers that matched no opportunity (oportunidad_id
--              NULL), to the account that received them only: nobody else knows whose they
--              are, and a personal chat on the promoter's number is hers. desde NULL: no lower
--              bound. Granted to every user (STABLE).
--   atendida   derived, never stored: a human acted on the opportunity after the reply — a
--              history row written by a user (usuario_id NOT NULL) later than the reply
--              (ocurrido_at > recibido_at) whose evento is one of
--                INTENTO, NOTA, TRANSICION, A_BANDEJA, VENTA    the owner called, wrote it
--                                                             down, moved or closed it
--                DEVUELTA, DESCARTADA                         a supervisor decided it
--                PRORROGA_PEDIDA                              the owner asked to wait («me
--                                                             dijo que después del 15»)
--              Not: the system's rows (TIMER_*, WA_* — a second reply, an identity change),
--              nor steps that do not answer the person: ASIGNADA, CAPTADA, REASIGNADA and
--              REABIERTA hand the opportunity to someone, who must still see the reply;
--              TIMER_EXTENDIDO, PRORROGA, PRORROGA_RECHAZADA, PRORROGA_CANCELADA (the timer's
--              business), NO_CONTACTAR/_FIN (often an admin's bulk load) and DATOS_CORREGIDOS.
--              An opt-out is attended by definition (it already went to the bandeja and left
--              every campaign). A reply with no opportunity is never attended.
--   por_atender  not attended, not an opt-out, and its opportunity still ABIERTA or
--              EN_BANDEJA: the inbox. A closed opportunity takes nothing but notes (its
--              unattended replies stay in the full list as atendida = false); an orphan
--              reply has nothing to open. solo_pendientes returns these only.
--
-- ARCO: a suppressed titular's replies already read «[suprimido]» with no phone (080); the
-- client's name does too (one «[suprimido]», not the padron's two suppressed columns joined).
--
-- Live panes: no new NOTIFY. Every reply with an opportunity writes a history row, and so
-- does every step that attends one; crm.historial's insert trigger (004) notifies the
-- opportunity's owner ({"tabla":"historial","usuario_id":N}), which is what the TUI's inbox
-- re-reads on. An orphan reply writes no history and notifies nobody: it is not in the inbox.
--
-- Indexes: the pending read runs on every such notification, so it starts from the caller's
-- active opportunities (oportunidades_usuario_activa, 001) and finds their replies through
-- wa_entrantes_oportunidad; the orphans have their own small partial index; the attendance
-- check is one probe of historial_oportunidad (001) per reply. Measured in docs/api.md §25.

SET LOCAL ROLE embudo_owner;

CREATE INDEX wa_entrantes_oportunidad ON crm.wa_entrantes (oportunidad_id, recibido_at);
CREATE INDEX wa_entrantes_huerfanas ON crm.wa_entrantes (usuario_id, recibido_at)
    WHERE oportunidad_id IS NULL;

CREATE FUNCTION api.wa_respuestas(desde timestamptz DEFAULT NULL,
                                  solo_pendientes boolean DEFAULT false)
RETURNS TABLE (entrante_id bigint, recibido_at timestamptz, oportunidad_id bigint, cliente text,
               telefono text, etapa text, estado text, promotor text, texto text, baja boolean,
               atendida boolean, por_atender boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[] := crm.wa_visibles();                                                 -- EB001
    yo  int := crm.yo();
BEGIN
    -- The attendance rule is written twice below (the inbox's NOT EXISTS and the list's
    -- EXISTS): keep them the same, and the same as the header says.
    IF coalesce(solo_pendientes, false) THEN
        RETURN QUERY
        SELECT r.id, r.recibido_at, o.id,
               CASE WHEN c.nombre = '[suprimido]' OR p.nombre = '[suprimido]' THEN '[suprimido]'
                    ELSE coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido,
                                                   c.segundo_apellido), ''), p.nombre) END,
               r.telefono, e.nombre, o.estado, u.login, r.texto, r.baja, false, true
          FROM crm.oportunidades o
          JOIN crm.wa_entrantes r ON r.oportunidad_id = o.id
          JOIN crm.usuarios u ON u.id = o.usuario_id
          JOIN crm.etapas e ON e.id = o.etapa_id
          LEFT JOIN padron.clientes c ON c.id = o.cliente_id
          LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
         WHERE o.usuario_id = ANY (vis) AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
           AND NOT r.baja
           AND (desde IS NULL OR r.recibido_at >= desde)
           AND NOT EXISTS (
               SELECT 1 FROM crm.historial h
                WHERE h.oportunidad_id = o.id AND h.ocurrido_at > r.recibido_at
                  AND h.usuario_id IS NOT NULL
                  AND h.evento IN ('INTENTO', 'NOTA', 'TRANSICION', 'A_BANDEJA', 'VENTA',
                                   'DEVUELTA', 'DESCARTADA', 'PRORROGA_PEDIDA'))
         ORDER BY r.recibido_at DESC, r.id DESC;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT x.* FROM (
        SELECT r.id, r.recibido_at, o.id,
               CASE WHEN c.nombre = '[suprimido]' OR p.nombre = '[suprimido]' THEN '[suprimido]'
                    ELSE coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido,
                                                   c.segundo_apellido), ''), p.nombre) END,
               r.telefono, e.nombre, o.estado, u.login, r.texto, r.baja, a.atendida,
               NOT a.atendida AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
          FROM crm.wa_entrantes r
          JOIN crm.oportunidades o ON o.id = r.oportunidad_id
          JOIN crm.usuarios u ON u.id = o.usuario_id
          JOIN crm.etapas e ON e.id = o.etapa_id
          LEFT JOIN padron.clientes c ON c.id = o.cliente_id
          LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
         CROSS JOIN LATERAL (
               SELECT r.baja OR EXISTS (
                   SELECT 1 FROM crm.historial h
                    WHERE h.oportunidad_id = o.id AND h.ocurrido_at > r.recibido_at
                      AND h.usuario_id IS NOT NULL
                      AND h.evento IN ('INTENTO', 'NOTA', 'TRANSICION', 'A_BANDEJA', 'VENTA',
                                       'DEVUELTA', 'DESCARTADA', 'PRORROGA_PEDIDA'))
                OFFSET 0) a(atendida)  -- kept apart: atendida is read twice, EXISTS runs once
         WHERE o.usuario_id = ANY (vis)
           AND (desde IS NULL OR r.recibido_at >= desde)
        UNION ALL
        SELECT r.id, r.recibido_at, NULL::bigint, NULL::text, r.telefono, NULL::text,
               NULL::text, u.login, r.texto, r.baja, r.baja, false
          FROM crm.wa_entrantes r
          JOIN crm.usuarios u ON u.id = r.usuario_id
         WHERE r.oportunidad_id IS NULL AND r.usuario_id = yo
           AND (desde IS NULL OR r.recibido_at >= desde)
    ) x(id, recibido_at, o_id, cliente, telefono, etapa, estado, login, texto, baja, atendida,
        por_atender)
    ORDER BY x.recibido_at DESC, x.id DESC;
END
$$;

GRANT EXECUTE ON FUNCTION api.wa_respuestas(timestamptz, boolean) TO embudo_usuario;
