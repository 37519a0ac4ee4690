-- 088_wa_sin_entrega.sql — a number whose last message was never delivered is not messaged
-- again, and the counts say how many messages are stuck.
--
-- A message that the server took (one grey tick) and that the phone never acknowledged is the
-- signature of a recipient who blocked the number, a phone off for good, or a number WhatsApp
-- no longer serves. Campaigns kept writing to such numbers: the audience only skipped a phone
-- messaged in the last recontacto_dias (7), so a client who blocked a promoter got the next
-- campaign a week later, and the one after — undelivered messages and blocks are what
-- WhatsApp's anti-spam weighs first (anchors §2.3, §2.4 #3: a follow-up bot kept writing to a
-- number stuck at one tick for 38 h). And a campaign's counts showed such a message as sent,
-- exactly like one on its way.
--
--   rule       crm.wa_sin_entrega(cuenta, telefono): the latest message this account sent to
--              that phone (campaign or manual) is still ENVIADO — no delivery or read
--              receipt, no reply — and was sent more than crm.wa_ajustes.sin_entrega_horas
--              ago (24, wall-clock hours: delivery does not keep business hours). Per account:
--              a client who blocked one promoter's number may still hear from another's.
--              It lifts itself: a late receipt (the phone came back) or a reply makes the
--              latest message delivered, and the next campaign includes the number again.
--              Two bounds keep a lost receipt from silencing a number for good, since no new
--              message could ever be delivered to lift it: a message sent before the account
--              was last linked (vinculada_at) does not count — receipts for an old device's
--              messages may never reach the new one — and neither does one older than
--              sin_entrega_dias (90): after that, one more message is tried.
--   campaigns  the audience (crm.wa_audiencia, what the wizard shows and what a campaign
--              plans) and the claim (api.mensaje_reclamar, with its reference
--              crm.wa_motivo_no_enviar) skip such a phone as OMITIDO SIN_ENTREGA.
--   counts     api.campana_estado and api.wa_estadisticas gain sin_entregar: messages sent
--              longer than that ago and still without delivery, reply or read (W9's "ack
--              timeout" flag). The return types change, so both are dropped and created again
--              with the bodies of 024/025 plus the column.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.wa_ajustes
    ADD COLUMN sin_entrega_horas smallint NOT NULL DEFAULT 24
        CHECK (sin_entrega_horas BETWEEN 24 AND 720),  -- "más de un día" in the reason
    ADD COLUMN sin_entrega_dias smallint NOT NULL DEFAULT 90
        CHECK (sin_entrega_dias BETWEEN 7 AND 365);

CREATE FUNCTION crm.wa_sin_entrega(cuenta int, tel text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((
        SELECT u.estado = 'ENVIADO' AND NOT u.respondido
               AND u.enviado_at < now() - make_interval(hours => a.sin_entrega_horas)
               AND u.enviado_at > now() - make_interval(days => a.sin_entrega_dias)
               AND u.enviado_at >= coalesce(c.vinculada_at, '-infinity')
          FROM (SELECT m.estado, m.enviado_at, m.respondido_at IS NOT NULL AS respondido
                  FROM crm.wa_mensajes m
                 WHERE m.telefono = tel AND m.usuario_id = cuenta AND m.enviado_at IS NOT NULL
                UNION ALL
                SELECT e.estado, e.enviado_at, false
                  FROM crm.wa_envios_manuales e
                 WHERE e.telefono = tel AND e.usuario_id = cuenta AND e.enviado_at IS NOT NULL
                 ORDER BY 2 DESC LIMIT 1) u
         CROSS JOIN crm.wa_ajustes a
          LEFT JOIN crm.wa_cuentas c ON c.usuario_id = cuenta), false)
$$;
REVOKE ALL ON FUNCTION crm.wa_sin_entrega(int, text) FROM PUBLIC;

-- A manual send is looked up by phone, like a campaign message (wa_mensajes_telefono).
CREATE INDEX wa_envios_manuales_telefono ON crm.wa_envios_manuales (telefono, enviado_at);

SELECT crm.funcion_reemplazar(
    'crm.wa_audiencia(integer, smallint, smallint, smallint, integer)',
    'WHEN n.en_whatsapp = false THEN ''SIN_WHATSAPP''',
    'WHEN n.en_whatsapp = false THEN ''SIN_WHATSAPP''
                    WHEN crm.wa_sin_entrega(usuario, t.tel) THEN ''SIN_ENTREGA''');
SELECT crm.funcion_reemplazar('crm.wa_motivo_no_enviar(crm.wa_mensajes)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN crm.wa_sin_entrega(m.usuario_id, m.telefono) THEN ''SIN_ENTREGA''
           WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');
SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN crm.wa_sin_entrega(m.usuario_id, m.telefono)
                      THEN ''SIN_ENTREGA''
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');
SELECT crm.funcion_reemplazar('crm.wa_motivo_texto(text)',
    'WHEN ''CERRADA'' THEN',
    'WHEN ''SIN_ENTREGA'' THEN ''su último mensaje lleva más de un día sin entregarse (bloqueó el número, teléfono apagado o sin WhatsApp)''
           WHEN ''CERRADA'' THEN');

-- Messages of the campaign that went out longer than sin_entrega_horas ago and are still
-- without delivery, read or reply.
CREATE FUNCTION crm.wa_sin_entregar(m crm.wa_mensajes) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.estado = 'ENVIADO' AND m.respondido_at IS NULL
           AND m.enviado_at < now() - make_interval(hours => a.sin_entrega_horas)
      FROM crm.wa_ajustes a
$$;
REVOKE ALL ON FUNCTION crm.wa_sin_entregar(crm.wa_mensajes) FROM PUBLIC;

DROP FUNCTION api.campana_estado(bigint);
CREATE FUNCTION api.campana_estado(id bigint)
RETURNS TABLE (campana_id bigint, nombre text, estado text, etapa text, usuario_login text,
               total int, pendientes int, enviando int, inciertos int, enviados int,
               entregados int, leidos int, respondidos int, fallidos int, omitidos int,
               cancelados int, bajas int, creada_at timestamptz, lanzada_at timestamptz,
               terminada_at timestamptz, proximo_at timestamptz, sin_entregar int)
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
           count(*) FILTER (WHERE crm.wa_sin_entregar(m))::int
      FROM crm.etapas e, crm.usuarios u
      LEFT JOIN crm.wa_mensajes m ON m.campana_id = c.id
     WHERE e.id = c.etapa_id AND u.id = c.usuario_id
     GROUP BY e.nombre, u.login;
END
$$;

DROP FUNCTION api.wa_estadisticas(date, date);
CREATE FUNCTION api.wa_estadisticas(desde date, hasta date)
RETURNS TABLE (usuario_id int, usuario_login text, dia date, campana_id bigint, campana text,
               enviados int, entregados int, leidos int, respondidos int, bajas int,
               fallidos int, fallidos_por jsonb, sin_entregar int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[] := crm.wa_visibles();
BEGIN
    PERFORM crm.wa_rango_fechas(desde, hasta);
    RETURN QUERY
    WITH m AS (
        SELECT x.*, crm.fecha_negocio(coalesce(x.enviado_at, x.reclamado_at, x.programado_para))
                    AS d, crm.wa_sin_entregar(x) AS atorado
          FROM crm.wa_mensajes x
         WHERE x.usuario_id = ANY (vis) AND x.estado NOT IN ('PENDIENTE', 'OMITIDO', 'CANCELADO')
    )
    SELECT m.usuario_id, u.login, m.d, m.campana_id, c.nombre,
           count(m.enviado_at)::int, count(m.entregado_at)::int, count(m.leido_at)::int,
           count(m.respondido_at)::int,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM crm.wa_bajas b
                                           WHERE b.mensaje_id = m.id))::int,
           count(*) FILTER (WHERE m.estado = 'FALLIDO')::int,
           coalesce((SELECT jsonb_object_agg(f.error, f.n)
                       FROM (SELECT y.error, count(*) AS n FROM m y
                              WHERE y.campana_id = m.campana_id AND y.d = m.d
                                AND y.estado = 'FALLIDO'
                              GROUP BY y.error) f), '{}'::jsonb),
           count(*) FILTER (WHERE m.atorado)::int
      FROM m
      JOIN crm.usuarios u ON u.id = m.usuario_id
      JOIN crm.wa_campanas c ON c.id = m.campana_id
     WHERE m.d BETWEEN desde AND hasta
     GROUP BY m.usuario_id, u.login, m.d, m.campana_id, c.nombre
     ORDER BY m.d, u.login, m.campana_id;
END
$$;

GRANT EXECUTE ON FUNCTION api.campana_estado(bigint), api.wa_estadisticas(date, date)
    TO embudo_usuario;
