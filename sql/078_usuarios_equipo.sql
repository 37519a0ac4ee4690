-- 078_usuarios_equipo.sql — a supervisor marks their promoters absent or on holiday, and every
-- change to a user is on record (docs/anchors.md C4, X2).
--
-- Until now only an admin could change a promoter's estado, so the supervisor who knows that
-- a promoter is sick today had to ask one, and meanwhile the distribution kept dealing to an
-- empty chair. Now a supervisor may set ACTIVO, AUSENTE or VACACIONES on the promoters of
-- their own team (EB116 for anyone else); BAJA stays an admin's (EB115), because it ends the
-- login. An optional reason goes with the change.
--
-- Nobody could tell afterwards who had changed a cupo, a team or an estado, or when. The
-- append-only crm.usuarios_cambios now holds one row per field changed (estado, rol,
-- supervisor, cupo_diario, cartera_max, nombre): before, after, who (NULL = the database
-- owner's session), when and why. An AFTER UPDATE trigger on crm.usuarios writes it, so every
-- path is covered — the api functions and an owner's UPDATE by hand alike; the functions pass
-- their reason through the transaction-local setting embudo.motivo. api.usuario_cambios lists
-- what the caller may see (crm.usuarios_visibles: self, team, everyone). The same trigger
-- notifies {"tabla":"usuarios","usuario_id":N} for each user changed, so every open Equipo
-- and Repartir pane sees an absence at once.

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.usuarios_cambios (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    usuario_id int NOT NULL REFERENCES crm.usuarios,
    campo      text NOT NULL CHECK (campo IN ('estado', 'rol', 'supervisor', 'cupo_diario',
                                              'cartera_max', 'nombre')),
    anterior   text,
    nuevo      text,
    motivo     text CHECK (length(motivo) <= 500),
    hecho_por  int REFERENCES crm.usuarios,
    hecho_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usuarios_cambios_usuario ON crm.usuarios_cambios (usuario_id, id);

CREATE TRIGGER usuarios_cambios_sin_update BEFORE UPDATE OR DELETE ON crm.usuarios_cambios
    FOR EACH ROW EXECUTE FUNCTION crm.historial_inmutable();
CREATE TRIGGER usuarios_cambios_sin_truncate BEFORE TRUNCATE ON crm.usuarios_cambios
    FOR EACH STATEMENT EXECUTE FUNCTION crm.historial_inmutable();

CREATE FUNCTION crm.usuarios_registrar_cambios() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    quien  int := crm.yo();
    motivo text := nullif(btrim(current_setting('embudo.motivo', true)), '');
BEGIN
    INSERT INTO crm.usuarios_cambios (usuario_id, campo, anterior, nuevo, motivo, hecho_por)
    SELECT n.id, c.campo, c.anterior, c.nuevo, left(motivo, 500), quien
      FROM nuevas n
      JOIN viejas v ON v.id = n.id
      CROSS JOIN LATERAL (VALUES
          ('estado', v.estado, n.estado),
          ('rol', v.rol, n.rol),
          ('supervisor', (SELECT s.login FROM crm.usuarios s WHERE s.id = v.supervisor_id),
                         (SELECT s.login FROM crm.usuarios s WHERE s.id = n.supervisor_id)),
          ('cupo_diario', v.cupo_diario::text, n.cupo_diario::text),
          ('cartera_max', v.cartera_max::text, n.cartera_max::text),
          ('nombre', v.nombre, n.nombre)) AS c(campo, anterior, nuevo)
     WHERE c.anterior IS DISTINCT FROM c.nuevo;
    PERFORM pg_notify('embudo', json_build_object('tabla', 'usuarios', 'usuario_id', n.id)::text)
       FROM nuevas n
       JOIN viejas v ON v.id = n.id
      WHERE (n.estado, n.rol, n.supervisor_id, n.cupo_diario, n.cartera_max, n.nombre)
            IS DISTINCT FROM (v.estado, v.rol, v.supervisor_id, v.cupo_diario, v.cartera_max,
                              v.nombre);
    RETURN NULL;
END
$$;
CREATE TRIGGER usuarios_cambios AFTER UPDATE ON crm.usuarios
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas
    FOR EACH STATEMENT EXECUTE FUNCTION crm.usuarios_registrar_cambios();

-- 002's, open to a supervisor for the promoters of their team (ACTIVO, AUSENTE, VACACIONES),
-- with the reason on record.
DROP FUNCTION api.cambiar_estado_usuario(text, text);
CREATE FUNCTION api.cambiar_estado_usuario(login text, estado text, motivo text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u  crm.usuarios;
    yo crm.usuarios;
BEGIN
    IF NOT crm.sesion_es_admin() THEN
        yo := crm.yo_fila();                                    -- EB001
        IF yo.rol <> 'SUPERVISOR' THEN
            RAISE EXCEPTION 'solo un supervisor o un administrador puede cambiar el estado'
                            ' de los usuarios' USING ERRCODE = 'EB101';
        END IF;
    END IF;
    IF estado IS NULL OR estado NOT IN ('ACTIVO', 'AUSENTE', 'VACACIONES', 'BAJA') THEN
        RAISE EXCEPTION 'estado inválido «%»: debe ser ACTIVO, AUSENTE, VACACIONES o BAJA',
                        coalesce(estado, '')
            USING ERRCODE = 'EB112';
    END IF;
    IF length(motivo) > 500 THEN
        RAISE EXCEPTION 'el motivo es demasiado largo (máximo 500 caracteres)'
            USING ERRCODE = 'EB112';
    END IF;
    SELECT * INTO u FROM crm.usuarios x WHERE x.login = cambiar_estado_usuario.login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el usuario «%» no existe', coalesce(login, '') USING ERRCODE = 'EB111';
    END IF;
    IF yo.id IS NOT NULL THEN
        IF u.rol <> 'PROMOTOR' OR u.supervisor_id IS DISTINCT FROM yo.id THEN
            RAISE EXCEPTION '«%» no es promotor de su equipo', login USING ERRCODE = 'EB116';
        END IF;
        IF estado = 'BAJA' OR u.estado = 'BAJA' THEN
            RAISE EXCEPTION 'dar de baja o de alta a un usuario es de un administrador'
                USING ERRCODE = 'EB115';
        END IF;
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
        PERFORM set_config('embudo.motivo', coalesce(motivo, ''), true);
        UPDATE crm.usuarios x SET estado = cambiar_estado_usuario.estado WHERE x.id = u.id;
        PERFORM set_config('embudo.motivo', '', true);
    END IF;
    PERFORM crm.asegurar_rol(login, u.rol, estado <> 'BAJA');
    RETURN u.estado;
END
$$;
REVOKE ALL ON FUNCTION api.cambiar_estado_usuario(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.cambiar_estado_usuario(text, text, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;

-- The changes to the users the caller may see, newest first; login narrows to one of them.
CREATE FUNCTION api.usuario_cambios(login text DEFAULT NULL, limite int DEFAULT 100)
RETURNS TABLE (id bigint, usuario text, campo text, anterior text, nuevo text, motivo text,
               hecho_por text, hecho_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ver int[];
BEGIN
    IF limite IS NULL OR limite NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'el límite debe estar entre 1 y 10000' USING ERRCODE = 'EB112';
    END IF;
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        ver := (SELECT coalesce(array_agg(u.id), '{}') FROM crm.usuarios u);
    ELSE
        PERFORM crm.yo_fila();                                  -- EB001
        ver := crm.usuarios_visibles();
    END IF;
    IF usuario_cambios.login IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM crm.usuarios u
                        WHERE u.login = usuario_cambios.login AND u.id = ANY (ver)) THEN
        RAISE EXCEPTION 'el usuario «%» no existe o no es de su equipo', usuario_cambios.login
            USING ERRCODE = 'EB111';
    END IF;
    RETURN QUERY
    SELECT c.id, u.login, c.campo, c.anterior, c.nuevo, c.motivo, h.login, c.hecho_at
      FROM crm.usuarios_cambios c
      JOIN crm.usuarios u ON u.id = c.usuario_id
      LEFT JOIN crm.usuarios h ON h.id = c.hecho_por
     WHERE c.usuario_id = ANY (ver)
       AND (usuario_cambios.login IS NULL OR u.login = usuario_cambios.login)
     ORDER BY c.id DESC
     LIMIT limite;
END
$$;
REVOKE ALL ON FUNCTION api.usuario_cambios(text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.usuario_cambios(text, int) TO embudo_usuario;
