-- 074_no_contactar.sql — the do-not-contact registry: REUS, REPEP and people who asked.
--
-- CONDUSEF's REUS lets a person block promotional contact from financial institutions for two
-- years; PROFECO's REPEP does not expire; and anyone may ask a promoter never to be called
-- again. A lender that holds the extract must honour it before any call or campaign. Until
-- now crm.bloqueos had a NO_CONTACTAR motivo but nothing filled it, and a prospect (captured
-- lead, no padron row) could not be blocked at all. Now:
--
--   crm.no_contactar   one row per (telefono, fuente): REUS (hasta = registrado + 2 years),
--                      REPEP and SOLICITUD (no end). Removing an entry keeps the row
--                      (quitado_at/por/motivo): the registry is a compliance record.
--   blocks             every padron client with a vigente phone in force in the registry gets
--                      a crm.bloqueos NO_CONTACTAR row carrying that telefono, so the pool,
--                      the counts, the assignment, the distribution and doctor's checks see it
--                      through the machinery they already have (004). Triggers on both sides
--                      keep it so: loading the registry blocks existing clients, importing a
--                      client whose phone is registered blocks it, and removing or expiring an
--                      entry ends the block (hasta = now: the row stays, as history).
--   campaigns          crm.wa_audiencia skips a registered phone (NO_CONTACTAR) whether the
--                      opportunity is a client or a prospect, and the sender's claim skips a
--                      message whose phone entered the registry after the campaign was made.
--   captación          api.captar refuses (EB808) a phone in force in the registry.
--   doctor             api.verificar_invariantes reports NO_CONTACTAR_SIN_BLOQUEO.
--   api                no_contactar_agregar (one number; a promoter only SOLICITUD for a phone
--                      of their own opportunities, a supervisor for the team's, REUS/REPEP only
--                      an admin), no_contactar_cargar (an admin's batch, for `embudo
--                      no-contactar importar`), no_contactar_quitar (admin, with a reason),
--                      no_contactar_consultar (anyone, one number), no_contactar_lista and
--                      no_contactar_resumen (supervisor, admin, auditor), and
--                      no_contactar_oportunidades (the caller's visible active opportunities
--                      whose phone is registered, for the TUI's marks).
--
-- Decisions: an entry counts from the moment it is loaded (REUS's 45-day grace is the
-- registrant's, honouring earlier is harmless); manual WhatsApp replies stay the promoter's
-- call (the TUI shows the mark), only automated contact and new assignments are stopped;
-- active opportunities are not closed (the promoter or supervisor decides), they are marked.

SET LOCAL ROLE embudo_owner;

CREATE TABLE crm.no_contactar (
    telefono       text NOT NULL CHECK (telefono ~ '^\+52[0-9]{10}$'),
    fuente         text NOT NULL CHECK (fuente IN ('REUS', 'REPEP', 'SOLICITUD')),
    registrado     date,                 -- as the registry's extract says, when it says
    hasta          timestamptz,          -- NULL: no end
    detalle        text CHECK (length(detalle) BETWEEN 1 AND 500),
    creado_por     int REFERENCES crm.usuarios (id),    -- NULL: the database owner's session
    created_at     timestamptz NOT NULL DEFAULT now(),
    quitado_at     timestamptz,
    quitado_por    int REFERENCES crm.usuarios (id),
    quitado_motivo text CHECK (length(quitado_motivo) BETWEEN 1 AND 500),
    PRIMARY KEY (telefono, fuente),
    CHECK ((quitado_at IS NULL) = (quitado_motivo IS NULL))
);
ALTER TABLE crm.no_contactar ENABLE ROW LEVEL SECURITY;
-- Read through the api only (a promoter must name the number: api.no_contactar_consultar).

-- The registry phone that caused a NO_CONTACTAR block (NULL for every other block).
ALTER TABLE crm.bloqueos ADD COLUMN telefono text;
ALTER TABLE crm.bloqueos ADD CONSTRAINT bloqueos_telefono_check
    CHECK (telefono IS NULL OR (motivo = 'NO_CONTACTAR' AND telefono ~ '^\+52[0-9]{10}$'));
CREATE UNIQUE INDEX bloqueos_cliente_telefono ON crm.bloqueos (cliente_id, telefono)
    WHERE telefono IS NOT NULL;
CREATE INDEX bloqueos_telefono ON crm.bloqueos (telefono) WHERE telefono IS NOT NULL;

-- True when telefono has an entry in force.
CREATE FUNCTION crm.no_contactar_vigente(telefono text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM crm.no_contactar r
                    WHERE r.telefono = no_contactar_vigente.telefono AND r.quitado_at IS NULL
                      AND (r.hasta IS NULL OR r.hasta > now()))
$$;

-- Makes the NO_CONTACTAR blocks of the padron clients that have any of tels as a vigente
-- phone match the registry: one block per (client, phone) ending when the phone's entries in
-- force end (NULL if one has no end); a block whose phone has none in force, or that is no
-- longer the client's vigente phone, ends now. Returns how many clients are blocked by tels.
CREATE FUNCTION crm.no_contactar_sincronizar(tels text[]) RETURNS int
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    WITH e AS (
        SELECT r.telefono,
               CASE WHEN bool_or(r.hasta IS NULL) THEN NULL ELSE max(r.hasta) END AS hasta,
               'registro de no contactar: ' || string_agg(r.fuente, ', ' ORDER BY r.fuente)
                   AS detalle
          FROM crm.no_contactar r
         WHERE r.telefono = ANY (tels) AND r.quitado_at IS NULL
           AND (r.hasta IS NULL OR r.hasta > now())
         GROUP BY r.telefono
    ), w AS (
        SELECT DISTINCT d.cliente_id, e.telefono, e.hasta, e.detalle
          FROM e JOIN padron.datos_contacto d
            ON d.valor = e.telefono AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
    ), fin AS (
        UPDATE crm.bloqueos b SET hasta = now()
         WHERE b.telefono = ANY (tels) AND (b.hasta IS NULL OR b.hasta > now())
           AND NOT EXISTS (SELECT 1 FROM w
                            WHERE w.cliente_id = b.cliente_id AND w.telefono = b.telefono)
        RETURNING 1
    ), ins AS (
        INSERT INTO crm.bloqueos AS b (cliente_id, hasta, motivo, detalle, telefono, creado_por)
        SELECT w.cliente_id, w.hasta, 'NO_CONTACTAR', w.detalle, w.telefono, crm.yo() FROM w
        ON CONFLICT (cliente_id, telefono) WHERE telefono IS NOT NULL
        DO UPDATE SET hasta = excluded.hasta, detalle = excluded.detalle
         WHERE (b.hasta, b.detalle) IS DISTINCT FROM (excluded.hasta, excluded.detalle)
        RETURNING 1
    )
    -- fin and ins run to completion whether or not this reads them.
    SELECT count(DISTINCT w.cliente_id)::int FROM w
$$;

-- A change of the registry: the blocks follow, and the owners of active opportunities with
-- those phones are told (tabla "oportunidades": how their opportunities must be shown — the
-- TUI's mark — changed), so their panes re-read at once.
CREATE FUNCTION crm.no_contactar_cambio() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tels text[] := ARRAY(SELECT DISTINCT n.telefono FROM nuevas n);
BEGIN
    PERFORM crm.no_contactar_sincronizar(tels);
    PERFORM pg_notify('embudo', json_build_object('tabla', 'oportunidades',
                                                  'usuario_id', u.usuario_id)::text)
       FROM (SELECT o.usuario_id FROM crm.oportunidades o
               JOIN padron.datos_contacto d
                 ON d.cliente_id = o.cliente_id AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
              WHERE d.valor = ANY (tels) AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
             UNION
             SELECT o.usuario_id FROM crm.oportunidades o
               JOIN crm.prospectos p ON p.id = o.prospecto_id
              WHERE p.telefono = ANY (tels) AND o.estado IN ('ABIERTA', 'EN_BANDEJA')) u;
    RETURN NULL;
END
$$;
CREATE TRIGGER no_contactar_ins AFTER INSERT ON crm.no_contactar
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.no_contactar_cambio();
CREATE TRIGGER no_contactar_upd AFTER UPDATE ON crm.no_contactar
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.no_contactar_cambio();

-- The padron's side: a client imported (or a phone added, changed or retired) with a phone
-- that the registry names or that a block carries.
CREATE FUNCTION crm.no_contactar_datos_contacto() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tels text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        tels := ARRAY(SELECT DISTINCT n.valor FROM nuevas n
                       WHERE n.tipo IN ('CELULAR', 'FIJO')
                         AND EXISTS (SELECT 1 FROM crm.no_contactar r WHERE r.telefono = n.valor));
    ELSE
        tels := ARRAY(SELECT DISTINCT x.valor
                        FROM (SELECT n.valor, n.tipo FROM nuevas n
                              UNION ALL SELECT v.valor, v.tipo FROM viejas v) x
                       WHERE x.tipo IN ('CELULAR', 'FIJO')
                         AND (EXISTS (SELECT 1 FROM crm.no_contactar r
                                       WHERE r.telefono = x.valor)
                              OR EXISTS (SELECT 1 FROM crm.bloqueos b
                                          WHERE b.telefono = x.valor)));
    END IF;
    PERFORM crm.no_contactar_sincronizar(tels);
    RETURN NULL;
END
$$;
CREATE TRIGGER no_contactar_datos_ins AFTER INSERT ON padron.datos_contacto
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.no_contactar_datos_contacto();
CREATE TRIGGER no_contactar_datos_upd AFTER UPDATE ON padron.datos_contacto
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.no_contactar_datos_contacto();

-- The fuente named by a caller, upper-cased; EB801 for anything else.
CREATE FUNCTION crm.no_contactar_fuente(fuente text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f text := upper(btrim(fuente));
BEGIN
    IF f IS NULL OR f NOT IN ('REUS', 'REPEP', 'SOLICITUD') THEN
        RAISE EXCEPTION 'fuente inválida: «%» (REUS, REPEP o SOLICITUD)', coalesce(fuente, '')
            USING ERRCODE = 'EB801';
    END IF;
    RETURN f;
END
$$;

-- When an entry of fuente registered on registrado ends: REUS two years later (at the start of
-- that day in the business zone), the others never. EB803 for a date in the future or a REUS
-- registration already expired.
CREATE FUNCTION crm.no_contactar_hasta(fuente text, registrado date) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    hoy date := crm.fecha_negocio(now());
    h   timestamptz;
BEGIN
    IF registrado > hoy THEN
        RAISE EXCEPTION 'la fecha de registro % es futura', to_char(registrado, 'DD/MM/YYYY')
            USING ERRCODE = 'EB803';
    END IF;
    IF fuente <> 'REUS' THEN
        RETURN NULL;
    END IF;
    h := ((coalesce(registrado, hoy) + interval '2 years')::date)::timestamp
             AT TIME ZONE crm.zona();
    IF h <= now() THEN
        RAISE EXCEPTION 'el registro REUS del % ya venció (dura dos años)',
            to_char(registrado, 'DD/MM/YYYY') USING ERRCODE = 'EB803';
    END IF;
    RETURN h;
END
$$;

-- EB808 when telefono may not be contacted (for api.captar).
CREATE FUNCTION crm.no_contactar_exigir(telefono text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f text;
BEGIN
    SELECT string_agg(r.fuente, ', ' ORDER BY r.fuente) INTO f FROM crm.no_contactar r
     WHERE r.telefono = no_contactar_exigir.telefono AND r.quitado_at IS NULL
       AND (r.hasta IS NULL OR r.hasta > now());
    IF f IS NOT NULL THEN
        RAISE EXCEPTION 'el teléfono % está en el registro de no contactar (%)', telefono, f
            USING ERRCODE = 'EB808';
    END IF;
END
$$;

-- The active opportunities of the users in ver (NULL: everyone's) with a phone in force in the
-- registry, one row per such phone. Clients are found through their NO_CONTACTAR blocks (one
-- per registered phone, kept by the triggers above) and prospects through their phone, so the
-- work follows the registry's matches or the users' opportunities, whichever the planner finds
-- smaller. Measured with 158 250 active opportunities and 5 000 registered phones, through
-- api.no_contactar_oportunidades (pgbench): 4 ms for a promoter, 50 ms for a supervisor of
-- all 200 promoters or an admin (a first form that listed every visible opportunity's phones
-- took 66 ms and 1.3 s).
CREATE FUNCTION crm.no_contactar_marcadas(ver int[])
RETURNS TABLE (oportunidad_id bigint, telefono text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- plpgsql, not sql: its first plans see ver's value (a SQL function's generic plan
    -- scanned every active opportunity for a promoter too: 29 ms instead of 3).
    RETURN QUERY
    SELECT o.id, b.telefono FROM crm.bloqueos b
      JOIN crm.oportunidades o
        ON o.cliente_id = b.cliente_id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
     WHERE b.telefono IS NOT NULL AND (b.hasta IS NULL OR b.hasta > now())
       AND (ver IS NULL OR o.usuario_id = ANY (ver))
    UNION ALL
    SELECT o.id, p.telefono FROM crm.prospectos p
      JOIN crm.oportunidades o
        ON o.prospecto_id = p.id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
     WHERE (ver IS NULL OR o.usuario_id = ANY (ver))
       AND EXISTS (SELECT 1 FROM crm.no_contactar r
                    WHERE r.telefono = p.telefono AND r.quitado_at IS NULL
                      AND (r.hasta IS NULL OR r.hasta > now()));
END
$$;

-- The active opportunities (any owner) whose client has telefono as a vigente phone or whose
-- prospect has it: every path is indexed (datos_contacto_valor, oportunidades_cliente,
-- prospectos_telefono, oportunidades_prospecto_activa).
CREATE FUNCTION crm.oportunidades_de_telefono(telefono text) RETURNS SETOF crm.oportunidades
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT o.* FROM crm.oportunidades o
     WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA')
       AND o.cliente_id IN (SELECT d.cliente_id FROM padron.datos_contacto d
                             WHERE d.valor = oportunidades_de_telefono.telefono AND d.vigente
                               AND d.tipo IN ('CELULAR', 'FIJO'))
    UNION ALL
    SELECT o.* FROM crm.oportunidades o
     WHERE o.estado IN ('ABIERTA', 'EN_BANDEJA')
       AND o.prospecto_id IN (SELECT p.id FROM crm.prospectos p
                               WHERE p.telefono = oportunidades_de_telefono.telefono)
$$;

CREATE FUNCTION api.no_contactar_agregar(telefono text, fuente text DEFAULT 'SOLICITUD',
                                         registrado date DEFAULT NULL,
                                         detalle text DEFAULT NULL)
RETURNS TABLE (telefono_e164 text, fuente_alta text, hasta timestamptz, clientes int,
               oportunidades int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo  int := crm.yo();
    rol text := crm.mi_rol();
    adm boolean := crm.sesion_es_admin();
    tel text := api.normalizar_telefono(no_contactar_agregar.telefono);    -- EB701
    f   text := crm.no_contactar_fuente(no_contactar_agregar.fuente);     -- EB801
    det text := nullif(btrim(no_contactar_agregar.detalle), '');
    h   timestamptz;
    ops bigint[];
    nc  int;
BEGIN
    IF yo IS NULL AND NOT adm THEN
        PERFORM crm.yo_fila();                                            -- EB001
    END IF;
    IF f <> 'SOLICITUD' AND NOT adm THEN
        RAISE EXCEPTION 'solo un administrador carga números del %', f USING ERRCODE = 'EB802';
    END IF;
    IF det IS NOT NULL AND length(det) > 500 THEN
        RAISE EXCEPTION 'el detalle es demasiado largo (máximo 500 caracteres)'
            USING ERRCODE = 'EB805';
    END IF;
    h := crm.no_contactar_hasta(f, no_contactar_agregar.registrado);     -- EB803
    -- The active opportunities with this phone that the caller may see.
    ops := ARRAY(SELECT o.id FROM crm.oportunidades_de_telefono(tel) o
                  WHERE adm OR o.usuario_id = ANY ((SELECT crm.usuarios_visibles())::int[]));
    IF NOT adm AND cardinality(ops) = 0 THEN
        RAISE EXCEPTION 'el teléfono % no es de ninguna oportunidad activa %', tel,
            CASE WHEN rol = 'SUPERVISOR' THEN 'de su equipo' ELSE 'suya' END
            USING ERRCODE = 'EB804';
    END IF;
    INSERT INTO crm.no_contactar AS r (telefono, fuente, registrado, hasta, detalle, creado_por)
    VALUES (tel, f, no_contactar_agregar.registrado, h, det, yo)
    ON CONFLICT (telefono, fuente) DO UPDATE
       SET registrado = excluded.registrado, hasta = excluded.hasta,
           detalle = coalesce(excluded.detalle, r.detalle),
           creado_por = excluded.creado_por, created_at = now(),
           quitado_at = NULL, quitado_por = NULL, quitado_motivo = NULL;
    SELECT count(DISTINCT b.cliente_id)::int INTO nc FROM crm.bloqueos b
     WHERE b.telefono = tel AND (b.hasta IS NULL OR b.hasta > now());
    RETURN QUERY
    SELECT tel, f, h, nc, cardinality(ops);
END
$$;

-- An admin's batch: telefonos already in E.164 (the CLI normalises and reports bad rows with
-- their line), registrados in the same order (NULL or shorter: unknown). All or nothing: a
-- bad element refuses the call (EB806) naming its position. Returns how many entries were
-- new, how many existing ones were renewed, and how many padron clients are now blocked by
-- the batch's numbers.
CREATE FUNCTION api.no_contactar_cargar(telefonos text[], fuente text,
                                        registrados date[] DEFAULT NULL,
                                        detalle text DEFAULT NULL)
RETURNS TABLE (nuevos int, renovados int, clientes int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    f    text := crm.no_contactar_fuente(no_contactar_cargar.fuente);      -- EB801
    det  text := nullif(btrim(no_contactar_cargar.detalle), '');
    malo int;
    tel_u text[];
    reg_u date[];
    hasta_u timestamptz[];
    nn   int;
    nr   int;
    nc   int;
BEGIN
    PERFORM crm.exigir_admin('cargar el registro de no contactar');          -- EB101
    IF f = 'SOLICITUD' THEN
        RAISE EXCEPTION 'una carga es de REUS o de REPEP; las solicitudes se agregan una por una'
            USING ERRCODE = 'EB801';
    END IF;
    IF det IS NOT NULL AND length(det) > 500 THEN
        RAISE EXCEPTION 'el detalle es demasiado largo (máximo 500 caracteres)'
            USING ERRCODE = 'EB805';
    END IF;
    IF coalesce(cardinality(telefonos), 0) = 0 OR cardinality(telefonos) > 100000 THEN
        RAISE EXCEPTION 'una carga lleva de 1 a 100 000 teléfonos' USING ERRCODE = 'EB806';
    END IF;
    SELECT min(t.i) INTO malo FROM unnest(telefonos) WITH ORDINALITY t(tel, i)
     WHERE t.tel IS NULL OR t.tel !~ '^\+52[2-9][0-9]{9}$';
    IF malo IS NOT NULL THEN
        RAISE EXCEPTION 'teléfono % de la carga inválido: «%» (se espera +52 y 10 dígitos)',
            malo, coalesce(telefonos[malo], '') USING ERRCODE = 'EB806';
    END IF;
    SELECT min(r.i) INTO malo FROM unnest(registrados) WITH ORDINALITY r(reg, i)
     WHERE r.reg > crm.fecha_negocio(now())
        OR (f = 'REUS' AND r.reg + interval '2 years' <= crm.fecha_negocio(now()));
    IF malo IS NOT NULL THEN
        RAISE EXCEPTION 'fecha de registro % de la carga inválida: % (futura, o un REUS de hace'
            ' dos años o más)', malo, to_char(registrados[malo], 'DD/MM/YYYY')
            USING ERRCODE = 'EB803';
    END IF;
    -- One entry per number (the latest registration date when a file repeats one).
    SELECT array_agg(c.tel), array_agg(c.reg), array_agg(crm.no_contactar_hasta(f, c.reg))
      INTO tel_u, reg_u, hasta_u                                             -- EB803
      FROM (SELECT DISTINCT ON (t.tel) t.tel, r.reg
              FROM unnest(telefonos) WITH ORDINALITY t(tel, i)
              LEFT JOIN unnest(registrados) WITH ORDINALITY r(reg, i) ON r.i = t.i
             ORDER BY t.tel, r.reg DESC NULLS LAST) c;
    SELECT count(*) FILTER (WHERE x.telefono IS NULL), count(*) FILTER (WHERE x.telefono IS NOT NULL)
      INTO nn, nr
      FROM unnest(tel_u) c(tel)
      LEFT JOIN crm.no_contactar x ON x.telefono = c.tel AND x.fuente = f;
    INSERT INTO crm.no_contactar AS r (telefono, fuente, registrado, hasta, detalle, creado_por)
    SELECT c.tel, f, c.reg, c.hasta, det, crm.yo()
      FROM unnest(tel_u, reg_u, hasta_u) c(tel, reg, hasta)
    ON CONFLICT (telefono, fuente) DO UPDATE
       SET registrado = excluded.registrado, hasta = excluded.hasta,
           detalle = coalesce(excluded.detalle, r.detalle),
           creado_por = excluded.creado_por, created_at = now(),
           quitado_at = NULL, quitado_por = NULL, quitado_motivo = NULL;
    SELECT count(DISTINCT b.cliente_id)::int INTO nc FROM crm.bloqueos b
     WHERE b.telefono = ANY (tel_u) AND (b.hasta IS NULL OR b.hasta > now());
    RETURN QUERY SELECT nn, nr, nc;
END
$$;

CREATE FUNCTION api.no_contactar_quitar(telefono text, fuente text, motivo text)
RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tel text := api.normalizar_telefono(no_contactar_quitar.telefono);     -- EB701
    f   text := crm.no_contactar_fuente(no_contactar_quitar.fuente);      -- EB801
    m   text := btrim(no_contactar_quitar.motivo);
    n   int;
BEGIN
    PERFORM crm.exigir_admin('quitar números del registro de no contactar');   -- EB101
    IF m IS NULL OR length(m) NOT BETWEEN 3 AND 500 THEN
        RAISE EXCEPTION 'escriba el motivo para quitar el número (3 a 500 caracteres)'
            USING ERRCODE = 'EB805';
    END IF;
    UPDATE crm.no_contactar r
       SET quitado_at = now(), quitado_por = crm.yo(), quitado_motivo = m
     WHERE r.telefono = tel AND r.fuente = f AND r.quitado_at IS NULL
       AND (r.hasta IS NULL OR r.hasta > now());
    IF NOT FOUND THEN
        RAISE EXCEPTION 'el teléfono % no está vigente en el registro % de no contactar', tel, f
            USING ERRCODE = 'EB807';
    END IF;
    -- What remains blocked (another fuente may still name the number).
    SELECT count(DISTINCT b.cliente_id)::int INTO n FROM crm.bloqueos b
     WHERE b.telefono = tel AND (b.hasta IS NULL OR b.hasta > now());
    RETURN n;
END
$$;

-- The entries in force for one number. Anyone may ask (a promoter before calling a lead).
CREATE FUNCTION api.no_contactar_consultar(telefono text)
RETURNS TABLE (telefono_e164 text, fuente text, registrado date, hasta timestamptz,
               detalle text, creado_por text, creado_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    tel text := api.normalizar_telefono(no_contactar_consultar.telefono);  -- EB701
BEGIN
    IF crm.yo() IS NULL AND NOT crm.sesion_es_admin() THEN
        PERFORM crm.yo_fila();                                            -- EB001
    END IF;
    RETURN QUERY
    SELECT r.telefono, r.fuente, r.registrado, r.hasta, r.detalle, u.login, r.created_at
      FROM crm.no_contactar r LEFT JOIN crm.usuarios u ON u.id = r.creado_por
     WHERE r.telefono = tel AND r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now())
     ORDER BY r.fuente;
END
$$;

-- EB809 unless the caller reads the whole registry (supervisor, admin, auditor or owner).
CREATE FUNCTION crm.no_contactar_lector() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF crm.sesion_es_admin() THEN
        RETURN;
    END IF;
    PERFORM crm.yo_fila();                                                 -- EB001
    IF crm.mi_rol() NOT IN ('SUPERVISOR', 'ADMIN', 'AUDITOR') THEN
        RAISE EXCEPTION 'el registro de no contactar lo consultan supervisores, administradores'
            ' y auditores; un promotor consulta un número' USING ERRCODE = 'EB809';
    END IF;
END
$$;

-- Entries of the registry (all, or one fuente) of the first `limite` numbers after `despues`
-- (NULL = from the start), by telefono then fuente: a page never splits a number's entries, so
-- paging with the last number shown loses nothing. With `todas` also the removed and expired
-- ones.
CREATE FUNCTION api.no_contactar_lista(fuente text DEFAULT NULL, despues text DEFAULT NULL,
                                       limite int DEFAULT 100, todas boolean DEFAULT false)
RETURNS TABLE (telefono text, fuente_reg text, registrado date, hasta timestamptz,
               vigente boolean, detalle text, creado_por text, creado_at timestamptz,
               quitado_at timestamptz, quitado_por text, quitado_motivo text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    f    text;
    tras text;
BEGIN
    PERFORM crm.no_contactar_lector();                                     -- EB809
    IF no_contactar_lista.fuente IS NOT NULL THEN
        f := crm.no_contactar_fuente(no_contactar_lista.fuente);         -- EB801
    END IF;
    IF no_contactar_lista.despues IS NOT NULL THEN
        tras := api.normalizar_telefono(no_contactar_lista.despues);      -- EB701
    END IF;
    IF limite IS NULL OR limite NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION 'límite inválido: % (de 1 a 10 000)', coalesce(limite::text, '—')
            USING ERRCODE = 'EB806';
    END IF;
    RETURN QUERY
    WITH e AS (
        SELECT r.* FROM crm.no_contactar r
         WHERE (f IS NULL OR r.fuente = f)
           AND (tras IS NULL OR r.telefono > tras)
           AND (todas OR (r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now())))
    ), numeros AS (
        SELECT DISTINCT e.telefono FROM e ORDER BY e.telefono LIMIT limite
    )
    SELECT r.telefono, r.fuente, r.registrado, r.hasta,
           r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now()),
           r.detalle, u.login, r.created_at, r.quitado_at, q.login, r.quitado_motivo
      FROM e r
      LEFT JOIN crm.usuarios u ON u.id = r.creado_por
      LEFT JOIN crm.usuarios q ON q.id = r.quitado_por
     WHERE r.telefono IN (SELECT n.telefono FROM numeros n)
     ORDER BY r.telefono, r.fuente;
END
$$;

-- Per fuente: entries in force, expired, removed; padron clients blocked by them; active
-- opportunities (all of them, whoever owns them) whose phone is in force.
CREATE FUNCTION api.no_contactar_resumen()
RETURNS TABLE (fuente text, vigentes bigint, vencidos bigint, quitados bigint,
               clientes_bloqueados bigint, oportunidades_activas bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    PERFORM crm.no_contactar_lector();                                     -- EB809
    RETURN QUERY
    WITH v AS (SELECT r.* FROM crm.no_contactar r
                WHERE r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now())),
         activas AS (SELECT m.oportunidad_id, m.telefono FROM crm.no_contactar_marcadas(NULL) m)
    SELECT f.fuente,
           (SELECT count(*) FROM v WHERE v.fuente = f.fuente),
           (SELECT count(*) FROM crm.no_contactar r
             WHERE r.fuente = f.fuente AND r.quitado_at IS NULL AND r.hasta <= now()),
           (SELECT count(*) FROM crm.no_contactar r
             WHERE r.fuente = f.fuente AND r.quitado_at IS NOT NULL),
           (SELECT count(DISTINCT d.cliente_id) FROM v
              JOIN padron.datos_contacto d
                ON d.valor = v.telefono AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
             WHERE v.fuente = f.fuente),
           (SELECT count(DISTINCT a.oportunidad_id) FROM activas a
             WHERE a.telefono IN (SELECT v.telefono FROM v WHERE v.fuente = f.fuente))
      FROM (VALUES (1, 'REUS'), (2, 'REPEP'), (3, 'SOLICITUD')) f(k, fuente)
     ORDER BY f.k;
END
$$;

-- The caller's visible active opportunities whose phone is in force in the registry, with the
-- fuentes that name it (for the TUI's marks, read with every embudo and bandeja refresh).
CREATE FUNCTION api.no_contactar_oportunidades()
RETURNS TABLE (oportunidad_id bigint, telefono text, fuentes text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ver int[];
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        ver := NULL;                                      -- the owner's session: everyone
    ELSE
        PERFORM crm.yo_fila();                                            -- EB001
        ver := crm.usuarios_visibles();
    END IF;
    RETURN QUERY
    SELECT m.oportunidad_id, m.telefono,
           (SELECT string_agg(r.fuente, ', ' ORDER BY r.fuente) FROM crm.no_contactar r
             WHERE r.telefono = m.telefono AND r.quitado_at IS NULL
               AND (r.hasta IS NULL OR r.hasta > now()))
      FROM crm.no_contactar_marcadas(ver) m
     ORDER BY m.oportunidad_id, m.telefono;
END
$$;

-- Campaigns and captación: the registry joins the checks they already make. The functions
-- are edited from the catalog (as 070 did): the anchor text must occur exactly once in each,
-- or this migration fails.
DO $$
DECLARE
    -- function, old text, new text
    cambios constant text[] := ARRAY[
        'crm.wa_audiencia(integer,smallint,smallint,smallint,integer)',
        'WHEN o.cliente_id IS NOT NULL AND EXISTS (',
        'WHEN crm.no_contactar_vigente(t.tel) THEN ''NO_CONTACTAR''
                    WHEN o.cliente_id IS NOT NULL AND EXISTS (',
        'crm.wa_motivo_no_enviar(crm.wa_mensajes)',
        'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
        'WHEN crm.no_contactar_vigente(m.telefono) THEN ''NO_CONTACTAR''
           WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
        'api.mensaje_reclamar(integer)',
        'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
        'WHEN crm.no_contactar_vigente(m.telefono)
                      THEN ''NO_CONTACTAR''
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
        'api.captar(text,text,text,text,jsonb)',
        'tel := api.normalizar_telefono(captar.telefono);',
        'tel := api.normalizar_telefono(captar.telefono);
    PERFORM crm.no_contactar_exigir(tel);                                  -- EB808'];
    def text;
    pos int;
BEGIN
    FOR i IN 0 .. array_length(cambios, 1) / 3 - 1 LOOP
        def := pg_get_functiondef(cambios[3 * i + 1]::regprocedure);
        pos := strpos(def, cambios[3 * i + 2]);
        IF pos = 0 OR strpos(substr(def, pos + 1), cambios[3 * i + 2]) > 0 THEN
            RAISE EXCEPTION '074: «%» no aparece exactamente una vez en %',
                cambios[3 * i + 2], cambios[3 * i + 1];
        END IF;
        EXECUTE overlay(def PLACING cambios[3 * i + 3] FROM pos FOR length(cambios[3 * i + 2]));
    END LOOP;
END
$$;

-- Doctor: 040's checks, and a client whose vigente phone is in force in the registry without a
-- NO_CONTACTAR block in force for it (the triggers above keep that from happening).
CREATE OR REPLACE FUNCTION api.verificar_invariantes()
RETURNS TABLE (invariante text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_supervisor();
BEGIN
    RETURN QUERY SELECT * FROM crm.invariantes_010();
    RETURN QUERY
    SELECT 'POOL_DESCUADRADO'::text,
           format('convenio %s, entidad %s, edad %s: %s libres en el pool, %s en los conteos',
                  coalesce(p.convenio_id, k.convenio_id), coalesce(p.entidad_id, k.entidad_id),
                  coalesce(p.edad, k.edad), coalesce(p.n, 0), coalesce(k.n, 0))
      FROM (SELECT x.convenio_id, x.entidad_id, x.edad, count(*) AS n FROM crm.pool x
             WHERE x.oportunidad_id IS NULL GROUP BY 1, 2, 3) p
      FULL JOIN (SELECT y.convenio_id, y.entidad_id, y.edad, sum(y.n) AS n FROM crm.pool_conteo y
                  GROUP BY 1, 2, 3) k
        ON (k.convenio_id, k.entidad_id, k.edad) = (p.convenio_id, p.entidad_id, p.edad)
     WHERE coalesce(p.n, 0) <> coalesce(k.n, 0);
    RETURN QUERY
    SELECT DISTINCT 'NO_CONTACTAR_SIN_BLOQUEO'::text,
           format('cliente %s: el teléfono %s está en el registro de no contactar y el cliente'
                  ' no está bloqueado', d.cliente_id, d.valor)
      FROM crm.no_contactar r
      JOIN padron.datos_contacto d
        ON d.valor = r.telefono AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
     WHERE r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now())
       AND NOT EXISTS (SELECT 1 FROM crm.bloqueos b
                        WHERE b.cliente_id = d.cliente_id AND b.telefono = d.valor
                          AND (b.hasta IS NULL OR b.hasta >= r.hasta));
END
$$;

CREATE OR REPLACE FUNCTION crm.wa_motivo_texto(motivo text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE motivo
           WHEN 'SIN_TELEFONO' THEN 'sin teléfono celular'
           WHEN 'BAJA' THEN 'pidió no recibir mensajes (baja)'
           WHEN 'NO_CONTACTAR' THEN 'número en el registro de no contactar (REUS, REPEP o a petición)'
           WHEN 'BLOQUEADO' THEN 'cliente bloqueado (no contactar)'
           WHEN 'SIN_WHATSAPP' THEN 'el número no tiene WhatsApp'
           WHEN 'DUPLICADO' THEN 'teléfono repetido en esta campaña'
           WHEN 'RECIENTE' THEN 'ya recibió o tiene programado un mensaje reciente'
           WHEN 'SIN_CUPO' THEN 'no cabe en los días hábiles planeados'
           WHEN 'FALTA_DATO' THEN 'falta un dato que usa la plantilla'
           WHEN 'CERRADA' THEN 'la oportunidad ya no está abierta'
           ELSE coalesce(motivo, '') END
$$;

REVOKE ALL ON FUNCTION crm.no_contactar_vigente(text), crm.no_contactar_sincronizar(text[]),
    crm.no_contactar_cambio(), crm.no_contactar_datos_contacto(), crm.no_contactar_fuente(text),
    crm.no_contactar_hasta(text, date), crm.no_contactar_exigir(text),
    crm.no_contactar_marcadas(int[]), crm.oportunidades_de_telefono(text),
    crm.no_contactar_lector() FROM PUBLIC;
REVOKE ALL ON FUNCTION api.no_contactar_agregar(text, text, date, text),
    api.no_contactar_cargar(text[], text, date[], text), api.no_contactar_quitar(text, text, text),
    api.no_contactar_consultar(text), api.no_contactar_lista(text, text, int, boolean),
    api.no_contactar_resumen(), api.no_contactar_oportunidades() FROM PUBLIC;
-- Writers: the three working groups (an auditor gets 42501, as everywhere since 071).
GRANT EXECUTE ON FUNCTION api.no_contactar_agregar(text, text, date, text),
    api.no_contactar_cargar(text[], text, date[], text), api.no_contactar_quitar(text, text, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
GRANT EXECUTE ON FUNCTION api.no_contactar_consultar(text),
    api.no_contactar_lista(text, text, int, boolean), api.no_contactar_resumen(),
    api.no_contactar_oportunidades() TO embudo_usuario;
