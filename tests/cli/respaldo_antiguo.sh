#!/bin/sh
# `embudo db restaurar` of a backup taken from an OLDER embudo (docs/respaldo.md §3, step 7):
# the restore must apply the migrations newer than the backup over real data.
#
# There is no older binary to run, so the older database is built the way `db migrate` built
# it at the time: in a private cluster V, the files of sql/ up to $antigua (079) are applied
# with psql as the cluster's superuser, each in its own transaction together with its row in
# crm.schema_migrations (name, sha256 of the text), exactly as src/db/migrate.c does
# (migrate_locked, file_apply). The restore later verifies those checksums against the
# binary's own copies, so a mismatch in this reproduction fails loudly. V is then filled
# through the api as it was at that level (users, a promoter's lote with an attempt, a move,
# a note, an exit to the inbox, a sale, a pending prórroga, a captured lead, another
# promoter's lote, a user in BAJA; the demo loader cannot be used: it migrates first) and
# backed up. A second fresh cluster N restores it with the current binary and must end with:
# the newer migrations applied after the backup's rows (kept as they were), the same counts,
# a clean doctor, the users' roles and logins, a new assignment, the prórroga decided; and,
# for what 080–083 added, over the old rows: the lead captured before 080 keeps its data and
# no notice (080 records one only from then on), a lead captured after a notice is published
# records it, the ARCO cancellation and suppression of the old lead erase what its pre-080
# history said about it while the history stays append-only, the aging report (081) counts
# the old open opportunities, api.usuario_login (082) names the admin who acted on a
# promoter's old opportunity, api.arco_acceso (083) shows an old sale and its history, and the
# sweep runs over the restored timers.
# Usage: respaldo_antiguo.sh BUILD_DIR (from anywhere: sql/ is found beside tests/). Ends with
# "N passed, N failed"; exits 1 when anything failed.
set -u
cli_name=respaldo_antiguo
. "$(dirname "$0")/lib.sh"

e=$bin
sqldir=$(cd "$(dirname "$0")/../../sql" && pwd)
antigua=079 # the older embudo's newest migration
abort() { # abort DESCRIPTION: a setup step failed; nothing after it would mean anything
    fail=$((fail + 1))
    echo "FALLÓ: $1"
    cli_summary "cli respaldo_antiguo"
    exit 1
}

# The migrations of the older embudo and the ones it did not have yet.
viejas= nuevas=
for f in "$sqldir"/[0-9][0-9][0-9]_*.sql; do
    n=$(basename "$f")
    if [ "${n%%_*}" -le "$antigua" ]; then viejas="$viejas $n"; else nuevas="$nuevas $n"; fi
done
nv=$(echo $viejas | wc -w) nn=$(echo $nuevas | wc -w)
ultima_vieja=$(echo $viejas | tr ' ' '\n' | tail -n 1)
check "la última migración antigua" "${antigua}_prorrogas.sql" "$ultima_vieja"
[ "$nn" -gt 0 ] || abort "no hay migraciones posteriores a $antigua en $sqldir: nada que probar"

# ---- two private clusters -----------------------------------------------------------------
# As root the server runs as another account, which must reach the homes.
chmod 711 "$tmp"
V=$tmp/v N=$tmp/n
trap '$e --home "$V" db stop >/dev/null 2>&1; $e --home "$N" db stop >/dev/null 2>&1
      rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ev="$e --home $V" en="$e --home $N"
export PGCLIENTENCODING=UTF8 # the files and the data are UTF-8, as migrate's connection says
sql_en() { # sql_en HOME LOGIN SQL: the rows, unaligned, as LOGIN (RLS applies)
    $e --home "$1" --as "$2" db psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$3"
}
sql_v() { sql_en "$V" "$@"; }
sql_n() { sql_en "$N" "$@"; }
nth() { echo "$1" | cut -d' ' -f"$2"; }

# ---- V: the database of the older embudo --------------------------------------------------
expect 0 'PostgreSQL arrancado' -- $ev db start
# migrate_locked's bookkeeping table, then file_apply for each file: BEGIN, the whole file as
# one simple query (psql -c sends it untouched, like PQexec), RESET ROLE, its row, COMMIT.
sql_v postgres "CREATE SCHEMA IF NOT EXISTS crm;
    CREATE TABLE IF NOT EXISTS crm.schema_migrations (nombre text PRIMARY KEY,
        checksum text NOT NULL, aplicada_at timestamptz NOT NULL DEFAULT now())" >/dev/null 2>&1 ||
    abort "no se pudo crear crm.schema_migrations en V"
for n in $viejas; do
    sum=$(sha256sum <"$sqldir/$n" | cut -d' ' -f1)
    $ev --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c BEGIN -c "$(cat "$sqldir/$n")" \
        -c 'RESET ROLE' \
        -c "INSERT INTO crm.schema_migrations (nombre, checksum) VALUES ('$n', '$sum')" \
        -c COMMIT >"$tmp/migracion.log" 2>&1 || { cat "$tmp/migracion.log"; abort "$n en V"; }
done
expect 0 "migraciones: +$nv aplicadas, $nn pendientes?" -- $ev db status

# The padron (as a loader would write it: the pool follows by trigger) and the users.
sql_v postgres "
    INSERT INTO padron.convenios (clave, nombre, tipo)
    VALUES ('IMSS', 'IMSS jubilados', 'FEDERAL'), ('SEP', 'SEP federal', 'FEDERAL');
    INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad, municipio)
    SELECT 'Cliente' || g, 'Antiguo',
           (SELECT id FROM padron.convenios
             WHERE clave = CASE g % 3 WHEN 0 THEN 'SEP' ELSE 'IMSS' END),
           1 + g % 5, 30 + g % 40, 'Toluca'
      FROM generate_series(1, 60) g;
    INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)
    SELECT id, 'CELULAR', '+52551000' || lpad(id::text, 4, '0') FROM padron.clientes;
    SELECT api.crear_usuario('admin', 'Ana Ruiz', 'ADMIN');
    SELECT api.crear_usuario('sup1', 'Sergio Peña', 'SUPERVISOR');
    SELECT api.crear_usuario('prom1', 'Paola Díaz', 'PROMOTOR', 'sup1');
    SELECT api.crear_usuario('prom2', 'Pedro Luna', 'PROMOTOR', 'sup1');
    SELECT api.crear_usuario('prom3', 'Pía Núñez', 'PROMOTOR', 'sup1');
    SELECT api.crear_usuario('aud', 'Alma Soto', 'AUDITOR')" >"$tmp/carga.log" 2>&1 ||
    { cat "$tmp/carga.log"; abort "padrón y usuarios en V"; }

# A morning's work through the api of that level.
check 'lote de prom1' 'se asignaron 10 clientes' "$(sql_v prom1 "SELECT mensaje
    FROM api.solicitar_asignacion(10, 'IMSS', NULL, NULL, NULL, 'antiguo-1')")"
ops=$(sql_v postgres "SELECT string_agg(id::text, ' ' ORDER BY id) FROM crm.oportunidades")
o1=$(nth "$ops" 1) o2=$(nth "$ops" 2) o3=$(nth "$ops" 3) o4=$(nth "$ops" 4) o5=$(nth "$ops" 5)
sql_v prom1 "SELECT api.registrar_intento($o1, 'NO_CONTESTA', 'no contestó')" >/dev/null &&
    sql_v prom1 "SELECT api.mover($o2, 'Contactado', NULL)" >/dev/null &&
    sql_v prom1 "SELECT api.nota($o2, 'llamar el lunes')" >/dev/null &&
    sql_v prom1 "SELECT api.mover($o3, 'No interesado', 'ya tiene crédito')" >/dev/null &&
    sql_v prom1 "SELECT api.registrar_venta($o4, 25000, 'Nómina', 'F-ANT-1')" >/dev/null &&
    sql_v prom1 "SELECT api.prorroga_pedir($o5, crm.fecha_negocio(now()) + 3, 'de vacaciones')" \
        >/dev/null || abort "trabajo de prom1 en V"
# The captured lead: its opportunity moved with a reason and a note that name the person.
cap=$(sql_v prom1 "SELECT oportunidad_id || ' ' || prospecto_id
    FROM api.captar('Rosa Captada', '5522223333', 'IMSS', NULL, '{}')")
po=$(nth "$cap" 1) pid=$(nth "$cap" 2)
sql_v prom1 "SELECT api.mover($po, 'Contactado', 'Rosa pidió informes')" >/dev/null &&
    sql_v prom1 "SELECT api.nota($po, 'Rosa: llamar en la tarde al 5522223333')" >/dev/null ||
    abort "captación en V"
check 'lote de prom2' 'se asignaron 5 clientes' "$(sql_v prom2 "SELECT mensaje
    FROM api.solicitar_asignacion(5, NULL, NULL, NULL, NULL, 'antiguo-2')")"
sql_v admin "SELECT api.cambiar_estado_usuario('prom3', 'BAJA', 'se fue')" >/dev/null ||
    abort "prom3 a BAJA en V"
expect 0 'sin violaciones' -- $ev doctor

counts() { # clients, opportunities by state, history, users, lotes, prospects, sales, prórrogas
    sql_en "$1" postgres "SELECT concat_ws(' ', (SELECT count(*) FROM padron.clientes),
        (SELECT string_agg(estado || '=' || n, ',' ORDER BY estado) FROM
            (SELECT estado, count(*) AS n FROM crm.oportunidades GROUP BY estado) s),
        (SELECT count(*) FROM crm.historial), (SELECT count(*) FROM crm.usuarios),
        (SELECT count(*) FROM crm.lotes), (SELECT count(*) FROM crm.prospectos),
        (SELECT count(*) FROM crm.ventas), (SELECT count(*) FROM crm.prorrogas))"
}
applied() { # the backup's rows of crm.schema_migrations: name, checksum, when
    sql_en "$1" postgres "SELECT string_agg(nombre || ' ' || checksum || ' ' ||
        extract(epoch FROM aplicada_at), ',' ORDER BY nombre) FROM crm.schema_migrations
        WHERE nombre <= '$ultima_vieja'"
}
before=$(counts "$V")
check 'datos de V' '60 ABIERTA=14,EN_BANDEJA=1,GANADA=1 24 6 3 1 1 1' "$before"
rows_v=$(applied "$V")
maxop=$(sql_v postgres "SELECT max(id) FROM crm.oportunidades")
hist_po=$(sql_v postgres "SELECT count(*) FROM crm.historial WHERE oportunidad_id = $po")

expect 0 "migraciones: +$nv \(la última, $ultima_vieja\)" -- $ev db respaldar "$tmp/antiguo.dump"
expect 0 'PostgreSQL detenido' -- $ev db stop

# ---- N: the current embudo restores it ------------------------------------------------------
out=$($en db restaurar "$tmp/antiguo.dump" 2>&1) || { printf '%s\n' "$out"; abort 'db restaurar'; }
[ "$nn" -eq 1 ] && aplicadas=aplicada || aplicadas=aplicadas
check 'restaurar: migraciones' "migraciones:   $nv del respaldo, $nn $aplicadas ahora" \
    "$(printf '%s\n' "$out" | grep '^migraciones:')"
check 'restaurar: usuarios' 'usuarios:      6 (sus roles de PostgreSQL, recreados)' \
    "$(printf '%s\n' "$out" | grep '^usuarios:')"
check 'migraciones de la base' "$(echo $viejas $nuevas)" \
    "$(sql_n postgres "SELECT string_agg(nombre, ' ' ORDER BY nombre) FROM crm.schema_migrations")"
check 'filas del respaldo en schema_migrations' "$rows_v" "$(applied "$N")"
check 'las nuevas, aplicadas después' 0 "$(sql_n postgres "SELECT count(*)
    FROM crm.schema_migrations WHERE nombre > '$ultima_vieja'
     AND aplicada_at <= (SELECT max(aplicada_at) FROM crm.schema_migrations
                          WHERE nombre <= '$ultima_vieja')")"
expect 0 "nada que aplicar \($((nv + nn)) migraciones ya aplicadas\)" -- $en db migrate
check 'conteos restaurados' "$before" "$(counts "$N")"
check 'bases del clúster' 'embudo postgres template0 template1' \
    "$(sql_n postgres "SELECT string_agg(datname, ' ' ORDER BY datname) FROM pg_database")"
expect 0 'sin violaciones' -- $en doctor

# The users: their roles recreated (BAJA without LOGIN) and each one working.
check 'roles de los usuarios' '6 5' "$(sql_n postgres "SELECT count(*) || ' ' ||
    count(*) FILTER (WHERE r.rolcanlogin) FROM crm.usuarios u JOIN pg_roles r ON r.rolname =
    u.login AND pg_has_role(u.login, crm.rol_grupo(u.rol), 'MEMBER')")"
expect 0 "\"oportunidad\":$o2,[^}]*\"etapa\":\"Contactado\"" -- $en --as prom1 oportunidades --json
expect 1 'prom3' -- $en --as prom3 oportunidades
expect 0 "^$o3 .*prom1 .*ya tiene crédito" -- $en --as sup1 bandeja
prorroga=$(sql_n postgres "SELECT id FROM crm.prorrogas
    WHERE oportunidad_id = $o5 AND estado = 'PENDIENTE'")
expect 0 "prórroga $prorroga aprobada" -- $en --as sup1 prorroga aprobar "$prorroga"
# 081: the aging report counts the old open opportunities (all in timed stages).
check 'envejecimiento de prom1 (081)' \
    "$(sql_n postgres "SELECT count(*) FROM crm.oportunidades o JOIN crm.usuarios u
        ON u.id = o.usuario_id WHERE u.login = 'prom1' AND o.estado = 'ABIERTA'")" \
    "$(sql_n sup1 "SELECT sum(abiertas) FROM api.informe_envejecimiento('prom1')")"
# A new assignment: the sequences came back with the backup.
expect 0 'se asignaron 3 clientes' -- $en --as prom2 asignar --cantidad 3
check 'oportunidades nuevas' 3 \
    "$(sql_n postgres "SELECT count(*) FROM crm.oportunidades WHERE id > $maxop")"

# 080 over the old rows: the lead captured before it keeps its data and no notice; ajustes
# got its default; the history is still append-only.
check 'prospecto anterior a 080' "Rosa Captada|+525522223333||" \
    "$(sql_n postgres "SELECT nombre, telefono, aviso_id, suprimido_at
        FROM crm.prospectos WHERE id = $pid")"
check 'plazo de bloqueo ARCO' 90 "$(sql_n postgres "SELECT arco_bloqueo_dias FROM crm.ajustes")"
expect 1 'el historial es de solo agregar' -- \
    sql_n postgres "UPDATE crm.historial SET motivo = 'x' WHERE oportunidad_id = $o2"
# A notice published now is recorded by the next captación, and only by it.
expect 0 'aviso de privacidad AP-2026-01 publicado' -- \
    $en --as admin aviso agregar AP-2026-01 --ubicacion https://financiera.example/aviso
expect 0 '^oportunidad [0-9]+ captada \(lote [0-9]+\): prospecto nuevo [0-9]+$' -- \
    $en --as prom1 captar --nombre 'Luis Nuevo' --telefono 5533334444 --convenio IMSS
check 'aviso de cada prospecto' "Rosa Captada:-,Luis Nuevo:AP-2026-01" \
    "$(sql_n postgres "SELECT string_agg(p.nombre || ':' || coalesce(a.version, '-'), ','
        ORDER BY p.id) FROM crm.prospectos p
        LEFT JOIN crm.avisos_privacidad a ON a.id = p.aviso_id")"
expect 0 'AP-2026-01 +[0-9-]+ vigente +1 ' -- $en --as aud aviso lista

# The old lead's cancellation and suppression: its open opportunity closed, its phone in the
# registry, and what its pre-080 history said about it erased, one row more and none less.
expect 0 '1 oportunidad activa cerrada; 1 teléfono' -- \
    $en --as admin arco cancelar --prospecto "$pid" --folio ARCO-ANT-1 --plazo 0
expect 0 "folio ARCO-ANT-1: datos del prospecto $pid suprimidos" -- \
    $en --as admin arco suprimir ARCO-ANT-1
check 'prospecto suprimido' '[suprimido]||t' \
    "$(sql_n postgres "SELECT nombre, telefono, suprimido_at IS NOT NULL
        FROM crm.prospectos WHERE id = $pid")"
check 'historial del prospecto suprimido' "$((hist_po + 1)) 3 0" \
    "$(sql_n postgres "SELECT count(*) || ' ' || count(*) FILTER (WHERE motivo = '[suprimido]')
        || ' ' || count(*) FILTER (WHERE concat(motivo, datos::text) ~ 'Rosa|informes|2222')
        FROM crm.historial WHERE oportunidad_id = $po")"
check 'teléfono del lote de captación' 0 "$(sql_n postgres "SELECT count(*) FROM crm.lotes
    WHERE origen = 'CAPTACION' AND filtros::text LIKE '%5522223333%'")"
check 'teléfono en no contactar' 'SOLICITUD' \
    "$(sql_n postgres "SELECT string_agg(fuente, ',') FROM crm.no_contactar
        WHERE telefono = '+525522223333'")"
# 082: the promoter reads who closed the old opportunity, though the admin's row is hidden.
check 'quién cerró la oportunidad (082)' 'admin|' \
    "$(sql_n prom1 "SELECT api.usuario_login(h.usuario_id), (SELECT login FROM crm.usuarios u
        WHERE u.id = h.usuario_id) FROM crm.historial h
        WHERE h.oportunidad_id = $po AND h.evento = 'DESCARTADA'")"
# 083: the right of access over the old sale and its history.
check 'acceso ARCO a la venta antigua (083)' 'F-ANT-1|25000.00|ASIGNADA,VENTA|prom1' \
    "$(sql_n admin "WITH d AS (SELECT api.arco_acceso(oportunidad => $o4) AS doc)
        SELECT doc->'oportunidades'->0->'venta'->>'folio',
               doc->'oportunidades'->0->'venta'->>'monto',
               (SELECT string_agg(h->>'evento', ',') FROM jsonb_array_elements(doc->'historial') h),
               doc->'historial'->1->>'quien' FROM d")"
# The sweep runs over the restored timers (none is due yet), and doctor stays clean.
expect 0 'barrido: 0 devueltas al pool' -- $en sweep --once
expect 0 'sin violaciones' -- $en doctor
expect 0 'barrido: último éxito hace' -- $en doctor

cli_summary "cli respaldo_antiguo"
