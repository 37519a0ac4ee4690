-- 102_wa_pausa_fallos.sql — a campaign stops by itself when its account's sends keep failing
-- (docs/campanas.md, «Pausa automática»).
--
-- A WhatsApp account that starts refusing messages — the server's error on every ack (479, the
-- reach-out lock that comes before a ban, anchors §2.3), or over the Cloud API a template Meta
-- does not have, a payment problem — failed each campaign message in turn: the sender took the
-- next one, sent it, and wrote FALLIDO again, until the day's cap or the audience ran out. Each
-- refused send is one more strike on a number that is already in trouble, and the promoter
-- learned it only from the count of failures (anchors §5.2 W8: auto-pause on failure spikes).
--
--   rule       crm.wa_pausar_por_fallos(cuenta), run by api.mensaje_fallido each time a message
--              fails: when the account's last wa_ajustes.fallos_pausa (3) tried messages — the
--              ones claimed, in claim order, that were sent (ENVIADO, ENTREGADO, LEIDO) or
--              failed — all failed, every ENVIANDO campaign of the account becomes PAUSADA with
--              pausa_motivo saying why. A failure that speaks of the recipient, not of the
--              account (no WhatsApp, a bad number, an answer whose 24 hours ended, Meta's
--              per-recipient codes: crm.wa_fallo_del_destinatario), is neither a strike nor a
--              success; an answer (campana_id NULL) counts like a campaign message.
--   anew       only messages claimed after the account was last linked and after its last
--              automatic pause (wa_cuentas.fallos_desde) count: when she resumes, the next
--              fallos_pausa messages must fail again before it stops again, and a message
--              already in flight when it stopped does not stop it twice.
--   reason     pausa_motivo is NULL for a pause she asked for; leaving PAUSADA clears it (a
--              trigger, so every path does). A move to the Cloud API (100) pauses campaigns
--              too, and now says why (such a campaign cannot go on: it has no Meta template).
--   reading    api.campana_estado gains pausa_motivo (dropped and created again: 088's body
--              plus the column).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.wa_ajustes
    ADD COLUMN fallos_pausa smallint NOT NULL DEFAULT 3 CHECK (fallos_pausa BETWEEN 2 AND 50);
ALTER TABLE crm.wa_cuentas ADD COLUMN fallos_desde timestamptz;
ALTER TABLE crm.wa_campanas
    ADD COLUMN pausa_motivo text CHECK (length(pausa_motivo) BETWEEN 1 AND 500),
    ADD CONSTRAINT wa_campanas_pausa_motivo CHECK (pausa_motivo IS NULL OR estado = 'PAUSADA');
CREATE INDEX wa_mensajes_reclamados ON crm.wa_mensajes (usuario_id, reclamado_at)
    WHERE reclamado_at IS NOT NULL;

CREATE FUNCTION crm.wa_campanas_pausa_fin() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.pausa_motivo := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER wa_campanas_pausa_fin BEFORE UPDATE OF estado ON crm.wa_campanas
    FOR EACH ROW WHEN (NEW.estado <> 'PAUSADA' AND NEW.pausa_motivo IS NOT NULL)
    EXECUTE FUNCTION crm.wa_campanas_pausa_fin();

-- The failures that say something of the recipient, not of the account that sent: ours (no
-- WhatsApp, a number the server would not take, an answer past the client's 24 hours, one
-- the promoter discarded in doubt) and Meta's per-recipient codes (graph.c's table: 130472
-- experiment, 130497 country, 131021 own number, 131026 undeliverable, 131030 not in the test
-- list, 131047 window, 131049 marketing limit for that client, 131050 opted out, 131056 too
-- many to that client).
CREATE FUNCTION crm.wa_fallo_del_destinatario(error text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(error IN ('SIN_WHATSAPP', 'DESTINO_INVALIDO', 'VENTANA', 'INCIERTO',
                              '130472', '130497', '131021', '131026', '131030', '131047',
                              '131049', '131050', '131056'), false)
$$;

-- Pauses the ENVIANDO campaigns of account cuenta when its last fallos_pausa tried messages
-- (see the rule above) all failed; returns how many it paused. The caller holds the failed
-- message's row lock; one sender per account keeps failures of one account in sequence, and
-- two at once (Cloud webhooks) pause once: the second UPDATE finds nothing ENVIANDO.
CREATE FUNCTION crm.wa_pausar_por_fallos(cuenta int) RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    limite int := (SELECT a.fallos_pausa FROM crm.wa_ajustes a);
    desde  timestamptz := (SELECT coalesce(greatest(c.fallos_desde, c.vinculada_at), '-infinity')
                             FROM crm.wa_cuentas c WHERE c.usuario_id = cuenta);
    n      int;
    fallos int;
    ultimo text;
    motivo text;
    hechas int;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE s.estado = 'FALLIDO'),
           (array_agg(s.error ORDER BY s.reclamado_at DESC))[1]
      INTO n, fallos, ultimo
      FROM (SELECT m.estado, m.error, m.reclamado_at
              FROM crm.wa_mensajes m
             WHERE m.usuario_id = cuenta AND m.reclamado_at > coalesce(desde, '-infinity')
               AND (m.estado IN ('ENVIADO', 'ENTREGADO', 'LEIDO')
                    OR m.estado = 'FALLIDO' AND NOT crm.wa_fallo_del_destinatario(m.error))
             ORDER BY m.reclamado_at DESC
             LIMIT limite) s;
    IF n < limite OR fallos < limite THEN
        RETURN 0;
    END IF;
    motivo := format('Se pausó sola: los últimos %s envíos de la cuenta fallaron (el último, '
                     'error %s); revise el WhatsApp del teléfono antes de reanudar',
                     limite, left(ultimo, 60));
    UPDATE crm.wa_campanas k SET estado = 'PAUSADA', pausa_motivo = motivo, actualizado_at = now()
     WHERE k.usuario_id = cuenta AND k.estado = 'ENVIANDO';
    GET DIAGNOSTICS hechas = ROW_COUNT;
    IF hechas > 0 THEN
        UPDATE crm.wa_cuentas c SET fallos_desde = now() WHERE c.usuario_id = cuenta;
    END IF;
    RETURN hechas;
END
$$;

SELECT crm.funcion_reemplazar('api.mensaje_fallido(bigint, text)',
    '    PERFORM crm.campana_quizas_terminar(m.campana_id);',
    '    PERFORM crm.wa_pausar_por_fallos(m.usuario_id);
    PERFORM crm.campana_quizas_terminar(m.campana_id);');

SELECT crm.funcion_reemplazar('api.wa_cloud_asignar(text, text)',
    'SET estado = ''PAUSADA'', actualizado_at = now()',
    'SET estado = ''PAUSADA'', actualizado_at = now(),
           pausa_motivo = ''La cuenta pasó a la API oficial de WhatsApp, que solo envía '
                          'plantillas aprobadas por Meta, y esta campaña no tiene una: '
                          'cancélela y créela de nuevo con una plantilla ligada''');

DROP FUNCTION api.campana_estado(bigint);
CREATE FUNCTION api.campana_estado(id bigint)
RETURNS TABLE (campana_id bigint, nombre text, estado text, etapa text, usuario_login text,
               total int, pendientes int, enviando int, inciertos int, enviados int,
               entregados int, leidos int, respondidos int, fallidos int, omitidos int,
               cancelados int, bajas int, creada_at timestamptz, lanzada_at timestamptz,
               terminada_at timestamptz, proximo_at timestamptz, sin_entregar int,
               pausa_motivo text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
    c  crm.wa_campanas;
BEGIN
    SELECT * INTO c FROM crm.wa_campanas x WHERE x.id = campana_estado.id;
    IF NOT FOUND OR NOT crm.puede_operar(yo, c.usuario_id) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es suya',
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
           min(m.programado_para) FILTER (WHERE m.estado = 'PENDIENTE'),
           count(*) FILTER (WHERE crm.wa_sin_entregar(m))::int,
           c.pausa_motivo
      FROM crm.etapas e, crm.usuarios u
      LEFT JOIN crm.wa_mensajes m ON m.campana_id = c.id
     WHERE e.id = c.etapa_id AND u.id = c.usuario_id
     GROUP BY e.nombre, u.login;
END
$$;

REVOKE ALL ON FUNCTION crm.wa_campanas_pausa_fin(), crm.wa_fallo_del_destinatario(text),
                       crm.wa_pausar_por_fallos(int), api.campana_estado(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.campana_estado(bigint) TO embudo_usuario;
