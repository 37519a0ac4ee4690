-- 096_calendario_notificar.sql — a change to the calendar reaches the open clients.
--
-- The terminal client shows the weekly hours and the coming rest days (`:calendario`), and an
-- admin changes them there. Without a notification a second client kept showing the calendar
-- as it was until someone pressed r: a supervisor would tell the team about a rest day that
-- had been taken back. Every statement that changes crm.horario_operativo or
-- crm.dias_inhabiles — the api's three changes (093), the owner's SQL, the yearly
-- generar_dias_inhabiles — now notifies {"tabla":"calendario"} once, at commit like every
-- NOTIFY, so a rolled-back change tells nobody. The timers a change moves notify on their own
-- (their opportunities' rows).
--
SET LOCAL ROLE embudo_owner;

CREATE FUNCTION crm.calendario_notificar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('embudo', json_build_object('tabla', 'calendario')::text);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION crm.calendario_notificar() FROM PUBLIC;

CREATE TRIGGER horario_notificar AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON crm.horario_operativo FOR EACH STATEMENT EXECUTE FUNCTION crm.calendario_notificar();
CREATE TRIGGER dias_inhabiles_notificar AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON crm.dias_inhabiles FOR EACH STATEMENT EXECUTE FUNCTION crm.calendario_notificar();
