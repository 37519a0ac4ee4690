-- 090_buscar.sql — find an opportunity by the client's phone, CURP or name.
--
-- A client calls back ("me escribieron por WhatsApp", "soy Juan Pérez") and the promoter has
-- to find the opportunity among hundreds; a supervisor asked "¿de quién es este número?" had
-- only psql. The TUI's filter (/) looks at the cards on screen only — active ones, by name,
-- convenio and login, never by phone. api.buscar(texto, limite):
--
--   what     a Mexican phone (ten digits with any prefix api.normalizar_telefono accepts:
--            "55 1234 5678", "+52 1 55…", "044 55…"): the prospect with that phone, or the
--            padron client with that vigente contact; a CURP (18 characters, any case): the
--            client's or the prospect's; anything else of at least 3 characters: the name
--            contains it, accents and case aside ("nunez" finds "Núñez"). Digits that are not a
--            whole phone are refused with the reason (EB240) rather than read as a name.
--   who      the opportunities the caller sees (crm.usuarios_visibles: her own, her team's,
--            all for an admin or auditor), in any state: a closed one is where the history
--            is. Nothing about opportunities she does not see, not even that they exist.
--   order    active ones first (ABIERTA, EN_BANDEJA), then the most recently updated; at
--            most limite rows (1…200, default 50).
--   EB240    text shorter than 3 characters (after trimming) or longer than 160, digits that
--            are not a Mexican phone, or limite out of range.
--
-- Phone and CURP use the existing indexes (prospectos_telefono, datos_contacto_valor — vigente
-- contacts only, which is the index the rest of the CRM uses too —, the CURP's unique index),
-- then the opportunities of those clients (oportunidades_cliente). A name reads the caller's
-- visible opportunities with their client: hundreds for a promoter, the team's for a
-- supervisor.

SET LOCAL ROLE embudo_owner;

-- The opportunities of a prospect, closed ones included (the only index on prospecto_id was
-- the active ones' unique one). Assignment inserts rows without a prospect: the predicate
-- keeps them out of this index.
CREATE INDEX oportunidades_prospecto ON crm.oportunidades (prospecto_id)
    WHERE prospecto_id IS NOT NULL;

-- Lower case without accents: how names are compared ("Núñez" → "nunez").
CREATE FUNCTION crm.plegar(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT translate(lower(s), 'áàäâéèëêíìïîóòöôúùüûñç', 'aaaaeeeeiiiioooouuuunc')
$$;
REVOKE ALL ON FUNCTION crm.plegar(text) FROM PUBLIC;

CREATE FUNCTION api.buscar(texto text, limite int DEFAULT 50)
RETURNS TABLE (oportunidad_id bigint, cliente text, telefono text, etapa text, estado text,
               promotor text, actualizada timestamptz, por text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    t      text := btrim(coalesce(texto, ''));
    vis    int[];
    tel    text;
    buscada text;  -- the CURP asked for (the tables have columns named curp)
    patron text;
    ids    bigint[];
BEGIN
    PERFORM crm.yo_fila();                                                          -- EB001
    vis := crm.usuarios_visibles();
    IF length(t) < 3 OR length(t) > 160 THEN
        RAISE EXCEPTION 'escriba al menos 3 caracteres (y no más de 160): un teléfono, una CURP o parte del nombre'
            USING ERRCODE = 'EB240';
    END IF;
    IF limite IS NULL OR limite NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'límite fuera de 1…200: %', coalesce(limite::text, '(vacío)')
            USING ERRCODE = 'EB240';
    END IF;
    IF t ~ '^[0-9 ().+-]+$' THEN
        BEGIN
            tel := api.normalizar_telefono(t);
        EXCEPTION WHEN SQLSTATE 'EB701' THEN
            RAISE EXCEPTION '«%» no es un teléfono completo: busque los 10 dígitos (p. ej. 55 1234 5678), una CURP o parte del nombre',
                left(t, 40) USING ERRCODE = 'EB240';
        END;
        SELECT array_agg(x.id) INTO ids
          FROM (SELECT o.id FROM crm.prospectos p
                  JOIN crm.oportunidades o ON o.prospecto_id = p.id
                 WHERE p.telefono = tel
                UNION
                SELECT o.id FROM padron.datos_contacto d
                  JOIN crm.oportunidades o ON o.cliente_id = d.cliente_id
                 WHERE d.valor = tel AND d.vigente) x;
    ELSIF upper(t) ~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]$' THEN
        buscada := upper(t);
        SELECT array_agg(x.id) INTO ids
          FROM (SELECT o.id FROM crm.prospectos p
                  JOIN crm.oportunidades o ON o.prospecto_id = p.id
                 WHERE p.curp = buscada
                UNION
                SELECT o.id FROM padron.clientes c
                  JOIN crm.oportunidades o ON o.cliente_id = c.id
                 WHERE c.curp = buscada) x;
    ELSE
        patron := '%' || replace(replace(replace(crm.plegar(t), '\', '\\'), '%', '\%'), '_', '\_')
                  || '%';
        SELECT array_agg(o.id) INTO ids
          FROM crm.oportunidades o
          LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
          LEFT JOIN padron.clientes c ON c.id = o.cliente_id
         WHERE o.usuario_id = ANY (vis)
           AND crm.plegar(coalesce(p.nombre, concat_ws(' ', c.nombre, c.primer_apellido,
                                                       c.segundo_apellido))) LIKE patron;
    END IF;
    RETURN QUERY
    SELECT o.id,
           coalesce(p.nombre, concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido)),
           coalesce(p.telefono, (SELECT d.valor FROM padron.datos_contacto d
                                  WHERE d.cliente_id = o.cliente_id AND d.tipo = 'CELULAR'
                                    AND d.vigente ORDER BY d.id LIMIT 1)),
           e.nombre, o.estado, u.login, o.updated_at,
           CASE WHEN tel IS NOT NULL THEN 'TELEFONO' WHEN buscada IS NOT NULL THEN 'CURP'
                ELSE 'NOMBRE' END
      FROM crm.oportunidades o
      LEFT JOIN crm.etapas e ON e.id = o.etapa_id
      JOIN crm.usuarios u ON u.id = o.usuario_id
      LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
     WHERE o.id = ANY (ids) AND o.usuario_id = ANY (vis)
     ORDER BY o.estado IN ('ABIERTA', 'EN_BANDEJA') DESC, o.updated_at DESC, o.id DESC
     LIMIT limite;
END
$$;
REVOKE ALL ON FUNCTION api.buscar(text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.buscar(text, int) TO embudo_usuario;
