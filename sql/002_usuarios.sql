-- 002_usuarios.sql — user administration (api.crear_usuario, api.cambiar_estado_usuario,
-- api.cambiar_supervisor) and the record of demo loads (crm.demo_cargas).
--
-- An embudo user is a crm.usuarios row plus a PostgreSQL LOGIN role of the same name that is
-- a member of exactly one of embudo_promotor / embudo_supervisor / embudo_admin. Roles are
-- cluster-wide while crm.usuarios is per database, so creating a user whose role already
-- exists (another embudo database in the same cluster, a restored dump) adopts that role —
-- unless it carries privileges of its own (superuser, CREATEROLE, CREATEDB, REPLICATION,
-- BYPASSRLS, membership in embudo_owner): those are never touched (EB110).
-- Callers: admins (role ADMIN in crm.usuarios), superusers and embudo_owner sessions (that is
-- how `embudo demo` runs). Refusals raise EB1xx (docs/sqlstates.md) with Spanish messages.

-- From PostgreSQL 16 on, CREATEROLE alone no longer lets embudo_owner grant the group roles;
-- it needs ADMIN OPTION on them (without inheriting their privileges or switching to them).
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE 'GRANT embudo_promotor, embudo_supervisor, embudo_admin TO embudo_owner '
                'WITH ADMIN OPTION, INHERIT FALSE, SET FALSE';
    END IF;
END
$$;

SET LOCAL ROLE embudo_owner;

-- ---------------------------------------------------------------------------------------------
-- Demo loads: at most one per database (`embudo demo` refuses a different seed or size).

CREATE TABLE crm.demo_cargas (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    semilla    bigint NOT NULL CHECK (semilla >= 0),
    clientes   int NOT NULL CHECK (clientes > 0),
    -- Version of the C generator (src/core/demo.h DEMO_GENERADOR): same seed, same version,
    -- same rows.
    generador  smallint NOT NULL CHECK (generador > 0),
    cargada_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON crm.demo_cargas TO embudo_usuario;

-- ---------------------------------------------------------------------------------------------
-- Helpers (owner only: they run inside the SECURITY DEFINER functions below).

-- True when the session may administer users: an admin user, a superuser, or embudo_owner.
CREATE FUNCTION crm.sesion_es_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(crm.mi_rol() = 'ADMIN', false)
        OR session_user = 'embudo_owner'
        OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;

CREATE FUNCTION crm.exigir_admin(accion text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        RAISE EXCEPTION 'solo un administrador puede %', accion USING ERRCODE = 'EB101';
    END IF;
END
$$;

-- The group role of an embudo rol.
CREATE FUNCTION crm.rol_grupo(rol text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE rol WHEN 'PROMOTOR' THEN 'embudo_promotor'
                    WHEN 'SUPERVISOR' THEN 'embudo_supervisor'
                    WHEN 'ADMIN' THEN 'embudo_admin' END
$$;

-- Makes the PostgreSQL role `login` exist, be a member of the group of `rol` and of no other
-- embudo group, and have LOGIN exactly when `puede_entrar`. Adopts an existing plain role;
-- refuses (EB110) a role with privileges of its own.
CREATE FUNCTION crm.asegurar_rol(login text, rol text, puede_entrar boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r pg_roles;
    g text;
    es_miembro boolean;
BEGIN
    SELECT * INTO r FROM pg_roles WHERE rolname = login;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I %s', login,
                       CASE WHEN puede_entrar THEN 'LOGIN' ELSE 'NOLOGIN' END);
    ELSIF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
          OR pg_has_role(login, 'embudo_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'ya existe un rol de PostgreSQL «%» con privilegios propios; '
                        'embudo no lo convierte en usuario', login
            USING ERRCODE = 'EB110';
    ELSIF r.rolcanlogin <> puede_entrar THEN
        EXECUTE format('ALTER ROLE %I %s', login,
                       CASE WHEN puede_entrar THEN 'LOGIN' ELSE 'NOLOGIN' END);
    END IF;
    FOREACH g IN ARRAY ARRAY['embudo_promotor', 'embudo_supervisor', 'embudo_admin'] LOOP
        es_miembro := EXISTS (SELECT 1 FROM pg_auth_members m
                                JOIN pg_roles gr ON gr.oid = m.roleid
                                JOIN pg_roles mr ON mr.oid = m.member
                               WHERE gr.rolname = g AND mr.rolname = login);
        IF g = crm.rol_grupo(rol) AND NOT es_miembro THEN
            EXECUTE format('GRANT %I TO %I', g, login);
        ELSIF g <> crm.rol_grupo(rol) AND es_miembro THEN
            EXECUTE format('REVOKE %I FROM %I', g, login);
        END IF;
    END LOOP;
END
$$;

-- The id of an ACTIVO SUPERVISOR by login, or EB107.
CREATE FUNCTION crm.supervisor_activo(login text) RETURNS int
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v int;
BEGIN
    SELECT u.id INTO v FROM crm.usuarios u
     WHERE u.login = supervisor_activo.login AND u.rol = 'SUPERVISOR' AND u.estado = 'ACTIVO';
    IF v IS NULL THEN
        RAISE EXCEPTION 'el supervisor «%» no existe o no es un supervisor activo',
                        coalesce(login, '')
            USING ERRCODE = 'EB107';
    END IF;
    RETURN v;
END
$$;

-- Validates crear_usuario's arguments (EB102–EB106, EB108); returns the normalised nombre.
CREATE FUNCTION crm.validar_usuario(login text, nombre text, rol text, supervisor_login text,
                                    cupo_diario int, cartera_max int) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n text := btrim(regexp_replace(coalesce(nombre, ''), '\s+', ' ', 'g'));
BEGIN
    IF login IS NULL OR login !~ '^[a-z_][a-z0-9_]{1,30}$' THEN
        RAISE EXCEPTION 'login inválido «%»: de 2 a 31 caracteres, minúsculas, dígitos o «_», '
                        'sin empezar con dígito', coalesce(login, '')
            USING ERRCODE = 'EB102';
    END IF;
    IF login LIKE 'pg\_%' OR login LIKE 'embudo\_%' OR login = 'embudo' THEN
        RAISE EXCEPTION 'el login «%» está reservado', login USING ERRCODE = 'EB102';
    END IF;
    IF rol IS NULL OR rol NOT IN ('PROMOTOR', 'SUPERVISOR', 'ADMIN') THEN
        RAISE EXCEPTION 'rol inválido «%»: debe ser PROMOTOR, SUPERVISOR o ADMIN',
                        coalesce(rol, '')
            USING ERRCODE = 'EB103';
    END IF;
    IF length(n) NOT BETWEEN 2 AND 120 THEN
        RAISE EXCEPTION 'el nombre debe tener de 2 a 120 caracteres' USING ERRCODE = 'EB104';
    END IF;
    IF rol = 'PROMOTOR' AND supervisor_login IS NULL THEN
        RAISE EXCEPTION 'un promotor necesita un supervisor' USING ERRCODE = 'EB105';
    END IF;
    IF rol <> 'PROMOTOR' AND supervisor_login IS NOT NULL THEN
        RAISE EXCEPTION 'solo un promotor tiene supervisor; un % no', lower(rol)
            USING ERRCODE = 'EB106';
    END IF;
    IF cupo_diario IS NULL OR cupo_diario NOT BETWEEN 0 AND 10000
       OR cartera_max IS NULL OR cartera_max NOT BETWEEN 0 AND 100000 THEN
        RAISE EXCEPTION 'cupo diario (0 a 10 000) o cartera máxima (0 a 100 000) fuera de rango'
            USING ERRCODE = 'EB108';
    END IF;
    RETURN n;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- api

-- Creates user `login` (crm.usuarios row + LOGIN role in the group of `rol`) and returns its
-- id. Calling it again with identical data returns the same id and changes nothing (it only
-- re-creates a missing role); different data for an existing login → EB109.
CREATE FUNCTION api.crear_usuario(login text, nombre text, rol text,
                                  supervisor_login text DEFAULT NULL,
                                  cupo_diario int DEFAULT 50, cartera_max int DEFAULT 500)
RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n text;
    sup int;
    u crm.usuarios;
BEGIN
    PERFORM crm.exigir_admin('crear usuarios');
    n := crm.validar_usuario(login, nombre, rol, supervisor_login, cupo_diario, cartera_max);
    -- Serialise concurrent calls for the same login (the row may not exist yet).
    PERFORM pg_advisory_xact_lock(hashtext('embudo.usuario'), hashtext(login));
    IF supervisor_login IS NOT NULL THEN
        sup := crm.supervisor_activo(supervisor_login);
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = crear_usuario.login FOR UPDATE;
    IF FOUND THEN
        IF (u.nombre, u.rol, u.supervisor_id, u.cupo_diario, u.cartera_max)
           IS DISTINCT FROM (n, rol, sup, cupo_diario, cartera_max) THEN
            RAISE EXCEPTION 'el usuario «%» ya existe con otros datos', login
                USING ERRCODE = 'EB109';
        END IF;
        PERFORM crm.asegurar_rol(login, u.rol, u.estado <> 'BAJA');
        RETURN u.id;
    END IF;
    PERFORM crm.asegurar_rol(login, rol, true);
    INSERT INTO crm.usuarios (login, nombre, rol, supervisor_id, cupo_diario, cartera_max)
    VALUES (login, n, rol, sup, cupo_diario, cartera_max)
    RETURNING id INTO u.id;
    RETURN u.id;
END
$$;

-- Sets the estado of user `login` (ACTIVO, AUSENTE, VACACIONES, BAJA) and returns the previous
-- one. BAJA makes the role NOLOGIN; leaving BAJA gives LOGIN back. Nobody can give themselves
-- BAJA (EB114), and a supervisor keeps its team: reassign its promoters first (EB113).
CREATE FUNCTION api.cambiar_estado_usuario(login text, estado text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios;
BEGIN
    PERFORM crm.exigir_admin('cambiar el estado de los usuarios');
    IF estado IS NULL OR estado NOT IN ('ACTIVO', 'AUSENTE', 'VACACIONES', 'BAJA') THEN
        RAISE EXCEPTION 'estado inválido «%»: debe ser ACTIVO, AUSENTE, VACACIONES o BAJA',
                        coalesce(estado, '')
            USING ERRCODE = 'EB112';
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = cambiar_estado_usuario.login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(login, '') USING ERRCODE = 'EB111';
    END IF;
    IF estado = 'BAJA' AND login = session_user THEN
        RAISE EXCEPTION 'no puede darse de baja a sí mismo' USING ERRCODE = 'EB114';
    END IF;
    IF estado = 'BAJA' AND EXISTS (SELECT 1 FROM crm.usuarios t
                                     WHERE t.supervisor_id = u.id AND t.estado <> 'BAJA') THEN
        RAISE EXCEPTION 'el supervisor «%» tiene promotores que no están de baja; '
                        'asígneles otro supervisor primero', login
            USING ERRCODE = 'EB113';
    END IF;
    IF u.estado IS DISTINCT FROM estado THEN
        UPDATE crm.usuarios x SET estado = cambiar_estado_usuario.estado WHERE x.id = u.id;
    END IF;
    PERFORM crm.asegurar_rol(login, u.rol, estado <> 'BAJA');
    RETURN u.estado;
END
$$;

-- Moves promoter `login` to the team of supervisor `supervisor_login` (an ACTIVO SUPERVISOR).
CREATE FUNCTION api.cambiar_supervisor(login text, supervisor_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios;
    sup int;
BEGIN
    PERFORM crm.exigir_admin('cambiar supervisores');
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = cambiar_supervisor.login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(login, '') USING ERRCODE = 'EB111';
    END IF;
    IF u.rol <> 'PROMOTOR' THEN
        RAISE EXCEPTION 'solo un promotor tiene supervisor; «%» es %', login, lower(u.rol)
            USING ERRCODE = 'EB106';
    END IF;
    sup := crm.supervisor_activo(supervisor_login);
    UPDATE crm.usuarios x SET supervisor_id = sup WHERE x.id = u.id;
END
$$;

-- Every user may call them, so a non-admin gets EB101 with a Spanish message rather than a
-- bare "permission denied"; the check inside is what protects.
GRANT EXECUTE ON FUNCTION api.crear_usuario(text, text, text, text, int, int),
                          api.cambiar_estado_usuario(text, text),
                          api.cambiar_supervisor(text, text) TO embudo_usuario;
