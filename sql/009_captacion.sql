-- 009_captacion.sql — phone normalisation and clients captured by promoters.

SET LOCAL ROLE embudo_owner;

-- Mexican phone numbers to E.164 (+52 and ten digits). Accepts ten digits with any spaces,
-- dashes, dots or parentheses, with a +52 / 52 prefix, the old mobile +52 1 / 521 prefix, the
-- old mobile-from-landline 044 / 045 prefixes and the old long-distance 01 prefix. Area codes
-- never start with 0 or 1. Anything else is EB701.
CREATE FUNCTION api.normalizar_telefono(telefono text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s   text := regexp_replace(coalesce(telefono, ''), '[[:space:]().-]', '', 'g');
    mas boolean := false;
    m   text[];
BEGIN
    IF left(s, 1) = '+' THEN
        mas := true;
        s := substr(s, 2);
    END IF;
    IF mas THEN
        m := regexp_match(s, '^521?([2-9][0-9]{9})$');
    ELSE
        m := regexp_match(s, '^(?:521?|04[45]|01)?([2-9][0-9]{9})$');
    END IF;
    IF m IS NULL THEN
        RAISE EXCEPTION 'teléfono inválido: "%" (se esperan 10 dígitos de México, p. ej. 55 1234 5678)',
            left(coalesce(telefono, ''), 40) USING ERRCODE = 'EB701';
    END IF;
    RETURN '+52' || m[1];
END
$$;

-- Refuses (EB702) a capture of a client that already has an active opportunity, naming the
-- owner only to supervisors and admins.
CREATE FUNCTION crm.duplicado_activo(yo crm.usuarios, o crm.oportunidades) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    u crm.usuarios;
BEGIN
    IF o.usuario_id = yo.id THEN
        RAISE EXCEPTION 'ese cliente ya es tuyo: oportunidad %', o.id USING ERRCODE = 'EB702';
    END IF;
    IF yo.rol IN ('SUPERVISOR', 'ADMIN') THEN
        SELECT * INTO u FROM crm.usuarios x WHERE x.id = o.usuario_id;
        RAISE EXCEPTION 'ese cliente ya tiene una oportunidad activa (%) con % (%)',
            o.id, u.nombre, u.login USING ERRCODE = 'EB702';
    END IF;
    RAISE EXCEPTION 'ese cliente ya tiene una oportunidad activa con otro promotor'
        USING ERRCODE = 'EB702';
END
$$;

CREATE FUNCTION api.captar(nombre text, telefono text, convenio text DEFAULT NULL,
                           curp text DEFAULT NULL, datos jsonb DEFAULT '{}')
RETURNS TABLE (oportunidad_id bigint, cliente_id bigint, prospecto_id bigint, lote_id bigint,
               mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo     crm.usuarios := crm.yo_fila();
    nom    text := btrim(captar.nombre);
    tel    text;
    conv   smallint;
    cu     text := nullif(upper(btrim(captar.curp)), '');
    dat    jsonb := coalesce(captar.datos, '{}');
    cli    bigint;
    pro    bigint;
    pool   crm.pool;
    o      crm.oportunidades;
    etapa  crm.etapas;
    t      record;
    lote   bigint;
    opid   bigint;
BEGIN
    IF yo.estado <> 'ACTIVO' THEN
        RAISE EXCEPTION 'tu usuario está en estado %: no puedes captar clientes', yo.estado
            USING ERRCODE = 'EB207';
    END IF;
    IF nom IS NULL OR length(nom) NOT BETWEEN 2 AND 160 THEN
        RAISE EXCEPTION 'el nombre debe tener entre 2 y 160 caracteres' USING ERRCODE = 'EB703';
    END IF;
    IF jsonb_typeof(dat) <> 'object' THEN
        RAISE EXCEPTION 'los datos adicionales deben ser un objeto JSON' USING ERRCODE = 'EB703';
    END IF;
    tel := api.normalizar_telefono(captar.telefono);
    IF captar.convenio IS NOT NULL THEN
        SELECT c.id INTO conv FROM padron.convenios c
         WHERE c.clave = upper(btrim(captar.convenio)) AND c.activo;
        IF conv IS NULL THEN
            RAISE EXCEPTION 'el convenio % no existe o no está activo', captar.convenio
                USING ERRCODE = 'EB704';
        END IF;
    END IF;
    IF cu IS NOT NULL AND cu !~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]$' THEN
        RAISE EXCEPTION 'CURP inválida: %', cu USING ERRCODE = 'EB705';
    END IF;
    etapa := crm.etapa_inicial();

    -- Two captures of the same person at once: the second waits and then sees the first.
    PERFORM pg_advisory_xact_lock(hashtextextended('embudo.captar:' || tel, 0));
    IF cu IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('embudo.captar:' || cu, 0));
    END IF;
    -- The quota row serialises with the caller's own assignments (cartera check).
    PERFORM crm.cupo_bloquear(yo.id);
    IF crm.cartera(yo.id) >= yo.cartera_max THEN
        RAISE EXCEPTION 'tu cartera está llena (máximo % oportunidades activas)', yo.cartera_max
            USING ERRCODE = 'EB706';
    END IF;

    -- A padron client (by CURP, else by a current phone)?
    IF cu IS NOT NULL THEN
        SELECT c.id INTO cli FROM padron.clientes c WHERE c.curp = cu;
    END IF;
    IF cli IS NULL THEN
        SELECT dc.cliente_id INTO cli FROM padron.datos_contacto dc
         WHERE dc.valor = tel AND dc.vigente AND dc.tipo IN ('CELULAR', 'FIJO')
         ORDER BY dc.cliente_id LIMIT 1;
    END IF;

    IF cli IS NOT NULL THEN
        SELECT * INTO pool FROM crm.pool p WHERE p.cliente_id = cli FOR UPDATE;
        SELECT * INTO o FROM crm.oportunidades x
         WHERE x.cliente_id = cli AND x.estado IN ('ABIERTA', 'EN_BANDEJA');
        IF FOUND THEN
            PERFORM crm.duplicado_activo(yo, o);
        END IF;
        IF pool.libre_desde > now() THEN
            RAISE EXCEPTION 'ese cliente no se puede contactar por ahora (bloqueado%)',
                CASE WHEN pool.libre_desde = 'infinity' THEN ''
                     ELSE ' hasta el ' || to_char(pool.libre_desde AT TIME ZONE crm.zona(),
                                                  'DD/MM/YYYY') END
                USING ERRCODE = 'EB707';
        END IF;
    ELSE
        SELECT x.* INTO o FROM crm.oportunidades x JOIN crm.prospectos p ON p.id = x.prospecto_id
         WHERE (p.telefono = tel OR (cu IS NOT NULL AND p.curp = cu))
           AND x.estado IN ('ABIERTA', 'EN_BANDEJA')
         LIMIT 1;
        IF FOUND THEN
            PERFORM crm.duplicado_activo(yo, o);
        END IF;
        INSERT INTO crm.prospectos (nombre, telefono, convenio_id, curp, datos, capturado_por)
        VALUES (nom, tel, conv, cu, dat, yo.id)
        RETURNING id INTO pro;
    END IF;

    INSERT INTO crm.lotes (usuario_id, origen, filtros, solicitados, creado_por)
    VALUES (yo.id, 'CAPTACION', jsonb_build_object('telefono', tel), 1, yo.id)
    RETURNING id INTO lote;
    t := crm.timer_etapa(etapa.id, now());
    INSERT INTO crm.oportunidades (cliente_id, prospecto_id, usuario_id, lote_id, etapa_id,
                                   estado, etapa_desde, timer_vence, timer_aviso)
    VALUES (cli, pro, yo.id, lote, etapa.id, 'ABIERTA', now(), t.vence, t.aviso)
    RETURNING id INTO opid;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_nueva_id, etapa_nueva, estado_nuevo,
                               usuario_id, datos)
    VALUES (opid, 'CAPTADA', etapa.id, etapa.nombre, 'ABIERTA', yo.id,
            jsonb_build_object('lote_id', lote, 'telefono', tel, 'nombre', nom));
    RETURN QUERY SELECT opid, cli, pro, lote,
        CASE WHEN cli IS NOT NULL
             THEN format('el cliente ya estaba en el padrón: se vinculó como oportunidad %s', opid)
             ELSE format('prospecto captado: oportunidad %s', opid) END;
END
$$;

GRANT EXECUTE ON FUNCTION api.normalizar_telefono(text),
                          api.captar(text, text, text, text, jsonb)
    TO embudo_usuario;
