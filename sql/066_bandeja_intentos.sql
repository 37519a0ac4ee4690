-- 066_bandeja_intentos.sql — the bandeja shows the contact attempts behind each exit
-- (docs/anchors.md C6: "every exit with reason, age, last attempt").
--
-- A supervisor deciding whether to return, discard or reassign a "No localizado" needs to see
-- that it was tried, and how: two more columns, intentos (since the opportunity reached its
-- current owner, the count api.mover checked) and ultimo_intento (the outcome code of the
-- latest attempt, NULL when none). The others stay as 008 defined them. The return type
-- changes, so the function is dropped and created again (nothing in the database calls it).

SET LOCAL ROLE embudo_owner;

DROP FUNCTION api.bandeja();
CREATE FUNCTION api.bandeja()
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
           coalesce(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), p.nombre),
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
GRANT EXECUTE ON FUNCTION api.bandeja() TO embudo_supervisor, embudo_admin;
