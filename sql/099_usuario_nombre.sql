-- 099_usuario_nombre.sql — an admin corrects a user's name.
--
-- A name typed wrong at the alta («Alvaro» for «Álvaro»), or changed by marriage, could only be
-- fixed by the database owner's UPDATE by hand. api.usuario_nombre does it for an admin (EB101
-- for anyone else; 42501 for an auditor, as 072's functions), normalised and bounded as
-- crear_usuario's (blanks collapsed, 2 to 120 characters: EB104), with an optional reason. The
-- login never changes (it is the PostgreSQL role and the system account). 078's trigger records
-- the change (campo 'nombre', before and after, who, the reason) and notifies Equipo; the same
-- name again changes, records and notifies nothing. Returns the name before.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.usuario_nombre(login text, nombre text, motivo text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n text := btrim(regexp_replace(coalesce(usuario_nombre.nombre, ''), '\s+', ' ', 'g'));
    u crm.usuarios;
BEGIN
    PERFORM crm.exigir_admin('corregir el nombre de los usuarios');
    IF length(n) NOT BETWEEN 2 AND 120 THEN
        RAISE EXCEPTION 'el nombre debe tener de 2 a 120 caracteres' USING ERRCODE = 'EB104';
    END IF;
    IF length(usuario_nombre.motivo) > 500 THEN
        RAISE EXCEPTION 'el motivo tiene más de 500 caracteres' USING ERRCODE = 'EB112';
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = usuario_nombre.login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(usuario_nombre.login, '')
            USING ERRCODE = 'EB111';
    END IF;
    IF u.nombre IS DISTINCT FROM n THEN
        PERFORM set_config('embudo.motivo', coalesce(usuario_nombre.motivo, ''), true);
        UPDATE crm.usuarios x SET nombre = n WHERE x.id = u.id;
        PERFORM set_config('embudo.motivo', '', true);
    END IF;
    RETURN u.nombre;
END
$$;

-- Like 072's: every working user may call it and a non-admin gets EB101 (an auditor: 42501).
GRANT EXECUTE ON FUNCTION api.usuario_nombre(text, text, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
