-- 062_extender_timer.sql — a supervisor gives opportunities more time in their stage.
--
-- A promoter who has an appointment on Monday with a client whose stage timer runs out on
-- Friday loses the client to the pool; until now the only way out was to move it to another
-- stage, which lies about where it is. api.extender_timer lets the promoter's supervisor (or
-- an admin) add business hours to the running timer of one or more ABIERTA opportunities,
-- with a mandatory reason, all or nothing; it returns how many it extended:
--
-- * the new expiry is N business hours after the later of the current expiry and now (an
--   already overdue timer that the sweep has not returned yet starts again from now), in the
--   same business time as every other timer; the 75 % warning is recomputed over the added
--   hours and can fire again;
-- * one TIMER_EXTENDIDO history row per opportunity with who, why, the hours and both
--   expiries (datos), so the extension is auditable like every other step;
-- * rows are locked in id order (crm.bloquear_varias) as the other multi-row actions do, so
--   an extension racing the sweep either lands first (the sweep re-checks the expiry and
--   skips the row) or finds it DEVUELTA and is refused (EB604);
-- * refused: a promoter (EB002), someone else's team (EB301), a closed opportunity (EB604),
--   one without a running timer — in the bandeja or in a stage without a timer (EB611) —,
--   hours outside 1…120 (EB610), no reason (EB503).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA')
        OR evento ~ '^WA_[A-Z_]+$');

CREATE FUNCTION api.extender_timer(ids bigint[], horas int, motivo text) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo   crm.usuarios := crm.yo_supervisor();
    a    record;
    ops  crm.oportunidades[];
    op   crm.oportunidades;
    zona text := crm.zona();
    pct  numeric := (SELECT aj.aviso_pct FROM crm.ajustes aj);
BEGIN
    IF horas IS NULL OR horas < 1 OR horas > 120 THEN
        RAISE EXCEPTION 'las horas hábiles a extender van de 1 a 120 (se dio %)',
            coalesce(horas::text, '—') USING ERRCODE = 'EB610';
    END IF;
    a := crm.ids_y_motivo(ids, motivo);
    SELECT array_agg(o ORDER BY o.id) INTO ops FROM crm.bloquear_varias(yo, a.lista, false) o;
    FOREACH op IN ARRAY ops LOOP
        IF op.estado <> 'ABIERTA' OR op.timer_vence IS NULL THEN
            RAISE EXCEPTION 'la oportunidad % no tiene un temporizador corriendo (%)', op.id,
                CASE WHEN op.estado = 'EN_BANDEJA' THEN 'está en la bandeja'
                     ELSE 'su etapa no tiene temporizador' END
                USING ERRCODE = 'EB611';
        END IF;
    END LOOP;

    WITH n AS (
        SELECT x.id, x.timer_vence AS antes, x.etapa_id,
               crm.sumar_horas_habiles(greatest(x.timer_vence, now()), horas, zona) AS vence,
               crm.sumar_horas_habiles(greatest(x.timer_vence, now()), horas * pct / 100, zona)
                   AS aviso
          FROM unnest(ops) x),
    u AS (
        UPDATE crm.oportunidades o
           SET timer_vence = n.vence, timer_aviso = n.aviso, timer_avisado = false,
               updated_at = now()
          FROM n WHERE o.id = n.id
        RETURNING o.id)
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT n.id, 'TIMER_EXTENDIDO', n.etapa_id, e.nombre, n.etapa_id, e.nombre, 'ABIERTA',
           'ABIERTA', yo.id, a.razon,
           jsonb_build_object('horas', horas, 'vence_anterior', n.antes, 'vence', n.vence)
      FROM n JOIN crm.etapas e ON e.id = n.etapa_id JOIN u ON u.id = n.id;

    RETURN cardinality(ops);
END
$$;

GRANT EXECUTE ON FUNCTION api.extender_timer(bigint[], int, text)
    TO embudo_supervisor, embudo_admin;
