-- 094_pausa_ausencia.sql — a promoter's stage timers wait while they are away.
--
-- A supervisor marks a promoter AUSENTE (sick today) or VACACIONES (078), and the distribution
-- stops dealing to them; but their opportunities' timers kept running, so a week of holidays
-- sent their whole cartera back to the pool through the sweep, one expiry at a time — the
-- side effect docs/anchors.md 1.4 #2 names ("vacations and quotas without side effects").
-- Now, when a user goes from ACTIVO to AUSENTE or VACACIONES, every running stage timer of
-- their ABIERTA opportunities stops: the business hours it had left (and those to its 75 %
-- warning) are kept in timer_pausa / timer_pausa_aviso, timer_vence and timer_aviso become
-- NULL (so the sweep, the warnings and a calendar change pass them by), and a TIMER_PAUSADO
-- history row says so. When the user comes back (ACTIVO), or leaves for good (BAJA: the
-- cartera must not stay frozen), each timer starts again from now with the hours it had,
-- with a TIMER_REANUDADO row. AUSENTE ↔ VACACIONES changes nothing. A timer already expired
-- when the user left is not paused: the sweep takes it as before.
--
-- A trigger on crm.usuarios (statement level, like 078's log) does it, so every path that
-- changes an estado — api.cambiar_estado_usuario or an owner's UPDATE by hand — pauses and
-- resumes alike; the actor and the reason are the log's (crm.yo(), embudo.motivo).
--
-- While paused, the opportunity is still the promoter's and can still be worked: a
-- supervisor who reassigns it, or anyone who moves it to another stage or out of ABIERTA,
-- gives it a new timer or none as always, and the pause ends with that step (a BEFORE UPDATE
-- row trigger with a WHEN clause, evaluated without calling a function unless a paused row
-- changes, clears it). Extending a paused timer is refused with its reason (EB611).
-- Invariants: SIN_TIMER accepts a paused timer; PAUSA_HUERFANA reports a paused timer whose
-- owner is ACTIVO (a resume that did not happen).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO', 'NO_CONTACTAR', 'NO_CONTACTAR_FIN', 'PRORROGA_PEDIDA', 'PRORROGA',
        'PRORROGA_RECHAZADA', 'PRORROGA_CANCELADA', 'DATOS_CORREGIDOS', 'VENTA_CORREGIDA',
        'VENTA_CANCELADA', 'TIMER_RECALCULADO', 'TIMER_PAUSADO', 'TIMER_REANUDADO')
        OR evento ~ '^WA_[A-Z_]+$') NOT VALID;
ALTER TABLE crm.historial VALIDATE CONSTRAINT historial_evento_check;

-- Business hours left, while paused. No index: read with the row, found by owner.
ALTER TABLE crm.oportunidades
    ADD COLUMN timer_pausa numeric(12, 6),
    ADD COLUMN timer_pausa_aviso numeric(12, 6),
    ADD CONSTRAINT oportunidades_pausa_check
        CHECK (timer_pausa IS NULL OR (estado = 'ABIERTA' AND timer_vence IS NULL
                                       AND timer_pausa >= 0)),
    ADD CONSTRAINT oportunidades_pausa_aviso_check
        CHECK (timer_pausa_aviso IS NULL OR timer_pausa_aviso BETWEEN 0 AND timer_pausa);

-- A step that gives the opportunity a new timer, another stage or another estado ends the
-- pause.
CREATE FUNCTION crm.oportunidad_fin_pausa() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.timer_pausa := NULL;
    NEW.timer_pausa_aviso := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER oportunidades_fin_pausa BEFORE UPDATE ON crm.oportunidades
    FOR EACH ROW
    WHEN (NEW.timer_pausa IS NOT NULL AND (NEW.timer_vence IS NOT NULL OR NEW.estado <> 'ABIERTA'
                                           OR NEW.etapa_id <> OLD.etapa_id))
    EXECUTE FUNCTION crm.oportunidad_fin_pausa();

-- Pauses the running timers of the users who left ACTIVO for AUSENTE or VACACIONES, and
-- resumes the paused ones of those who left AUSENTE or VACACIONES for ACTIVO or BAJA.
CREATE FUNCTION crm.usuarios_pausar_timers() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    zona   text := crm.zona();
    quien  int := crm.yo();
    motivo text := nullif(btrim(current_setting('embudo.motivo', true)), '');
BEGIN
    WITH c AS (
        SELECT n.id, n.nombre, n.estado
          FROM nuevas n JOIN viejas v ON v.id = n.id
         WHERE v.estado = 'ACTIVO' AND n.estado IN ('AUSENTE', 'VACACIONES')),
    t AS (
        SELECT o.id, o.etapa_id, o.timer_vence, o.timer_aviso, c.nombre, c.estado
          FROM crm.oportunidades o JOIN c ON c.id = o.usuario_id
         WHERE o.estado = 'ABIERTA' AND o.timer_vence > now()
         ORDER BY o.id
           FOR UPDATE OF o),
    u AS (
        UPDATE crm.oportunidades o
           SET timer_pausa = crm.horas_habiles_entre(now(), t.timer_vence, zona),
               timer_pausa_aviso = CASE WHEN t.timer_aviso > now()
                                        THEN crm.horas_habiles_entre(now(), t.timer_aviso, zona)
                                   END,
               timer_vence = NULL, timer_aviso = NULL, updated_at = now()
          FROM t
         WHERE o.id = t.id
        RETURNING o.id, o.etapa_id, o.timer_pausa, t.timer_vence, t.nombre, t.estado)
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT u.id, 'TIMER_PAUSADO', u.etapa_id, e.nombre, u.etapa_id, e.nombre, 'ABIERTA',
           'ABIERTA', quien,
           format('%s está %s', u.nombre,
                  CASE u.estado WHEN 'AUSENTE' THEN 'ausente' ELSE 'de vacaciones' END)
               || coalesce(': ' || motivo, ''),
           jsonb_build_object('vence_anterior', u.timer_vence, 'horas', u.timer_pausa)
      FROM u JOIN crm.etapas e ON e.id = u.etapa_id;

    WITH c AS (
        SELECT n.id, n.nombre, n.estado
          FROM nuevas n JOIN viejas v ON v.id = n.id
         WHERE v.estado IN ('AUSENTE', 'VACACIONES') AND n.estado IN ('ACTIVO', 'BAJA')),
    t AS (
        SELECT o.id, o.timer_pausa, o.timer_pausa_aviso, c.nombre, c.estado
          FROM crm.oportunidades o JOIN c ON c.id = o.usuario_id
         WHERE o.timer_pausa IS NOT NULL
         ORDER BY o.id
           FOR UPDATE OF o),
    u AS (
        UPDATE crm.oportunidades o
           SET timer_vence = crm.sumar_horas_habiles(now(), t.timer_pausa, zona),
               timer_aviso = CASE WHEN t.timer_pausa_aviso IS NOT NULL
                                  THEN crm.sumar_horas_habiles(now(), t.timer_pausa_aviso, zona)
                                  ELSE now() END,
               timer_pausa = NULL, timer_pausa_aviso = NULL, updated_at = now()
          FROM t
         WHERE o.id = t.id
        RETURNING o.id, o.etapa_id, o.timer_vence, t.timer_pausa, t.nombre, t.estado)
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT u.id, 'TIMER_REANUDADO', u.etapa_id, e.nombre, u.etapa_id, e.nombre, 'ABIERTA',
           'ABIERTA', quien,
           format('%s %s', u.nombre,
                  CASE u.estado WHEN 'ACTIVO' THEN 'regresó' ELSE 'fue dado de baja' END)
               || coalesce(': ' || motivo, ''),
           jsonb_build_object('vence', u.timer_vence, 'horas', u.timer_pausa)
      FROM u JOIN crm.etapas e ON e.id = u.etapa_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER usuarios_pausar_timers AFTER UPDATE ON crm.usuarios
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas
    FOR EACH STATEMENT EXECUTE FUNCTION crm.usuarios_pausar_timers();

-- A paused timer is a timer (SIN_TIMER), and one left paused for an ACTIVO owner is a resume
-- that did not happen (PAUSA_HUERFANA).
SELECT crm.funcion_reemplazar('crm.invariantes_010()',
    'AND e.timer_horas IS NOT NULL AND o.timer_vence IS NULL;',
    'AND e.timer_horas IS NOT NULL AND o.timer_vence IS NULL
       AND o.timer_pausa IS NULL;

    RETURN QUERY
    SELECT ''PAUSA_HUERFANA''::text,
           format(''oportunidad %s en pausa con su promotor %s activo'', o.id, u.login)
      FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id
     WHERE o.timer_pausa IS NOT NULL AND u.estado = ''ACTIVO'';');

-- Extending a paused timer says why it cannot be.
SELECT crm.funcion_reemplazar('api.extender_timer(bigint[],integer,text)',
    'CASE WHEN op.estado = ''EN_BANDEJA'' THEN ''está en la bandeja''',
    'CASE WHEN op.estado = ''EN_BANDEJA'' THEN ''está en la bandeja''
                     WHEN op.timer_pausa IS NOT NULL
                     THEN ''está en pausa mientras su promotor no está''');

REVOKE ALL ON FUNCTION crm.oportunidad_fin_pausa(), crm.usuarios_pausar_timers() FROM PUBLIC;
