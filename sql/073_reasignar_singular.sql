-- 073_reasignar_singular.sql — «se reasignó 1 oportunidad», not «se reasignaron 1
-- oportunidades»: reassigning one opportunity from detalle or the bandeja is the common case,
-- and its confirmation read wrong every time.
--
-- 008's crm.reasignar as 070 left it («su equipo»), with the count and its noun agreeing.

SET LOCAL ROLE embudo_owner;

CREATE OR REPLACE FUNCTION crm.reasignar(yo crm.usuarios, ids bigint[], a_login text, motivo text,
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
        RAISE EXCEPTION '% no es de su equipo', d.nombre USING ERRCODE = 'EB603';
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
        format('se %s a %s (%s)',
               CASE WHEN n = 1 THEN 'reasignó 1 oportunidad'
                    ELSE format('reasignaron %s oportunidades', n) END,
               d.nombre, d.login);
END
$$;
