-- 092_ventas.sql — the sales as a list, and the two things that happen to a sale after it is
-- registered: a mistyped amount, product or folio, and a credit the lender declined.
--
-- A sale was a row nobody could list: the report counted them per promoter, Detalle showed
-- one, and the team reconciled folios with the lender and paid commissions from spreadsheets
-- typed again by hand. A wrong amount stayed wrong for good, and a declined credit stayed a
-- sale (GANADA, counted, paid). Now:
--
--   api.ventas(desde, hasta, promotor, canceladas)
--              the sales registered in a range of business dates (default: the month up to
--              today), newest first, with the promoter, the client, the convenio and, for a
--              cancelled one, when, by whom and why. Scope is the report's
--              (crm.informe_alcance: own, team, everyone for an admin or auditor, or one
--              promoter of it, EB630); EB212 for a future date, EB370 for a bad range. Only
--              VIGENTE ones unless canceladas.
--   api.venta_corregir(oportunidad, monto, producto, folio, motivo)
--              a supervisor of the owner's team or an admin changes what was typed (NULL:
--              unchanged) with a reason; one VENTA_CORREGIDA history row keeps before and
--              after. The same values again change nothing (a retried call).
--   api.venta_cancelar(oportunidad, motivo)
--              the lender declined the credit: the sale becomes CANCELADA (kept, with who,
--              when and why) and the opportunity goes to the bandeja at the stage it had before
--              the sale, where the supervisor decides as with any exit (reabrir, reasignar,
--              devolver, descartar). The sale's cool-down of the client ends. When the client
--              cannot be worked again — another opportunity of the same client is active, or
--              the titular asked for cancellation under ARCO — the opportunity is closed as
--              DESCARTADA instead, and the history and the message say why. A second call
--              says it was already cancelled.
--
-- One sale per opportunity stays a constraint (the primary key): an opportunity whose sale was
-- cancelled and is sold again later (the file corrected and sent with a new folio) reuses its
-- row, and api.registrar_venta writes the new sale over the cancelled one — the history keeps
-- the old folio, amount and product in its VENTA_CANCELADA row. Readers that join a sale to
-- its opportunity still see at most one row.
--
-- ARCO: the access document (083) carries the sale's state and cancellation reason; the
-- suppression (080) turns that reason into «[suprimido]» like every other free-text reason.
--
-- Codes: EB315 the opportunity has no sale (or none in force to correct), EB316 missing or too
-- long reason; the field checks are registrar_venta's (EB311 folio taken, EB312 amount, EB313
-- product or folio); EB002 for a promoter. doctor: VENTA_ESTADO when an opportunity is GANADA
-- without a sale in force, or a sale in force belongs to one that is not GANADA.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.ventas
    ADD COLUMN estado text NOT NULL DEFAULT 'VIGENTE' CHECK (estado IN ('VIGENTE', 'CANCELADA')),
    ADD COLUMN cancelada_at timestamptz,
    ADD COLUMN cancelada_por int REFERENCES crm.usuarios,
    ADD COLUMN motivo_cancelacion text CHECK (length(motivo_cancelacion) BETWEEN 1 AND 500),
    ADD COLUMN corregida_at timestamptz,
    ADD CONSTRAINT ventas_cancelacion CHECK (
        (estado = 'CANCELADA') = (cancelada_at IS NOT NULL)
        AND (cancelada_at IS NULL) = (cancelada_por IS NULL)
        AND (cancelada_at IS NULL) = (motivo_cancelacion IS NULL));
CREATE INDEX ventas_registrada ON crm.ventas (registrada_at);

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO', 'NO_CONTACTAR', 'NO_CONTACTAR_FIN', 'PRORROGA_PEDIDA', 'PRORROGA',
        'PRORROGA_RECHAZADA', 'PRORROGA_CANCELADA', 'DATOS_CORREGIDOS', 'VENTA_CORREGIDA',
        'VENTA_CANCELADA')
        OR evento ~ '^WA_[A-Z_]+$') NOT VALID;
ALTER TABLE crm.historial VALIDATE CONSTRAINT historial_evento_check;

-- A correction or a cancellation refreshes the owner's panes, as the sale itself does.
CREATE TRIGGER ventas_notificar_upd AFTER UPDATE ON crm.ventas
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.notificar_usuarios();

-- registrar_venta: only a sale in force is "already registered"; a cancelled one's folio is
-- its own to reuse; the new sale writes over the cancelled row.
SELECT crm.funcion_reemplazar('api.registrar_venta(bigint,numeric,text,text)',
    'SELECT * INTO v FROM crm.ventas x WHERE x.oportunidad_id = o.id;',
    'SELECT * INTO v FROM crm.ventas x WHERE x.oportunidad_id = o.id AND x.estado = ''VIGENTE'';');
SELECT crm.funcion_reemplazar('api.registrar_venta(bigint,numeric,text,text)',
    'IF EXISTS (SELECT 1 FROM crm.ventas x WHERE x.folio = f) THEN',
    'IF EXISTS (SELECT 1 FROM crm.ventas x WHERE x.folio = f AND x.oportunidad_id <> o.id) THEN');
SELECT crm.funcion_reemplazar('api.registrar_venta(bigint,numeric,text,text)',
    'VALUES (o.id, registrar_venta.monto, p, f, o.usuario_id);',
    'VALUES (o.id, registrar_venta.monto, p, f, o.usuario_id)
        ON CONFLICT (oportunidad_id) DO UPDATE
           SET monto = excluded.monto, producto = excluded.producto, folio = excluded.folio,
               usuario_id = excluded.usuario_id, registrada_at = now(), estado = ''VIGENTE'',
               cancelada_at = NULL, cancelada_por = NULL, motivo_cancelacion = NULL,
               corregida_at = NULL
         WHERE crm.ventas.estado = ''CANCELADA'';');

-- ARCO: the access document says whether the sale stands and why it was cancelled; the
-- suppression erases that reason as it erases every other free-text reason (080).
SELECT crm.funcion_reemplazar('api.arco_acceso(bigint,bigint,bigint)',
    '''monto'', v.monto, ''producto'', v.producto,',
    '''monto'', v.monto, ''producto'', v.producto, ''estado'', v.estado,
                                               ''motivo_cancelacion'', v.motivo_cancelacion,');
SELECT crm.funcion_reemplazar('crm.arco_suprimir_titular(crm.arco_cancelaciones)',
    'UPDATE crm.prorrogas r
       SET motivo = ''[suprimido]'',',
    'UPDATE crm.ventas v SET motivo_cancelacion = ''[suprimido]''
     WHERE v.oportunidad_id = ANY (ops) AND v.motivo_cancelacion IS NOT NULL;
    GET DIAGNOSTICS k = ROW_COUNT; n := n + k;
    UPDATE crm.prorrogas r
       SET motivo = ''[suprimido]'',');

-- The report's sales per promoter count the ones in force.
SELECT crm.funcion_reemplazar('api.informe_promotores(date,date,text)',
    'WHERE x.usuario_id = u.id',
    'WHERE x.usuario_id = u.id AND x.estado = ''VIGENTE''');

CREATE FUNCTION api.ventas(desde date DEFAULT NULL, hasta date DEFAULT NULL,
                           promotor text DEFAULT NULL, canceladas boolean DEFAULT false)
RETURNS TABLE (oportunidad_id bigint, folio text, monto numeric, producto text, estado text,
               registrada_at timestamptz, fecha date, usuario_login text, usuario_nombre text,
               cliente text, convenio text, corregida_at timestamptz, cancelada_at timestamptz,
               cancelada_por text, motivo_cancelacion text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    ids  int[] := crm.informe_alcance(promotor);                        -- EB001, EB630
    zona text := crm.zona();
    h    date := coalesce(ventas.hasta, crm.fecha_negocio(now()));
    r    record;
BEGIN
    SELECT * INTO r
      FROM crm.informe_intervalo(coalesce(ventas.desde, date_trunc('month', h)::date), h);
    RETURN QUERY
    SELECT v.oportunidad_id, v.folio, v.monto, v.producto, v.estado, v.registrada_at,
           (v.registrada_at AT TIME ZONE zona)::date, u.login, u.nombre,
           coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),
                    p.nombre),
           cv.clave, v.corregida_at, v.cancelada_at, q.login, v.motivo_cancelacion
      FROM crm.ventas v
      JOIN crm.usuarios u ON u.id = v.usuario_id
      JOIN crm.oportunidades o ON o.id = v.oportunidad_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
      LEFT JOIN crm.prospectos p ON p.id = o.prospecto_id
      LEFT JOIN padron.convenios cv ON cv.id = coalesce(c.convenio_id, p.convenio_id)
      LEFT JOIN crm.usuarios q ON q.id = v.cancelada_por
     WHERE v.registrada_at >= r.ini AND v.registrada_at < r.fin
       AND v.usuario_id = ANY (ids)
       AND (ventas.canceladas OR v.estado = 'VIGENTE')
     ORDER BY v.registrada_at DESC, v.oportunidad_id DESC;
END
$$;

-- The reason of a correction or a cancellation, trimmed (EB316).
CREATE FUNCTION crm.venta_motivo(motivo text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    razon text := nullif(btrim(motivo), '');
BEGIN
    IF razon IS NULL OR length(razon) > 500 THEN
        RAISE EXCEPTION 'el motivo es obligatorio (hasta 500 caracteres)' USING ERRCODE = 'EB316';
    END IF;
    RETURN razon;
END
$$;

CREATE FUNCTION api.venta_corregir(oportunidad bigint, monto numeric DEFAULT NULL,
                                   producto text DEFAULT NULL, folio text DEFAULT NULL,
                                   motivo text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo    crm.usuarios := crm.yo_supervisor();                          -- EB001, EB002
    razon text := crm.venta_motivo(venta_corregir.motivo);
    o     crm.oportunidades;
    v     crm.ventas;
    m     numeric;
    p     text;
    f     text;
    antes jsonb := '{}';
    luego jsonb := '{}';
BEGIN
    o := crm.oportunidad_bloquear(yo, venta_corregir.oportunidad);     -- EB301
    SELECT * INTO v FROM crm.ventas x
     WHERE x.oportunidad_id = o.id AND x.estado = 'VIGENTE' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la oportunidad % no tiene una venta vigente que corregir', o.id
            USING ERRCODE = 'EB315';
    END IF;
    m := coalesce(venta_corregir.monto, v.monto);
    p := coalesce(btrim(venta_corregir.producto), v.producto);
    f := coalesce(btrim(venta_corregir.folio), v.folio);
    IF m <= 0 OR m >= 100000000 OR m <> round(m, 2) THEN
        RAISE EXCEPTION 'monto inválido: % (mayor que cero, hasta dos decimales)', m
            USING ERRCODE = 'EB312';
    END IF;
    IF length(p) NOT BETWEEN 1 AND 80 THEN
        RAISE EXCEPTION 'producto inválido (de 1 a 80 caracteres)' USING ERRCODE = 'EB313';
    END IF;
    IF f !~ '^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$' THEN
        RAISE EXCEPTION 'folio inválido: "%" (letras, dígitos, / _ -; hasta 40)', f
            USING ERRCODE = 'EB313';
    END IF;
    IF (m, p, f) = (v.monto, v.producto, v.folio) THEN
        RETURN format('la venta ya tenía esos datos (folio %s): no se cambió nada', f);
    END IF;
    IF f <> v.folio AND EXISTS (SELECT 1 FROM crm.ventas x WHERE x.folio = f) THEN
        RAISE EXCEPTION 'el folio % ya está registrado en otra venta', f USING ERRCODE = 'EB311';
    END IF;

    IF m <> v.monto THEN
        antes := antes || jsonb_build_object('monto', v.monto);
        luego := luego || jsonb_build_object('monto', m);
    END IF;
    IF p <> v.producto THEN
        antes := antes || jsonb_build_object('producto', v.producto);
        luego := luego || jsonb_build_object('producto', p);
    END IF;
    IF f <> v.folio THEN
        antes := antes || jsonb_build_object('folio', v.folio);
        luego := luego || jsonb_build_object('folio', f);
    END IF;
    BEGIN
        UPDATE crm.ventas x SET monto = m, producto = p, folio = f, corregida_at = now()
         WHERE x.oportunidad_id = o.id;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'el folio % ya está registrado en otra venta', f USING ERRCODE = 'EB311';
    END;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT o.id, 'VENTA_CORREGIDA', e.id, e.nombre, e.id, e.nombre, o.estado, o.estado, yo.id,
           razon, jsonb_build_object('antes', antes, 'despues', luego)
      FROM crm.etapas e WHERE e.id = o.etapa_id;
    RETURN format('venta corregida (folio %s, $%s, %s)', f, to_char(m, 'FM999,999,990.00'), p);
END
$$;

CREATE FUNCTION api.venta_cancelar(oportunidad bigint, motivo text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo      crm.usuarios := crm.yo_supervisor();                        -- EB001, EB002
    razon   text := crm.venta_motivo(venta_cancelar.motivo);
    o       crm.oportunidades;
    v       crm.ventas;
    venta   crm.etapas;
    antes   crm.etapas;
    otra    bigint;
    arco    boolean;
    destino text;
    porque  text;
BEGIN
    o := crm.oportunidad_bloquear(yo, venta_cancelar.oportunidad);     -- EB301
    SELECT * INTO v FROM crm.ventas x WHERE x.oportunidad_id = o.id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'la oportunidad % no tiene una venta registrada', o.id
            USING ERRCODE = 'EB315';
    END IF;
    IF v.estado = 'CANCELADA' THEN
        RETURN format('la venta con el folio %s ya estaba cancelada desde el %s', v.folio,
                      to_char(v.cancelada_at AT TIME ZONE crm.zona(), 'DD/MM/YYYY'));
    END IF;

    -- The client's pool row next, as every path that reopens or closes does, so an assignment
    -- cannot take the client between the look below and the update.
    PERFORM 1 FROM crm.pool pl WHERE pl.cliente_id = o.cliente_id FOR UPDATE;
    SELECT x.id INTO otra FROM crm.oportunidades x
     WHERE x.id <> o.id AND x.estado IN ('ABIERTA', 'EN_BANDEJA')
       AND (x.cliente_id = o.cliente_id OR x.prospecto_id = o.prospecto_id);
    arco := EXISTS (SELECT 1 FROM crm.arco_cancelaciones a
                     WHERE a.cliente_id = o.cliente_id OR a.prospecto_id = o.prospecto_id);
    IF otra IS NOT NULL THEN
        destino := 'DESCARTADA';
        porque := format('el cliente ya tiene otra oportunidad activa (%s)', otra);
    ELSIF arco THEN
        destino := 'DESCARTADA';
        porque := 'el titular pidió la cancelación de sus datos (ARCO)';
    ELSE
        destino := 'EN_BANDEJA';
    END IF;

    -- The stage it had before the sale (the VENTA row's), else the initial one.
    SELECT * INTO venta FROM crm.etapas e WHERE e.id = o.etapa_id;
    SELECT e.* INTO antes
      FROM crm.historial h JOIN crm.etapas e ON e.id = h.etapa_anterior_id
     WHERE h.oportunidad_id = o.id AND h.evento = 'VENTA'
     ORDER BY h.id DESC LIMIT 1;
    IF NOT FOUND THEN
        antes := crm.etapa_inicial();
    END IF;

    UPDATE crm.ventas x
       SET estado = 'CANCELADA', cancelada_at = now(), cancelada_por = yo.id,
           motivo_cancelacion = razon
     WHERE x.oportunidad_id = o.id;
    IF destino = 'EN_BANDEJA' THEN
        UPDATE crm.oportunidades x
           SET estado = 'EN_BANDEJA', etapa_id = antes.id, etapa_desde = now(),
               motivo_salida = left(format('Venta cancelada (folio %s): %s', v.folio, razon), 500),
               cerrada_at = NULL, updated_at = now()
         WHERE x.id = o.id;
        UPDATE crm.bloqueos b SET hasta = now()
         WHERE b.cliente_id = o.cliente_id AND b.motivo = 'VENTA'
           AND (b.hasta IS NULL OR b.hasta > now());
    ELSE
        UPDATE crm.oportunidades x
           SET estado = 'DESCARTADA', etapa_id = antes.id, etapa_desde = now(),
               updated_at = now()
         WHERE x.id = o.id;
    END IF;
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    VALUES (o.id, 'VENTA_CANCELADA', venta.id, venta.nombre, antes.id, antes.nombre, o.estado,
            destino, yo.id, razon,
            jsonb_strip_nulls(jsonb_build_object('folio', v.folio, 'monto', v.monto,
                                                 'producto', v.producto, 'cerrada', porque)));
    IF destino = 'EN_BANDEJA' THEN
        RETURN format('venta con el folio %s cancelada: la oportunidad %s pasó a la bandeja',
                      v.folio, o.id);
    END IF;
    RETURN format('venta con el folio %s cancelada: la oportunidad %s se descartó porque %s',
                  v.folio, o.id, porque);
END
$$;

-- doctor: the sale and its opportunity agree.
ALTER FUNCTION api.verificar_invariantes() RENAME TO invariantes_080;
ALTER FUNCTION api.invariantes_080() SET SCHEMA crm;
REVOKE EXECUTE ON FUNCTION crm.invariantes_080()
    FROM embudo_supervisor, embudo_admin, embudo_auditor;

CREATE FUNCTION api.verificar_invariantes()
RETURNS TABLE (invariante text, detalle text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY SELECT * FROM crm.invariantes_080();              -- EB001, EB002 as before
    RETURN QUERY
    SELECT 'VENTA_ESTADO'::text,
           CASE WHEN v.oportunidad_id IS NULL
                THEN format('oportunidad %s: GANADA sin una venta vigente', o.id)
                ELSE format('oportunidad %s: venta vigente (folio %s) pero la oportunidad está %s',
                            o.id, v.folio, o.estado) END
      FROM crm.oportunidades o
      LEFT JOIN crm.ventas v ON v.oportunidad_id = o.id AND v.estado = 'VIGENTE'
     WHERE (o.estado = 'GANADA') <> (v.oportunidad_id IS NOT NULL);
END
$$;
GRANT EXECUTE ON FUNCTION api.verificar_invariantes()
    TO embudo_supervisor, embudo_admin, embudo_auditor;

REVOKE ALL ON FUNCTION api.ventas(date, date, text, boolean),
                       crm.venta_motivo(text),
                       api.venta_corregir(bigint, numeric, text, text, text),
                       api.venta_cancelar(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.ventas(date, date, text, boolean) TO embudo_usuario;
-- Writers: the three working groups, so a promoter hears "solo supervisores y
-- administradores" (EB002); an auditor gets 42501, as everywhere since 071.
GRANT EXECUTE ON FUNCTION api.venta_corregir(bigint, numeric, text, text, text),
                          api.venta_cancelar(bigint, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
