-- 072_usuarios_admin.sql — what `embudo usuario` needs to run the team without psql.
--
-- 002 gave admins create / estado / supervisor; changing a promoter's cupo diario or cartera
-- máxima and listing the users were left to SQL by hand. Now:
--   api.usuarios()   every user the caller may see (crm.usuarios_visibles: an admin or auditor
--                    all, a supervisor the team, a promoter self; a superuser or embudo_owner
--                    session all), with the supervisor's login and the cartera now;
--   api.usuario_limites(login, cupo_diario, cartera_max)   an admin sets either (NULL keeps
--                    it). Today's quota row follows on the next request or reassignment
--                    (crm.cupo_bloquear: the limit is the user's, never below what was used),
--                    so lowering a cupo never takes back what was already received. Returns
--                    the values now in force.

SET LOCAL ROLE embudo_owner;

CREATE FUNCTION api.usuarios()
RETURNS TABLE (login text, nombre text, rol text, estado text, supervisor text,
               cupo_diario int, cartera_max int, activas int, creado_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ver int[];
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        ver := (SELECT coalesce(array_agg(u.id), '{}') FROM crm.usuarios u);
    ELSE
        PERFORM crm.yo_fila();    -- EB001
        ver := crm.usuarios_visibles();
    END IF;
    RETURN QUERY
    SELECT u.login, u.nombre, u.rol, u.estado, s.login, u.cupo_diario, u.cartera_max,
           crm.cartera(u.id), u.creado_at
      FROM crm.usuarios u
      LEFT JOIN crm.usuarios s ON s.id = u.supervisor_id
     WHERE u.id = ANY (ver)
     ORDER BY CASE u.rol WHEN 'ADMIN' THEN 1 WHEN 'AUDITOR' THEN 2 WHEN 'SUPERVISOR' THEN 3
                         ELSE 4 END,
              s.login NULLS FIRST, u.login;
END
$$;

CREATE FUNCTION api.usuario_limites(login text, cupo_diario int DEFAULT NULL,
                                    cartera_max int DEFAULT NULL)
RETURNS TABLE (cupo int, cartera int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    u crm.usuarios;
BEGIN
    PERFORM crm.exigir_admin('cambiar el cupo y la cartera de los usuarios');
    IF (usuario_limites.cupo_diario IS NOT NULL
        AND usuario_limites.cupo_diario NOT BETWEEN 0 AND 10000)
       OR (usuario_limites.cartera_max IS NOT NULL
           AND usuario_limites.cartera_max NOT BETWEEN 0 AND 100000) THEN
        RAISE EXCEPTION 'cupo diario (0 a 10 000) o cartera máxima (0 a 100 000) fuera de rango'
            USING ERRCODE = 'EB108';
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = usuario_limites.login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(usuario_limites.login, '')
            USING ERRCODE = 'EB111';
    END IF;
    UPDATE crm.usuarios x
       SET cupo_diario = coalesce(usuario_limites.cupo_diario, x.cupo_diario),
           cartera_max = coalesce(usuario_limites.cartera_max, x.cartera_max)
     WHERE x.id = u.id
    RETURNING x.cupo_diario, x.cartera_max INTO u.cupo_diario, u.cartera_max;
    RETURN QUERY SELECT u.cupo_diario, u.cartera_max;
END
$$;

GRANT EXECUTE ON FUNCTION api.usuarios() TO embudo_usuario;
-- Like 002's: every working user may call it and a non-admin gets EB101 (an auditor: 42501).
GRANT EXECUTE ON FUNCTION api.usuario_limites(text, int, int)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
