-- 087_baja_padron_visible.sql — the promoter working a client the lender no longer lists is
-- told, and no campaign message goes out to that client.
--
-- 086 gives a client that `embudo import clientes --actualizar --bajas` no longer finds in the
-- lender's file a BAJA_PADRON block without end: the pool never offers them again. An active
-- opportunity with that client was left alone (the promoter decides what to do with it), but
-- nothing told the promoter: crm.bloqueos is readable only by supervisors and admins (RLS),
-- so Detalle, the CLI and the campaigns went on as if nothing had happened.
--
--   api.oportunidad_baja_padron(oportunidad) → timestamptz
--              when the opportunity's client got the BAJA_PADRON block in force (hasta NULL
--              or in the future), or NULL: no such block (a prospect, a client still listed,
--              one whose block ended because a later file named them again), or an
--              opportunity the caller does not see. Visibility is RLS's: the owner, their
--              supervisor, an admin or an auditor (crm.usuarios_visibles); the database
--              owner's session sees every one. Only the fact and its date: not the block's
--              row, its detail or who loaded the file. Granted to every user (STABLE).
--              Detalle (src/db/db_tui.c) and `embudo oportunidad N` read it with the
--              opportunity: «⚠ El cliente ya no está en el padrón del convenio (baja del
--              12/11/2026)».
--   campaigns  a WhatsApp message to such a client is not sent. A payroll-deduction loan
--              cannot be placed with someone who left the convenio, and the lender drops a
--              person also when they die: a promotional message would reach the family. So
--              the audience of a new campaign skips the client (crm.wa_audiencia, reason
--              BAJA_PADRON: the wizard's counts, sample and skipped list), and the sender's
--              claim skips a message planned before the baja arrived (api.mensaje_reclamar
--              and its reference crm.wa_motivo_no_enviar: OMITIDO BAJA_PADRON), as 085 does
--              for a phone that changed. A client named again by a later file is messaged
--              again from the next campaign on. The opportunity itself stays open: calling
--              (to confirm, to close it) is still the promoter's decision, as 086 says.
--   live panes a BAJA_PADRON block written or ended notifies the owners of the active
--              opportunities with that client ({"tabla":"oportunidades"}, as 074 does for the
--              do-not-contact registry), so a Detalle open while the file is loaded re-reads.
--
-- The functions are edited from the catalog (crm.funcion_reemplazar, 085), each at an anchor
-- that must occur exactly once.

SET LOCAL ROLE embudo_owner;

-- Since when the client of opportunity oportunidad is out of the lender's padron: the start
-- of its BAJA_PADRON block in force, or NULL. No visibility check: the owner's functions only.
CREATE FUNCTION crm.baja_padron_desde(oportunidad bigint) RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT min(b.created_at)
      FROM crm.oportunidades o
      JOIN crm.bloqueos b ON b.cliente_id = o.cliente_id
     WHERE o.id = baja_padron_desde.oportunidad AND b.motivo = 'BAJA_PADRON'
       AND (b.hasta IS NULL OR b.hasta > now())
$$;
REVOKE ALL ON FUNCTION crm.baja_padron_desde(bigint) FROM PUBLIC;

CREATE FUNCTION api.oportunidad_baja_padron(oportunidad bigint) RETURNS timestamptz
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF crm.yo() IS NULL AND crm.sesion_es_admin() THEN
        RETURN crm.baja_padron_desde(oportunidad);      -- the owner's session: every one
    END IF;
    PERFORM crm.yo_fila();                                                          -- EB001
    IF NOT EXISTS (SELECT 1 FROM crm.oportunidades o
                    WHERE o.id = oportunidad_baja_padron.oportunidad
                      AND o.usuario_id = ANY (crm.usuarios_visibles())) THEN
        RETURN NULL;
    END IF;
    RETURN crm.baja_padron_desde(oportunidad);
END
$$;
REVOKE ALL ON FUNCTION api.oportunidad_baja_padron(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.oportunidad_baja_padron(bigint) TO embudo_usuario;

-- A BAJA_PADRON block written or ended: the owners of the client's active opportunities re-read.
CREATE FUNCTION crm.baja_padron_avisar() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('embudo', json_build_object('tabla', 'oportunidades',
                                                  'usuario_id', u.usuario_id)::text)
       FROM (SELECT DISTINCT o.usuario_id
               FROM nuevas n JOIN crm.oportunidades o ON o.cliente_id = n.cliente_id
              WHERE n.motivo = 'BAJA_PADRON' AND o.estado IN ('ABIERTA', 'EN_BANDEJA')) u;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION crm.baja_padron_avisar() FROM PUBLIC;
CREATE TRIGGER baja_padron_ins AFTER INSERT ON crm.bloqueos
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.baja_padron_avisar();
CREATE TRIGGER baja_padron_upd AFTER UPDATE ON crm.bloqueos
    REFERENCING NEW TABLE AS nuevas FOR EACH STATEMENT EXECUTE FUNCTION crm.baja_padron_avisar();

-- A new campaign's audience: after the blocks that are the person's wish (BLOQUEADO).
SELECT crm.funcion_reemplazar('crm.wa_audiencia(integer,smallint,smallint,smallint,integer)',
    'WHEN n.en_whatsapp = false THEN ''SIN_WHATSAPP''',
    'WHEN o.cliente_id IS NOT NULL AND crm.baja_padron_desde(o.id) IS NOT NULL
                        THEN ''BAJA_PADRON''
                    WHEN n.en_whatsapp = false THEN ''SIN_WHATSAPP''');

-- The claim and its reference: after a phone that changed (085).
SELECT crm.funcion_reemplazar('crm.wa_motivo_no_enviar(crm.wa_mensajes)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN crm.baja_padron_desde(m.oportunidad_id) IS NOT NULL THEN ''BAJA_PADRON''
           WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');
SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN crm.baja_padron_desde(m.oportunidad_id) IS NOT NULL
                      THEN ''BAJA_PADRON''
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');

SELECT crm.funcion_reemplazar('crm.wa_motivo_texto(text)',
    'ELSE coalesce(motivo, '''') END',
    'WHEN ''BAJA_PADRON'' THEN ''el cliente ya no está en el padrón del convenio (baja de la financiera)''
           ELSE coalesce(motivo, '''') END');
