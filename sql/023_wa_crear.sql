-- 023_wa_crear.sql — campaign creation: audience, skipped recipients, per-day capacity
-- reservation, and the texts rendered in C.
--
-- Creation is two steps in ONE transaction (src/db/db_wa.c db_campana_crear does BEGIN …
-- COMMIT): api.campana_crear locks the account row (so two creations for one account are
-- serialised and never exceed a day's cap), classifies the audience, reserves days and
-- inserts the messages without text (campaign BORRADOR); api.campana_destinatarios gives the
-- values of the template variables per message; C renders them with src/core/plantilla
-- (seed plantilla_seed(campaign, message)); api.campana_textos stores the texts (a render
-- that failed for missing data → OMITIDO FALTA_DATO) and makes the campaign LISTA.
-- A BORRADOR left by a crash between the steps holds its reservation until cancelled; it
-- cannot be launched (EB357).

SET LOCAL ROLE embudo_owner;

-- The next n operating days whose window has not closed at instant desde (business zone):
-- date and window as instants. Same calendar as crm.sumar_horas_habiles.
CREATE FUNCTION crm.wa_dias_operativos(desde timestamptz, n int)
RETURNS TABLE (dia date, abre timestamptz, cierra timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT x.d, (x.d + h.abre) AT TIME ZONE z.zona, (x.d + h.cierra) AT TIME ZONE z.zona
      FROM (SELECT crm.zona() AS zona) z
     CROSS JOIN LATERAL generate_series((desde AT TIME ZONE z.zona)::date,
                                        (desde AT TIME ZONE z.zona)::date + 3700,
                                        interval '1 day') AS g(t)
     CROSS JOIN LATERAL (SELECT g.t::date AS d) x
      JOIN crm.horario_operativo h ON h.isodow = extract(isodow FROM x.d)::smallint
     WHERE NOT EXISTS (SELECT 1 FROM crm.dias_inhabiles i WHERE i.fecha = x.d)
       AND (x.d + h.cierra) AT TIME ZONE z.zona > desde
     ORDER BY x.d
     LIMIT n
$$;

-- Messages of account cuenta that use day d's capacity: reserved (PENDIENTE/ENVIANDO on d;
-- overdue ones count on hoy) plus sent on d (business date of enviado_at).
CREATE FUNCTION crm.wa_usados(cuenta int, d date, hoy date) RETURNS int
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT ((SELECT count(*) FROM crm.wa_mensajes m
              WHERE m.usuario_id = cuenta AND m.estado IN ('PENDIENTE', 'ENVIANDO')
                AND m.dia <= d AND greatest(m.dia, hoy) = d)
          + (SELECT count(*) FROM crm.wa_mensajes m
              WHERE m.usuario_id = cuenta AND m.enviado_at IS NOT NULL
                AND m.enviado_at >= d::timestamp AT TIME ZONE crm.zona()
                AND m.enviado_at < (d + 1)::timestamp AT TIME ZONE crm.zona()))::int
$$;

-- The audience of a campaign: the caller's ABIERTA opportunities in stage etapa (and
-- convenio/entidad when given), oldest first, at most maximo, each with its phone (prospect's,
-- else the client's first vigente mobile), its cached jid, and the reason it is skipped
-- (NULL = it gets a message): SIN_TELEFONO, BAJA (opted out), BLOQUEADO (OPT_OUT /
-- NO_CONTACTAR block), SIN_WHATSAPP (cached check), DUPLICADO (same phone as an earlier
-- recipient), RECIENTE (messaged or scheduled by any campaign in the last recontacto_dias).
CREATE FUNCTION crm.wa_audiencia(usuario int, etapa smallint, convenio smallint,
                                 entidad smallint, maximo int)
RETURNS TABLE (oportunidad_id bigint, telefono text, jid text, motivo text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH base AS (
        SELECT o.id, t.tel, n.jid,
               CASE WHEN t.tel IS NULL THEN 'SIN_TELEFONO'
                    WHEN EXISTS (SELECT 1 FROM crm.wa_bajas b WHERE b.telefono = t.tel)
                        THEN 'BAJA'
                    WHEN o.cliente_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM crm.bloqueos b
                         WHERE b.cliente_id = o.cliente_id
                           AND b.motivo IN ('OPT_OUT', 'NO_CONTACTAR')
                           AND (b.hasta IS NULL OR b.hasta > now())) THEN 'BLOQUEADO'
                    WHEN n.en_whatsapp = false THEN 'SIN_WHATSAPP'
               END AS motivo
          FROM crm.oportunidades o
          LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
          LEFT JOIN padron.clientes c ON c.id = o.cliente_id
          LEFT JOIN LATERAL (SELECT d.valor FROM padron.datos_contacto d
                              WHERE d.cliente_id = o.cliente_id AND d.tipo = 'CELULAR'
                                AND d.vigente
                              ORDER BY d.id LIMIT 1) dc ON true
         CROSS JOIN LATERAL (SELECT coalesce(p.telefono, dc.valor) AS tel) t
          LEFT JOIN crm.wa_numeros n ON n.telefono = t.tel
         WHERE o.usuario_id = usuario AND o.estado = 'ABIERTA' AND o.etapa_id = etapa
           AND (convenio IS NULL OR coalesce(c.convenio_id, p.convenio_id) = convenio)
           AND (entidad IS NULL OR c.entidad_id = entidad)
         ORDER BY o.id
         LIMIT maximo
    ), ordenada AS (
        SELECT b.*, row_number() OVER (PARTITION BY b.tel, b.motivo IS NULL ORDER BY b.id) AS k
          FROM base b
    )
    SELECT x.id, x.tel, x.jid,
           coalesce(x.motivo,
                    CASE WHEN x.k > 1 THEN 'DUPLICADO'
                         WHEN EXISTS (
                             SELECT 1 FROM crm.wa_mensajes m, crm.wa_ajustes a
                              WHERE m.telefono = x.tel
                                AND (m.estado IN ('PENDIENTE', 'ENVIANDO')
                                     OR m.enviado_at > now() - make_interval(
                                            days => a.recontacto_dias))) THEN 'RECIENTE'
                    END)
      FROM ordenada x
     ORDER BY x.id
$$;

-- Spanish text of a skip reason.
CREATE FUNCTION crm.wa_motivo_texto(motivo text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE motivo
           WHEN 'SIN_TELEFONO' THEN 'sin teléfono celular'
           WHEN 'BAJA' THEN 'pidió no recibir mensajes (baja)'
           WHEN 'BLOQUEADO' THEN 'cliente bloqueado (no contactar)'
           WHEN 'SIN_WHATSAPP' THEN 'el número no tiene WhatsApp'
           WHEN 'DUPLICADO' THEN 'teléfono repetido en esta campaña'
           WHEN 'RECIENTE' THEN 'ya recibió o tiene programado un mensaje reciente'
           WHEN 'SIN_CUPO' THEN 'no cabe en los días hábiles planeados'
           WHEN 'FALTA_DATO' THEN 'falta un dato que usa la plantilla'
           WHEN 'CERRADA' THEN 'la oportunidad ya no está abierta'
           ELSE coalesce(motivo, '') END
$$;

-- Resolves and checks the typed filters (EB354).
CREATE FUNCTION crm.wa_filtros(convenio text, entidad text, maximo int,
                               OUT convenio_id smallint, OUT entidad_id smallint, OUT tope int)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF convenio IS NOT NULL THEN
        SELECT c.id INTO convenio_id FROM padron.convenios c
         WHERE c.clave = upper(btrim(convenio));
        IF convenio_id IS NULL THEN
            RAISE EXCEPTION 'el convenio % no existe', convenio USING ERRCODE = 'EB354';
        END IF;
    END IF;
    IF entidad IS NOT NULL THEN
        SELECT e.id INTO entidad_id FROM padron.entidades e WHERE e.clave = upper(btrim(entidad));
        IF entidad_id IS NULL THEN
            RAISE EXCEPTION 'la entidad % no existe (use la clave: CDMX, JAL, NL…)', entidad
                USING ERRCODE = 'EB354';
        END IF;
    END IF;
    IF maximo IS NOT NULL AND maximo NOT BETWEEN 1 AND 5000 THEN
        RAISE EXCEPTION 'máximo de destinatarios fuera de 1 a 5000: %', maximo
            USING ERRCODE = 'EB354';
    END IF;
    tope := coalesce(maximo, 5000);
END
$$;

-- The plan: how many of n messages go on each upcoming operating day of account c, given
-- its cap and what is already used. Arrays in day order; days with nothing are left out.
CREATE FUNCTION crm.wa_planear(c crm.wa_cuentas, n int, OUT dias date[],
                               OUT abres timestamptz[], OUT cantidades int[])
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a    crm.wa_ajustes;
    d    record;
    hoy  date := crm.fecha_negocio(now());
    room int;
    left_ int := n;
BEGIN
    SELECT * INTO a FROM crm.wa_ajustes;
    dias := '{}';
    abres := '{}';
    cantidades := '{}';
    FOR d IN SELECT * FROM crm.wa_dias_operativos(now(), a.horizonte_dias) LOOP
        EXIT WHEN left_ <= 0;
        room := crm.wa_tope(c.limite_diario, c.en_uso_desde, d.dia, a.rampa_inicio, a.rampa_dias)
                - crm.wa_usados(c.usuario_id, d.dia, hoy);
        IF room > 0 THEN
            dias := dias || d.dia;
            abres := abres || greatest(now(), d.abre);
            cantidades := cantidades || least(room, left_);
            left_ := left_ - least(room, left_);
        END IF;
    END LOOP;
END
$$;

-- Today's allowance in pacing_allowance()'s words: "hoy puede enviar 10: límite 180, ya
-- enviados 170" (used = sent and reserved before this campaign).
CREATE FUNCTION crm.wa_explicar_hoy(c crm.wa_cuentas) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a     crm.wa_ajustes;
    hoy   date := crm.fecha_negocio(now());
    tope  int;
    sent  int;
    pend  int;
    d     int;
    decide text;
BEGIN
    SELECT * INTO a FROM crm.wa_ajustes;
    IF NOT EXISTS (SELECT 1 FROM crm.wa_dias_operativos(now(), 1) x WHERE x.dia = hoy) THEN
        RETURN 'hoy ya no hay horario de envío';
    END IF;
    tope := crm.wa_tope(c.limite_diario, c.en_uso_desde, hoy, a.rampa_inicio, a.rampa_dias);
    sent := crm.wa_usados(c.usuario_id, hoy, hoy);
    SELECT count(*) INTO pend FROM crm.wa_mensajes m
     WHERE m.usuario_id = c.usuario_id AND m.estado IN ('PENDIENTE', 'ENVIANDO') AND m.dia <= hoy;
    sent := sent - pend;
    IF tope < c.limite_diario THEN
        d := greatest(coalesce(hoy - c.en_uso_desde, 0), 0) + 1;
        decide := format('calentamiento día %s de %s, %s (límite %s)', d, a.rampa_dias, tope,
                         c.limite_diario);
    ELSE
        decide := format('límite %s', c.limite_diario);
    END IF;
    RETURN format('hoy puede enviar %s: %s, %s', greatest(tope - sent - pend, 0), decide,
                  CASE WHEN pend > 0 THEN format('ya enviados %s y programados %s', sent, pend)
                       ELSE format('ya enviados %s', sent) END);
END
$$;

CREATE FUNCTION api.campana_crear(etapa text, texto text, nombre text DEFAULT NULL,
                                  convenio text DEFAULT NULL, entidad text DEFAULT NULL,
                                  maximo int DEFAULT NULL)
RETURNS TABLE (campana_id bigint, destinatarios int, omitidos int, hoy int, tope_hoy int,
               mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo   crm.usuarios := crm.yo_promotor_wa();
    e    crm.etapas := crm.etapa_de_trabajo(etapa);
    f    record;
    c    crm.wa_cuentas;
    nom  text := coalesce(nullif(btrim(nombre), ''),
                          format('%s %s', e.nombre, to_char(crm.fecha_negocio(now()), 'DD/MM/YYYY')));
    why  text;
    cid  bigint;
    aud  record;
    p    record;
    cum  int[] := '{}';
BEGIN
    PERFORM crm.plantilla_exigir(texto);
    IF length(nom) > 120 THEN
        RAISE EXCEPTION 'el nombre de la campaña pasa de 120 caracteres' USING ERRCODE = 'EB351';
    END IF;
    f := crm.wa_filtros(convenio, entidad, maximo);
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = yo.id FOR UPDATE;
    IF NOT FOUND OR c.jid IS NULL THEN
        RAISE EXCEPTION 'vincula tu WhatsApp antes de crear campañas' USING ERRCODE = 'EB352';
    END IF;
    why := crm.wa_explicar_hoy(c);
    SELECT array_agg(a.oportunidad_id ORDER BY a.oportunidad_id) AS ids,
           array_agg(a.telefono ORDER BY a.oportunidad_id) AS tels,
           array_agg(a.jid ORDER BY a.oportunidad_id) AS jids,
           array_agg(a.motivo ORDER BY a.oportunidad_id) AS motivos,
           count(*) FILTER (WHERE a.motivo IS NULL)::int AS n
      INTO aud
      FROM crm.wa_audiencia(yo.id, e.id, f.convenio_id, f.entidad_id, f.tope) a;
    IF aud.ids IS NULL THEN
        RAISE EXCEPTION 'no tienes oportunidades abiertas en la etapa "%"%', e.nombre,
            CASE WHEN convenio IS NULL AND entidad IS NULL THEN '' ELSE ' con esos filtros' END
            USING ERRCODE = 'EB353';
    END IF;
    p := crm.wa_planear(c, aud.n);
    SELECT coalesce(array_agg(s ORDER BY i), '{}') INTO cum
      FROM (SELECT i, sum(q) OVER (ORDER BY i) AS s
              FROM unnest(p.cantidades) WITH ORDINALITY u(q, i)) z;

    INSERT INTO crm.wa_campanas (usuario_id, nombre, etapa_id, plantilla, filtros)
    VALUES (yo.id, nom, e.id, texto, jsonb_strip_nulls(jsonb_build_object(
                'convenio', convenio, 'entidad', entidad, 'maximo', maximo)))
    RETURNING id INTO cid;
    INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono, jid, estado,
                                 error, dia, programado_para)
    SELECT cid, yo.id, r.oid, r.tel, r.jid,
           CASE WHEN r.motivo IS NULL AND r.j IS NOT NULL THEN 'PENDIENTE' ELSE 'OMITIDO' END,
           CASE WHEN r.motivo IS NOT NULL THEN r.motivo
                WHEN r.j IS NULL THEN 'SIN_CUPO' END,
           CASE WHEN r.motivo IS NULL THEN p.dias[r.j] END,
           CASE WHEN r.motivo IS NULL THEN p.abres[r.j] END
      FROM (SELECT u.oid, u.tel, u.jid, u.motivo,
                   (SELECT min(j) FROM generate_subscripts(cum, 1) j WHERE cum[j] >= u.k) AS j
              FROM (SELECT v.*, count(*) FILTER (WHERE v.motivo IS NULL)
                                    OVER (ORDER BY v.ord) AS k
                      FROM unnest(aud.ids, aud.tels, aud.jids, aud.motivos)
                           WITH ORDINALITY v(oid, tel, jid, motivo, ord)) u) r;

    RETURN QUERY
    SELECT cid, count(*) FILTER (WHERE m.estado = 'PENDIENTE')::int,
           count(*) FILTER (WHERE m.estado = 'OMITIDO')::int,
           count(*) FILTER (WHERE m.estado = 'PENDIENTE'
                              AND m.dia = crm.fecha_negocio(now()))::int,
           crm.wa_tope(c.limite_diario, c.en_uso_desde, crm.fecha_negocio(now()),
                       (SELECT a.rampa_inicio FROM crm.wa_ajustes a),
                       (SELECT a.rampa_dias FROM crm.wa_ajustes a)),
           why
      FROM crm.wa_mensajes m WHERE m.campana_id = cid;
END
$$;

-- The campaign cid locked for yo (owner, its supervisor, an admin), or EB355.
CREATE FUNCTION crm.campana_bloquear(yo crm.usuarios, cid bigint) RETURNS crm.wa_campanas
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    c crm.wa_campanas;
BEGIN
    SELECT * INTO c FROM crm.wa_campanas x WHERE x.id = cid FOR UPDATE;
    IF NOT FOUND OR NOT crm.puede_operar(yo, c.usuario_id) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', coalesce(cid::text, '(vacía)')
            USING ERRCODE = 'EB355';
    END IF;
    RETURN c;
END
$$;

-- The values of the template variables for each message of a BORRADOR campaign still without
-- text (the owner only: EB355; not BORRADOR: EB356).
CREATE FUNCTION api.campana_destinatarios(campana bigint)
RETURNS TABLE (mensaje_id bigint, oportunidad_id bigint, telefono text, nombre text,
               apellido text, nombre_completo text, convenio text, promotor text, etapa text,
               municipio text, entidad text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
    c  crm.wa_campanas := crm.campana_bloquear(yo, campana);
BEGIN
    IF c.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', campana USING ERRCODE = 'EB355';
    END IF;
    IF c.estado <> 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % ya tiene sus textos (%)', c.id, c.estado
            USING ERRCODE = 'EB356';
    END IF;
    RETURN QUERY
    SELECT m.id, o.id, m.telefono,
           coalesce(cl.nombre, split_part(btrim(pr.nombre), ' ', 1)),
           coalesce(cl.primer_apellido, nullif(split_part(btrim(pr.nombre), ' ', 2), '')),
           coalesce(concat_ws(' ', cl.nombre, cl.primer_apellido, cl.segundo_apellido),
                    btrim(pr.nombre)),
           cv.nombre, u.nombre, et.nombre, cl.municipio, en.nombre
      FROM crm.wa_mensajes m
      JOIN crm.oportunidades o ON o.id = m.oportunidad_id
      JOIN crm.usuarios u ON u.id = m.usuario_id
      JOIN crm.etapas et ON et.id = o.etapa_id
      LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
      LEFT JOIN padron.convenios cv ON cv.id = coalesce(cl.convenio_id, pr.convenio_id)
      LEFT JOIN padron.entidades en ON en.id = cl.entidad_id
     WHERE m.campana_id = c.id AND m.estado = 'PENDIENTE' AND m.texto IS NULL
     ORDER BY m.id;
END
$$;

-- Stores the rendered texts of a BORRADOR campaign: textos[i] for message mensajes[i]; a NULL
-- text means the render failed (missing data) → OMITIDO FALTA_DATO, freeing its slot. When no
-- message is left without text the campaign becomes LISTA. Returns the texts stored.
-- EB355, EB356, EB357 (arrays of different length, a message not pending in this campaign).
CREATE FUNCTION api.campana_textos(campana bigint, mensajes bigint[], textos text[]) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_fila();
    c  crm.wa_campanas := crm.campana_bloquear(yo, campana);
    n  int;
    k  int;
BEGIN
    IF c.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', campana USING ERRCODE = 'EB355';
    END IF;
    IF c.estado <> 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % ya tiene sus textos (%)', c.id, c.estado
            USING ERRCODE = 'EB356';
    END IF;
    IF coalesce(cardinality(mensajes), 0) <> coalesce(cardinality(textos), 0) THEN
        RAISE EXCEPTION 'se esperaban tantos textos como mensajes' USING ERRCODE = 'EB357';
    END IF;
    SELECT count(*) INTO k FROM unnest(mensajes) i
     WHERE NOT EXISTS (SELECT 1 FROM crm.wa_mensajes m
                        WHERE m.id = i AND m.campana_id = c.id AND m.estado = 'PENDIENTE'
                          AND m.texto IS NULL);
    IF k > 0 OR EXISTS (SELECT 1 FROM unnest(textos) t
                         WHERE t IS NOT NULL AND (btrim(t) = '' OR octet_length(t) > 16384)) THEN
        RAISE EXCEPTION 'textos inválidos: cada mensaje pendiente sin texto una vez, textos de 1 a 16384 bytes'
            USING ERRCODE = 'EB357';
    END IF;
    UPDATE crm.wa_mensajes m
       SET texto = v.t,
           estado = CASE WHEN v.t IS NULL THEN 'OMITIDO' ELSE m.estado END,
           error = CASE WHEN v.t IS NULL THEN 'FALTA_DATO' ELSE m.error END
      FROM unnest(mensajes, textos) v(i, t)
     WHERE m.id = v.i;
    SELECT count(*) INTO n FROM unnest(textos) t WHERE t IS NOT NULL;
    IF NOT EXISTS (SELECT 1 FROM crm.wa_mensajes m
                    WHERE m.campana_id = c.id AND m.estado = 'PENDIENTE' AND m.texto IS NULL) THEN
        UPDATE crm.wa_campanas x SET estado = 'LISTA', actualizado_at = now() WHERE x.id = c.id;
    END IF;
    RETURN n;
END
$$;

-- The per-day plan of a campaign, derived from its messages: day, messages, earliest time.
CREATE FUNCTION api.campana_plan(campana bigint)
RETURNS TABLE (dia date, mensajes int, desde timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.wa_campanas x
                    WHERE x.id = campana AND crm.puede_operar(yo, x.usuario_id)) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', coalesce(campana::text, '(vacía)')
            USING ERRCODE = 'EB355';
    END IF;
    RETURN QUERY
    SELECT m.dia, count(*)::int, min(m.programado_para)
      FROM crm.wa_mensajes m
     WHERE m.campana_id = campana AND m.estado NOT IN ('OMITIDO', 'CANCELADO')
     GROUP BY m.dia ORDER BY m.dia;
END
$$;

-- The recipients skipped, each with its reason (code and Spanish text).
CREATE FUNCTION api.campana_omitidos(campana bigint)
RETURNS TABLE (mensaje_id bigint, oportunidad_id bigint, cliente text, telefono text,
               motivo text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo crm.usuarios := crm.yo_fila();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM crm.wa_campanas x
                    WHERE x.id = campana AND crm.puede_operar(yo, x.usuario_id)) THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', coalesce(campana::text, '(vacía)')
            USING ERRCODE = 'EB355';
    END IF;
    RETURN QUERY
    SELECT m.id, m.oportunidad_id,
           coalesce(concat_ws(' ', cl.nombre, cl.primer_apellido), pr.nombre),
           m.telefono, m.error, crm.wa_motivo_texto(m.error)
      FROM crm.wa_mensajes m
      JOIN crm.oportunidades o ON o.id = m.oportunidad_id
      LEFT JOIN padron.clientes cl ON cl.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
     WHERE m.campana_id = campana AND m.estado = 'OMITIDO'
     ORDER BY m.id;
END
$$;

GRANT EXECUTE ON FUNCTION api.campana_crear(text, text, text, text, text, int),
                          api.campana_destinatarios(bigint),
                          api.campana_textos(bigint, bigint[], text[]),
                          api.campana_plan(bigint), api.campana_omitidos(bigint)
    TO embudo_usuario;
