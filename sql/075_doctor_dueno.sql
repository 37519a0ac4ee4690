-- 075_doctor_dueno.sql — `embudo doctor` for the one who runs the database.
--
-- api.verificar_invariantes (and crm.invariantes_010 behind it) let in supervisors, admins and
-- auditors only: the database's owner or a superuser — what `embudo doctor` connects as on
-- the embedded cluster without --as, and what an ops engineer has — got EB001 ("no está
-- registrado como usuario activo"), so the health check needed an embudo login to run. Both
-- now also admit an admin session (crm.sesion_es_admin: an ADMIN user, embudo_owner or a
-- superuser); everyone else is gated as before (EB001, EB002). Edited from the catalog at an
-- anchor that must occur exactly once in each, as 070 and 074 did.

SET LOCAL ROLE embudo_owner;

DO $$
DECLARE
    viejo constant text := 'yo crm.usuarios := crm.yo_supervisor();';
    nuevo constant text := 'yo crm.usuarios := CASE WHEN crm.sesion_es_admin() THEN NULL'
                           ' ELSE crm.yo_supervisor() END;';
    f text;
    def text;
    pos int;
BEGIN
    FOREACH f IN ARRAY ARRAY['crm.invariantes_010()', 'api.verificar_invariantes()'] LOOP
        def := pg_get_functiondef(f::regprocedure);
        pos := strpos(def, viejo);
        IF pos = 0 OR strpos(substr(def, pos + 1), viejo) > 0 THEN
            RAISE EXCEPTION '075: «%» no aparece exactamente una vez en %', viejo, f;
        END IF;
        EXECUTE overlay(def PLACING nuevo FROM pos FOR length(viejo));
    END LOOP;
END
$$;
