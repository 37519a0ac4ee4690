-- 079_prorrogas.sql — a promoter asks for a stage timer to wait until a date; the supervisor
-- decides (docs/anchors.md C2 and 1.4 #5: "a deal stalled for a known reason must not look
-- like an abandoned one: a snooze with a resume date and a reason").
--
-- A client who says "call me after the 15th" used to cost the promoter the client on the
-- 10th, when the stage timer returned it to the pool; the supervisor could add hours
-- (062, api.extender_timer) only if someone told them. Now:
--
--   api.prorroga_pedir(oportunidad, reanudar, motivo)   the owner asks, on an ABIERTA
--        opportunity whose stage has a running timer (EB611), for a resume date after today
--        and at most 30 days ahead (EB640), with a reason (EB503); one pending request per
--        opportunity (EB642); only the owner asks (EB643: a supervisor extends directly);
--   api.prorroga_resolver(id, aprobar, respuesta)   the owner's supervisor or an admin
--        (EB002 a promoter, EB644 someone else's or none) approves — the stage's whole timer
--        starts again at the opening of the resume date, never earlier than it already runs
--        to, with its 75 % warning — or rejects with an answer (EB503); a request already
--        decided is EB645, an opportunity no longer ABIERTA EB604;
--   api.prorroga_cancelar(id)   the requester withdraws a pending request (EB644, EB645);
--   api.prorrogas(pendientes)   what the caller may see (own, team, all).
--
-- Every step is a history row (PRORROGA_PEDIDA, PRORROGA, PRORROGA_RECHAZADA,
-- PRORROGA_CANCELADA) written by these functions, so it is auditable and notifies the owner's
-- panes and their supervisor's like every other step. While a request waits, the timer keeps
-- running: a request made too late is lost to the sweep like any expired opportunity, and
-- resolving it afterwards is EB604.
--
-- Locks: every function locks the opportunity first (crm.bloquear_varias), then the request,
-- so a request and its resolution, or a resolution and the sweep, never wait on each other in
-- opposite orders.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO', 'NO_CONTACTAR', 'NO_CONTACTAR_FIN', 'PRORROGA_PEDIDA', 'PRORROGA',
        'PRORROGA_RECHAZADA', 'PRORROGA_CANCELADA')
        OR evento ~ '^WA_[A-Z_]+$') NOT VALID;
ALTER TABLE crm.historial VALIDATE CONSTRAINT historial_evento_check;

CREATE TABLE crm.prorrogas (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    oportunidad_id bigint NOT NULL REFERENCES crm.oportunidades,
    pedida_por     int NOT NULL REFERENCES crm.usuarios,
    pedida_at      timestamptz NOT NULL DEFAULT now(),
    reanudar       date NOT NULL,
    motivo         text NOT NULL CHECK (length(motivo) BETWEEN 1 AND 500),
    estado         text NOT NULL DEFAULT 'PENDIENTE'
                   CHECK (estado IN ('PENDIENTE', 'APROBADA', 'RECHAZADA', 'CANCELADA')),
    resuelta_por   int REFERENCES crm.usuarios,
    resuelta_at    timestamptz,
    respuesta      text CHECK (length(respuesta) <= 500),
    CHECK ((estado = 'PENDIENTE') = (resuelta_at IS NULL))
);
CREATE UNIQUE INDEX prorrogas_una_pendiente ON crm.prorrogas (oportunidad_id)
    WHERE estado = 'PENDIENTE';
CREATE INDEX prorrogas_pedida ON crm.prorrogas (pedida_at);

-- The history row of a step on a request: the opportunity stays where it is.
CREATE FUNCTION crm.prorroga_historial(o crm.oportunidades, evento text, quien int, motivo text,
                                       datos jsonb)
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO crm.historial (oportunidad_id, evento, etapa_anterior_id, etapa_anterior,
                               etapa_nueva_id, etapa_nueva, estado_anterior, estado_nuevo,
                               usuario_id, motivo, datos)
    SELECT o.id, evento, o.etapa_id, e.nombre, o.etapa_id, e.nombre, o.estado, o.estado, quien,
           motivo, datos
      FROM crm.etapas e WHERE e.id = o.etapa_id
$$;

CREATE FUNCTION api.prorroga_pedir(oportunidad bigint, reanudar date, motivo text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo    crm.usuarios := crm.yo_fila();
    a     record := crm.ids_y_motivo(ARRAY[oportunidad], motivo);
    hoy   date := crm.fecha_negocio(now());
    o     crm.oportunidades;
    nuevo bigint;
BEGIN
    IF reanudar IS NULL OR reanudar <= hoy OR reanudar > hoy + 30 THEN
        RAISE EXCEPTION 'la fecha para reanudar debe ser después de hoy y a lo más en 30 días'
                        ' (se dio %)', coalesce(reanudar::text, '—') USING ERRCODE = 'EB640';
    END IF;
    SELECT * INTO o FROM crm.bloquear_varias(yo, a.lista, false);
    IF o.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'solo el dueño de la oportunidad % pide una prórroga; un supervisor'
                        ' extiende el temporizador directamente', o.id USING ERRCODE = 'EB643';
    END IF;
    IF o.estado <> 'ABIERTA' OR o.timer_vence IS NULL THEN
        RAISE EXCEPTION 'la oportunidad % no tiene un temporizador corriendo (%)', o.id,
            CASE WHEN o.estado = 'EN_BANDEJA' THEN 'está en la bandeja'
                 ELSE 'su etapa no tiene temporizador' END
            USING ERRCODE = 'EB611';
    END IF;
    IF EXISTS (SELECT 1 FROM crm.prorrogas p
                WHERE p.oportunidad_id = o.id AND p.estado = 'PENDIENTE') THEN
        RAISE EXCEPTION 'la oportunidad % ya tiene una prórroga por decidir', o.id
            USING ERRCODE = 'EB642';
    END IF;
    INSERT INTO crm.prorrogas (oportunidad_id, pedida_por, reanudar, motivo)
    VALUES (o.id, yo.id, reanudar, a.razon)
    RETURNING id INTO nuevo;
    PERFORM crm.prorroga_historial(o, 'PRORROGA_PEDIDA', yo.id, a.razon,
                                   jsonb_build_object('prorroga_id', nuevo, 'reanudar', reanudar));
    RETURN nuevo;
END
$$;

-- The request id locked after its opportunity (EB644 when it is not there or not the caller's
-- to act on through puede).
CREATE FUNCTION crm.prorroga_bloquear(yo crm.usuarios, id bigint, OUT p crm.prorrogas,
                                      OUT o crm.oportunidades)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    op bigint := (SELECT x.oportunidad_id FROM crm.prorrogas x WHERE x.id = prorroga_bloquear.id);
BEGIN
    IF op IS NULL OR NOT EXISTS (SELECT 1 FROM crm.oportunidades x
                                  WHERE x.id = op AND crm.puede_operar(yo, x.usuario_id)) THEN
        RAISE EXCEPTION 'la prórroga % no existe o no es de su equipo', coalesce(id::text, '—')
            USING ERRCODE = 'EB644';
    END IF;
    SELECT * INTO o FROM crm.oportunidades x WHERE x.id = op FOR UPDATE;
    SELECT * INTO p FROM crm.prorrogas x WHERE x.id = prorroga_bloquear.id FOR UPDATE;
    IF p.estado <> 'PENDIENTE' THEN
        RAISE EXCEPTION 'la prórroga % ya no está por decidir (%)', p.id, lower(p.estado)
            USING ERRCODE = 'EB645';
    END IF;
END
$$;

CREATE FUNCTION api.prorroga_resolver(id bigint, aprobar boolean, respuesta text DEFAULT NULL)
RETURNS timestamptz
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo     crm.usuarios := crm.yo_supervisor();
    zona   text := crm.zona();
    pct    numeric := (SELECT aj.aviso_pct FROM crm.ajustes aj);
    resp   text := nullif(btrim(respuesta), '');
    b      record;
    horas  numeric;
    inicio timestamptz;
    vence  timestamptz;
BEGIN
    IF aprobar IS NULL THEN
        RAISE EXCEPTION 'diga si aprueba o rechaza la prórroga' USING ERRCODE = 'EB503';
    END IF;
    IF (NOT aprobar AND resp IS NULL) OR length(resp) > 500 THEN
        RAISE EXCEPTION 'rechazar una prórroga pide una respuesta (hasta 500 caracteres)'
            USING ERRCODE = 'EB503';
    END IF;
    b := crm.prorroga_bloquear(yo, id);
    IF (b.o).estado <> 'ABIERTA' OR (b.o).timer_vence IS NULL THEN
        RAISE EXCEPTION 'la oportunidad % ya no tiene su temporizador corriendo (%)', (b.o).id,
            lower((b.o).estado) USING ERRCODE = 'EB604';
    END IF;
    IF NOT aprobar THEN
        UPDATE crm.prorrogas x SET estado = 'RECHAZADA', resuelta_por = yo.id,
               resuelta_at = now(), respuesta = resp
         WHERE x.id = (b.p).id;
        PERFORM crm.prorroga_historial(b.o, 'PRORROGA_RECHAZADA', yo.id, resp,
                                       jsonb_build_object('prorroga_id', (b.p).id));
        RETURN NULL;
    END IF;
    horas := (SELECT e.timer_horas FROM crm.etapas e WHERE e.id = (b.o).etapa_id);
    inicio := greatest(((b.p).reanudar)::timestamp AT TIME ZONE zona, now());
    vence := crm.sumar_horas_habiles(inicio, horas, zona);
    IF vence > (b.o).timer_vence THEN
        UPDATE crm.oportunidades x
           SET timer_vence = vence,
               timer_aviso = crm.sumar_horas_habiles(inicio, horas * pct / 100, zona),
               timer_avisado = false, updated_at = now()
         WHERE x.id = (b.o).id;
    ELSE
        vence := (b.o).timer_vence;     -- it already runs past the resume date's whole timer
    END IF;
    UPDATE crm.prorrogas x SET estado = 'APROBADA', resuelta_por = yo.id, resuelta_at = now(),
           respuesta = resp
     WHERE x.id = (b.p).id;
    PERFORM crm.prorroga_historial(b.o, 'PRORROGA', yo.id, coalesce(resp, (b.p).motivo),
                                   jsonb_build_object('prorroga_id', (b.p).id,
                                                      'reanudar', (b.p).reanudar,
                                                      'vence_anterior', (b.o).timer_vence,
                                                      'vence', vence));
    RETURN vence;
END
$$;

CREATE FUNCTION api.prorroga_cancelar(id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo crm.usuarios := crm.yo_fila();
    b  record := crm.prorroga_bloquear(yo, id);
BEGIN
    IF (b.p).pedida_por <> yo.id THEN
        RAISE EXCEPTION 'la prórroga % no existe o no es de su equipo', id USING ERRCODE = 'EB644';
    END IF;
    UPDATE crm.prorrogas x SET estado = 'CANCELADA', resuelta_por = yo.id, resuelta_at = now()
     WHERE x.id = (b.p).id;
    PERFORM crm.prorroga_historial(b.o, 'PRORROGA_CANCELADA', yo.id, NULL,
                                   jsonb_build_object('prorroga_id', (b.p).id));
END
$$;

CREATE FUNCTION api.prorrogas(pendientes boolean DEFAULT true)
RETURNS TABLE (id bigint, oportunidad_id bigint, cliente text, promotor text, etapa text,
               vence timestamptz, reanudar date, motivo text, estado text,
               pedida_at timestamptz, resuelta_por text, respuesta text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    vis int[];
BEGIN
    PERFORM crm.yo_fila();                                      -- EB001
    vis := crm.usuarios_visibles();
    RETURN QUERY
    SELECT p.id, o.id,
           coalesce(nullif(concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido), ''),
                    pr.nombre),
           u.login, e.nombre, o.timer_vence, p.reanudar, p.motivo, p.estado, p.pedida_at,
           r.login, p.respuesta
      FROM crm.prorrogas p
      JOIN crm.oportunidades o ON o.id = p.oportunidad_id
      JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN crm.etapas e ON e.id = o.etapa_id
      LEFT JOIN padron.clientes c ON c.id = o.cliente_id
      LEFT JOIN crm.prospectos pr ON pr.id = o.prospecto_id
      LEFT JOIN crm.usuarios r ON r.id = p.resuelta_por
     WHERE o.usuario_id = ANY (vis)
       AND CASE WHEN pendientes THEN p.estado = 'PENDIENTE' AND o.estado = 'ABIERTA'
                ELSE p.pedida_at > now() - interval '30 days' END
     ORDER BY p.id DESC;
END
$$;

-- A promoter may call resolver too, to hear why not (EB002) instead of a bare 42501.
GRANT EXECUTE ON FUNCTION api.prorroga_pedir(bigint, date, text), api.prorroga_cancelar(bigint),
    api.prorroga_resolver(bigint, boolean, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
GRANT EXECUTE ON FUNCTION api.prorrogas(boolean) TO embudo_usuario;
