-- 033_wa_reintentar.sql — issue 5, "retry failed" (anchors §5.2 W8): a new campaign, linked
-- to the original (filtros.reintenta), with only the original's FALLIDO messages, their texts
-- as they were rendered, capacity reserved the same way api.campana_crear reserves it (the
-- account row locked, crm.wa_planear), and every recipient checked again with the creation
-- rule (crm.wa_audiencia): opted out, blocked, not on WhatsApp, contacted recently or pending
-- elsewhere, or no longer open in the campaign's stage → OMITIDO with the reason. It is born
-- LISTA (its texts exist); SKIPPED rows of the original are never retried.

SET LOCAL ROLE embudo_owner;

-- Retries the failed messages of campaign id (the caller's own, any state but BORRADOR).
-- Same result as api.campana_crear. EB330, EB355, EB356 (BORRADOR), EB358 (nothing failed
-- that can be retried).
CREATE FUNCTION api.campana_reintentar(id bigint)
RETURNS TABLE (campana_id bigint, destinatarios int, omitidos int, hoy int, tope_hoy int,
               mensaje text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    yo  crm.usuarios := crm.yo_promotor_wa();
    o   crm.wa_campanas := crm.campana_bloquear(yo, campana_reintentar.id);
    c   crm.wa_cuentas;
    why text;
    cid bigint;
    aud record;
    p   record;
    cum int[] := '{}';
BEGIN
    IF o.usuario_id <> yo.id THEN
        RAISE EXCEPTION 'la campaña % no existe o no es tuya', o.id USING ERRCODE = 'EB355';
    END IF;
    IF o.estado = 'BORRADOR' THEN
        RAISE EXCEPTION 'la campaña % aún no tiene sus textos', o.id USING ERRCODE = 'EB356';
    END IF;
    SELECT * INTO c FROM crm.wa_cuentas x WHERE x.usuario_id = yo.id FOR UPDATE;
    why := crm.wa_explicar_hoy(c);
    SELECT array_agg(f.oportunidad_id ORDER BY f.oportunidad_id) AS ids,
           array_agg(coalesce(a.telefono, f.telefono) ORDER BY f.oportunidad_id) AS tels,
           array_agg(coalesce(a.jid, f.jid) ORDER BY f.oportunidad_id) AS jids,
           array_agg(CASE WHEN a.oportunidad_id IS NULL THEN 'CERRADA' ELSE a.motivo END
                     ORDER BY f.oportunidad_id) AS motivos,
           array_agg(f.texto ORDER BY f.oportunidad_id) AS textos,
           count(*) FILTER (WHERE a.oportunidad_id IS NOT NULL AND a.motivo IS NULL)::int AS n
      INTO aud
      FROM crm.wa_mensajes f
      LEFT JOIN crm.wa_audiencia(yo.id, o.etapa_id, NULL::smallint, NULL::smallint, 5000) a
        ON a.oportunidad_id = f.oportunidad_id
     WHERE f.campana_id = o.id AND f.estado = 'FALLIDO' AND f.texto IS NOT NULL;
    IF aud.ids IS NULL THEN
        RAISE EXCEPTION 'la campaña % no tiene mensajes fallidos que reintentar', o.id
            USING ERRCODE = 'EB358';
    END IF;
    p := crm.wa_planear(c, aud.n);
    SELECT coalesce(array_agg(s ORDER BY i), '{}') INTO cum
      FROM (SELECT i, sum(q) OVER (ORDER BY i) AS s
              FROM unnest(p.cantidades) WITH ORDINALITY u(q, i)) z;

    INSERT INTO crm.wa_campanas (usuario_id, nombre, etapa_id, plantilla, filtros, estado)
    VALUES (yo.id, left('Reintento de ' || o.nombre, 120), o.etapa_id, o.plantilla,
            o.filtros || jsonb_build_object('reintenta', o.id), 'LISTA')
    RETURNING wa_campanas.id INTO cid;
    INSERT INTO crm.wa_mensajes (campana_id, usuario_id, oportunidad_id, telefono, jid, texto,
                                 estado, error, dia, programado_para)
    SELECT cid, yo.id, r.oid, r.tel, r.jid, r.txt,
           CASE WHEN r.motivo IS NULL AND r.j IS NOT NULL THEN 'PENDIENTE' ELSE 'OMITIDO' END,
           CASE WHEN r.motivo IS NOT NULL THEN r.motivo
                WHEN r.j IS NULL THEN 'SIN_CUPO' END,
           CASE WHEN r.motivo IS NULL THEN p.dias[r.j] END,
           CASE WHEN r.motivo IS NULL THEN p.abres[r.j] END
      FROM (SELECT u.oid, u.tel, u.jid, u.motivo, u.txt,
                   (SELECT min(j) FROM generate_subscripts(cum, 1) j WHERE cum[j] >= u.k) AS j
              FROM (SELECT v.*, count(*) FILTER (WHERE v.motivo IS NULL)
                                    OVER (ORDER BY v.ord) AS k
                      FROM unnest(aud.ids, aud.tels, aud.jids, aud.motivos, aud.textos)
                           WITH ORDINALITY v(oid, tel, jid, motivo, txt, ord)) u) r;

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

GRANT EXECUTE ON FUNCTION api.campana_reintentar(bigint) TO embudo_usuario;
