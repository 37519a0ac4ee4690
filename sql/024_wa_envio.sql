-- 024_wa_envio.sql — campaign lifecycle, the sender's claim/ack/receipt/failure calls,
-- uncertain messages, incoming texts and opt-outs, the number-check cache.
--
-- The claim is a short transaction of its own (postgres-measurements.md §8): one UPDATE of
-- the next due row picked with FOR UPDATE SKIP LOCKED, serialised per account by a
-- transaction advisory lock so the day's cap is re-checked at send time too. A message found
-- ENVIANDO when a sender starts (api.mensajes_recuperar) is marked uncertain and never
-- re-sent automatically: the user decides (api.mensaje_resolver_incierto).
-- Who may send for an account: its promoter, or — when the account chose server-side
-- sending — an admin/superuser/embudo_owner session (`embudo worker`); else EB363.

SET LOCAL ROLE embudo_owner;

-- Refuses (EB363) a session that may not send for account cuenta.
CREATE FUNCTION crm.wa_remitente(cuenta int) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF cuenta IS NOT NULL AND crm.yo() = cuenta THEN
        RETURN;
    END IF;
    IF cuenta IS NOT NULL AND crm.sesion_es_admin()
       AND EXISTS (SELECT 1 FROM crm.wa_cuentas c WHERE c.usuario_id = cuenta AND c.envio_servidor)
    THEN
        RETURN;
    END IF;
    RAISE EXCEPTION 'no puedes enviar por la cuenta de WhatsApp %', coalesce(cuenta::text, '(vacía)')
        USING ERRCODE = 'EB363';
END
$$;

-- A campaign with nothing left to send becomes TERMINADA.
CREATE FUNCTION crm.campana_quizas_terminar(cid bigint) RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    UPDATE crm.wa_campanas c SET estado = 'TERMINADA', terminada_at = now(), actualizado_at = now()
     WHERE c.id = cid AND c.estado IN ('ENVIANDO', 'PAUSADA')
       AND NOT EXISTS (SELECT 1 FROM crm.wa_mensajes m
                        WHERE m.campana_id = cid AND m.estado IN ('PENDIENTE', 'ENVIANDO'))
$$;

-- ---------------------------------------------------------------------------------------------
-- Lifecycle (owner, its supervisor, an admin). Each returns the campaign's estado after the
-- call; asking for the state it already has changes nothing (retries are safe).

CREATE FUNCTION crm.campana_pasar(cid bigint, accion text) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo    crm.usuarios := crm.yo_fila();
    c     crm.wa_campanas := crm.campana_bloquear(yo, cid);
    desde text[];
    hacia text;
BEGIN
    CASE accion
    WHEN 'lanzar' THEN desde := ARRAY['LISTA']; hacia := 'ENVIANDO';
    WHEN 'pausar' THEN desde := ARRAY['ENVIANDO']; hacia := 'PAUSADA';
    WHEN 'reanudar' THEN desde := ARRAY['PAUSADA']; hacia := 'ENVIANDO';
    ELSE desde := ARRAY['BORRADOR', 'LISTA', 'ENVIANDO', 'PAUSADA']; hacia := 'CANCELADA';
    END CASE;
    IF c.estado = hacia THEN
        RETURN c.estado;
    END IF;
    IF accion = 'lanzar' AND c.estado = 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % aún no tiene sus textos; cancélela y créela de nuevo', c.id
            USING ERRCODE = 'EB357';
    END IF;
    IF NOT c.estado = ANY (desde) THEN
        RAISE EXCEPTION 'no se puede % la campaña %: está %', accion, c.id, lower(c.estado)
            USING ERRCODE = 'EB356';
    END IF;
    IF hacia = 'CANCELADA' THEN
        UPDATE crm.wa_mensajes m SET estado = 'CANCELADO'
         WHERE m.campana_id = c.id AND m.estado = 'PENDIENTE';
    END IF;
    UPDATE crm.wa_campanas x
       SET estado = hacia, actualizado_at = now(),
           lanzada_at = CASE WHEN accion = 'lanzar' THEN now() ELSE x.lanzada_at END,
           terminada_at = CASE WHEN hacia = 'CANCELADA' THEN now() END
     WHERE x.id = c.id;
    PERFORM crm.campana_quizas_terminar(c.id);
    RETURN (SELECT x.estado FROM crm.wa_campanas x WHERE x.id = c.id);
END
$$;

CREATE FUNCTION api.campana_lanzar(id bigint) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.campana_pasar(id, 'lanzar')
$$;
CREATE FUNCTION api.campana_pausar(id bigint) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.campana_pasar(id, 'pausar')
$$;
CREATE FUNCTION api.campana_reanudar(id bigint) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.campana_pasar(id, 'reanudar')
$$;
-- Pending messages → CANCELADO, which releases their reserved capacity.
CREATE FUNCTION api.campana_cancelar(id bigint) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.campana_pasar(id, 'cancelar')
$$;

-- Counts per state, derived from the messages (never stored).
CREATE FUNCTION api.campana_estado(id bigint)
RETURNS TABLE (campana_id bigint, nombre text, estado text, etapa text, usuario_login text,
               total int, pendientes int, enviando int, inciertos int, enviados int,
               entregados int, leidos int, respondidos int, fallidos int, omitidos int,
               cancelados int, bajas int, creada_at timestamptz, lanzada_at timestamptz,
               terminada_at timestamptz, proximo_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
    c  crm.wa_campanas;
BEGIN
    SELECT * INTO c FROM crm.wa_campanas x WHERE x.id = campana_estado.id;
    IF NOT FOUND OR NOT crm.puede_operar(yo, c.usuario_id) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya',
            coalesce(campana_estado.id::text, '(vacía)') USING ERRCODE = 'EB355';
    END IF;
    RETURN QUERY
    SELECT c.id, c.nombre, c.estado, e.nombre, u.login, count(m.id)::int,
           count(*) FILTER (WHERE m.estado = 'PENDIENTE')::int,
           count(*) FILTER (WHERE m.estado = 'ENVIANDO' AND NOT m.incierto)::int,
           count(*) FILTER (WHERE m.incierto)::int,
           count(m.enviado_at)::int, count(m.entregado_at)::int, count(m.leido_at)::int,
           count(m.respondido_at)::int,
           count(*) FILTER (WHERE m.estado = 'FALLIDO')::int,
           count(*) FILTER (WHERE m.estado = 'OMITIDO')::int,
           count(*) FILTER (WHERE m.estado = 'CANCELADO')::int,
           (SELECT count(*) FROM crm.wa_bajas b JOIN crm.wa_mensajes x ON x.id = b.mensaje_id
             WHERE x.campana_id = c.id)::int,
           c.creada_at, c.lanzada_at, c.terminada_at,
           min(m.programado_para) FILTER (WHERE m.estado = 'PENDIENTE')
      FROM crm.etapas e, crm.usuarios u
      LEFT JOIN crm.wa_mensajes m ON m.campana_id = c.id
     WHERE e.id = c.etapa_id AND u.id = c.usuario_id
     GROUP BY e.nombre, u.login;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The sender.

-- Marks the messages of account cuenta found ENVIANDO as uncertain. The sender calls it once
-- when it starts (holding the account's advisory lock, so none of them is in flight).
CREATE FUNCTION api.mensajes_recuperar(cuenta int) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n int;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    UPDATE crm.wa_mensajes m SET incierto = true
     WHERE m.usuario_id = cuenta AND m.estado = 'ENVIANDO' AND NOT m.incierto;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Skips due messages that must not go out any more: the phone opted out, the opportunity is
-- no longer ABIERTA, the number is known not to be on WhatsApp.
CREATE FUNCTION crm.wa_depurar(cuenta int) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cids bigint[];
BEGIN
    WITH x AS (
        UPDATE crm.wa_mensajes m
           SET estado = 'OMITIDO',
               error = CASE WHEN EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = m.telefono)
                            THEN 'BAJA'
                            WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n
                                          WHERE n.telefono = m.telefono AND NOT n.en_whatsapp)
                            THEN 'SIN_WHATSAPP'
                            ELSE 'CERRADA' END
         WHERE m.id IN (
               SELECT y.id FROM crm.wa_mensajes y
                 JOIN crm.oportunidades o ON o.id = y.oportunidad_id
                WHERE y.usuario_id = cuenta AND y.estado = 'PENDIENTE'
                  AND y.programado_para <= now()
                  AND (o.estado <> 'ABIERTA'
                       OR EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = y.telefono)
                       OR EXISTS (SELECT 1 FROM crm.wa_numeros n
                                   WHERE n.telefono = y.telefono AND NOT n.en_whatsapp))
                  FOR UPDATE OF y SKIP LOCKED)
        RETURNING m.campana_id)
    SELECT array_agg(DISTINCT campana_id) INTO cids FROM x;
    PERFORM crm.campana_quizas_terminar(i) FROM unnest(cids) i;
END
$$;

-- Claims the next due message of account cuenta (0 or 1 row): its campaign ENVIANDO, the
-- account CONECTADA, now inside today's operating window, today's cap not reached (sent and
-- in flight today). The row becomes ENVIANDO; call it in its own short transaction.
CREATE FUNCTION api.mensaje_reclamar(cuenta int)
RETURNS TABLE (mensaje_id bigint, campana_id bigint, oportunidad_id bigint, telefono text,
               jid text, texto text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    cu  crm.wa_cuentas;
    hoy date := crm.fecha_negocio(now());
    m   crm.wa_mensajes;
BEGIN
    PERFORM crm.wa_remitente(cuenta);
    PERFORM pg_advisory_xact_lock(hashtext('embudo.wa_envio'), cuenta);
    SELECT * INTO cu FROM crm.wa_cuentas x WHERE x.usuario_id = cuenta;
    IF NOT FOUND OR cu.estado <> 'CONECTADA' THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM crm.wa_dias_operativos(now(), 1) d
                    WHERE d.dia = hoy AND d.abre <= now()) THEN
        RETURN;
    END IF;
    IF (SELECT count(*) FROM crm.wa_mensajes x
         WHERE x.usuario_id = cuenta
           AND (x.estado = 'ENVIANDO'
                OR (x.enviado_at >= hoy::timestamp AT TIME ZONE crm.zona()
                    AND x.enviado_at < (hoy + 1)::timestamp AT TIME ZONE crm.zona())))
       >= crm.wa_tope_cuenta(cuenta, hoy) THEN
        RETURN;
    END IF;
    PERFORM crm.wa_depurar(cuenta);
    UPDATE crm.wa_mensajes x SET estado = 'ENVIANDO', reclamado_at = now()
     WHERE x.id = (SELECT y.id FROM crm.wa_mensajes y
                     JOIN crm.wa_campanas c ON c.id = y.campana_id
                    WHERE y.usuario_id = cuenta AND y.estado = 'PENDIENTE'
                      AND y.programado_para <= now() AND y.dia <= hoy AND c.estado = 'ENVIANDO'
                    ORDER BY y.programado_para, y.id
                    LIMIT 1
                      FOR UPDATE OF y SKIP LOCKED)
    RETURNING x.* INTO m;
    IF m.id IS NOT NULL THEN
        RETURN QUERY SELECT m.id, m.campana_id, m.oportunidad_id, m.telefono, m.jid, m.texto;
    END IF;
END
$$;

-- The message locked, for a sender of its account; EB360 when it does not exist.
CREATE FUNCTION crm.mensaje_bloquear(mid bigint) RETURNS crm.wa_mensajes
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m crm.wa_mensajes;
BEGIN
    SELECT * INTO m FROM crm.wa_mensajes x WHERE x.id = mid FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el mensaje % no existe o no es tuyo', coalesce(mid::text, '(vacío)')
            USING ERRCODE = 'EB360';
    END IF;
    BEGIN
        PERFORM crm.wa_remitente(m.usuario_id);
    EXCEPTION WHEN SQLSTATE 'EB363' THEN
        RAISE EXCEPTION 'el mensaje % no existe o no es tuyo', mid USING ERRCODE = 'EB360';
    END;
    RETURN m;
END
$$;

-- The server acknowledged message id with WhatsApp id wa_id: ENVIADO, enviado_at now.
-- The same ack again returns false and changes nothing. EB360, EB361 (not in flight, or
-- another wa_id).
CREATE FUNCTION api.mensaje_enviado(id bigint, wa_id text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m crm.wa_mensajes := crm.mensaje_bloquear(id);
    w text := nullif(btrim(wa_id), '');
BEGIN
    IF w IS NULL OR length(w) > 128 THEN
        RAISE EXCEPTION 'falta el identificador de WhatsApp del mensaje' USING ERRCODE = 'EB361';
    END IF;
    IF m.wa_id = w THEN
        RETURN false;
    END IF;
    IF m.estado <> 'ENVIANDO' THEN
        RAISE EXCEPTION 'el mensaje % no está en envío (%)', m.id, m.estado
            USING ERRCODE = 'EB361';
    END IF;
    BEGIN
        UPDATE crm.wa_mensajes x
           SET estado = 'ENVIADO', enviado_at = now(), wa_id = w
         WHERE x.id = m.id;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'el identificador % ya es de otro mensaje', w USING ERRCODE = 'EB361';
    END;
    PERFORM crm.campana_quizas_terminar(m.campana_id);
    RETURN true;
END
$$;

-- A delivery (ENTREGADO) or read (LEIDO) receipt for wa_id at instant `at` (NULL = now;
-- never before the send nor in the future). True when it changed something: a duplicated
-- or late receipt, or an unknown wa_id, returns false. EB362 unknown tipo.
CREATE FUNCTION api.mensaje_recibo(wa_id text, tipo text, at timestamptz DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m crm.wa_mensajes;
    t timestamptz;
    n int;
BEGIN
    IF tipo IS NULL OR tipo NOT IN ('ENTREGADO', 'LEIDO') THEN
        RAISE EXCEPTION 'tipo de recibo inválido «%»: ENTREGADO o LEIDO', coalesce(tipo, '')
            USING ERRCODE = 'EB362';
    END IF;
    SELECT * INTO m FROM crm.wa_mensajes x WHERE x.wa_id = mensaje_recibo.wa_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    BEGIN
        PERFORM crm.wa_remitente(m.usuario_id);
    EXCEPTION WHEN SQLSTATE 'EB363' THEN
        RETURN false;     -- not revealed
    END;
    t := least(greatest(coalesce(at, now()), m.enviado_at), now());
    UPDATE crm.wa_mensajes x
       SET estado = tipo,
           entregado_at = CASE WHEN tipo = 'ENTREGADO' THEN t ELSE x.entregado_at END,
           leido_at = CASE WHEN tipo = 'LEIDO' THEN t ELSE x.leido_at END
     WHERE x.id = m.id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n > 0;
END
$$;

-- The send failed (server error, number rejected…): FALLIDO with error. Again → false.
-- EB360, EB361 (already sent or finished otherwise).
CREATE FUNCTION api.mensaje_fallido(id bigint, error text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m crm.wa_mensajes := crm.mensaje_bloquear(id);
    r text := left(coalesce(nullif(btrim(error), ''), 'ERROR'), 500);
BEGIN
    IF m.estado = 'FALLIDO' THEN
        RETURN false;
    END IF;
    IF m.estado NOT IN ('PENDIENTE', 'ENVIANDO') THEN
        RAISE EXCEPTION 'el mensaje % ya no se puede marcar como fallido (%)', m.id, m.estado
            USING ERRCODE = 'EB361';
    END IF;
    UPDATE crm.wa_mensajes x SET estado = 'FALLIDO', error = r WHERE x.id = m.id;
    PERFORM crm.campana_quizas_terminar(m.campana_id);
    RETURN true;
END
$$;

-- The user's decision on an uncertain message (owner, supervisor, admin): ENVIADO (it did
-- arrive: sent at its claim time), REENVIAR (back to PENDIENTE, due now — the only way a
-- message goes back), DESCARTAR (FALLIDO 'INCIERTO'). EB360, EB361 not uncertain, EB362 accion.
CREATE FUNCTION api.mensaje_resolver_incierto(id bigint, accion text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_fila();
    m  crm.wa_mensajes;
    a  text := upper(btrim(accion));
BEGIN
    SELECT * INTO m FROM crm.wa_mensajes x WHERE x.id = mensaje_resolver_incierto.id FOR UPDATE;
    IF NOT FOUND OR NOT crm.puede_operar(yo, m.usuario_id) THEN
        RAISE EXCEPTION 'el mensaje % no existe o no es tuyo',
            coalesce(mensaje_resolver_incierto.id::text, '(vacío)') USING ERRCODE = 'EB360';
    END IF;
    IF a IS NULL OR a NOT IN ('ENVIADO', 'REENVIAR', 'DESCARTAR') THEN
        RAISE EXCEPTION 'acción inválida «%»: ENVIADO, REENVIAR o DESCARTAR', coalesce(accion, '')
            USING ERRCODE = 'EB362';
    END IF;
    IF NOT m.incierto THEN
        RAISE EXCEPTION 'el mensaje % no está en duda (%)', m.id, m.estado USING ERRCODE = 'EB361';
    END IF;
    UPDATE crm.wa_mensajes x
       SET estado = CASE a WHEN 'ENVIADO' THEN 'ENVIADO' WHEN 'REENVIAR' THEN 'PENDIENTE'
                           ELSE 'FALLIDO' END,
           incierto = false,
           enviado_at = CASE WHEN a = 'ENVIADO' THEN x.reclamado_at END,
           error = CASE WHEN a = 'DESCARTAR' THEN 'INCIERTO' ELSE x.error END,
           programado_para = CASE WHEN a = 'REENVIAR' THEN now() ELSE x.programado_para END,
           dia = CASE WHEN a = 'REENVIAR' THEN crm.fecha_negocio(now()) ELSE x.dia END
     WHERE x.id = m.id;
    PERFORM crm.campana_quizas_terminar(m.campana_id);
    RETURN (SELECT x.estado FROM crm.wa_mensajes x WHERE x.id = m.id);
END
$$;

-- Caches a number check; a number not on WhatsApp skips its pending messages (SIN_WHATSAPP).
-- Returns how many were skipped. EB701 invalid phone.
CREATE FUNCTION api.wa_numero_guardar(telefono text, en_whatsapp boolean, jid text DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tel  text := api.normalizar_telefono(telefono);
    cids bigint[];
    n    int;
BEGIN
    IF crm.yo() IS NULL AND NOT crm.sesion_es_admin() THEN
        PERFORM crm.yo_fila();    -- EB001
    END IF;
    IF en_whatsapp IS NULL OR (jid IS NOT NULL AND jid !~ '^[0-9]{6,20}@s\.whatsapp\.net$') THEN
        RAISE EXCEPTION 'resultado de verificación inválido' USING ERRCODE = 'EB362';
    END IF;
    INSERT INTO crm.wa_numeros AS x (telefono, en_whatsapp, jid)
    VALUES (tel, en_whatsapp, CASE WHEN en_whatsapp THEN jid END)
    ON CONFLICT (telefono) DO UPDATE
       SET en_whatsapp = excluded.en_whatsapp, jid = excluded.jid, revisado_at = now();
    IF en_whatsapp THEN
        UPDATE crm.wa_mensajes m SET jid = wa_numero_guardar.jid
         WHERE m.telefono = tel AND m.estado = 'PENDIENTE' AND wa_numero_guardar.jid IS NOT NULL;
        RETURN 0;
    END IF;
    WITH x AS (
        UPDATE crm.wa_mensajes m SET estado = 'OMITIDO', error = 'SIN_WHATSAPP'
         WHERE m.telefono = tel AND m.estado = 'PENDIENTE'
        RETURNING m.campana_id)
    SELECT array_agg(DISTINCT campana_id), count(*) INTO cids, n FROM x;
    PERFORM crm.campana_quizas_terminar(i) FROM unnest(cids) i;
    RETURN n;
END
$$;

-- The phone of a jid or a phone in any accepted form, or NULL.
CREATE FUNCTION crm.wa_telefono(telefono_o_jid text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN api.normalizar_telefono(
        CASE WHEN position('@' IN telefono_o_jid) > 0
             THEN '+' || crm.jid_numero(telefono_o_jid) ELSE telefono_o_jid END);
EXCEPTION WHEN SQLSTATE 'EB701' THEN
    RETURN NULL;
END
$$;

-- Records the opt-out of phone tel received by account cuenta: crm.wa_bajas, an OPT_OUT
-- block for a padron client, every pending message to it skipped (BAJA, any account).
CREATE FUNCTION crm.wa_registrar_baja(cuenta int, tel text, o crm.oportunidades, mid bigint,
                                      regla text, texto text) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cids bigint[];
BEGIN
    INSERT INTO crm.wa_bajas (telefono, usuario_id, oportunidad_id, mensaje_id, regla, texto)
    VALUES (tel, cuenta, o.id, mid, left(regla, 200), left(texto, 4000))
    ON CONFLICT (telefono) DO NOTHING;
    IF o.cliente_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM crm.bloqueos b
         WHERE b.cliente_id = o.cliente_id AND b.motivo = 'OPT_OUT' AND b.hasta IS NULL) THEN
        INSERT INTO crm.bloqueos (cliente_id, hasta, motivo, detalle, creado_por)
        VALUES (o.cliente_id, NULL, 'OPT_OUT', left('baja por WhatsApp: ' || texto, 500), cuenta);
    END IF;
    WITH x AS (
        UPDATE crm.wa_mensajes m SET estado = 'OMITIDO', error = 'BAJA'
         WHERE m.telefono = tel AND m.estado = 'PENDIENTE'
        RETURNING m.campana_id)
    SELECT array_agg(DISTINCT campana_id) INTO cids FROM x;
    PERFORM crm.campana_quizas_terminar(i) FROM unnest(cids) i;
END
$$;

-- An incoming text on account cuenta (NULL = the caller's) from a phone or jid. baja: the C
-- opt-out detector (src/core/optout.h) matched, regla = its rule. Records the reply on the
-- latest message sent to that phone, a history event (WA_RESPUESTA, or WA_BAJA); an opt-out
-- is recorded (wa_bajas, OPT_OUT block, pending messages skipped) and an ABIERTA opportunity
-- goes to the bandeja. Texts from numbers that match nothing of the account are stored too.
-- EB363 (account), EB364 (not a Mexican phone).
CREATE FUNCTION api.wa_entrante(telefono_o_jid text, texto text, baja boolean DEFAULT false,
                                regla text DEFAULT NULL, cuenta int DEFAULT NULL)
RETURNS TABLE (oportunidad_id bigint, mensaje_id bigint, baja_registrada boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    cta int := coalesce(cuenta, crm.yo());
    tel text := crm.wa_telefono(telefono_o_jid);
    txt text := left(coalesce(texto, ''), 4000);
    m   crm.wa_mensajes;
    o   crm.oportunidades;
    e   crm.etapas;
BEGIN
    PERFORM crm.wa_remitente(cta);
    IF tel IS NULL THEN
        RAISE EXCEPTION 'remitente que no es un celular de México: %',
            left(coalesce(telefono_o_jid, ''), 60) USING ERRCODE = 'EB364';
    END IF;
    SELECT * INTO m FROM crm.wa_mensajes x
     WHERE x.usuario_id = cta AND x.telefono = tel AND x.enviado_at IS NOT NULL
     ORDER BY x.enviado_at DESC, x.id DESC LIMIT 1 FOR UPDATE;
    IF m.id IS NOT NULL THEN
        SELECT * INTO o FROM crm.oportunidades x WHERE x.id = m.oportunidad_id FOR UPDATE;
        UPDATE crm.wa_mensajes x SET respondido_at = now() WHERE x.id = m.id;
    ELSE
        SELECT x.* INTO o FROM crm.oportunidades x
          LEFT JOIN crm.prospectos p ON p.id = x.prospecto_id
         WHERE x.usuario_id = cta AND x.estado IN ('ABIERTA', 'EN_BANDEJA')
           AND (p.telefono = tel OR EXISTS (SELECT 1 FROM padron.datos_contacto d
                                             WHERE d.cliente_id = x.cliente_id AND d.valor = tel
                                               AND d.vigente))
         ORDER BY x.id LIMIT 1 FOR UPDATE OF x;
    END IF;
    INSERT INTO crm.wa_entrantes (usuario_id, telefono, oportunidad_id, mensaje_id, texto, baja)
    VALUES (cta, tel, o.id, m.id, txt, coalesce(baja, false));
    IF coalesce(baja, false) THEN
        PERFORM crm.wa_registrar_baja(cta, tel, o, m.id, regla, txt);
    END IF;
    IF o.id IS NOT NULL THEN
        SELECT * INTO e FROM crm.etapas x WHERE x.id = o.etapa_id;
        IF coalesce(baja, false) AND o.estado = 'ABIERTA' THEN
            UPDATE crm.oportunidades x
               SET estado = 'EN_BANDEJA', timer_vence = NULL, timer_aviso = NULL,
                   timer_avisado = false, motivo_salida = left('baja por WhatsApp: ' || txt, 500),
                   updated_at = now()
             WHERE x.id = o.id;
        END IF;
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   estado_anterior, estado_nuevo, usuario_id, motivo, datos)
        VALUES (o.id, CASE WHEN coalesce(baja, false) THEN 'WA_BAJA' ELSE 'WA_RESPUESTA' END,
                e.id, e.nombre,
                CASE WHEN coalesce(baja, false) AND o.estado = 'ABIERTA' THEN 'ABIERTA' END,
                CASE WHEN coalesce(baja, false) AND o.estado = 'ABIERTA' THEN 'EN_BANDEJA' END,
                cta, left(txt, 2000),
                jsonb_strip_nulls(jsonb_build_object('telefono', tel, 'mensaje_id', m.id,
                                                     'regla', regla)));
    END IF;
    RETURN QUERY SELECT o.id, m.id, coalesce(baja, false);
END
$$;

GRANT EXECUTE ON FUNCTION api.campana_lanzar(bigint), api.campana_pausar(bigint),
                          api.campana_reanudar(bigint), api.campana_cancelar(bigint),
                          api.campana_estado(bigint), api.mensajes_recuperar(int),
                          api.mensaje_reclamar(int), api.mensaje_enviado(bigint, text),
                          api.mensaje_recibo(text, text, timestamptz),
                          api.mensaje_fallido(bigint, text),
                          api.mensaje_resolver_incierto(bigint, text),
                          api.wa_numero_guardar(text, boolean, text),
                          api.wa_entrante(text, text, boolean, text, int)
    TO embudo_usuario;
