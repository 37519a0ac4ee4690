-- 008_bandeja.sql — the supervisor's exits inbox and reassignment.
--
-- Multi-row actions are all-or-nothing and lock their opportunities in id order, so two
-- supervisors acting on overlapping sets cannot deadlock; the sweep skips locked rows and
-- re-checks the newest version of the ones it takes, so a reassignment racing a timer expiry
-- either wins (timer restarted, the sweep drops the row) or finds the row DEVUELTA and refuses
-- it with EB604.

SET LOCAL ROLE embudo_owner;

-- Common checks of the multi-row actions: ids (EB501), reason (EB503). Returns the ids,
-- deduplicated and sorted, and the trimmed reason.
CREATE FUNCTION crm.ids_y_motivo(ids bigint[], motivo text, OUT lista bigint[], OUT razon text)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    SELECT array_agg(DISTINCT i ORDER BY i) INTO lista FROM unnest(ids) AS i WHERE i IS NOT NULL;
    IF lista IS NULL OR cardinality(lista) > 1000 THEN
        RAISE EXCEPTION 'indique entre 1 y 1000 oportunidades' USING ERRCODE = 'EB501';
    END IF;
    razon := nullif(btrim(motivo), '');
    IF razon IS NULL OR length(razon) > 500 THEN
        RAISE EXCEPTION 'el motivo es obligatorio (hasta 500 caracteres)' USING ERRCODE = 'EB503';
    END IF;
END
$$;

-- Locks the opportunities lista in id order for yo; EB301 for a missing or foreign one,
-- EB502 (solo_bandeja) for one not in the bandeja, EB604 for a closed one.
CREATE FUNCTION crm.bloquear_varias(yo crm.usuarios, lista bigint[], solo_bandeja boolean)
RETURNS SETOF crm.oportunidades
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o     crm.oportunidades;
    vistos int := 0;
BEGIN
    FOR o IN SELECT * FROM crm.oportunidades x WHERE x.id = ANY (lista) ORDER BY x.id FOR UPDATE
    LOOP
        IF NOT crm.puede_operar(yo, o.usuario_id) THEN
            RAISE EXCEPTION 'la oportunidad % no existe o no es de tu equipo', o.id
                USING ERRCODE = 'EB301';
        END IF;
        IF o.estado NOT IN ('ABIERTA', 'EN_BANDEJA') THEN
            RAISE EXCEPTION 'la oportunidad % está cerrada (%)', o.id, o.estado
                USING ERRCODE = 'EB604';
        END IF;
        IF solo_bandeja AND o.estado <> 'EN_BANDEJA' THEN
            RAISE EXCEPTION 'la oportunidad % no está en la bandeja', o.id USING ERRCODE = 'EB502';
        END IF;
        vistos := vistos + 1;
        RETURN NEXT o;
    END LOOP;
    IF vistos < cardinality(lista) THEN
        RAISE EXCEPTION 'la oportunidad % no existe o no es de tu equipo',
            (SELECT min(i) FROM unnest(lista) i
              WHERE NOT EXISTS (SELECT 1 FROM crm.oportunidades x WHERE x.id = i))
            USING ERRCODE = 'EB301';
    END IF;
END
$$;

CREATE FUNCTION crm.reasignar(yo crm.usuarios, ids bigint[], a_login text, motivo text,
                              solo_bandeja boolean)
RETURNS TABLE (lote_id bigint, reasignadas int, mensaje text)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a       record;
    d       crm.usuarios;
    ops     crm.oportunidades[];
    n       int;
    cupo    crm.cupo_diario;
    activos int;
    lote    bigint;
    inicial crm.etapas := crm.etapa_inicial();
BEGIN
    IF yo.rol NOT IN ('SUPERVISOR', 'ADMIN') THEN
        RAISE EXCEPTION 'esta acción es solo para supervisores y administradores'
            USING ERRCODE = 'EB002';
    END IF;
    a := crm.ids_y_motivo(ids, motivo);
    SELECT * INTO d FROM crm.usuarios u WHERE u.login = lower(btrim(a_login));
    IF NOT FOUND OR d.rol <> 'PROMOTOR' OR d.estado = 'BAJA' THEN
        RAISE EXCEPTION 'el destino "%" no es un promotor de embudo', coalesce(a_login, '')
            USING ERRCODE = 'EB601';
    END IF;
    IF d.estado <> 'ACTIVO' THEN
        RAISE EXCEPTION '% está en estado %: no puede recibir oportunidades', d.nombre, d.estado
            USING ERRCODE = 'EB602';
    END IF;
    IF yo.rol = 'SUPERVISOR' AND d.supervisor_id IS DISTINCT FROM yo.id THEN
        RAISE EXCEPTION '% no es de tu equipo', d.nombre USING ERRCODE = 'EB603';
    END IF;

    SELECT array_agg(x ORDER BY x.id) INTO ops
      FROM crm.bloquear_varias(yo, a.lista, solo_bandeja) x;
    IF EXISTS (SELECT 1 FROM unnest(ops) x WHERE x.usuario_id = d.id) THEN
        RAISE EXCEPTION 'la oportunidad % ya es de %',
            (SELECT min(x.id) FROM unnest(ops) x WHERE x.usuario_id = d.id), d.nombre
            USING ERRCODE = 'EB607';
    END IF;
    n := cardinality(ops);

    cupo := crm.cupo_bloquear(d.id);
    IF cupo.limite - cupo.usados < n THEN
        RAISE EXCEPTION 'a % le quedan % de su cupo de hoy y se necesitan %', d.nombre,
            cupo.limite - cupo.usados, n USING ERRCODE = 'EB605';
    END IF;
    activos := crm.cartera(d.id);
    IF activos + n > d.cartera_max THEN
        RAISE EXCEPTION 'la cartera de % admite % más y se necesitan %', d.nombre,
            greatest(d.cartera_max - activos, 0), n USING ERRCODE = 'EB606';
    END IF;
    UPDATE crm.cupo_diario c SET usados = c.usados + n
     WHERE c.usuario_id = d.id AND c.fecha = cupo.fecha;

    INSERT INTO crm.lotes (usuario_id, origen, filtros, solicitados, creado_por, motivo)
    VALUES (d.id, 'REASIGNACION', jsonb_build_object('oportunidades', to_jsonb(a.lista)), n,
            yo.id, a.razon)
    RETURNING id INTO lote;

    WITH nuevo AS (
        SELECT x.id, x.usuario_id AS de, x.estado AS estado_ant, x.etapa_id AS etapa_ant,
               CASE WHEN e.tipo IN ('INICIAL', 'NORMAL') AND e.activa THEN e.id
                    ELSE inicial.id END AS etapa
          FROM unnest(ops) x JOIN crm.etapas e ON e.id = x.etapa_id),
    con_timer AS (
        SELECT nuevo.*, t.vence, t.aviso
          FROM nuevo, LATERAL crm.timer_etapa(nuevo.etapa, now()) t),
    upd AS (
        UPDATE crm.oportunidades o
           SET usuario_id = d.id, lote_id = lote, estado = 'ABIERTA', etapa_id = c.etapa,
               etapa_desde = now(), timer_vence = c.vence, timer_aviso = c.aviso,
               timer_avisado = false, motivo_salida = NULL, updated_at = now()
          FROM con_timer c
         WHERE o.id = c.id
        RETURNING o.id)
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT c.id, 'REASIGNADA', c.etapa_ant, ea.nombre, c.etapa, en.nombre, c.estado_ant,
           'ABIERTA', yo.id, a.razon,
           jsonb_build_object('de_usuario_id', c.de, 'a_usuario_id', d.id, 'lote_id', lote)
      FROM con_timer c
      JOIN upd ON upd.id = c.id
      JOIN crm.etapas ea ON ea.id = c.etapa_ant
      JOIN crm.etapas en ON en.id = c.etapa;

    RETURN QUERY SELECT lote, n,
        format('se reasignaron %s oportunidades a %s (%s)', n, d.nombre, d.login);
END
$$;

CREATE FUNCTION api.reasignar(ids bigint[], a_login text, motivo text)
RETURNS TABLE (lote_id bigint, reasignadas int, mensaje text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM crm.reasignar(crm.yo_fila(), ids, a_login, motivo, false)
$$;

CREATE FUNCTION api.bandeja_reasignar(ids bigint[], a_login text, motivo text)
RETURNS TABLE (lote_id bigint, reasignadas int, mensaje text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM crm.reasignar(crm.yo_supervisor(), ids, a_login, motivo, true)
$$;

-- Closes or reopens bandeja rows: accion DEVUELTA, DESCARTADA or REABIERTA.
CREATE FUNCTION crm.bandeja_cerrar(ids bigint[], motivo text, accion text) RETURNS int
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo      crm.usuarios := crm.yo_supervisor();
    a       record;
    ops     crm.oportunidades[];
    inicial crm.etapas;
    t       record;
    dias    int;
BEGIN
    a := crm.ids_y_motivo(ids, motivo);
    SELECT array_agg(x ORDER BY x.id) INTO ops FROM crm.bloquear_varias(yo, a.lista, true) x;

    IF accion = 'REABIERTA' THEN
        inicial := crm.etapa_inicial();
        t := crm.timer_etapa(inicial.id, now());
        UPDATE crm.oportunidades o
           SET estado = 'ABIERTA', etapa_id = inicial.id, etapa_desde = now(),
               timer_vence = t.vence, timer_aviso = t.aviso, timer_avisado = false,
               motivo_salida = NULL, updated_at = now()
         WHERE o.id = ANY (a.lista);
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                                   usuario_id, motivo)
        SELECT x.id, 'REABIERTA', x.etapa_id, e.nombre, inicial.id, inicial.nombre, x.estado,
               'ABIERTA', yo.id, a.razon
          FROM unnest(ops) x JOIN crm.etapas e ON e.id = x.etapa_id;
    ELSE
        UPDATE crm.oportunidades o
           SET estado = accion, cerrada_at = now(), updated_at = now()
         WHERE o.id = ANY (a.lista);
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                                   usuario_id, motivo)
        SELECT x.id, accion, x.etapa_id, e.nombre, x.etapa_id, e.nombre, x.estado, accion,
               yo.id, a.razon
          FROM unnest(ops) x JOIN crm.etapas e ON e.id = x.etapa_id;
        -- A discarded client rests for the cool-down period before it can be assigned again.
        SELECT aj.enfriamiento_dias INTO dias FROM crm.ajustes aj;
        IF accion = 'DESCARTADA' AND dias > 0 THEN
            INSERT INTO crm.bloqueos (cliente_id, hasta, motivo, detalle, creado_por)
            SELECT x.cliente_id, now() + make_interval(days => dias), 'ENFRIAMIENTO',
                   left('descartada: ' || a.razon, 500), yo.id
              FROM unnest(ops) x WHERE x.cliente_id IS NOT NULL;
        END IF;
    END IF;
    RETURN cardinality(ops);
END
$$;

CREATE FUNCTION api.bandeja_devolver(ids bigint[], motivo text) RETURNS int
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.bandeja_cerrar(ids, motivo, 'DEVUELTA')
$$;
CREATE FUNCTION api.bandeja_descartar(ids bigint[], motivo text) RETURNS int
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.bandeja_cerrar(ids, motivo, 'DESCARTADA')
$$;
CREATE FUNCTION api.bandeja_reabrir(ids bigint[], motivo text) RETURNS int
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT crm.bandeja_cerrar(ids, motivo, 'REABIERTA')
$$;

CREATE FUNCTION api.bandeja()
RETURNS TABLE (oportunidad_id bigint, cliente text, telefono text, usuario_id int,
               usuario_login text, usuario_nombre text, etapa text, motivo text,
               en_bandeja_desde timestamptz, antiguedad_horas numeric, ultimo_evento text,
               ultimo_evento_at timestamptz)
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
           h.evento, h.ocurrido_at
      FROM crm.oportunidades o
      JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN crm.etapas e ON e.id = o.etapa_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
      LEFT JOIN LATERAL (SELECT x.evento, x.ocurrido_at FROM crm.historial x
                          WHERE x.oportunidad_id = o.id ORDER BY x.id DESC LIMIT 1) h ON true
     WHERE o.estado = 'EN_BANDEJA'
       AND (yo.rol = 'ADMIN' OR u.supervisor_id = yo.id OR u.id = yo.id)
     ORDER BY o.etapa_desde, o.id;
END
$$;

GRANT EXECUTE ON FUNCTION api.reasignar(bigint[], text, text),
                          api.bandeja_reasignar(bigint[], text, text),
                          api.bandeja_devolver(bigint[], text),
                          api.bandeja_descartar(bigint[], text),
                          api.bandeja_reabrir(bigint[], text),
                          api.bandeja()
    TO embudo_supervisor, embudo_admin;
