-- 083_arco_acceso.sql — the titular's right of access (the A of ARCO, LFPDPPP): everything
-- the CRM holds about one person, as one document.
--
-- 080 answers a cancellation; a titular may first ask what data the company has about them,
-- and the law gives the company twenty business days to answer. The data is spread over the
-- padron, the prospects, the opportunities and their history, the sales, the prórrogas, the
-- campaigns' messages and the replies, the do-not-contact registry and the cancellation
-- itself. api.arco_acceso (an admin: the data officer) gathers them into one jsonb document,
-- the same tables 080's suppression visits, so what can be erased is what can be shown.
-- After a suppression the document shows what is left: «[suprimido]» and the kept datos.
--
-- The titular is named like api.arco_cancelar names it: a padron client, a prospect, or
-- either through one of its opportunities (EB852, EB853). Who did each step is named by
-- login; internal ids of other people's rows are left out.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.arco_acceso(cliente bigint DEFAULT NULL, prospecto bigint DEFAULT NULL,
                                oportunidad bigint DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    t    record;
    tels text[];
    ops  bigint[];
    zona text := crm.zona();
    doc  jsonb;
BEGIN
    PERFORM crm.exigir_admin('consultar los datos de un titular');              -- EB101
    t := crm.arco_titular(cliente, prospecto, oportunidad);                    -- EB852, EB853
    tels := crm.arco_telefonos(t.cliente_id, t.prospecto_id);
    ops := ARRAY(SELECT o.id FROM crm.oportunidades o
                  WHERE o.cliente_id = t.cliente_id OR o.prospecto_id = t.prospecto_id
                  ORDER BY o.id);
    doc := jsonb_build_object(
        'generado', to_char(now() AT TIME ZONE zona, 'YYYY-MM-DD HH24:MI'),
        'titular',
        CASE WHEN t.cliente_id IS NOT NULL THEN
            (SELECT jsonb_build_object(
                 'origen', 'padrón de la financiera', 'cliente', c.id,
                 'nombre', c.nombre, 'primer_apellido', c.primer_apellido,
                 'segundo_apellido', c.segundo_apellido, 'curp', c.curp, 'rfc', c.rfc,
                 'convenio', cv.nombre, 'entidad', en.nombre, 'municipio', c.municipio,
                 'edad', c.edad, 'capacidad_pago', c.capacidad_pago, 'segmento', c.segmento,
                 'cargado', c.fecha_carga)
               FROM padron.clientes c
               JOIN padron.convenios cv ON cv.id = c.convenio_id
               JOIN padron.entidades en ON en.id = c.entidad_id
              WHERE c.id = t.cliente_id)
        ELSE
            (SELECT jsonb_build_object(
                 'origen', 'captado por un promotor', 'prospecto', p.id,
                 'nombre', p.nombre, 'telefono', p.telefono, 'curp', p.curp,
                 'convenio', cv.nombre, 'datos', p.datos, 'capturado_por', u.login,
                 'capturado', to_char(p.created_at AT TIME ZONE zona, 'YYYY-MM-DD HH24:MI'),
                 'aviso_privacidad', a.version, 'aviso_ubicacion', a.ubicacion)
               FROM crm.prospectos p
               JOIN crm.usuarios u ON u.id = p.capturado_por
               LEFT JOIN padron.convenios cv ON cv.id = p.convenio_id
               LEFT JOIN crm.avisos_privacidad a ON a.id = p.aviso_id
              WHERE p.id = t.prospecto_id)
        END,
        'contactos', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'tipo', d.tipo, 'valor', d.valor, 'vigente', d.vigente,
                                   'origen', d.origen) ORDER BY d.id)
                                 FROM padron.datos_contacto d
                                WHERE d.cliente_id = t.cliente_id), '[]'),
        'oportunidades', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                       'oportunidad', o.id, 'promotor', u.login,
                                       'etapa', e.nombre, 'estado', o.estado,
                                       'abierta', to_char(o.created_at AT TIME ZONE zona,
                                                          'YYYY-MM-DD HH24:MI'),
                                       'cerrada', to_char(o.cerrada_at AT TIME ZONE zona,
                                                          'YYYY-MM-DD HH24:MI'),
                                       'motivo_salida', o.motivo_salida,
                                       'venta', CASE WHEN v.folio IS NULL THEN NULL ELSE
                                           jsonb_build_object('folio', v.folio,
                                               'monto', v.monto, 'producto', v.producto,
                                               'registrada', to_char(v.registrada_at
                                                   AT TIME ZONE zona, 'YYYY-MM-DD HH24:MI'))
                                           END) ORDER BY o.id)
                                     FROM crm.oportunidades o
                                     JOIN crm.usuarios u ON u.id = o.usuario_id
                                     JOIN crm.etapas e ON e.id = o.etapa_id
                                     LEFT JOIN crm.ventas v ON v.oportunidad_id = o.id
                                    WHERE o.id = ANY (ops)), '[]'),
        'historial', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'oportunidad', h.oportunidad_id, 'evento', h.evento,
                                   'etapa_anterior', h.etapa_anterior,
                                   'etapa_nueva', h.etapa_nueva, 'motivo', h.motivo,
                                   'datos', h.datos, 'quien', u.login,
                                   'cuando', to_char(h.ocurrido_at AT TIME ZONE zona,
                                                     'YYYY-MM-DD HH24:MI')) ORDER BY h.id)
                                 FROM crm.historial h
                                 LEFT JOIN crm.usuarios u ON u.id = h.usuario_id
                                WHERE h.oportunidad_id = ANY (ops)), '[]'),
        'prorrogas', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                   'oportunidad', r.oportunidad_id, 'reanudar', r.reanudar,
                                   'motivo', r.motivo, 'estado', r.estado,
                                   'respuesta', r.respuesta) ORDER BY r.id)
                                 FROM crm.prorrogas r
                                WHERE r.oportunidad_id = ANY (ops)), '[]'),
        'mensajes', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                  'oportunidad', m.oportunidad_id, 'campana', c.nombre,
                                  'telefono', m.telefono, 'texto', m.texto,
                                  'estado', m.estado,
                                  'enviado', to_char(m.enviado_at AT TIME ZONE zona,
                                                     'YYYY-MM-DD HH24:MI'),
                                  'entregado', to_char(m.entregado_at AT TIME ZONE zona,
                                                       'YYYY-MM-DD HH24:MI'),
                                  'leido', to_char(m.leido_at AT TIME ZONE zona,
                                                   'YYYY-MM-DD HH24:MI')) ORDER BY m.id)
                                FROM crm.wa_mensajes m
                                JOIN crm.wa_campanas c ON c.id = m.campana_id
                               WHERE m.oportunidad_id = ANY (ops)), '[]'),
        'respuestas', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                    'telefono', r.telefono, 'texto', r.texto,
                                    'recibida', to_char(r.recibido_at AT TIME ZONE zona,
                                                        'YYYY-MM-DD HH24:MI')) ORDER BY r.id)
                                  FROM crm.wa_entrantes r
                                 WHERE r.oportunidad_id = ANY (ops)
                                    OR r.telefono = ANY (tels)), '[]'),
        'no_contactar', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                      'telefono', n.telefono, 'fuente', n.fuente,
                                      'registrado', n.registrado,
                                      'hasta', to_char(n.hasta AT TIME ZONE zona, 'YYYY-MM-DD'),
                                      'detalle', n.detalle,
                                      'quitado', to_char(n.quitado_at AT TIME ZONE zona,
                                                         'YYYY-MM-DD'))
                                      ORDER BY n.telefono, n.fuente)
                                    FROM crm.no_contactar n
                                   WHERE n.telefono = ANY (tels)
                                      OR n.telefono IN (SELECT b.telefono FROM crm.wa_bajas b
                                                         WHERE b.oportunidad_id = ANY (ops))),
                                 '[]'),
        'bajas_whatsapp', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                        'telefono', b.telefono, 'texto', b.texto,
                                        'recibida', to_char(b.creada_at AT TIME ZONE zona,
                                                            'YYYY-MM-DD HH24:MI'))
                                        ORDER BY b.creada_at)
                                      FROM crm.wa_bajas b
                                     WHERE b.oportunidad_id = ANY (ops)
                                        OR b.telefono = ANY (tels)), '[]'),
        'cancelacion', (SELECT jsonb_build_object(
                            'folio', a.folio, 'estado', a.estado, 'recibida', a.recibida,
                            'bloqueo_hasta', a.bloqueo_hasta,
                            'suprimida', to_char(a.suprimida_at AT TIME ZONE zona,
                                                 'YYYY-MM-DD'))
                          FROM crm.arco_cancelaciones a
                         WHERE a.cliente_id = t.cliente_id OR a.prospecto_id = t.prospecto_id));
    RETURN doc;
END
$$;

-- A writer's group like 080's, so a promoter or supervisor hears «solo un administrador»
-- (EB101); an auditor gets 42501.
GRANT EXECUTE ON FUNCTION api.arco_acceso(bigint, bigint, bigint)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
