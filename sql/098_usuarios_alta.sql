-- 098_usuarios_alta.sql — a new user is on record and on every open screen.
--
-- 078 put every change to a user in crm.usuarios_cambios and told the open Equipo and
-- Repartir panes, but only for UPDATE: who created a user, and when, was nowhere, and a
-- supervisor's Equipo did not show the promoter an admin had just created until something
-- else made it read again. Now an AFTER INSERT statement trigger on crm.usuarios writes one
-- 'alta' row per user created (nuevo = the rol it was created with; hecho_por = who, NULL for
-- the database owner's session, as in 078) and notifies {"tabla":"usuarios","usuario_id":N}
-- for each. Every path is covered: api.crear_usuario from the CLI or the terminal client
-- (Equipo's alta form), the demo loader, an owner's INSERT by hand. Users created before this
-- migration have no alta row: the record starts here.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.usuarios_cambios DROP CONSTRAINT usuarios_cambios_campo_check,
    ADD CONSTRAINT usuarios_cambios_campo_check CHECK (campo IN (
        'alta', 'estado', 'rol', 'supervisor', 'cupo_diario', 'cartera_max', 'nombre'));

CREATE FUNCTION crm.usuarios_registrar_alta() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    quien int := crm.yo();
BEGIN
    INSERT INTO crm.usuarios_cambios (usuario_id, campo, anterior, nuevo, hecho_por)
    SELECT n.id, 'alta', NULL, n.rol, quien FROM nuevas n ORDER BY n.id;
    PERFORM pg_notify('embudo', json_build_object('tabla', 'usuarios', 'usuario_id', n.id)::text)
       FROM nuevas n;
    RETURN NULL;
END
$$;
CREATE TRIGGER usuarios_alta AFTER INSERT ON crm.usuarios
    REFERENCING NEW TABLE AS nuevas
    FOR EACH STATEMENT EXECUTE FUNCTION crm.usuarios_registrar_alta();
