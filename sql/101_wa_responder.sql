-- 101_wa_responder.sql — the promoter answers a client's WhatsApp from embudo
-- (docs/wa-responder.md). Until now a reply reached Inicio's inbox (089) and the promoter had to
-- pick up her phone to answer; now she types the answer in Detalle (or `embudo wa responder`)
-- and her own account sends it, Web or Cloud, with its delivery and read ticks.
--
--   the rule    a reply is a text to a client who wrote to the account in the last 24 hours
--               (the latest crm.wa_entrantes row of the opportunity, not an opt-out): the
--               Cloud API's customer-service window, and for WhatsApp Web the line between
--               answering someone and writing to a stranger (that is what campaigns, with
--               their pacing and cap, are for). Only the owner of an ABIERTA opportunity, for
--               her own account, to the phone the client wrote from; never to a phone that
--               opted out or is in the do-not-contact registry. 1–4096 characters.
--   the row     crm.wa_mensajes with campana_id NULL ("a reply"): the same states, receipts,
--               uncertainty and recovery as a campaign's message. clave makes a retried
--               request (double Enter) return the first row. A WA_MENSAJE history row (the
--               text as motivo, datos.mensaje_id) records it and attends the client's reply
--               in Inicio's inbox (api.wa_respuestas).
--   the sender  api.mensaje_reclamar hands out a pending reply before any campaign message,
--               at any hour and past the daily cap (the client is waiting; the cap still
--               counts it, so campaigns give way); api.respuesta_reclamar_diferido takes only
--               replies, for a sender inside a campaign's pacing gap; api.envio_proximo says
--               "now" while one waits.
--   reading     api.wa_conversacion: one opportunity's WhatsApp both ways, oldest first;
--               api.wa_ventana: until when the caller can answer it, and why not.
--
-- Errors: EB420 text, EB421 not the caller's opportunity (or not a promoter), EB422 the
-- opportunity is not ABIERTA, EB423 no account that can send, EB424 outside the 24-hour window
-- (or the client never wrote), EB425 the phone is in the do-not-contact registry, EB366 the
-- phone opted out (as `wa enviar`).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.wa_mensajes
    ALTER COLUMN campana_id DROP NOT NULL,
    ADD COLUMN clave text CHECK (length(clave) BETWEEN 1 AND 100),
    ADD CONSTRAINT wa_mensajes_clave_respuesta CHECK (clave IS NULL OR campana_id IS NULL);
CREATE UNIQUE INDEX wa_mensajes_clave ON crm.wa_mensajes (usuario_id, clave)
    WHERE clave IS NOT NULL;
CREATE INDEX wa_mensajes_respuestas ON crm.wa_mensajes (usuario_id, id)
    WHERE campana_id IS NULL AND estado = 'PENDIENTE';

-- Until when opportunity o can be answered from account cuenta, and where to: the newest text
-- its client sent to that account (not an opt-out) and the phone it came from, with that
-- phone's WhatsApp JID when a number check knows it. No row when the client never wrote to
-- the account. A text the client sent to another promoter's phone (before a reassignment) opens
-- no window on this one: for the Cloud API the window is per business number, and for
-- WhatsApp Web answering it would be writing first from a phone the client never wrote to.
-- telefono is NULL after an ARCO suppression.
CREATE FUNCTION crm.wa_ventana_de(o bigint, cuenta int)
RETURNS TABLE (hasta timestamptz, telefono text, jid text, baja boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.recibido_at + interval '24 hours', r.telefono,
           (SELECT n.jid FROM crm.wa_numeros n WHERE n.telefono = r.telefono AND n.en_whatsapp),
           r.baja
      FROM crm.wa_entrantes r
     WHERE r.oportunidad_id = o AND r.usuario_id = cuenta
     ORDER BY r.recibido_at DESC, r.id DESC
     LIMIT 1
$$;

-- Why the caller cannot answer opportunity o now, as (code, Spanish sentence); no row when
-- she can. The checks of api.wa_responder, in its order, without the text's.
CREATE FUNCTION crm.wa_responder_impide(yo crm.usuarios, o crm.oportunidades)
RETURNS TABLE (codigo text, mensaje text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cu crm.wa_cuentas;
    v  record;
BEGIN
    IF yo.rol <> 'PROMOTOR' OR o.id IS NULL OR o.usuario_id <> yo.id THEN
        RETURN QUERY SELECT 'EB421', 'solo quien tiene la oportunidad le contesta al cliente';
        RETURN;
    END IF;
    IF o.estado <> 'ABIERTA' THEN
        RETURN QUERY SELECT 'EB422', format('la oportunidad ya no está en su embudo (%s)',
                                           lower(o.estado));
        RETURN;
    END IF;
    SELECT * INTO cu FROM crm.wa_cuentas c WHERE c.usuario_id = yo.id;
    IF NOT FOUND OR cu.estado IN ('SIN_VINCULAR', 'VINCULANDO', 'REQUIERE_VINCULO') THEN
        RETURN QUERY SELECT 'EB423', 'vincule su WhatsApp primero (pantalla WhatsApp, tecla v)';
        RETURN;
    END IF;
    IF cu.estado = 'BLOQUEADA' THEN
        RETURN QUERY SELECT 'EB423', 'su WhatsApp está bloqueado: no puede enviar';
        RETURN;
    END IF;
    SELECT * INTO v FROM crm.wa_ventana_de(o.id, yo.id);
    IF NOT FOUND OR v.telefono IS NULL THEN
        RETURN QUERY SELECT 'EB424', 'el cliente no le ha escrito por WhatsApp: solo se contesta '
                                     || 'a quien escribió (para escribirle, use una campaña)';
        RETURN;
    END IF;
    IF v.baja OR EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = v.telefono) THEN
        RETURN QUERY SELECT 'EB366', 'el cliente pidió no recibir mensajes por WhatsApp';
        RETURN;
    END IF;
    IF crm.no_contactar_vigente(v.telefono) THEN
        RETURN QUERY SELECT 'EB425', 'el teléfono está en el registro de no contactar';
        RETURN;
    END IF;
    IF v.hasta <= now() THEN
        RETURN QUERY SELECT 'EB424', format('pasaron más de 24 horas desde el último mensaje del '
                                            || 'cliente (%s): para escribirle, use una campaña',
                                            to_char((v.hasta - interval '24 hours')
                                                    AT TIME ZONE crm.zona(), 'DD/MM HH24:MI'));
        RETURN;
    END IF;
END
$$;

-- Until when the caller can answer opportunity o and to which phone (the one her answer goes
-- to: crm.wa_ventana_de), or, when she cannot, why (EB42x code and sentence; hasta and
-- telefono NULL). For Detalle's key and form.
CREATE FUNCTION api.wa_ventana(oportunidad bigint)
RETURNS TABLE (hasta timestamptz, codigo text, mensaje text, telefono text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();                                               -- EB001
    o  crm.oportunidades;
    x  record;
BEGIN
    SELECT * INTO o FROM crm.oportunidades y WHERE y.id = oportunidad;
    SELECT * INTO x FROM crm.wa_responder_impide(yo, o);
    IF FOUND THEN
        RETURN QUERY SELECT NULL::timestamptz, x.codigo, x.mensaje, NULL::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT v.hasta, NULL::text, NULL::text, v.telefono
                   FROM crm.wa_ventana_de(o.id, yo.id) v;
END
$$;

-- Queues texto for the client of opportunity oportunidad from the caller's own account (see
-- the header). clave: the same clave again for the same opportunity returns the first message
-- (repetido), nothing queued twice; a clave already used for another opportunity's answer is
-- refused (EB420), never taken as that one. Returns the message, the account's provider and
-- state, and a Spanish sentence saying when it leaves.
CREATE FUNCTION api.wa_responder(oportunidad bigint, texto text, clave text DEFAULT NULL)
RETURNS TABLE (mensaje_id bigint, repetido boolean, proveedor text, estado_cuenta text,
               mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo  crm.usuarios := crm.yo_fila();                                              -- EB001
    txt text := btrim(texto, E' \t\r\n');
    k   text := nullif(btrim(clave), '');
    o   crm.oportunidades;
    cu  crm.wa_cuentas;
    v   record;
    x   record;
    e   crm.etapas;
    id  bigint;
    cuando text;
BEGIN
    IF k IS NOT NULL AND length(k) > 100 THEN
        RAISE EXCEPTION 'la clave de la respuesta es demasiado larga (máximo 100)'
            USING ERRCODE = 'EB420';
    END IF;
    -- The caller's own opportunity, locked: orders an answer against a concurrent move, exit,
    -- sweep or reassignment, and two requests with one clave (the second waits here, then
    -- finds the first's row). Someone else's is not locked (o stays empty: EB421 below).
    SELECT * INTO o FROM crm.oportunidades y
     WHERE y.id = oportunidad AND y.usuario_id = yo.id AND yo.rol = 'PROMOTOR'
       FOR UPDATE;
    IF k IS NOT NULL THEN
        SELECT m.id, m.oportunidad_id AS oid INTO x
          FROM crm.wa_mensajes m WHERE m.usuario_id = yo.id AND m.clave = k;
        IF FOUND AND x.oid IS DISTINCT FROM oportunidad THEN
            RAISE EXCEPTION 'la clave % ya es de la respuesta a otra oportunidad (%)', k, x.oid
                USING ERRCODE = 'EB420';
        END IF;
        IF FOUND THEN
            SELECT * INTO cu FROM crm.wa_cuentas c WHERE c.usuario_id = yo.id;
            RETURN QUERY SELECT x.id, true, cu.proveedor, cu.estado,
                format('esta respuesta ya se había puesto en cola (clave %s)', k);
            RETURN;
        END IF;
    END IF;
    IF txt IS NULL OR txt = '' THEN
        RAISE EXCEPTION 'escriba el texto de la respuesta' USING ERRCODE = 'EB420';
    END IF;
    IF length(txt) > 4096 THEN
        RAISE EXCEPTION 'la respuesta es demasiado larga (% caracteres, máximo 4096)', length(txt)
            USING ERRCODE = 'EB420';
    END IF;
    SELECT * INTO x FROM crm.wa_responder_impide(yo, o);
    IF FOUND THEN
        RAISE EXCEPTION '%', x.mensaje USING ERRCODE = x.codigo;
    END IF;
    SELECT * INTO cu FROM crm.wa_cuentas c WHERE c.usuario_id = yo.id;
    SELECT * INTO v FROM crm.wa_ventana_de(o.id, yo.id);
    INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono, jid, texto,
                                 estado, dia, programado_para, clave)
    VALUES (NULL, yo.id, o.id, v.telefono, v.jid, txt, 'PENDIENTE', crm.fecha_negocio(now()),
            now(), k)
    RETURNING wa_mensajes.id INTO id;
    SELECT * INTO e FROM crm.etapas y WHERE y.id = o.etapa_id;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               usuario_id, motivo, datos)
    VALUES (o.id, 'WA_MENSAJE', e.id, e.nombre, yo.id, left(txt, 2000),
            jsonb_build_object('mensaje_id', id, 'telefono', v.telefono));
    cuando := CASE WHEN cu.proveedor = 'CLOUD' THEN 'sale desde el servidor central'
                   WHEN cu.estado = 'CONECTADA' THEN 'sale en unos segundos'
                   ELSE 'sale en cuanto su WhatsApp se conecte' END;
    RETURN QUERY SELECT id, false, cu.proveedor, cu.estado, 'respuesta en cola: ' || cuando;
END
$$;

-- One opportunity's WhatsApp both ways, oldest first: what the client wrote (ENTRANTE, with
-- baja when it was an opt-out) and what the accounts sent or will send (SALIENTE, with its
-- state: campaign messages and answers). Left out: a campaign's skipped and cancelled
-- messages (never meant for this conversation) and those of a campaign not launched yet. An
-- answer the sender skipped stays, OMITIDO with the reason in Spanish (motivo): she typed it,
-- she must see that it did not leave. FALLIDO carries the failure's code as motivo; incierto
-- says a SALIENTE may or may not have left (a lost ack, api.mensajes_recuperar). Visible as
-- the opportunity is (a promoter her own, a supervisor her team's, admin and auditor all).
CREATE FUNCTION api.wa_conversacion(oportunidad bigint)
RETURNS TABLE (cuando timestamptz, direccion text, texto text, estado text, campana text,
               mensaje_id bigint, baja boolean, incierto boolean, motivo text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[] := crm.wa_visibles();                                                 -- EB001
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.oportunidades o
                    WHERE o.id = oportunidad AND o.usuario_id = ANY (vis)) THEN
        RAISE EXCEPTION 'la oportunidad % no existe o no es visible para usted', oportunidad
            USING ERRCODE = 'EB421';
    END IF;
    RETURN QUERY
    SELECT x.* FROM (
        SELECT r.recibido_at, 'ENTRANTE'::text, r.texto, NULL::text, NULL::text, r.mensaje_id,
               r.baja, false, NULL::text
          FROM crm.wa_entrantes r
         WHERE r.oportunidad_id = oportunidad
        UNION ALL
        SELECT coalesce(m.enviado_at, m.creado_at), 'SALIENTE', m.texto, m.estado, c.nombre,
               m.id, false, m.incierto,
               CASE m.estado WHEN 'OMITIDO' THEN crm.wa_motivo_texto(m.error)
                             WHEN 'FALLIDO' THEN m.error END
          FROM crm.wa_mensajes m
          LEFT JOIN crm.wa_campanas c ON c.id = m.campana_id
         WHERE m.oportunidad_id = oportunidad
           AND CASE WHEN m.campana_id IS NULL THEN m.estado <> 'CANCELADO'
                    ELSE m.estado NOT IN ('OMITIDO', 'CANCELADO')
                         AND c.estado NOT IN ('BORRADOR', 'LISTA') END) x
     ORDER BY 1, 2 DESC, 6;
END
$$;

-- The claim: the account's pending replies first (any hour, past the cap: the client is
-- waiting), skipped like a campaign's message when the phone opted out, entered the registry
-- or has no WhatsApp, or when the opportunity left the promoter's embudo (closed, in the
-- bandeja, or reassigned: CERRADA); and skipped when the client's 24 hours ran out while it
-- waited (VENTANA: an account that was offline for a day does not write first to the client
-- afterwards, and Meta would refuse it anyway, 131047). Then, unless the session asked for
-- replies only (embudo.solo_respuestas, api.respuesta_reclamar_diferido), the campaigns'
-- messages as before.
SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    'IF NOT FOUND OR cu.estado <> ''CONECTADA'' THEN
        RETURN;
    END IF;',
    'IF NOT FOUND OR cu.estado <> ''CONECTADA'' THEN
        RETURN;
    END IF;
    FOR i IN 1 .. 1000 LOOP
        SELECT y.* INTO m FROM crm.wa_mensajes y
         WHERE y.usuario_id = cuenta AND y.campana_id IS NULL AND y.estado = ''PENDIENTE''
         ORDER BY y.id
         LIMIT 1
           FOR UPDATE OF y SKIP LOCKED;
        EXIT WHEN NOT FOUND;
        motivo := CASE
                  WHEN EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = m.telefono)
                      THEN ''BAJA''
                  WHEN crm.no_contactar_vigente(m.telefono)
                      THEN ''NO_CONTACTAR''
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n
                                WHERE n.telefono = m.telefono AND NOT n.en_whatsapp)
                      THEN ''SIN_WHATSAPP''
                  WHEN NOT EXISTS (SELECT 1 FROM crm.oportunidades o
                                    WHERE o.id = m.oportunidad_id AND o.estado = ''ABIERTA''
                                      AND o.usuario_id = m.usuario_id)
                      THEN ''CERRADA''
                  WHEN NOT EXISTS (SELECT 1 FROM crm.wa_ventana_de(m.oportunidad_id,
                                                                   m.usuario_id) v
                                    WHERE v.hasta > ahora)
                      THEN ''VENTANA''
                  END;
        IF motivo IS NULL THEN
            UPDATE crm.wa_mensajes x SET estado = ''ENVIANDO'', reclamado_at = ahora
             WHERE x.id = m.id;
            RETURN QUERY SELECT m.id, m.campana_id, m.oportunidad_id, m.telefono, m.jid, m.texto;
            RETURN;
        END IF;
        UPDATE crm.wa_mensajes x SET estado = ''OMITIDO'', error = motivo WHERE x.id = m.id;
    END LOOP;
    IF coalesce(current_setting(''embudo.solo_respuestas'', true), '''') = ''on'' THEN
        RETURN;
    END IF;');

-- Only the pending replies, with the claim's NOTIFY deferred as in mensaje_reclamar_diferido:
-- the sender's call while a campaign's pacing gap runs.
CREATE FUNCTION api.respuesta_reclamar_diferido(cuenta int)
RETURNS TABLE (mensaje_id bigint, campana_id bigint, oportunidad_id bigint, telefono text,
               jid text, texto text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM set_config('embudo.aviso_diferido', 'on', true);
    PERFORM set_config('embudo.solo_respuestas', 'on', true);
    RETURN QUERY SELECT * FROM api.mensaje_reclamar(cuenta);
    PERFORM set_config('embudo.solo_respuestas', 'off', true);
END
$$;

-- A pending reply is due now (the claim takes it at any hour and past the cap).
SELECT crm.funcion_reemplazar('api.envio_proximo(integer)',
    '    SELECT min(m.programado_para) INTO t',
    '    IF EXISTS (SELECT 1 FROM crm.wa_mensajes m
                WHERE m.usuario_id = cuenta AND m.campana_id IS NULL
                  AND m.estado = ''PENDIENTE'') THEN
        RETURN now();
    END IF;
    SELECT min(m.programado_para) INTO t');

-- Inbox (089): an answer sent from embudo attends the reply like a call or a note.
SELECT crm.funcion_reemplazar('api.wa_respuestas(timestamptz, boolean)',
    '''DEVUELTA'', ''DESCARTADA'', ''PRORROGA_PEDIDA''))
         ORDER BY r.recibido_at DESC, r.id DESC;',
    '''DEVUELTA'', ''DESCARTADA'', ''PRORROGA_PEDIDA'', ''WA_MENSAJE''))
         ORDER BY r.recibido_at DESC, r.id DESC;');
SELECT crm.funcion_reemplazar('api.wa_respuestas(timestamptz, boolean)',
    '''DEVUELTA'', ''DESCARTADA'', ''PRORROGA_PEDIDA''))
                OFFSET 0)',
    '''DEVUELTA'', ''DESCARTADA'', ''PRORROGA_PEDIDA'', ''WA_MENSAJE''))
                OFFSET 0)');

-- The reasons' Spanish (api.campana_omitidos, api.wa_conversacion): an answer skipped because
-- the client's 24 hours ran out; CERRADA also covers an answer whose opportunity was
-- reassigned while it waited.
SELECT crm.funcion_reemplazar('crm.wa_motivo_texto(text)',
    'WHEN ''CERRADA'' THEN ''la oportunidad ya no está abierta''',
    'WHEN ''CERRADA'' THEN ''la oportunidad ya no está abierta en su embudo''
           WHEN ''VENTANA'' THEN ''pasaron más de 24 horas desde el último mensaje del cliente''');

-- The audit of every reader of crm.wa_mensajes (docs/wa-responder.md, «Who reads an
-- answer»): the campaign readers (statistics, state, plan, omitted, retry, progress) select
-- by campana_id or join the campaign, so an answer is no phantom row there; the account-level
-- counts (the cap, the plan's room, today's explanation) count it, as they should. Three
-- readers change:
--
-- `embudo export mensajes` is the record of what the accounts sent: answers too, campana_id
-- and campana empty.
SELECT crm.funcion_reemplazar('api.wa_mensajes_exportar(date,date)',
    'JOIN crm.wa_campanas c ON c.id = m.campana_id',
    'LEFT JOIN crm.wa_campanas c ON c.id = m.campana_id');
-- An ARCO access request gets every message sent to the titular, her promoter's answers
-- included ("campana": null).
SELECT crm.funcion_reemplazar('api.arco_acceso(bigint,bigint,bigint)',
    'JOIN crm.wa_campanas c ON c.id = m.campana_id',
    'LEFT JOIN crm.wa_campanas c ON c.id = m.campana_id');
-- The server's worker lists an account whose answer waits as it lists one whose launched
-- campaign waits (058): when it is not linked, its sender says why instead of silence.
SELECT crm.funcion_reemplazar('api.wa_cuentas_servidor()',
    '            OR EXISTS (SELECT 1 FROM crm.wa_campanas k',
    '            OR EXISTS (SELECT 1 FROM crm.wa_mensajes r
                        WHERE r.usuario_id = c.usuario_id AND r.campana_id IS NULL
                          AND r.estado = ''PENDIENTE'')
            OR EXISTS (SELECT 1 FROM crm.wa_campanas k');

REVOKE ALL ON FUNCTION crm.wa_ventana_de(bigint, int),
                       crm.wa_responder_impide(crm.usuarios, crm.oportunidades),
                       api.wa_ventana(bigint), api.wa_responder(bigint, text, text),
                       api.wa_conversacion(bigint), api.respuesta_reclamar_diferido(int)
    FROM PUBLIC;
-- Reading to every user (the auditor too); writing to the working groups only (071's rule:
-- no VOLATILE api function for embudo_auditor). A supervisor or an admin calling
-- api.wa_responder gets EB421 and its sentence; respuesta_reclamar_diferido is a sender's (the
-- promoter's own session or a server session).
GRANT EXECUTE ON FUNCTION api.wa_ventana(bigint), api.wa_conversacion(bigint) TO embudo_usuario;
GRANT EXECUTE ON FUNCTION api.wa_responder(bigint, text, text),
                          api.respuesta_reclamar_diferido(int)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
