-- 091_baja_padron_marcas.sql — the Embudo's cards and the Bandeja's rows mark a client the
-- lender dropped, as Detalle already says (087).
--
-- 087 made Detalle say «⚠ El cliente ya no está en el padrón del convenio (baja del …)», one
-- opportunity at a time (api.oportunidad_baja_padron). The embudo (up to 10,000 cards) and the
-- bandeja said nothing, and a promoter cannot read crm.bloqueos (RLS). Calling the per-row
-- function inside the cards' query would run two lookups per card and change that query's
-- plan; instead the panes read the set of marked opportunities in the same job as their rows,
-- as they already do for the do-not-contact registry (074's api.no_contactar_oportunidades):
--
--   api.baja_padron_oportunidades() → (oportunidad_id, desde)
--              the caller's visible active opportunities (ABIERTA, EN_BANDEJA; own, team,
--              all for an admin or auditor; the database owner's session: every one) whose
--              client has a BAJA_PADRON block in force, and since when; ordered by id.
--              SECURITY DEFINER; granted to every user. Only the fact and the date, as 087.
--
-- bloqueos_baja_padron: the blocks in force of that kind are few next to every other block
-- (cool-downs after every return, sales, opt-outs), so a partial index lets the read start
-- from them instead of scanning crm.bloqueos; the cards' own query (db_tui_embudo) is not
-- changed at all, so its plan cannot degrade.

SET LOCAL ROLE embudo_owner;

CREATE INDEX bloqueos_baja_padron ON crm.bloqueos (cliente_id) WHERE motivo = 'BAJA_PADRON';

CREATE FUNCTION crm.baja_padron_marcadas(ver int[])
RETURNS TABLE (oportunidad_id bigint, desde timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- plpgsql, as crm.no_contactar_marcadas: its first plans see ver's value.
    RETURN QUERY
    SELECT o.id, min(b.created_at)
      FROM crm.bloqueos b
      JOIN crm.oportunidades o
        ON o.cliente_id = b.cliente_id AND o.estado IN ('ABIERTA', 'EN_BANDEJA')
     WHERE b.motivo = 'BAJA_PADRON' AND (b.hasta IS NULL OR b.hasta > now())
       AND (ver IS NULL OR o.usuario_id = ANY (ver))
     GROUP BY o.id
     ORDER BY o.id;
END
$$;
REVOKE ALL ON FUNCTION crm.baja_padron_marcadas(int[]) FROM PUBLIC;

CREATE FUNCTION api.baja_padron_oportunidades()
RETURNS TABLE (oportunidad_id bigint, desde timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    ver int[];
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        ver := NULL;                                      -- the owner's session: everyone
    ELSE
        PERFORM crm.yo_fila();                                            -- EB001
        ver := crm.usuarios_visibles();
    END IF;
    RETURN QUERY SELECT m.oportunidad_id, m.desde FROM crm.baja_padron_marcadas(ver) m;
END
$$;
REVOKE ALL ON FUNCTION api.baja_padron_oportunidades() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.baja_padron_oportunidades() TO embudo_usuario;
