-- 082_historial_actor.sql — who acted, as every reader of a history row may see it.
--
-- The history an opportunity's owner reads names who did each step (crm.historial.usuario_id),
-- but crm.usuarios is row-level secured: a promoter sees only themselves and their supervisor.
-- A step by an admin (a reassignment, a prórroga decided, a cancellation of data) or by a
-- former team's supervisor read as «sistema» in Detalle — the word for the sweep, so a human
-- decision looked like an automatic one. The login of the user who acted on an opportunity
-- one may read is no secret among the staff, so api.usuario_login gives it for any id (NULL
-- for none), and the TUI's history query uses it (src/db/db_tui.c).

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.usuario_login(usuario int) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.login FROM crm.usuarios u WHERE u.id = usuario
$$;

GRANT EXECUTE ON FUNCTION api.usuario_login(int) TO embudo_usuario;
