#!/bin/sh
# Campaign commands (issue 5): flag validation in C — exit 2 with a Spanish message before
# any connection is made (the database side is tests/db/test_campana*.c); then, on a private
# embedded cluster, the command-line path of a campaign on the simulated network: `wa link`
# with transport = sim (refused without EMBUDO_SIM_AUTOSCAN=1, linked with it), a campaign
# created and launched, `embudo worker --once` sending it at the test pace, and a worker asked
# to send for an account that was unlinked refusing with the reason (exit 1). Who the worker
# is (sql/084): `--sin-envio` sweeps and sends nothing while campaigns are due; a promoter's
# worker (`--as promcli`) sends that promoter's campaign only, sweeps, says once that it does
# not suppress, and leaves another promoter's envio_servidor account alone; a supervisor's
# sends nothing and fails nothing; an auditor's (and its `embudo sweep`) is refused at once,
# with the account to use, exit 1, instead of failing every minute.
# Usage: campana.sh BUILD_DIR. Ends with "N passed, N failed"; exits 1 when anything failed.
set -u
cli_name=campana
. "$(dirname "$0")/lib.sh"

e=$bin
expect 2 'falta la acción' -- $e campana
expect 2 'acción desconocida «borrar»' -- $e campana borrar 1
expect 2 'necesita «--etapa» y «--texto»' -- $e campana crear --texto hola
expect 2 'necesita «--etapa» y «--texto»' -- $e campana crear --etapa Nuevo
expect 2 '«--texto» no puede estar vacío' -- $e campana crear --etapa Nuevo --texto ' '
expect 2 '«--maximo» debe ser un número entre 1 y 5000 \(se dio «0»\)' -- \
    $e campana crear --etapa Nuevo --texto hola --maximo 0
expect 2 'entre 1 y 5000 \(se dio «5001»\)' -- $e campana crear --etapa Nuevo --texto hola --maximo 5001
expect 2 'opción desconocida: «--etapas»' -- $e campana crear --etapas Nuevo --texto hola
expect 2 'indique el número de la campaña' -- $e campana lanzar
expect 2 'indique el número de la campaña' -- $e campana pausar x
expect 2 'indique el número de la campaña' -- $e campana reanudar 0
expect 2 'indique el número de la campaña' -- $e campana estado -3
expect 2 'uso: embudo campana' -- $e campana cancelar 1 2
expect 2 'se exporta «mensajes», «historial» o «ventas»' -- $e export clientes
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-13-01 --hasta 2026-12-31
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-12-01
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-12-01 --hasta 2026-12-01x
expect 0 'uso: embudo campana crear --etapa E --texto T' -- $e campana --help
expect 2 '«--promotor» es solo para «historial»' -- \
    $e export mensajes --desde 2026-12-01 --hasta 2026-12-01 --promotor prom1
expect 2 'fechas AAAA-MM-DD' -- $e export historial --desde 2026-02-30
expect 0 'uso: embudo export mensajes' -- $e export --help
expect 0 'embudo export historial \[--desde' -- $e export --help

# ---- on a private cluster: wa link on sim, then embudo worker --once ----------------------
# As root the server runs as another account, which must reach the home.
chmod 711 "$tmp"
trap '$e db stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
sim="env EMBUDO_TRANSPORT=sim EMBUDO_SIM_SEED=5"
psql_as() { # psql_as LOGIN SQL: one value
    $e --as "$1" db psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$2"
}
captar() { # captar N FIRST [LOGIN]: N prospects of LOGIN (promcli) with phones FIRST, FIRST+1…
    for i in $(seq 0 $(($1 - 1))); do
        $e --as "${3:-promcli}" captar --nombre "Cliente $(($2 + i)) Núñez" --telefono "$(($2 + i))" \
            >/dev/null || return 1
    done
    echo "captados $1"
}

expect 0 '' -- $e db start
expect 0 'migraciones aplicadas' -- $e db migrate
expect 0 '' -- psql_as postgres "
    SELECT api.crear_usuario('supcli', 'Supervisora CLI', 'SUPERVISOR');
    SELECT api.crear_usuario('promcli', 'Promotora Ñandú CLI', 'PROMOTOR', 'supcli');
    DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;
    INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00' FROM generate_series(1, 7) d"
expect 0 'captados 3' -- captar 3 9990004001

expect 1 'nadie escanea el código: use EMBUDO_SIM_AUTOSCAN=1' -- $sim $e --as promcli wa link
expect 1 'vincule su WhatsApp antes de crear campañas' -- \
    $e --as promcli campana crear --etapa Nuevo --texto 'Hola {nombre}'
expect 0 'vinculado: 5215599[0-9]{6}@s\.whatsapp\.net \(red simulada\)' -- \
    $sim EMBUDO_SIM_AUTOSCAN=1 $e --as promcli wa link --raw
expect 0 'estado: +CONECTADA' -- $e --as promcli wa status
expect 1 'la cuenta ya está vinculada como 5215599' -- \
    $sim EMBUDO_SIM_AUTOSCAN=1 $e --as promcli wa link
expect 0 '^envío en servidor$' -- psql_as promcli "SELECT 'envío en servidor' FROM api.wa_configurar(
    envio_servidor => true, en_uso_desde => crm.fecha_negocio(now()) - 30)"

# A campaign from the command line, sent by the worker (a server session) at the test pace.
id=$($e --as promcli campana crear --etapa Nuevo --texto 'Hola {nombre}, le escribe {promotor}.' |
    sed -nE 's/^campaña ([0-9]+) creada: 3 mensajes programados.*/\1/p')
expect 0 "campaña $id: ENVIANDO" -- $e --as promcli campana lanzar "${id:-0}"
expect 0 'envío cuenta [0-9]+: 3 enviados, 0 fallidos, 0 en duda' -- \
    $sim EMBUDO_RITMO=rapido $e worker --once
expect 0 '^3$' -- psql_as promcli "SELECT count(enviado_at) FROM crm.wa_mensajes
                                   WHERE campana_id = ${id:-0}"
expect 0 'TERMINADA' -- $e --as promcli campana estado "${id:-0}"
terminada=$id

# Three sends in a row refused by the server pause the campaign by itself (sql/102): estado
# says why, in text and in JSON; resumed, the reason is gone.
# (In stage Interesado, so the campaigns of Nuevo below do not meet them.)
expect 0 'captados 4' -- captar 4 9990004701
expect 0 '^4$' -- psql_as promcli "SELECT count(*) FROM crm.oportunidades o
    JOIN crm.prospectos p ON p.id = o.prospecto_id, api.mover(o.id, 'Interesado') m
    WHERE p.telefono LIKE '+52999000470_'"
id=$($e --as promcli campana crear --etapa Interesado --texto 'Hola otra vez, {nombre}.' |
    sed -nE 's/^campaña ([0-9]+) creada: 4 mensajes programados.*/\1/p')
expect 0 "campaña $id: ENVIANDO" -- $e --as promcli campana lanzar "${id:-0}"
# The claim as the sender makes it (no sender is connected now: the worker has exited), then the
# server's refusal as the sender records it.
for i in 1 2 3; do
    m=$(psql_as postgres "UPDATE crm.wa_mensajes SET estado = 'ENVIANDO', reclamado_at = now()
        WHERE id = (SELECT min(id) FROM crm.wa_mensajes WHERE campana_id = ${id:-0}
                    AND estado = 'PENDIENTE') RETURNING id")
    expect 0 '^t$' -- psql_as promcli "SELECT api.mensaje_fallido(${m:-0}, '479')"
done
expect 0 '^  Se pausó sola: los últimos 3 envíos de la cuenta fallaron \(el último, error 479\)' -- \
    $e --as promcli campana estado "${id:-0}"
expect 0 '"estado":"PAUSADA".*"pausa_motivo":"Se pausó sola: ' -- \
    $e --as promcli --json campana estado "${id:-0}"
# `campana lista`: newest first, each with its counts; the one that stopped by itself says so,
# and a closing line says what that means. Filters by state and promoter; RLS decides whose.
expect 0 "^ID +PROMOTOR +ESTADO +ENVIADOS +ENTREGADOS +LEÍDOS +FALLIDOS +PENDIENTES +NOMBRE" -- \
    $e --as promcli campana lista
expect 0 "^$id +promcli +PAUSADA \(sola\) +0 +0 +0 +3 +1  Interesado [0-9/]+$" -- \
    $e --as promcli campana lista
expect 0 "^$terminada +promcli +TERMINADA +3 +" -- $e --as promcli campana lista
expect 0 "^PAUSADA \(sola\): 1 la pausó la base de datos, no una persona; «embudo campana estado ID» dice por qué$" -- \
    $e --as promcli campana lista
expect 0 "^$id +promcli +PAUSADA" -- $e --as supcli campana lista --estado pausada --promotor promcli
check "lista --estado Pausada deja fuera la terminada" 0 \
    "$($e --as supcli campana lista --estado Pausada | grep -c "^$terminada ")"
expect 0 "^\[\{\"campana\":$id,.*\"fallidos\":3,.*\"pausa_motivo\":\"Se pausó sola: " -- \
    $e --as promcli --json campana lista --estado PAUSADA
expect 0 '^no hay campañas con esos filtros$' -- $e --as promcli campana lista --estado borrador
expect 0 '^no hay campañas con esos filtros$' -- $e --as supcli campana lista --promotor nadie
expect 2 '«--estado» es borrador, lista, enviando, pausada, terminada o cancelada \(se dio «pausa»\)' -- \
    $e --as promcli campana lista --estado pausa
expect 2 'argumento de más' -- $e --as promcli campana lista 3
expect 0 "campaña $id: ENVIANDO" -- $e --as promcli campana reanudar "${id:-0}"
expect 0 '"pausa_motivo":null' -- $e --as promcli --json campana estado "${id:-0}"
expect 0 "campaña $id: CANCELADA" -- $e --as promcli campana cancelar "${id:-0}"

# A titular's data cancelled with no block period (sql/080): the worker's round suppresses it,
# and the campaign's message keeps its state without her name or number.
op=$(psql_as promcli "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                      ON p.id = o.prospecto_id WHERE p.telefono = '+529990004002'")
expect 0 'Datos del prospecto [0-9]+ bloqueados \(folio CLI-ARCO-1\)' -- \
    $e arco cancelar --oportunidad "${op:-0}" --folio CLI-ARCO-1 --plazo 0
expect 0 'arco: folio CLI-ARCO-1: datos del prospecto [0-9]+ suprimidos \([0-9]+ filas\)' -- \
    $sim EMBUDO_RITMO=rapido $e worker --once
expect 0 '^ENVIADO\|t\|0$' -- psql_as postgres "SELECT m.estado, m.texto IS NULL,
        (SELECT count(*) FROM crm.prospectos WHERE nombre ~ '9990004002')
        FROM crm.wa_mensajes m WHERE m.oportunidad_id = ${op:-0}"

# The account unlinked with a launched campaign waiting: the worker says why nothing leaves.
expect 0 'captados 2' -- captar 2 9990004101
id=$($e --as promcli campana crear --etapa Nuevo --texto 'Buen día {nombre}.' |
    sed -nE 's/^campaña ([0-9]+) creada: 2 mensajes programados.*/\1/p')
expect 0 "campaña $id: ENVIANDO" -- $e --as promcli campana lanzar "${id:-0}"
expect 0 'desvinculada' -- $e --as promcli wa unlink
expect 1 'la cuenta de WhatsApp de promcli no está vinculada \(SIN_VINCULAR\): vincúlela' -- \
    $sim EMBUDO_RITMO=rapido $e worker --once
expect 1 'la cuenta de WhatsApp de promcli no está vinculada \(SIN_VINCULAR\): vincúlela' -- \
    $sim EMBUDO_RITMO=rapido $e --as promcli worker --once
expect 0 '^2$' -- psql_as promcli "SELECT count(*) FROM crm.wa_mensajes
                                   WHERE campana_id = ${id:-0} AND estado = 'PENDIENTE'"

# ---- who the worker is (sql/084), and --sin-envio ------------------------------------------
# promcli links again (its 2 messages above wait); promcli2, another promoter with server-side
# sending on, launches a campaign of 2 of its own.
expect 0 'vinculado: ' -- $sim EMBUDO_SIM_AUTOSCAN=1 $e --as promcli wa link --raw
expect 0 '' -- psql_as postgres \
    "SELECT api.crear_usuario('promcli2', 'Promotor Dos CLI', 'PROMOTOR', 'supcli')"
expect 0 'captados 2' -- captar 2 9990004201 promcli2
expect 0 'vinculado: ' -- $sim EMBUDO_SIM_AUTOSCAN=1 $e --as promcli2 wa link --raw
expect 0 '^envío en servidor$' -- psql_as promcli2 "SELECT 'envío en servidor' FROM
    api.wa_configurar(envio_servidor => true, en_uso_desde => crm.fecha_negocio(now()) - 30)"
id2=$($e --as promcli2 campana crear --etapa Nuevo --texto 'Hola {nombre}.' |
    sed -nE 's/^campaña ([0-9]+) creada: 2 mensajes programados.*/\1/p')
expect 0 "campaña $id2: ENVIANDO" -- $e --as promcli2 campana lanzar "${id2:-0}"
u1=$(psql_as postgres "SELECT id FROM crm.usuarios WHERE login = 'promcli'")
u2=$(psql_as postgres "SELECT id FROM crm.usuarios WHERE login = 'promcli2'")
pendientes() { # the PENDIENTE messages of promcli's and promcli2's waiting campaigns
    psql_as postgres "SELECT count(*) FILTER (WHERE usuario_id = ${u1:-0}) || ' ' ||
                             count(*) FILTER (WHERE usuario_id = ${u2:-0})
                        FROM crm.wa_mensajes WHERE estado = 'PENDIENTE'
                         AND campana_id IN (${id:-0}, ${id2:-0})"
}
expect 0 '^2 2$' -- pendientes

# --sin-envio: the sweep, no account listed, no sender, nothing sent.
$sim EMBUDO_RITMO=rapido $e worker --once --sin-envio > "$tmp/sin-envio.out" 2>&1
expect 0 '^0$' -- echo $?
expect 0 '^barrido: [0-9]+ devueltas? al pool' -- cat "$tmp/sin-envio.out"
expect 0 'desactivado en este worker \(--sin-envio\)' -- cat "$tmp/sin-envio.out"
expect 1 '^0$' -- grep -c 'envío cuenta' "$tmp/sin-envio.out"
expect 0 '^2 2$' -- pendientes

# A supervisor's worker: no account of its own to send for, no EB363, exit 0.
$sim EMBUDO_RITMO=rapido $e --as supcli worker --once > "$tmp/sup.out" 2>&1
expect 0 '^0$' -- echo $?
expect 1 '^0$' -- grep -cE 'envío|EB363' "$tmp/sup.out"
expect 0 '^2 2$' -- pendientes

# An auditor's worker: its role only reads (sql/071), so the sweep, the suppressions and any
# send would be refused every minute. It says so once, before anything runs, with the account
# to use, and ends by itself with 1 — the long-running one too (timeout's 124 would mean it
# kept going). So does its `embudo sweep`.
expect 0 '' -- psql_as postgres "SELECT api.crear_usuario('audcli', 'Auditora CLI', 'AUDITOR')"
runs() { psql_as postgres "SELECT count(*) FROM crm.sweep_runs"; }
antes=$(runs)
$sim EMBUDO_RITMO=rapido timeout 30 $e --as audcli worker > "$tmp/aud.out" 2>&1
expect 0 '^1$' -- echo $?
expect 0 '^embudo: un auditor no puede correr el worker: su rol solo consulta, .*; use la cuenta svc_embudo o un administrador$' -- \
    cat "$tmp/aud.out"
expect 0 '^1$' -- grep -c . "$tmp/aud.out"
expect 1 'un auditor no puede correr el worker' -- \
    $sim EMBUDO_RITMO=rapido timeout 30 $e --as audcli worker --once --sin-envio
expect 1 '^embudo: un auditor no puede correr el barrido: .*; use la cuenta svc_embudo o un administrador$' -- \
    timeout 30 $e --as audcli sweep
check 'el auditor no deja corridas de barrido' "$antes" "$(runs)"
expect 0 '^2 2$' -- pendientes

# promcli's own worker: its 2 go out, promcli2's account is not touched; it sweeps and says
# once that suppressions are an admin's.
$sim EMBUDO_RITMO=rapido $e --as promcli worker --once > "$tmp/prom.out" 2>&1
expect 0 '^0$' -- echo $?
expect 0 "^envío cuenta ${u1:-0}: 2 enviados, 0 fallidos, 0 en duda\$" -- cat "$tmp/prom.out"
expect 1 '^0$' -- grep -c "envío cuenta ${u2:-0}" "$tmp/prom.out"
expect 0 '^barrido: [0-9]+ devueltas? al pool' -- cat "$tmp/prom.out"
expect 1 '^0$' -- grep -c 'barrido fallido' "$tmp/prom.out"
expect 0 '^1$' -- grep -c 'arco: esta sesión no es de un administrador' "$tmp/prom.out"
expect 0 '^0 2$' -- pendientes
expect 0 '^CONECTADA$' -- psql_as postgres "SELECT estado FROM crm.wa_cuentas
                                            WHERE usuario_id = ${u2:-0}"

# The server session still sends for every envio_servidor account: promcli2's now.
expect 0 "envío cuenta ${u2:-0}: 2 enviados, 0 fallidos, 0 en duda" -- \
    $sim EMBUDO_RITMO=rapido $e worker --once
expect 0 '^0 0$' -- pendientes

cli_summary "cli campana"
