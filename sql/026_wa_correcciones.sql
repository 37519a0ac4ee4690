-- 026_wa_correcciones.sql — fixes to 021…024 found by tests/db/test_campana*.c (those files
-- may already be applied somewhere, so they are not edited):
-- * campaign creation's `maximo` counts recipients that get a message, not opportunities
--   looked at: skipped ones no longer use up the limit, so a second campaign over the same
--   stage takes the next recipients (023 applied LIMIT before classifying);
-- * api.plantilla_guardar and api.wa_numero_guardar: ON CONFLICT named by constraint (their
--   parameters nombre/telefono made the column lists ambiguous).

SET LOCAL ROLE embudo_owner;

CREATE OR REPLACE FUNCTION crm.wa_audiencia(usuario int, etapa smallint, convenio smallint,
                                            entidad smallint, maximo int)
RETURNS TABLE (oportunidad_id bigint, telefono text, jid text, motivo text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH base AS (
        SELECT o.id, t.tel, n.jid,
               CASE WHEN t.tel IS NULL THEN 'SIN_TELEFONO'
                    WHEN EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = t.tel)
                        THEN 'BAJA'
                    WHEN o.cliente_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM crm.bloqueos b
                         WHERE b.cliente_id = o.cliente_id
                           AND b.motivo IN ('OPT_OUT', 'NO_CONTACTAR')
                           AND (b.hasta IS NULL OR b.hasta > now())) THEN 'BLOQUEADO'
                    WHEN n.en_whatsapp = false THEN 'SIN_WHATSAPP'
               END AS motivo
          FROM crm.oportunidades o
          LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
          LEFT JOIN padron.clientes c ON c.id = o.cliente_id
          LEFT JOIN LATERAL (SELECT d.valor FROM padron.datos_contacto d
                              WHERE d.cliente_id = o.cliente_id AND d.tipo = 'CELULAR'
                                AND d.vigente
                              ORDER BY d.id LIMIT 1) dc ON true
         CROSS JOIN LATERAL (SELECT coalesce(p.telefono, dc.valor) AS tel) t
          LEFT JOIN crm.wa_numeros n ON n.telefono = t.tel
         WHERE o.usuario_id = usuario AND o.estado = 'ABIERTA' AND o.etapa_id = etapa
           AND (convenio IS NULL OR coalesce(c.convenio_id, p.convenio_id) = convenio)
           AND (entidad IS NULL OR c.entidad_id = entidad)
    ), ordenada AS (
        SELECT b.*, row_number() OVER (PARTITION BY b.tel, b.motivo IS NULL ORDER BY b.id) AS k
          FROM base b
    ), clasificada AS (
        SELECT x.id, x.tel, x.jid,
               coalesce(x.motivo,
                        CASE WHEN x.k > 1 THEN 'DUPLICADO'
                             WHEN EXISTS (
                                 SELECT 1 FROM crm.wa_mensajes m, crm.wa_ajustes a
                                  WHERE m.telefono = x.tel
                                    AND (m.estado IN ('PENDIENTE', 'ENVIANDO')
                                         OR m.enviado_at > now() - make_interval(
                                                days => a.recontacto_dias))) THEN 'RECIENTE'
                        END) AS motivo
          FROM ordenada x
    ), contada AS (
        SELECT y.*, count(*) FILTER (WHERE y.motivo IS NULL) OVER (ORDER BY y.id) AS n
          FROM clasificada y
    )
    SELECT z.id, z.tel, z.jid, z.motivo
      FROM contada z
     WHERE z.motivo IS NOT NULL OR z.n <= maximo
     ORDER BY z.id
$$;

CREATE OR REPLACE FUNCTION api.plantilla_guardar(etapa text, nombre text, texto text,
                                      compartida boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo  crm.usuarios := crm.yo_fila();
    e   crm.etapas := crm.etapa_de_trabajo(etapa);
    nom text := btrim(nombre);
    duo int;
    pid bigint;
BEGIN
    IF nom IS NULL OR length(nom) NOT BETWEEN 1 AND 80 THEN
        RAISE EXCEPTION 'el nombre de la plantilla debe tener de 1 a 80 caracteres'
            USING ERRCODE = 'EB341';
    END IF;
    IF coalesce(compartida, false) AND yo.rol <> 'ADMIN' THEN
        RAISE EXCEPTION 'solo un administrador comparte plantillas con todos'
            USING ERRCODE = 'EB343';
    END IF;
    PERFORM crm.plantilla_exigir(texto);
    duo := CASE WHEN coalesce(compartida, false) THEN NULL ELSE yo.id END;
    INSERT INTO crm.plantillas AS p (etapa_id, usuario_id, nombre, texto, creado_por)
    VALUES (e.id, duo, nom, texto, yo.id)
    ON CONFLICT ON CONSTRAINT plantillas_usuario_id_etapa_id_nombre_key
    DO UPDATE SET texto = excluded.texto, creado_por = excluded.creado_por, actualizado_at = now()
    RETURNING p.id INTO pid;
    RETURN pid;
END
$$;

CREATE OR REPLACE FUNCTION api.wa_numero_guardar(telefono text, en_whatsapp boolean, jid text DEFAULT NULL)
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
    ON CONFLICT ON CONSTRAINT wa_numeros_pkey DO UPDATE
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
