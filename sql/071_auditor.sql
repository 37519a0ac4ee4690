-- 071_auditor.sql — an AUDITOR sees what an admin sees and can change nothing
-- (docs/anchors.md T5: "a read-only/auditor mode").
--
-- Compliance, a branch manager or the lender's internal audit need to read the funnel, the
-- bandeja, the history and the numbers of every team without a way to move, reassign or
-- sell. Making that a screen that hides buttons would leave psql open; here the database
-- says no:
--   * the rol AUDITOR and its group embudo_auditor, a member of embudo_usuario: the same
--     grants and row-level policies as everyone, and crm.usuarios_visibles() gives it every
--     user, like an admin;
--   * user roles never write a table directly (001), so every write goes through a VOLATILE
--     api function; those are now granted to embudo_promotor, embudo_supervisor and
--     embudo_admin instead of embudo_usuario, so an auditor cannot execute any of them
--     (42501), whatever client it uses. PostgreSQL itself refuses a write inside a STABLE or
--     IMMUTABLE function, so the functions left to the auditor cannot write. A later
--     migration that grants a VOLATILE function to embudo_usuario would undo this for that
--     function: tests/db/test_auditor.c fails then;
--   * the supervisors' reading functions (api.bandeja, api.verificar_invariantes) accept it
--     through crm.yo_supervisor and are granted to it; their writing ones are not.
-- Measured before choosing: a statement trigger on every table refusing an auditor's session
-- (one rule at the table level) fires about 8 times in each assignment request: medians of
-- 4.24 → 4.56 ms (+7 %, six noisy rounds of pgbench on the benchmark's database); privileges
-- cost nothing at run time.

-- The group (cluster-wide, so created only when missing), as 001 did the others.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'embudo_auditor') THEN
        CREATE ROLE embudo_auditor NOLOGIN;
    END IF;
END
$$;
GRANT embudo_usuario TO embudo_auditor;

-- Found on the way: 032 ran without SET LOCAL ROLE embudo_owner, so its table and functions
-- belonged to the superuser that migrated, and its SECURITY DEFINER functions ran as
-- superuser. Everything belongs to embudo_owner
-- (001), and nothing is executable by PUBLIC; tests/db/test_auditor.c now checks both.
ALTER TABLE crm.wa_envios_manuales OWNER TO embudo_owner;
ALTER FUNCTION crm.wa_manuales_dia(integer, date) OWNER TO embudo_owner;
ALTER FUNCTION api.wa_envio_manual(text, text, text) OWNER TO embudo_owner;
ALTER FUNCTION api.wa_envio_manual_estado(text, text, text) OWNER TO embudo_owner;
-- …and, made outside embudo_owner's default privileges, anyone could execute them (PUBLIC).
REVOKE EXECUTE ON FUNCTION crm.wa_manuales_dia(integer, date),
                           api.wa_envio_manual(text, text, text),
                           api.wa_envio_manual_estado(text, text, text)
    FROM PUBLIC;

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.usuarios DROP CONSTRAINT usuarios_rol_check;
ALTER TABLE crm.usuarios ADD CONSTRAINT usuarios_rol_check
    CHECK (rol IN ('PROMOTOR', 'SUPERVISOR', 'ADMIN', 'AUDITOR'));

CREATE OR REPLACE FUNCTION crm.rol_grupo(rol text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE rol WHEN 'PROMOTOR' THEN 'embudo_promotor'
                    WHEN 'SUPERVISOR' THEN 'embudo_supervisor'
                    WHEN 'ADMIN' THEN 'embudo_admin'
                    WHEN 'AUDITOR' THEN 'embudo_auditor' END
$$;

-- 002's, with the auditors' group among the embudo groups.
CREATE OR REPLACE FUNCTION crm.asegurar_rol(login text, rol text, puede_entrar boolean)
RETURNS void
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
    FOREACH g IN ARRAY ARRAY['embudo_promotor', 'embudo_supervisor', 'embudo_admin',
                             'embudo_auditor'] LOOP
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

-- 002's, accepting AUDITOR (no supervisor, like an admin).
CREATE OR REPLACE FUNCTION crm.validar_usuario(login text, nombre text, rol text,
                                               supervisor_login text, cupo_diario int,
                                               cartera_max int) RETURNS text
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
    IF rol IS NULL OR rol NOT IN ('PROMOTOR', 'SUPERVISOR', 'ADMIN', 'AUDITOR') THEN
        RAISE EXCEPTION 'rol inválido «%»: debe ser PROMOTOR, SUPERVISOR, ADMIN o AUDITOR',
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

-- 001's, with every user visible to an auditor.
CREATE OR REPLACE FUNCTION crm.usuarios_visibles() RETURNS int[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE u.rol
           WHEN 'ADMIN' THEN (SELECT array_agg(t.id) FROM crm.usuarios t)
           WHEN 'AUDITOR' THEN (SELECT array_agg(t.id) FROM crm.usuarios t)
           WHEN 'SUPERVISOR' THEN (SELECT array_agg(t.id) FROM crm.usuarios t
                                    WHERE t.id = u.id OR t.supervisor_id = u.id)
           ELSE ARRAY[u.id] END
      FROM crm.usuarios u
     WHERE u.login = session_user AND u.estado <> 'BAJA'
$$;

-- 004's, letting an auditor through to the supervisors' reading functions (their writing
-- ones are not granted to embudo_auditor).
CREATE OR REPLACE FUNCTION crm.yo_supervisor() RETURNS crm.usuarios
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios := crm.yo_fila();
BEGIN
    IF u.rol NOT IN ('SUPERVISOR', 'ADMIN', 'AUDITOR') THEN
        RAISE EXCEPTION 'esta acción es solo para supervisores y administradores'
            USING ERRCODE = 'EB002';
    END IF;
    RETURN u;
END
$$;

-- 004's: an auditor may look at what anyone's rows hold (campaigns, their plans); the writing
-- functions that also ask this are not granted to it.
CREATE OR REPLACE FUNCTION crm.puede_operar(yo crm.usuarios, dueno int) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT yo.rol IN ('ADMIN', 'AUDITOR') OR yo.id = dueno
        OR (yo.rol = 'SUPERVISOR'
            AND EXISTS (SELECT 1 FROM crm.usuarios u WHERE u.id = dueno AND u.supervisor_id = yo.id))
$$;

-- 068's bandeja, every team's for an auditor.
CREATE OR REPLACE FUNCTION api.bandeja()
RETURNS TABLE (oportunidad_id bigint, cliente text, telefono text, usuario_id int,
               usuario_login text, usuario_nombre text, etapa text, motivo text,
               en_bandeja_desde timestamptz, antiguedad_horas numeric, ultimo_evento text,
               ultimo_evento_at timestamptz, intentos int, ultimo_intento text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_supervisor();
BEGIN
    RETURN QUERY
    SELECT o.id,
           coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),
                    p.nombre),
           coalesce(p.telefono,
                    (SELECT dc.valor FROM padron.datos_contacto dc
                      WHERE dc.cliente_id = o.cliente_id AND dc.vigente AND dc.tipo <> 'EMAIL'
                      ORDER BY dc.tipo, dc.id LIMIT 1)),
           u.id, u.login, u.nombre, e.nombre, o.motivo_salida, o.etapa_desde,
           round((extract(epoch FROM now() - o.etapa_desde) / 3600)::numeric, 1),
           h.evento, h.ocurrido_at, crm.intentos(o.id), i.resultado
      FROM crm.oportunidades o
      JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN crm.etapas e ON e.id = o.etapa_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
      LEFT JOIN LATERAL (SELECT x.evento, x.ocurrido_at FROM crm.historial x
                          WHERE x.oportunidad_id = o.id ORDER BY x.id DESC LIMIT 1) h ON true
      LEFT JOIN LATERAL (SELECT x.datos ->> 'resultado' AS resultado FROM crm.historial x
                          WHERE x.oportunidad_id = o.id AND x.evento = 'INTENTO'
                          ORDER BY x.id DESC LIMIT 1) i ON true
     WHERE o.estado = 'EN_BANDEJA'
       AND (yo.rol IN ('ADMIN', 'AUDITOR') OR u.supervisor_id = yo.id OR u.id = yo.id)
     ORDER BY o.etapa_desde, o.id;
END
$$;
GRANT EXECUTE ON FUNCTION api.bandeja(), api.verificar_invariantes() TO embudo_auditor;

-- What cannot write stays open to the auditor: non-VOLATILE functions (PostgreSQL refuses a
-- write inside a STABLE or IMMUTABLE one). Every VOLATILE api function granted to
-- embudo_usuario is granted to the three working groups instead.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'api' AND p.provolatile = 'v'
                AND has_function_privilege('embudo_usuario', p.oid, 'EXECUTE')
              ORDER BY p.oid LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM embudo_usuario', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s'
                       ' TO embudo_promotor, embudo_supervisor, embudo_admin', f);
    END LOOP;
END
$$;
