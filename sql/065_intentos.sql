-- 065_intentos.sql — contact attempts, and exits that need them (docs/anchors.md C8).
--
-- A promoter could send a client to the bandeja as "No localizado" without having tried to
-- reach them: the supervisor had only the promoter's word, and the client went back to the
-- pool or to someone else with nothing on record. Now:
--
-- * api.registrar_intento(oportunidad, resultado, nota) records one contact attempt as an
--   INTENTO history row (datos.resultado: NO_CONTESTA, BUZON, NUMERO_EQUIVOCADO,
--   NO_INTERESADO, CITA, CONTACTADO; the note in motivo). Owner, their supervisor or an
--   admin; only while the opportunity is ABIERTA. It changes neither the stage nor the timer.
-- * crm.etapas.intentos_minimos: a SALIDA stage may require that many attempts before an
--   opportunity enters it (api.mover refuses with EB308 and says how many are on record).
--   The attempts that count are the ones since the opportunity reached its current owner
--   (ASIGNADA, CAPTADA, REASIGNADA, REABIERTA): a reassigned or reopened opportunity needs
--   its new attempts. "No localizado" — the exit that says the client could not be reached —
--   requires 2; other exits 0 (a client who says "no me interesa" on the first call is an
--   honest exit).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.etapas ADD COLUMN intentos_minimos smallint NOT NULL DEFAULT 0
    CHECK (intentos_minimos BETWEEN 0 AND 20),
    ADD CHECK (intentos_minimos = 0 OR tipo = 'SALIDA');
UPDATE crm.etapas SET intentos_minimos = 2 WHERE nombre = 'No localizado' AND tipo = 'SALIDA';

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO')
        OR evento ~ '^WA_[A-Z_]+$');

-- Attempts on record since the opportunity reached its current owner (historial_oportunidad
-- index: one range read per call).
CREATE FUNCTION crm.intentos(oportunidad bigint) RETURNS int
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*)::int FROM crm.historial h
             WHERE h.oportunidad_id = oportunidad AND h.evento = 'INTENTO'
               AND h.id > coalesce((SELECT max(x.id) FROM crm.historial x
                                     WHERE x.oportunidad_id = oportunidad
                                       AND x.evento IN ('ASIGNADA', 'CAPTADA', 'REASIGNADA',
                                                        'REABIERTA')), 0));
END
$$;

CREATE FUNCTION api.registrar_intento(oportunidad bigint, resultado text, nota text DEFAULT NULL)
RETURNS TABLE (intentos int, mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_fila();
    o  crm.oportunidades;
    r  text := upper(btrim(registrar_intento.resultado));
    t  text := nullif(btrim(registrar_intento.nota), '');
    n  int;
BEGIN
    o := crm.oportunidad_bloquear(yo, registrar_intento.oportunidad);
    IF o.estado = 'EN_BANDEJA' THEN
        RAISE EXCEPTION 'la oportunidad % está en la bandeja del supervisor', o.id
            USING ERRCODE = 'EB307';
    END IF;
    IF o.estado <> 'ABIERTA' THEN
        RAISE EXCEPTION 'la oportunidad % está cerrada (%)', o.id, o.estado
            USING ERRCODE = 'EB302';
    END IF;
    IF r IS NULL OR r NOT IN ('NO_CONTESTA', 'BUZON', 'NUMERO_EQUIVOCADO', 'NO_INTERESADO',
                              'CITA', 'CONTACTADO') THEN
        RAISE EXCEPTION 'resultado de intento inválido: % (no contesta, buzón, número '
                        'equivocado, no interesado, cita o contactado)',
            coalesce(registrar_intento.resultado, '—') USING ERRCODE = 'EB309';
    END IF;
    IF t IS NOT NULL AND length(t) > 500 THEN
        RAISE EXCEPTION 'la nota del intento es demasiado larga (máximo 500 caracteres)'
            USING ERRCODE = 'EB309';
    END IF;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               usuario_id, motivo, datos)
    SELECT o.id, 'INTENTO', e.id, e.nombre, yo.id, t, jsonb_build_object('resultado', r)
      FROM crm.etapas e WHERE e.id = o.etapa_id;
    n := crm.intentos(o.id);
    RETURN QUERY SELECT n, format('intento %s registrado', n);
END
$$;
GRANT EXECUTE ON FUNCTION api.registrar_intento(bigint, text, text) TO embudo_usuario;

-- 006's api.mover; an exit stage with intentos_minimos needs that many attempts first.
CREATE OR REPLACE FUNCTION api.mover(oportunidad bigint, etapa text, motivo text DEFAULT NULL)
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
    n     int;
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
        IF e.intentos_minimos > 0 THEN
            n := crm.intentos(o.id);
            IF n < e.intentos_minimos THEN
                RAISE EXCEPTION 'para pasar a "%" registre al menos % intentos de contacto '
                                '(lleva %)', e.nombre, e.intentos_minimos, n
                    USING ERRCODE = 'EB308';
            END IF;
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
