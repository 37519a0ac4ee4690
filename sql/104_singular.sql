-- 104_singular.sql — a count of one reads in the singular in the database's own messages.
--
-- A promoter who asked for one client read «se asignaron 1 clientes»; a stage that asks for one
-- contact attempt refused a move with «registre al menos 1 intentos de contacto»; an admin who
-- set such a stage read «pide 1 intentos antes». The distribution's messages (069) already
-- chose the noun by the count with crm.cuantos, and so did the C side (cmd_etapa, etapas_vm);
-- these five are changed in place (crm.funcion_reemplazar, 085) to do the same: the functions'
-- logic, grants and attributes stay as they are, no sqlstate changes, and no message for a
-- count other than one.

SET LOCAL ROLE embudo_owner;

SELECT crm.funcion_reemplazar('api.solicitar_asignacion(integer,text,text,integer,integer,text)',
    'format(''esta solicitud ya se había hecho (clave %s): lote %s con %s clientes'',
                   k, lote, got)',
    'format(''esta solicitud ya se había hecho (clave %s): lote %s con %s'',
                   k, lote, crm.cuantos(got, ''cliente'', ''clientes''))');
SELECT crm.funcion_reemplazar('api.solicitar_asignacion(integer,text,text,integer,integer,text)',
    'msg := format(''se asignaron %s clientes'', got);',
    'msg := CASE got WHEN 1 THEN ''se asignó 1 cliente''
                         ELSE format(''se asignaron %s clientes'', got) END;');

SELECT crm.funcion_reemplazar('api.mover(bigint,text,text)',
    'RAISE EXCEPTION ''para pasar a "%" registre al menos % intentos de contacto ''
                                ''(lleva %)'', e.nombre, e.intentos_minimos, n',
    'RAISE EXCEPTION ''para pasar a "%" registre al menos % de contacto (lleva %)'', e.nombre,
                    crm.cuantos(e.intentos_minimos, ''intento'', ''intentos''), n');

SELECT crm.funcion_reemplazar('api.etapa_agregar(text,text,numeric,text,integer)',
    'format(''pide %s intentos antes'', etapa_agregar.intentos)',
    'format(''pide %s antes'', crm.cuantos(etapa_agregar.intentos, ''intento'', ''intentos''))');
SELECT crm.funcion_reemplazar('api.etapa_cambiar(text,text,numeric,boolean,integer)',
    'format(''pide %s intentos antes (antes %s)'', etapa_cambiar.intentos,',
    'format(''pide %s antes (antes %s)'',
                                     crm.cuantos(etapa_cambiar.intentos, ''intento'', ''intentos''),');
