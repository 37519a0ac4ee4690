-- 085_prospecto_corregir.sql — correcting a captured lead's name, phone or CURP; campaign
-- messages planned for a phone that is no longer the person's are not sent.
--
-- A promoter who typed a lead's phone wrong had no way to fix it: the opportunity kept calling
-- and messaging a stranger's number until someone discarded it and captured the lead again
-- (losing its history and its place in the funnel). The LFPDPPP also gives the titular the
-- right to have inexact data rectified (the R of ARCO, next to 080's cancellation). Now
-- api.prospecto_corregir(oportunidad, nombre, telefono, curp, motivo):
--
--   who        the opportunity's promoter, their supervisor or an admin (crm.puede_operar,
--              crm.oportunidad_bloquear: EB301 for anyone else); an active opportunity,
--              except for an admin, who also rectifies a closed one. An auditor is not granted
--              it.
--   what       only a prospect's data (crm.prospectos): a padron client's come from the
--              lender and are corrected there, arriving with the next load (EB708). NULL
--              leaves a field as it is; at least one must change, and the reason is required
--              (EB709). A suppressed titular has nothing left to correct (EB709).
--   checks     the captación's own: the phone normalised (EB701) and not in force in the
--              do-not-contact registry (EB808), name 2…160 (EB703), CURP shape (EB705), and no
--              other active opportunity with that phone or CURP, a padron client's or a
--              prospect's (EB702, naming the owner only to supervisors and admins). Same
--              advisory locks as api.captar, so a capture and a correction to the same number
--              cannot both pass.
--   campaigns  a campaign message planned for the old phone is not sent: the sender's claim
--              skips a message whose phone is no longer the opportunity's (OMITIDO
--              TELEFONO_CAMBIO, below), as it skips one whose phone opted out. Sending the new
--              number a message planned for the old one would bypass the campaign's checks
--              (WhatsApp number, opt-outs, the gap between messages); the promoter includes the
--              corrected lead in a new campaign.
--   history    one DATOS_CORREGIDOS row with the reason and, in datos, which fields changed
--              and their values before and after (crm.arco_datos_limpios drops them all at a
--              suppression, like every other personal value in the history).
--
-- The do-not-contact mark (074) follows the phone by itself: it is read from the prospect's
-- current phone.
--
-- The claim's new check also covers a padron client whose phone the lender changed
-- (`embudo import clientes --actualizar`: the old contact stops being vigente).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.historial DROP CONSTRAINT historial_evento_check,
    ADD CONSTRAINT historial_evento_check CHECK (evento IN (
        'ASIGNADA', 'CAPTADA', 'TRANSICION', 'TIMER_AVISO', 'TIMER_VENCIDO', 'TIMER_EXTENDIDO',
        'A_BANDEJA', 'DEVUELTA', 'REASIGNADA', 'REABIERTA', 'VENTA', 'DESCARTADA', 'NOTA',
        'INTENTO', 'NO_CONTACTAR', 'NO_CONTACTAR_FIN', 'PRORROGA_PEDIDA', 'PRORROGA',
        'PRORROGA_RECHAZADA', 'PRORROGA_CANCELADA', 'DATOS_CORREGIDOS')
        OR evento ~ '^WA_[A-Z_]+$') NOT VALID;
ALTER TABLE crm.historial VALIDATE CONSTRAINT historial_evento_check;

CREATE FUNCTION api.prospecto_corregir(oportunidad bigint, nombre text DEFAULT NULL,
                                       telefono text DEFAULT NULL, curp text DEFAULT NULL,
                                       motivo text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    yo     crm.usuarios := crm.yo_fila();
    o      crm.oportunidades;
    p      crm.prospectos;
    otra   crm.oportunidades;
    razon  text := btrim(prospecto_corregir.motivo);
    nom    text := nullif(btrim(regexp_replace(coalesce(prospecto_corregir.nombre, ''), '\s+', ' ',
                                               'g')), '');
    tel    text;
    cu     text := nullif(upper(btrim(prospecto_corregir.curp)), '');
    antes  jsonb := '{}';
    ahora  jsonb := '{}';
    campos text[] := '{}';
BEGIN
    o := crm.oportunidad_bloquear(yo, oportunidad);                                -- EB301
    IF o.prospecto_id IS NULL THEN
        RAISE EXCEPTION 'la oportunidad % es de un cliente del padrón: sus datos vienen de la '
                        'financiera y se corrigen allá (llegan con la siguiente carga); aquí, '
                        'registre el intento «número equivocado»', o.id USING ERRCODE = 'EB708';
    END IF;
    IF o.estado NOT IN ('ABIERTA', 'EN_BANDEJA') AND yo.rol <> 'ADMIN' THEN
        RAISE EXCEPTION 'la oportunidad % está cerrada (%): solo un administrador corrige sus datos',
            o.id, o.estado USING ERRCODE = 'EB301';
    END IF;
    IF razon IS NULL OR length(razon) NOT BETWEEN 3 AND 500 THEN
        RAISE EXCEPTION 'escriba por qué se corrigen los datos (3 a 500 caracteres)'
            USING ERRCODE = 'EB709';
    END IF;
    IF prospecto_corregir.telefono IS NOT NULL THEN
        tel := api.normalizar_telefono(prospecto_corregir.telefono);                -- EB701
    END IF;
    IF nom IS NOT NULL AND length(nom) NOT BETWEEN 2 AND 160 THEN
        RAISE EXCEPTION 'el nombre debe tener entre 2 y 160 caracteres' USING ERRCODE = 'EB703';
    END IF;
    IF cu IS NOT NULL AND cu !~ '^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]$' THEN
        RAISE EXCEPTION 'CURP inválida: %', cu USING ERRCODE = 'EB705';
    END IF;

    -- The captación's locks, before reading the prospect: a capture of the new phone or CURP
    -- waits for this correction, and the other way round.
    IF tel IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('embudo.captar:' || tel, 0));
    END IF;
    IF cu IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('embudo.captar:' || cu, 0));
    END IF;
    SELECT * INTO p FROM crm.prospectos x WHERE x.id = o.prospecto_id FOR UPDATE;
    IF p.suprimido_at IS NOT NULL THEN
        RAISE EXCEPTION 'los datos de este titular se suprimieron (ARCO): no hay nada que corregir'
            USING ERRCODE = 'EB709';
    END IF;

    IF nom IS NOT NULL AND nom IS DISTINCT FROM p.nombre THEN
        campos := campos || 'nombre'::text;
        antes := antes || jsonb_build_object('nombre', p.nombre);
        ahora := ahora || jsonb_build_object('nombre', nom);
    ELSE
        nom := p.nombre;
    END IF;
    IF tel IS NOT NULL AND tel IS DISTINCT FROM p.telefono THEN
        PERFORM crm.no_contactar_exigir(tel);                                      -- EB808
        SELECT x.* INTO otra
          FROM crm.oportunidades x
          LEFT JOIN crm.prospectos q ON q.id = x.prospecto_id
         WHERE x.estado IN ('ABIERTA', 'EN_BANDEJA') AND x.id <> o.id
           AND (q.telefono = tel
                OR x.cliente_id IN (SELECT dc.cliente_id FROM padron.datos_contacto dc
                                     WHERE dc.valor = tel AND dc.vigente
                                       AND dc.tipo IN ('CELULAR', 'FIJO')))
         LIMIT 1;
        IF FOUND THEN
            PERFORM crm.duplicado_activo(yo, otra);                                 -- EB702
        END IF;
        campos := campos || 'telefono'::text;
        antes := antes || jsonb_build_object('telefono', p.telefono);
        ahora := ahora || jsonb_build_object('telefono', tel);
    ELSE
        tel := p.telefono;
    END IF;
    IF cu IS NOT NULL AND cu IS DISTINCT FROM p.curp THEN
        SELECT x.* INTO otra
          FROM crm.oportunidades x
          LEFT JOIN crm.prospectos q ON q.id = x.prospecto_id
          LEFT JOIN padron.clientes c ON c.id = x.cliente_id
         WHERE x.estado IN ('ABIERTA', 'EN_BANDEJA') AND x.id <> o.id
           AND (q.curp = cu OR c.curp = cu)
         LIMIT 1;
        IF FOUND THEN
            PERFORM crm.duplicado_activo(yo, otra);                                 -- EB702
        END IF;
        campos := campos || 'curp'::text;
        antes := antes || jsonb_build_object('curp', p.curp);
        ahora := ahora || jsonb_build_object('curp', cu);
    ELSE
        cu := p.curp;
    END IF;
    IF cardinality(campos) = 0 THEN
        RAISE EXCEPTION 'nada que corregir: los datos son los mismos' USING ERRCODE = 'EB709';
    END IF;

    UPDATE crm.prospectos x SET nombre = nom, telefono = tel, curp = cu WHERE x.id = p.id;
    INSERT INTO crm.historial (oportunidad_id, evento, estado_anterior, estado_nuevo, usuario_id,
                               motivo, datos)
    VALUES (o.id, 'DATOS_CORREGIDOS', o.estado, o.estado, yo.id, razon,
            jsonb_build_object('campos', to_jsonb(campos), 'antes', antes, 'ahora', ahora));
    RETURN format('oportunidad %s: se corrigió %s', o.id,
                  array_to_string(ARRAY(SELECT CASE c WHEN 'nombre' THEN 'el nombre'
                                                      WHEN 'telefono' THEN 'el teléfono'
                                                      ELSE 'la CURP' END
                                          FROM unnest(campos) c), ', '));
END
$$;

-- Is telefono still a phone of the opportunity's person: the prospect's, or a vigente phone
-- of the padron client?
CREATE FUNCTION crm.oportunidad_tiene_telefono(oportunidad bigint, telefono text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM crm.oportunidades o JOIN crm.prospectos p ON p.id = o.prospecto_id
                    WHERE o.id = oportunidad_tiene_telefono.oportunidad
                      AND p.telefono = oportunidad_tiene_telefono.telefono)
        OR EXISTS (SELECT 1 FROM crm.oportunidades o JOIN padron.datos_contacto dc
                          ON dc.cliente_id = o.cliente_id
                    WHERE o.id = oportunidad_tiene_telefono.oportunidad
                      AND dc.valor = oportunidad_tiene_telefono.telefono AND dc.vigente
                      AND dc.tipo <> 'EMAIL')
$$;

-- Edits a function from the catalog: replaces the one occurrence of viejo in its definition
-- with nuevo and runs the result (what 070 and 074 did in DO blocks, now one place for the
-- migrations to come). Fails when viejo is not there exactly once, so an anchor that drifted
-- stops the migration instead of editing the wrong place. The owner's only: not granted.
CREATE FUNCTION crm.funcion_reemplazar(funcion regprocedure, viejo text, nuevo text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    def text := pg_get_functiondef(funcion);
    pos int := strpos(def, viejo);
BEGIN
    IF pos = 0 OR strpos(substr(def, pos + 1), viejo) > 0 THEN
        RAISE EXCEPTION '«%» no aparece exactamente una vez en %', viejo, funcion;
    END IF;
    EXECUTE overlay(def PLACING nuevo FROM pos FOR length(viejo));
END
$$;
REVOKE ALL ON FUNCTION crm.funcion_reemplazar(regprocedure, text, text) FROM PUBLIC;

-- The claim (045's api.mensaje_reclamar, with 074's registry check, inlined for speed) and
-- its reference crm.wa_motivo_no_enviar skip such a message.
SELECT crm.funcion_reemplazar('crm.wa_motivo_no_enviar(crm.wa_mensajes)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN NOT crm.oportunidad_tiene_telefono(m.oportunidad_id, m.telefono)
                THEN ''TELEFONO_CAMBIO''
           WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');
SELECT crm.funcion_reemplazar('api.mensaje_reclamar(integer)',
    'WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n',
    'WHEN NOT crm.oportunidad_tiene_telefono(m.oportunidad_id, m.telefono)
                      THEN ''TELEFONO_CAMBIO''
                  WHEN EXISTS (SELECT 1 FROM crm.wa_numeros n');

SELECT crm.funcion_reemplazar('crm.wa_motivo_texto(text)',
    'ELSE coalesce(motivo, '''') END',
    'WHEN ''TELEFONO_CAMBIO'' THEN ''el teléfono se corrigió o cambió después de crear la campaña''
           ELSE coalesce(motivo, '''') END');

REVOKE ALL ON FUNCTION crm.oportunidad_tiene_telefono(bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION api.prospecto_corregir(bigint, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.prospecto_corregir(bigint, text, text, text, text)
    TO embudo_promotor, embudo_supervisor, embudo_admin;
