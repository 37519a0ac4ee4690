-- 004_pool.sql — the assignment pool, the shared helpers of the api functions, the default
-- funnel, and the triggers that keep the pool in step and notify the live panes.
--
-- crm.pool has one row per padron client: the filter columns, a pointer to its active
-- opportunity (NULL = free) and libre_desde (blocked until; from crm.bloqueos). The claim and
-- the "taken" fact are the same row, which is what makes FOR UPDATE SKIP LOCKED correct under
-- concurrency (postgres-measurements.md §2.5: 0 duplicates, 0 short batches at 16–64 clients).
-- The pool is kept in step by triggers in the same transaction, so no path can forget it.

SET LOCAL ROLE embudo_owner;

-- ---------------------------------------------------------------------------------------------
-- Default funnel, only when none has been configured.

INSERT INTO crm.etapas (nombre, orden, tipo, timer_horas, color)
SELECT v.nombre, v.orden, v.tipo, v.horas, v.color
  FROM (VALUES ('Nuevo', 1, 'INICIAL', 24::numeric, 'etapa-nueva'),
               ('Contactado', 2, 'NORMAL', 48, 'etapa'),
               ('Interesado', 3, 'NORMAL', 72, 'etapa'),
               ('En trámite', 4, 'NORMAL', 120, 'etapa'),
               ('No localizado', 5, 'SALIDA', NULL, 'etapa-salida'),
               ('No interesado', 6, 'SALIDA', NULL, 'etapa-salida'),
               ('No califica', 7, 'SALIDA', NULL, 'etapa-salida'),
               ('Venta', 8, 'VENTA', NULL, 'etapa-venta'))
       AS v(nombre, orden, tipo, horas, color)
 WHERE NOT EXISTS (SELECT 1 FROM crm.etapas);

-- ---------------------------------------------------------------------------------------------
-- The 75 % warning instant, computed with timer_vence (business time), so the sweep finds the
-- due warnings with an index range scan instead of a business-time call per row.

ALTER TABLE crm.oportunidades ADD COLUMN timer_aviso timestamptz;
ALTER TABLE crm.oportunidades ADD CONSTRAINT oportunidades_timer_aviso_check
    CHECK (timer_aviso IS NULL OR (timer_vence IS NOT NULL AND timer_aviso <= timer_vence));
CREATE INDEX oportunidades_aviso ON crm.oportunidades (timer_aviso)
    WHERE estado = 'ABIERTA' AND NOT timer_avisado AND timer_aviso IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- The pool.

CREATE TABLE crm.pool (
    -- No foreign key: rows come and go with padron.clientes through the triggers below, and
    -- a per-row FK check made a 1,000,000-client load ~8 s slower.
    cliente_id     bigint PRIMARY KEY,
    convenio_id    smallint NOT NULL,
    entidad_id     smallint NOT NULL,
    edad           smallint NOT NULL,
    oportunidad_id bigint,      -- the active opportunity; NULL = free
    usuario_id     int,         -- its owner
    libre_desde    timestamptz NOT NULL DEFAULT '-infinity',
    CHECK ((oportunidad_id IS NULL) = (usuario_id IS NULL))
);
-- Free rows, in the order the assignment reads them (the ORDER BY must match: §2.6).
CREATE INDEX pool_libres ON crm.pool (convenio_id, entidad_id, edad) INCLUDE (libre_desde)
    WHERE oportunidad_id IS NULL;
CREATE UNIQUE INDEX pool_oportunidad ON crm.pool (oportunidad_id) WHERE oportunidad_id IS NOT NULL;

-- The end of a client's blocks: -infinity none, infinity one without end.
CREATE FUNCTION crm.bloqueado_hasta(cliente bigint) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(CASE WHEN bool_or(b.hasta IS NULL) THEN 'infinity'::timestamptz
                         ELSE max(b.hasta) END, '-infinity'::timestamptz)
      FROM crm.bloqueos b
     WHERE b.cliente_id = cliente
$$;

-- New padron clients enter the pool (statement level: one INSERT … SELECT per COPY/INSERT).
CREATE FUNCTION crm.pool_clientes_ins() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO crm.pool (cliente_id, convenio_id, entidad_id, edad)
    SELECT n.id, n.convenio_id, n.entidad_id, n.edad FROM nuevos n
    ON CONFLICT (cliente_id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_clientes_ins AFTER INSERT ON padron.clientes
    REFERENCING NEW TABLE AS nuevos FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_clientes_ins();

CREATE FUNCTION crm.pool_clientes_upd() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE crm.pool p
       SET convenio_id = n.convenio_id, entidad_id = n.entidad_id, edad = n.edad
      FROM nuevos n
     WHERE p.cliente_id = n.id
       AND (p.convenio_id, p.entidad_id, p.edad) IS DISTINCT FROM (n.convenio_id, n.entidad_id, n.edad);
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_clientes_upd AFTER UPDATE ON padron.clientes
    REFERENCING NEW TABLE AS nuevos FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_clientes_upd();

CREATE FUNCTION crm.pool_clientes_del() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM crm.pool p USING viejos v WHERE p.cliente_id = v.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_clientes_del AFTER DELETE ON padron.clientes
    REFERENCING OLD TABLE AS viejos FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_clientes_del();

-- Clients already loaded before this migration.
INSERT INTO crm.pool (cliente_id, convenio_id, entidad_id, edad)
SELECT id, convenio_id, entidad_id, edad FROM padron.clientes
ON CONFLICT (cliente_id) DO NOTHING;

-- Opportunities: an active one points its pool row at itself (and its owner); a closed one
-- frees the row it pointed at. Also notifies the live panes: one tiny payload per user touched.
CREATE FUNCTION crm.oportunidades_despues() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE crm.pool p
       SET oportunidad_id = n.id, usuario_id = n.usuario_id
      FROM nuevas n
     WHERE n.cliente_id IS NOT NULL AND p.cliente_id = n.cliente_id
       AND n.estado IN ('ABIERTA', 'EN_BANDEJA')
       AND (p.oportunidad_id, p.usuario_id) IS DISTINCT FROM (n.id, n.usuario_id);
    IF TG_OP = 'UPDATE' THEN
        UPDATE crm.pool p
           SET oportunidad_id = NULL, usuario_id = NULL
          FROM nuevas n
         WHERE n.cliente_id IS NOT NULL AND p.cliente_id = n.cliente_id
           AND n.estado NOT IN ('ABIERTA', 'EN_BANDEJA') AND p.oportunidad_id = n.id;
        PERFORM pg_notify('embudo', json_build_object('tabla', 'oportunidades',
                                                      'usuario_id', u.usuario_id)::text)
           FROM (SELECT usuario_id FROM nuevas UNION SELECT usuario_id FROM viejas) u;
    ELSE
        PERFORM pg_notify('embudo', json_build_object('tabla', 'oportunidades',
                                                      'usuario_id', u.usuario_id)::text)
           FROM (SELECT DISTINCT usuario_id FROM nuevas) u;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER oportunidades_ins AFTER INSERT ON crm.oportunidades
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.oportunidades_despues();
CREATE TRIGGER oportunidades_upd AFTER UPDATE ON crm.oportunidades
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.oportunidades_despues();

-- Blocks: recompute libre_desde of the clients touched.
CREATE FUNCTION crm.pool_bloqueos() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE crm.pool p SET libre_desde = crm.bloqueado_hasta(p.cliente_id)
         WHERE p.cliente_id IN (SELECT cliente_id FROM viejas);
    ELSE
        UPDATE crm.pool p SET libre_desde = crm.bloqueado_hasta(p.cliente_id)
         WHERE p.cliente_id IN (SELECT cliente_id FROM nuevas);
        IF TG_OP = 'UPDATE' THEN
            UPDATE crm.pool p SET libre_desde = crm.bloqueado_hasta(p.cliente_id)
             WHERE p.cliente_id IN (SELECT cliente_id FROM viejas
                                    EXCEPT SELECT cliente_id FROM nuevas);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER pool_bloqueos_ins AFTER INSERT ON crm.bloqueos
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_bloqueos();
CREATE TRIGGER pool_bloqueos_upd AFTER UPDATE ON crm.bloqueos
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.pool_bloqueos();
CREATE TRIGGER pool_bloqueos_del AFTER DELETE ON crm.bloqueos
    REFERENCING OLD TABLE AS viejas FOR EACH STATEMENT EXECUTE FUNCTION crm.pool_bloqueos();

-- Live panes: lotes, historial and ventas notify their owners too.
CREATE FUNCTION crm.notificar_usuarios() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_TABLE_NAME = 'historial' THEN
        PERFORM pg_notify('embudo', json_build_object('tabla', 'historial',
                                                      'usuario_id', u.usuario_id)::text)
           FROM (SELECT DISTINCT o.usuario_id
                   FROM nuevas h JOIN crm.oportunidades o ON o.id = h.oportunidad_id) u;
    ELSIF TG_TABLE_NAME = 'sweep_runs' THEN
        PERFORM pg_notify('embudo', '{"tabla":"sweep_runs","usuario_id":null}');
    ELSE
        PERFORM pg_notify('embudo', json_build_object('tabla', TG_TABLE_NAME,
                                                      'usuario_id', u.usuario_id)::text)
           FROM (SELECT DISTINCT usuario_id FROM nuevas) u;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER lotes_notificar AFTER INSERT ON crm.lotes
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.notificar_usuarios();
CREATE TRIGGER historial_notificar AFTER INSERT ON crm.historial
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.notificar_usuarios();
CREATE TRIGGER ventas_notificar AFTER INSERT ON crm.ventas
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.notificar_usuarios();
CREATE TRIGGER sweep_runs_notificar AFTER UPDATE ON crm.sweep_runs
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.notificar_usuarios();

-- ---------------------------------------------------------------------------------------------
-- Helpers of the api functions (run as the owner; not granted to user roles).

-- The caller's row, or EB001.
CREATE FUNCTION crm.yo_fila() RETURNS crm.usuarios
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios;
BEGIN
    SELECT * INTO u FROM crm.usuarios WHERE login = session_user AND estado <> 'BAJA';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no estás registrado como usuario activo de embudo'
            USING ERRCODE = 'EB001';
    END IF;
    RETURN u;
END
$$;

-- The caller's row when it is a supervisor or an admin, or EB002.
CREATE FUNCTION crm.yo_supervisor() RETURNS crm.usuarios
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios := crm.yo_fila();
BEGIN
    IF u.rol NOT IN ('SUPERVISOR', 'ADMIN') THEN
        RAISE EXCEPTION 'esta acción es solo para supervisores y administradores'
            USING ERRCODE = 'EB002';
    END IF;
    RETURN u;
END
$$;

-- May yo act on rows owned by dueno? Self, the owner's supervisor, an admin.
CREATE FUNCTION crm.puede_operar(yo crm.usuarios, dueno int) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT yo.rol = 'ADMIN' OR yo.id = dueno
        OR (yo.rol = 'SUPERVISOR'
            AND EXISTS (SELECT 1 FROM crm.usuarios u WHERE u.id = dueno AND u.supervisor_id = yo.id))
$$;

-- Locks opportunity id for yo, or EB301 (existence is not revealed to outsiders).
CREATE FUNCTION crm.oportunidad_bloquear(yo crm.usuarios, oportunidad bigint)
RETURNS crm.oportunidades
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    o crm.oportunidades;
BEGIN
    SELECT * INTO o FROM crm.oportunidades WHERE id = oportunidad FOR UPDATE;
    IF NOT FOUND OR NOT crm.puede_operar(yo, o.usuario_id) THEN
        RAISE EXCEPTION 'la oportunidad % no existe o no es tuya', coalesce(oportunidad::text, '(vacía)')
            USING ERRCODE = 'EB301';
    END IF;
    RETURN o;
END
$$;

-- The timer of a stage entered at desde: expiry and 75 % warning, in business time.
CREATE FUNCTION crm.timer_etapa(etapa smallint, desde timestamptz,
                                OUT vence timestamptz, OUT aviso timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    horas numeric;
    zona  text := crm.zona();
BEGIN
    SELECT e.timer_horas INTO horas FROM crm.etapas e WHERE e.id = etapa;
    IF horas IS NULL THEN
        vence := NULL;
        aviso := NULL;
        RETURN;
    END IF;
    vence := crm.sumar_horas_habiles(desde, horas, zona);
    aviso := crm.sumar_horas_habiles(desde, horas * (SELECT a.aviso_pct FROM crm.ajustes a) / 100,
                                     zona);
END
$$;

-- The active INICIAL stage, or EB013.
CREATE FUNCTION crm.etapa_inicial() RETURNS crm.etapas
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e crm.etapas;
BEGIN
    SELECT * INTO e FROM crm.etapas WHERE tipo = 'INICIAL' AND activa;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no hay una etapa inicial activa configurada' USING ERRCODE = 'EB013';
    END IF;
    RETURN e;
END
$$;

-- Today's quota row of a user, created when missing and locked; its limit follows the user's
-- cupo_diario (never below what was already used).
CREATE FUNCTION crm.cupo_bloquear(usuario int) RETURNS crm.cupo_diario
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c   crm.cupo_diario;
    lim int;
    hoy date := crm.fecha_negocio(now());
BEGIN
    SELECT u.cupo_diario INTO lim FROM crm.usuarios u WHERE u.id = usuario;
    INSERT INTO crm.cupo_diario (usuario_id, fecha, usados, limite)
    VALUES (usuario, hoy, 0, lim)
    ON CONFLICT (usuario_id, fecha) DO NOTHING;
    SELECT * INTO c FROM crm.cupo_diario
     WHERE usuario_id = usuario AND fecha = hoy FOR UPDATE;
    IF c.limite <> greatest(lim, c.usados) THEN
        UPDATE crm.cupo_diario SET limite = greatest(lim, c.usados)
         WHERE usuario_id = usuario AND fecha = hoy
        RETURNING * INTO c;
    END IF;
    RETURN c;
END
$$;

-- Active opportunities of a user (cartera).
CREATE FUNCTION crm.cartera(usuario int) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT count(*)::int FROM crm.oportunidades
     WHERE usuario_id = usuario AND estado IN ('ABIERTA', 'EN_BANDEJA')
$$;
