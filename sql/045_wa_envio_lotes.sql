-- 045_wa_envio_lotes.sql — issue 5's throughput target (≥ 500 messages/s on sim): the sender's
-- per-message SQL was the limit (tests/bench/sender: claim 2.4 ms, ack 0.8 ms, each receipt
-- 0.4 ms, all server time). Measured with pg_stat_statements (track = all) and auto_explain:
--
-- * Every SQL-language helper with its own `SET search_path` (crm.yo, crm.zona,
--   crm.fecha_negocio, crm.wa_en_ventana, crm.wa_en_curso_hoy, crm.wa_motivo_no_enviar,
--   crm.wa_tope_cuenta, crm.campana_quizas_terminar, crm.wa_rango…) is planned again in every
--   transaction (SQL functions keep no plan across calls in PostgreSQL 15, and the SET clause
--   stops inlining): 0.1–0.2 ms each, about ten per claim. The claim below is one PL/pgSQL
--   body whose statements keep their plans for the whole session (the sender's connection
--   lives as long as the sender).
-- * "In flight" (ENVIANDO) was counted through wa_mensajes_reservados, which also holds every
--   PENDIENTE row: a heap visit per queued message per claim. A partial index of ENVIANDO
--   rows makes that count a few entries.
-- * The ack and both receipts of every message were three more round trips and three
--   statements, each with its own NOTIFY. api.envio_lote records many acks, receipts and
--   number checks in one call (src/rt/sendcore.c buffers them for a few ms); set-based, so
--   one NOTIFY per campaign per batch.
--
-- * With several accounts at once the claims queued behind one another: a transaction that
--   NOTIFYs holds a cluster-wide lock from before its commit until after the commit record is
--   flushed, so every durable claim (its UPDATE notified the panes) waited for the previous
--   claim's fsync (4 accounts: 38 messages/s each, 152 in all). The sender now claims with
--   embudo.aviso_diferido on (db_sender_reclamar): the claim's own NOTIFY is left to its
--   next api.envio_lote (asynchronous commit, ≤ 20 ms later, same payload), so durable
--   claims of different accounts share their fsyncs again. Other callers are unchanged.
--
-- Semantics are those of 024/027/032: same refusals, same cap (in flight + sent today +
-- manual texts today), same forward-only states. The sent-today count is still a range count
-- (O(sent today) ≤ 1,000 rows, about 1 µs each): a stored counter would be a second truth.

SET LOCAL ROLE embudo_owner;

CREATE INDEX wa_mensajes_enviando ON crm.wa_mensajes (usuario_id) WHERE estado = 'ENVIANDO';

-- The rank of a state in the forward chain (022), now inlinable (no SET clause: the body
-- names no object, so search_path cannot change what it means) — the BEFORE UPDATE trigger
-- calls it twice per row.
CREATE OR REPLACE FUNCTION crm.wa_rango(estado text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE estado WHEN 'PENDIENTE' THEN 0 WHEN 'ENVIANDO' THEN 1 WHEN 'ENVIADO' THEN 2
                       WHEN 'ENTREGADO' THEN 3 WHEN 'LEIDO' THEN 4 END
$$;

-- 022's live-pane notifications, except the claims of a sender that defers them (above):
-- rows just claimed (ENVIANDO, not uncertain) under embudo.aviso_diferido = on.
CREATE OR REPLACE FUNCTION crm.wa_notificar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    diferido boolean := coalesce(current_setting('embudo.aviso_diferido', true), '') = 'on';
BEGIN
    IF TG_TABLE_NAME = 'wa_mensajes' THEN
        PERFORM pg_notify('embudo', json_build_object('tabla', 'wa_mensajes',
                   'usuario_id', u.usuario_id, 'campana_id', u.campana_id)::text)
           FROM (SELECT DISTINCT usuario_id, campana_id FROM nuevas
                  WHERE NOT (diferido AND estado = 'ENVIANDO' AND NOT incierto)) u;
    ELSE
        PERFORM pg_notify('embudo', json_build_object('tabla', 'wa_campanas',
                   'usuario_id', u.usuario_id, 'campana_id', u.id)::text)
           FROM (SELECT DISTINCT usuario_id, id FROM nuevas) u;
    END IF;
    RETURN NULL;
END
$$;

-- Same count as 032's, in PL/pgSQL (plans kept per session) and through the ENVIANDO index.
CREATE OR REPLACE FUNCTION crm.wa_en_curso_hoy(cuenta int, hoy date) RETURNS int
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    zona  text := (SELECT a.zona FROM crm.ajustes a);
    desde timestamptz := hoy::timestamp AT TIME ZONE zona;
    hasta timestamptz := (hoy + 1)::timestamp AT TIME ZONE zona;
BEGIN
    RETURN (SELECT count(*) FROM crm.wa_mensajes m
             WHERE m.usuario_id = cuenta AND m.estado = 'ENVIANDO')
         + (SELECT count(*) FROM crm.wa_mensajes m
             WHERE m.usuario_id = cuenta AND m.enviado_at >= desde AND m.enviado_at < hasta)
         + crm.wa_manuales_dia(cuenta, hoy);
END
$$;

-- 027's claim, every check inline. The caller check takes the promoter's own session in one
-- lookup and falls back to crm.wa_remitente (server sessions, EB363).
CREATE OR REPLACE FUNCTION api.mensaje_reclamar(cuenta int)
RETURNS TABLE (mensaje_id bigint, campana_id bigint, oportunidad_id bigint, telefono text,
               jid text, texto text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ahora  timestamptz := now();
    zona   text;
    hoy    date;
    cu     crm.wa_cuentas;
    aj     crm.wa_ajustes;
    m      crm.wa_mensajes;
    motivo text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.usuarios u
                    WHERE u.id = cuenta AND u.login = session_user AND u.estado <> 'BAJA') THEN
        PERFORM crm.wa_remitente(cuenta);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('embudo.wa_envio'), cuenta);
    SELECT * INTO cu FROM crm.wa_cuentas x WHERE x.usuario_id = cuenta;
    IF NOT FOUND OR cu.estado <> 'CONECTADA' THEN
        RETURN;
    END IF;
    SELECT a.zona INTO zona FROM crm.ajustes a;
    hoy := (ahora AT TIME ZONE zona)::date;
    -- Today's operating window (crm.wa_en_ventana).
    IF EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = hoy)
       OR NOT EXISTS (SELECT 1 FROM crm.horario_operativo h
                       WHERE h.isodow = extract(isodow FROM hoy)::smallint
                         AND ahora >= (hoy + h.abre) AT TIME ZONE zona
                         AND ahora < (hoy + h.cierra) AT TIME ZONE zona) THEN
        RETURN;
    END IF;
    SELECT * INTO aj FROM crm.wa_ajustes;
    IF crm.wa_en_curso_hoy(cuenta, hoy)
       >= crm.wa_tope(cu.limite_diario, cu.en_uso_desde, hoy, aj.rampa_inicio, aj.rampa_dias) THEN
        RETURN;
    END IF;
    FOR i IN 1 .. 1000 LOOP
        SELECT y.* INTO m FROM crm.wa_mensajes y
          JOIN crm.wa_campanas c ON c.id = y.campana_id
         WHERE y.usuario_id = cuenta AND y.estado = 'PENDIENTE'
           AND y.programado_para <= ahora AND y.dia <= hoy AND c.estado = 'ENVIANDO'
         ORDER BY y.programado_para, y.id
         LIMIT 1
           FOR UPDATE OF y SKIP LOCKED;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        -- crm.wa_motivo_no_enviar
        motivo := CASE
                  WHEN EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = m.telefono)
                      THEN 'BAJA'
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n
                                WHERE n.telefono = m.telefono AND NOT n.en_whatsapp)
                      THEN 'SIN_WHATSAPP'
                  WHEN NOT EXISTS (SELECT 1 FROM crm.oportunidades o
                                    WHERE o.id = m.oportunidad_id AND o.estado = 'ABIERTA')
                      THEN 'CERRADA'
                  END;
        IF motivo IS NULL THEN
            UPDATE crm.wa_mensajes x SET estado = 'ENVIANDO', reclamado_at = ahora
             WHERE x.id = m.id;
            RETURN QUERY SELECT m.id, m.campana_id, m.oportunidad_id, m.telefono, m.jid, m.texto;
            RETURN;
        END IF;
        UPDATE crm.wa_mensajes x SET estado = 'OMITIDO', error = motivo WHERE x.id = m.id;
        PERFORM crm.campana_quizas_terminar(m.campana_id);
    END LOOP;
END
$$;

-- api.mensaje_reclamar for a sender that sends the claim's NOTIFY with its next
-- api.envio_lote (db_sender_reclamar).
CREATE FUNCTION api.mensaje_reclamar_diferido(cuenta int)
RETURNS TABLE (mensaje_id bigint, campana_id bigint, oportunidad_id bigint, telefono text,
               jid text, texto text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM set_config('embudo.aviso_diferido', 'on', true);
    RETURN QUERY SELECT * FROM api.mensaje_reclamar(cuenta);
END
$$;

-- What a sender heard from the network since its last batch, recorded in one call for
-- account cuenta (its own sender: the promoter's session or a server session, EB363):
--
-- * acks: message ack_ids[i] was accepted under WhatsApp id ack_wa[i] at ack_at[i] →
--   ENVIADO (api.mensaje_enviado; enviado_at = the ack's time, never before the claim nor in
--   the future);
-- * receipts: rec_wa[i] was delivered (rec_leido[i] false) or read (true) at rec_at[i]
--   (api.mensaje_recibo), applied after the acks so a receipt may follow its ack in the same
--   batch; only for messages already sent (a receipt for an uncertain one changes nothing);
-- * numbers: num_tel[i] is on WhatsApp as num_jid[i] (api.wa_numero_guardar's positive case:
--   the cache row, and the jid of that phone's pending messages);
-- * reclamados: messages this sender claimed with its notification deferred: the panes'
--   NOTIFY of their campaigns goes out now.
--
-- Returns one row per ack or receipt that changed something (cambio) or was refused (motivo,
-- Spanish): kind 'ACK' or 'RECIBO', i = its 1-based position in its array. Items not
-- returned changed nothing (a duplicate, a late receipt, a wa_id not of this account).
-- Forward-only states and set-once timestamps (022's trigger) make a batch safe to repeat.
CREATE FUNCTION api.envio_lote(cuenta int, ack_ids bigint[], ack_wa text[], ack_at timestamptz[],
                               rec_wa text[], rec_leido boolean[], rec_at timestamptz[],
                               num_tel text[], num_jid text[], reclamados bigint[])
RETURNS TABLE (kind text, i int, cambio boolean, motivo text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    cids bigint[];
    ks   bigint[];
    hs   boolean[];
    ms   text[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.usuarios u
                    WHERE u.id = cuenta AND u.login = session_user AND u.estado <> 'BAJA') THEN
        PERFORM crm.wa_remitente(cuenta);
    END IF;
    IF cardinality(ack_ids) IS DISTINCT FROM cardinality(ack_wa)
       OR cardinality(ack_ids) IS DISTINCT FROM cardinality(ack_at)
       OR cardinality(rec_wa) IS DISTINCT FROM cardinality(rec_leido)
       OR cardinality(rec_wa) IS DISTINCT FROM cardinality(rec_at)
       OR cardinality(num_tel) IS DISTINCT FROM cardinality(num_jid) THEN
        RAISE EXCEPTION 'lote de envío con listas de distinto largo' USING ERRCODE = 'EB362';
    END IF;

    PERFORM pg_notify('embudo', json_build_object('tabla', 'wa_mensajes',
               'usuario_id', u.usuario_id, 'campana_id', u.campana_id)::text)
       FROM (SELECT DISTINCT m.usuario_id, m.campana_id FROM crm.wa_mensajes m
              WHERE m.id = ANY (reclamados) AND m.usuario_id = cuenta) u;

    IF cardinality(num_tel) > 0 THEN
        INSERT INTO crm.wa_numeros AS x (telefono, en_whatsapp, jid)
        SELECT DISTINCT ON (u.tel) u.tel, true, u.jid
          FROM unnest(num_tel, num_jid) WITH ORDINALITY u(tel, jid, k)
         ORDER BY u.tel, u.k DESC
        ON CONFLICT ON CONSTRAINT wa_numeros_pkey DO UPDATE
           SET en_whatsapp = true, jid = excluded.jid, revisado_at = now();
        UPDATE crm.wa_mensajes m SET jid = n.jid
          FROM crm.wa_numeros n
         WHERE n.telefono = ANY (num_tel) AND m.telefono = n.telefono AND m.estado = 'PENDIENTE'
           AND m.jid IS DISTINCT FROM n.jid;
    END IF;

    IF cardinality(ack_ids) > 0 THEN
        -- The first ack of each message in the batch is the one that counts. The outer
        -- query reads the rows as they were before the UPDATE (one snapshot), which says why
        -- the others did not count: a repeated ack is silent, anything else is refused as
        -- api.mensaje_enviado would (EB360, EB361).
        WITH a AS (
            SELECT u.k, u.id, nullif(btrim(u.w), '') AS w, u.t
              FROM unnest(ack_ids, ack_wa, ack_at) WITH ORDINALITY u(id, w, t, k)
        ), primero AS (
            SELECT DISTINCT ON (a.id) a.* FROM a
             WHERE a.w IS NOT NULL AND length(a.w) <= 128
             ORDER BY a.id, a.k
        ), hechos AS (
            UPDATE crm.wa_mensajes m
               SET estado = 'ENVIADO', wa_id = p.w,
                   enviado_at = least(greatest(coalesce(p.t, now()), m.reclamado_at), now())
              FROM primero p
             WHERE m.id = p.id AND m.usuario_id = cuenta AND m.estado = 'ENVIANDO'
               AND m.wa_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM crm.wa_mensajes o WHERE o.wa_id = p.w)
            RETURNING p.k, m.campana_id
        ), z AS (
            SELECT a.k, h.k IS NOT NULL AS hecho,
                   CASE WHEN h.k IS NOT NULL THEN NULL
                        WHEN a.w IS NULL OR length(a.w) > 128
                            THEN 'falta el identificador de WhatsApp del mensaje'
                        WHEN m.id IS NULL
                            THEN format('el mensaje %s no existe o no es tuyo', a.id)
                        WHEN m.wa_id = a.w
                          OR EXISTS (SELECT 1 FROM primero p JOIN hechos d ON d.k = p.k
                                      WHERE p.id = a.id AND p.w = a.w)
                            THEN NULL
                        WHEN m.estado <> 'ENVIANDO'
                            THEN format('el mensaje %s no está en envío (%s)', m.id, m.estado)
                        ELSE format('el identificador %s ya es de otro mensaje', a.w)
                   END AS motivo
              FROM a
              LEFT JOIN hechos h ON h.k = a.k
              LEFT JOIN crm.wa_mensajes m ON m.id = a.id AND m.usuario_id = cuenta
        )
        SELECT coalesce(array_agg(z.k ORDER BY z.k), '{}'),
               coalesce(array_agg(z.hecho ORDER BY z.k), '{}'),
               coalesce(array_agg(z.motivo ORDER BY z.k), '{}'),
               (SELECT array_agg(DISTINCT h.campana_id) FROM hechos h)
          INTO ks, hs, ms, cids
          FROM z
         WHERE z.hecho OR z.motivo IS NOT NULL;
        PERFORM crm.campana_quizas_terminar(c) FROM unnest(cids) c;
        RETURN QUERY SELECT 'ACK'::text, u.k::int, u.h, u.mo FROM unnest(ks, hs, ms) u(k, h, mo);
    END IF;

    IF cardinality(rec_wa) > 0 THEN
        -- In batch order per message: a read sets read and (if missing) delivered; a delivery
        -- counts only when nothing before it (stored or earlier in the batch) set delivered.
        RETURN QUERY
        WITH r AS (
            SELECT u.k, u.w, u.leido, m.id AS mid, m.entregado_at AS e0, m.leido_at AS l0,
                   least(greatest(coalesce(u.t, now()), m.enviado_at), now()) AS t
              FROM unnest(rec_wa, rec_leido, rec_at) WITH ORDINALITY u(w, leido, t, k)
              JOIN crm.wa_mensajes m ON m.wa_id = u.w AND m.usuario_id = cuenta
                                    AND m.enviado_at IS NOT NULL
               FOR UPDATE OF m
        ), f AS (
            SELECT r.*,
                   min(r.k) FILTER (WHERE r.leido) OVER (PARTITION BY r.mid) AS k_leido,
                   min(r.k) OVER (PARTITION BY r.mid) AS k_primero
              FROM r
        ), cuenta_cada AS (
            SELECT f.*,
                   CASE WHEN f.leido THEN f.l0 IS NULL AND f.k = f.k_leido
                        ELSE f.e0 IS NULL AND f.k = f.k_primero END AS cambia
              FROM f
        ), nuevos AS (
            SELECT c.mid,
                   min(c.t) FILTER (WHERE c.leido AND c.cambia) AS l,
                   min(c.t) FILTER (WHERE c.cambia AND c.k = c.k_primero) AS e
              FROM cuenta_cada c
             GROUP BY c.mid
        ), hechos AS (
            UPDATE crm.wa_mensajes m
               SET estado = CASE WHEN n.l IS NOT NULL THEN 'LEIDO' ELSE 'ENTREGADO' END,
                   entregado_at = coalesce(m.entregado_at, n.e, n.l),
                   leido_at = coalesce(m.leido_at, n.l)
              FROM nuevos n
             WHERE m.id = n.mid AND (n.e IS NOT NULL OR n.l IS NOT NULL)
            RETURNING m.id)
        SELECT 'RECIBO'::text, c.k::int, true, NULL::text
          FROM cuenta_cada c
         WHERE c.cambia AND EXISTS (SELECT 1 FROM hechos h WHERE h.id = c.mid)
         ORDER BY c.k;
    END IF;
END
$$;

GRANT EXECUTE ON FUNCTION api.mensaje_reclamar_diferido(int) TO embudo_usuario;
GRANT EXECUTE ON FUNCTION api.envio_lote(int, bigint[], text[], timestamptz[], text[], boolean[],
                                         timestamptz[], text[], text[], bigint[])
    TO embudo_usuario;
