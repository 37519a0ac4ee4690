-- 006_embudo.sql — the funnel: stage transitions, sales, notes.
--
-- Who may act on an opportunity: its owner, the owner's supervisor, an admin
-- (crm.oportunidad_bloquear: EB301 otherwise, without revealing whether it exists).
-- History rows that change the estado carry estado_anterior/estado_nuevo (TRANSICION carries
-- ABIERTA → ABIERTA); api.verificar_invariantes relies on it.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.mover(oportunidad bigint, etapa text, motivo text DEFAULT NULL)
RETURNS TABLE (oportunidad_id bigint, estado text, etapa_id smallint, etapa_nombre text,
               timer_vence timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo    crm.usuarios := crm.yo_fila();
    o     crm.oportunidades;
    antes crm.etapas;
    e     crm.etapas;
    t     record;
    m     text := nullif(btrim(mover.motivo), '');
BEGIN
    o := crm.oportunidad_bloquear(yo, mover.oportunidad);
    IF o.estado NOT IN ('ABIERTA', 'EN_BANDEJA') THEN
        RAISE EXCEPTION 'la oportunidad % está cerrada (%)', o.id, o.estado
            USING ERRCODE = 'EB302';
    END IF;
    IF o.estado = 'EN_BANDEJA' THEN
        RAISE EXCEPTION 'la oportunidad % está en la bandeja del supervisor', o.id
            USING ERRCODE = 'EB307';
    END IF;
    SELECT * INTO e FROM crm.etapas x
     WHERE lower(x.nombre) = lower(btrim(mover.etapa)) AND x.activa;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la etapa "%" no existe o no está activa', coalesce(mover.etapa, '')
            USING ERRCODE = 'EB303';
    END IF;
    IF e.tipo = 'VENTA' THEN
        RAISE EXCEPTION 'para pasar a "%" registre la venta (embudo venta)', e.nombre
            USING ERRCODE = 'EB304';
    END IF;
    IF e.id = o.etapa_id THEN
        RAISE EXCEPTION 'la oportunidad % ya está en la etapa "%"', o.id, e.nombre
            USING ERRCODE = 'EB306';
    END IF;
    IF m IS NOT NULL AND length(m) > 500 THEN
        RAISE EXCEPTION 'el motivo es demasiado largo (máximo 500 caracteres)'
            USING ERRCODE = 'EB305';
    END IF;
    SELECT * INTO antes FROM crm.etapas x WHERE x.id = o.etapa_id;

    IF e.tipo = 'SALIDA' THEN
        IF m IS NULL THEN
            RAISE EXCEPTION 'para pasar a "%" escribe el motivo', e.nombre
                USING ERRCODE = 'EB305';
        END IF;
        UPDATE crm.oportunidades x
           SET estado = 'EN_BANDEJA', etapa_id = e.id, etapa_desde = now(), timer_vence = NULL,
               timer_aviso = NULL, timer_avisado = false, motivo_salida = m, updated_at = now()
         WHERE x.id = o.id;
        INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                                   etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                                   usuario_id, motivo)
        VALUES (o.id, 'A_BANDEJA', antes.id, antes.nombre, e.id, e.nombre, o.estado,
                'EN_BANDEJA', yo.id, m);
        RETURN QUERY SELECT o.id, 'EN_BANDEJA'::text, e.id, e.nombre, NULL::timestamptz;
        RETURN;
    END IF;

    t := crm.timer_etapa(e.id, now());
    UPDATE crm.oportunidades x
       SET etapa_id = e.id, etapa_desde = now(), timer_vence = t.vence, timer_aviso = t.aviso,
           timer_avisado = false, updated_at = now()
     WHERE x.id = o.id;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    VALUES (o.id, 'TRANSICION', antes.id, antes.nombre, e.id, e.nombre, o.estado, o.estado,
            yo.id, m, jsonb_strip_nulls(jsonb_build_object('timer_vence', t.vence)));
    RETURN QUERY SELECT o.id, o.estado, e.id, e.nombre, t.vence;
END
$$;

CREATE FUNCTION api.registrar_venta(oportunidad bigint, monto numeric, producto text, folio text)
RETURNS TABLE (folio_venta text, nueva boolean, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo    crm.usuarios := crm.yo_fila();
    o     crm.oportunidades;
    v     crm.ventas;
    antes crm.etapas;
    e     crm.etapas;
    f     text := btrim(registrar_venta.folio);
    p     text := btrim(registrar_venta.producto);
    dias  int;
BEGIN
    o := crm.oportunidad_bloquear(yo, registrar_venta.oportunidad);
    SELECT * INTO v FROM crm.ventas x WHERE x.oportunidad_id = o.id;
    IF FOUND THEN
        IF v.folio = f AND v.monto = registrar_venta.monto AND v.producto = p THEN
            RETURN QUERY SELECT v.folio, false,
                format('la venta ya estaba registrada con el folio %s', v.folio);
            RETURN;
        END IF;
        RAISE EXCEPTION 'la oportunidad % ya tiene una venta registrada con el folio %', o.id, v.folio
            USING ERRCODE = 'EB310';
    END IF;
    IF o.estado = 'EN_BANDEJA' THEN
        RAISE EXCEPTION 'la oportunidad % está en la bandeja del supervisor', o.id
            USING ERRCODE = 'EB307';
    END IF;
    IF o.estado <> 'ABIERTA' THEN
        RAISE EXCEPTION 'la oportunidad % está cerrada (%)', o.id, o.estado
            USING ERRCODE = 'EB302';
    END IF;
    IF registrar_venta.monto IS NULL OR registrar_venta.monto <= 0
       OR registrar_venta.monto >= 100000000
       OR registrar_venta.monto <> round(registrar_venta.monto, 2) THEN
        RAISE EXCEPTION 'monto inválido: % (mayor que cero, hasta dos decimales)',
            coalesce(registrar_venta.monto::text, '—') USING ERRCODE = 'EB312';
    END IF;
    IF p IS NULL OR length(p) NOT BETWEEN 1 AND 80 THEN
        RAISE EXCEPTION 'producto inválido (de 1 a 80 caracteres)' USING ERRCODE = 'EB313';
    END IF;
    IF f IS NULL OR f !~ '^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$' THEN
        RAISE EXCEPTION 'folio inválido: "%" (letras, dígitos, / _ -; hasta 40)', coalesce(f, '')
            USING ERRCODE = 'EB313';
    END IF;
    IF EXISTS (SELECT 1 FROM crm.ventas x WHERE x.folio = f) THEN
        RAISE EXCEPTION 'el folio % ya está registrado en otra venta', f USING ERRCODE = 'EB311';
    END IF;
    SELECT * INTO e FROM crm.etapas x WHERE x.tipo = 'VENTA' AND x.activa;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no hay una etapa de venta activa configurada' USING ERRCODE = 'EB314';
    END IF;
    SELECT * INTO antes FROM crm.etapas x WHERE x.id = o.etapa_id;

    BEGIN
        INSERT INTO crm.ventas (oportunidad_id, monto, producto, folio, usuario_id)
        VALUES (o.id, registrar_venta.monto, p, f, o.usuario_id);
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'el folio % ya está registrado en otra venta', f USING ERRCODE = 'EB311';
    END;
    UPDATE crm.oportunidades x
       SET estado = 'GANADA', etapa_id = e.id, etapa_desde = now(), timer_vence = NULL,
           timer_aviso = NULL, cerrada_at = now(), updated_at = now()
     WHERE x.id = o.id;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, datos)
    VALUES (o.id, 'VENTA', antes.id, antes.nombre, e.id, e.nombre, o.estado, 'GANADA', yo.id,
            jsonb_build_object('folio', f, 'monto', registrar_venta.monto, 'producto', p));
    SELECT a.enfriamiento_dias INTO dias FROM crm.ajustes a;
    IF o.cliente_id IS NOT NULL AND dias > 0 THEN
        INSERT INTO crm.bloqueos (cliente_id, hasta, motivo, detalle, creado_por)
        VALUES (o.cliente_id, now() + make_interval(days => dias), 'VENTA',
                format('venta folio %s', f), yo.id);
    END IF;
    RETURN QUERY SELECT f, true, format('venta registrada con el folio %s', f);
END
$$;

CREATE FUNCTION api.nota(oportunidad bigint, texto text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_fila();
    o  crm.oportunidades;
    t  text := btrim(nota.texto);
    hid bigint;
BEGIN
    SELECT * INTO o FROM crm.oportunidades x WHERE x.id = nota.oportunidad;
    IF NOT FOUND OR NOT crm.puede_operar(yo, o.usuario_id) THEN
        RAISE EXCEPTION 'la oportunidad % no existe o no es tuya',
            coalesce(nota.oportunidad::text, '(vacía)') USING ERRCODE = 'EB301';
    END IF;
    IF t IS NULL OR t = '' OR length(t) > 2000 THEN
        RAISE EXCEPTION 'la nota debe tener entre 1 y 2000 caracteres' USING ERRCODE = 'EB320';
    END IF;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               usuario_id, motivo)
    SELECT o.id, 'NOTA', e.id, e.nombre, yo.id, t FROM crm.etapas e WHERE e.id = o.etapa_id
    RETURNING historial.id INTO hid;
    RETURN hid;
END
$$;

GRANT EXECUTE ON FUNCTION api.mover(bigint, text, text),
                          api.registrar_venta(bigint, numeric, text, text),
                          api.nota(bigint, text)
    TO embudo_usuario;
