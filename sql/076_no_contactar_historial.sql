-- 076_no_contactar_historial.sql — the registry's steps in the opportunities' history.
--
-- 074 marks an active opportunity whose phone enters the do-not-contact registry, but its
-- history said nothing: a supervisor reading an opportunity could not tell when or by whom
-- the person's phone was registered, or when it left the registry. Every step is meant to be
-- in the append-only history (DESIGN §2), so now:
--
--   NO_CONTACTAR       a phone of an active opportunity entered the registry in force (a new
--                      entry, or a removed one loaded again), one row per opportunity and
--                      entry: datos {telefono, fuente}, motivo "FUENTE: detalle", usuario
--                      who registered it (NULL: the database owner's session);
--   NO_CONTACTAR_FIN   an entry in force was removed (api.no_contactar_quitar): motivo
--                      "FUENTE: reason", usuario who removed it.
--
-- Renewing an entry already in force (a monthly REUS extract loaded again) writes nothing, so
-- the history does not repeat itself. Expiry by time writes nothing either: no statement
-- runs then; the entry's hasta says when.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO', 'NO_CONTACTAR', 'NO_CONTACTAR_FIN')
        OR evento ~ '^WA_[A-Z_]+$') NOT VALID;
ALTER TABLE crm.historial VALIDATE CONSTRAINT historial_evento_check;

-- True when an entry row is in force.
CREATE FUNCTION crm.no_contactar_en_vigor(r crm.no_contactar) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.quitado_at IS NULL AND (r.hasta IS NULL OR r.hasta > now())
$$;

-- The history rows of a statement on crm.no_contactar: the entries whose in-force state
-- changed (viejas is empty for an INSERT), on every active opportunity with that phone (the
-- client's vigente phones, the prospect's), set-based so an admin's batch of 10 000 numbers
-- is one join.
CREATE FUNCTION crm.no_contactar_historial(nuevas crm.no_contactar[], viejas crm.no_contactar[])
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
    WITH cambio AS (
        SELECT n.telefono, n.fuente, crm.no_contactar_en_vigor(n) AS entra,
               n.detalle, n.creado_por, n.quitado_motivo, n.quitado_por
          FROM unnest(nuevas) n
          LEFT JOIN unnest(viejas) v ON v.telefono = n.telefono AND v.fuente = n.fuente
         WHERE crm.no_contactar_en_vigor(n)
               <> (v.telefono IS NOT NULL AND crm.no_contactar_en_vigor(v))
    ), ops AS (
        SELECT o.id, c.* FROM cambio c
          JOIN padron.datos_contacto d
            ON d.valor = c.telefono AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
          JOIN crm.oportunidades o
            ON o.cliente_id = d.cliente_id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
        UNION
        SELECT o.id, c.* FROM cambio c
          JOIN crm.prospectos p ON p.telefono = c.telefono
          JOIN crm.oportunidades o
            ON o.prospecto_id = p.id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
    )
    INSERT INTO crm.historial (oportunidad_id, evento, usuario_id, motivo, datos)
    SELECT x.id, CASE WHEN x.entra THEN 'NO_CONTACTAR' ELSE 'NO_CONTACTAR_FIN' END,
           CASE WHEN x.entra THEN x.creado_por ELSE x.quitado_por END,
           x.fuente || coalesce(': ' || CASE WHEN x.entra THEN x.detalle
                                             ELSE x.quitado_motivo END, ''),
           jsonb_build_object('telefono', x.telefono, 'fuente', x.fuente)
      FROM ops x
     ORDER BY x.id, x.fuente
$$;

CREATE FUNCTION crm.no_contactar_historial_ins() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM crm.no_contactar_historial(ARRAY(SELECT n::crm.no_contactar FROM nuevas n),
                                       '{}'::crm.no_contactar[]);
    RETURN NULL;
END
$$;
CREATE FUNCTION crm.no_contactar_historial_upd() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM crm.no_contactar_historial(ARRAY(SELECT n::crm.no_contactar FROM nuevas n),
                                       ARRAY(SELECT v::crm.no_contactar FROM viejas v));
    RETURN NULL;
END
$$;
CREATE TRIGGER no_contactar_historial_ins AFTER INSERT ON crm.no_contactar
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.no_contactar_historial_ins();
CREATE TRIGGER no_contactar_historial_upd AFTER UPDATE ON crm.no_contactar
    REFERENCING OLD TABLE AS viejas NEW TABLE AS nuevas FOR EACH STATEMENT
    EXECUTE FUNCTION crm.no_contactar_historial_upd();

REVOKE ALL ON FUNCTION crm.no_contactar_en_vigor(crm.no_contactar),
    crm.no_contactar_historial(crm.no_contactar[], crm.no_contactar[]),
    crm.no_contactar_historial_ins(), crm.no_contactar_historial_upd() FROM PUBLIC;
