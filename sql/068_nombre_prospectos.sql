-- 068_nombre_prospectos.sql — a captured prospect's name shows wherever a client's does.
--
-- Every query that names the person of an opportunity did
--     coalesce(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), p.nombre)
-- for "the padron client's name, else the prospect's". But concat_ws skips NULLs and returns
-- '' when all are NULL, never NULL, so for a prospect (no padron row) the coalesce stopped at
-- '': the bandeja listed exits of captured leads without a name, and a campaign's
-- {nombre_completo} rendered empty for them ("Hola , …"). Found by capturing a lead from the
-- TUI. The same four functions again, with nullif(…, '') around the concatenation; nothing
-- else changes (the TUI's and the sender's own queries are fixed in src/db the same way).

SET LOCAL ROLE embudo_owner;

-- 066's bandeja.
CREATE OR REPLACE FUNCTION api.bandeja()
RETURNS TABLE (oportunidad_id bigint, cliente text, telefono text, usuario_id int,
               usuario_login text, usuario_nombre text, etapa text, motivo text,
               en_bandeja_desde timestamptz, antiguedad_horas numeric, ultimo_evento text,
               ultimo_evento_at timestamptz, intentos int, ultimo_intento text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_supervisor();
BEGIN
    RETURN QUERY
    SELECT o.id,
           coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),
                    p.nombre),
           coalesce(p.telefono,
                    (SELECT dc.valor FROM padron.datos_contacto dc
                      WHERE dc.cliente_id = o.cliente_id AND dc.vigente AND dc.tipo <> 'EMAIL'
                      ORDER BY dc.tipo, dc.id LIMIT 1)),
           u.id, u.login, u.nombre, e.nombre, o.motivo_salida, o.etapa_desde,
           round((extract(epoch FROM now() - o.etapa_desde) / 3600)::numeric, 1),
           h.evento, h.ocurrido_at, crm.intentos(o.id), i.resultado
      FROM crm.oportunidades o
      JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN crm.etapas e ON e.id = o.etapa_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
      LEFT JOIN LATERAL (SELECT x.evento, x.ocurrido_at FROM crm.historial x
                          WHERE x.oportunidad_id = o.id ORDER BY x.id DESC LIMIT 1) h ON true
      LEFT JOIN LATERAL (SELECT x.datos ->> 'resultado' AS resultado FROM crm.historial x
                          WHERE x.oportunidad_id = o.id AND x.evento = 'INTENTO'
                          ORDER BY x.id DESC LIMIT 1) i ON true
     WHERE o.estado = 'EN_BANDEJA'
       AND (yo.rol = 'ADMIN' OR u.supervisor_id = yo.id OR u.id = yo.id)
     ORDER BY o.etapa_desde, o.id;
END
$$;

-- 023's recipients of a BORRADOR campaign (their template variables).
CREATE OR REPLACE FUNCTION api.campana_destinatarios(campana bigint)
RETURNS TABLE (mensaje_id bigint, oportunidad_id bigint, telefono text, nombre text,
               apellido text, nombre_completo text, convenio text, promotor text, etapa text,
               municipio text, entidad text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
    c  crm.wa_campanas := crm.campana_bloquear(yo, campana);
BEGIN
    IF c.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', campana USING ERRCODE = 'EB355';
    END IF;
    IF c.estado <> 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % ya tiene sus textos (%)', c.id, c.estado
            USING ERRCODE = 'EB356';
    END IF;
    RETURN QUERY
    SELECT m.id, o.id, m.telefono,
           coalesce(cl.nombre, split_part(btrim(pr.nombre), ' ', 1)),
           coalesce(cl.primer_apellido, nullif(split_part(btrim(pr.nombre), ' ', 2), '')),
           coalesce(nullif(concat_ws(' ', cl.nombre, cl.primer_apellido, cl.segundo_apellido), ''),
                    btrim(pr.nombre)),
           cv.nombre, u.nombre, et.nombre, cl.municipio, en.nombre
      FROM crm.wa_mensajes m
      JOIN crm.oportunidades o ON o.id = m.oportunidad_id
      JOIN crm.usuarios u ON u.id = m.usuario_id
      JOIN crm.etapas et ON et.id = o.etapa_id
      LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
      LEFT JOIN padron.convenios cv ON cv.id = coalesce(cl.convenio_id, pr.convenio_id)
      LEFT JOIN padron.entidades en ON en.id = cl.entidad_id
     WHERE m.campana_id = c.id AND m.estado = 'PENDIENTE' AND m.texto IS NULL
     ORDER BY m.id;
END
$$;

-- 023's skipped recipients.
CREATE OR REPLACE FUNCTION api.campana_omitidos(campana bigint)
RETURNS TABLE (mensaje_id bigint, oportunidad_id bigint, cliente text, telefono text,
               motivo text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.wa_campanas x
                    WHERE x.id = campana AND crm.puede_operar(yo, x.usuario_id)) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', coalesce(campana::text, '(vacía)')
            USING ERRCODE = 'EB355';
    END IF;
    RETURN QUERY
    SELECT m.id, m.oportunidad_id,
           coalesce(nullif(concat_ws(' ', cl.nombre, cl.primer_apellido), ''), pr.nombre),
           m.telefono, m.error, crm.wa_motivo_texto(m.error)
      FROM crm.wa_mensajes m
      JOIN crm.oportunidades o ON o.id = m.oportunidad_id
      LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
     WHERE m.campana_id = campana AND m.estado = 'OMITIDO'
     ORDER BY m.id;
END
$$;

-- 030's sample recipients for the wizard's preview.
CREATE OR REPLACE FUNCTION api.campana_muestra(etapa text, convenio text DEFAULT NULL,
                                    entidad text DEFAULT NULL, n int DEFAULT 3)
RETURNS TABLE (nombre text, apellido text, nombre_completo text, convenio_nombre text,
               promotor text, etapa_nombre text, municipio text, entidad_nombre text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_promotor_wa();
    e  crm.etapas := crm.etapa_de_trabajo(etapa);
    f  record := crm.wa_filtros(nullif(btrim(convenio), ''), nullif(btrim(entidad), ''), NULL);
BEGIN
    RETURN QUERY
    SELECT coalesce(cl.nombre, split_part(btrim(pr.nombre), ' ', 1)),
           coalesce(cl.primer_apellido, nullif(split_part(btrim(pr.nombre), ' ', 2), '')),
           coalesce(nullif(concat_ws(' ', cl.nombre, cl.primer_apellido, cl.segundo_apellido), ''),
                    btrim(pr.nombre)),
           cv.nombre, yo.nombre, e.nombre, cl.municipio, en.nombre
      FROM crm.wa_audiencia(yo.id, e.id, f.convenio_id, f.entidad_id, f.tope) a
      JOIN crm.oportunidades o ON o.id = a.oportunidad_id
      LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
      LEFT JOIN padron.convenios cv ON cv.id = coalesce(cl.convenio_id, pr.convenio_id)
      LEFT JOIN padron.entidades en ON en.id = cl.entidad_id
     WHERE a.motivo IS NULL
     ORDER BY a.oportunidad_id
     LIMIT greatest(1, least(coalesce(n, 3), 10));
END
$$;
