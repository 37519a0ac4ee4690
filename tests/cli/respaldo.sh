#!/bin/sh
# `embudo db respaldar` and `embudo db restaurar` (docs/respaldo.md). First the usage errors
# (exit 2) and the external-server refusal, before any cluster exists. Then two private
# embedded clusters: A gets the demo and a promoter's lote, a user in BAJA, and is backed up
# (default name, 0600, no partial file, no overwrite without --forzar, a failed pg_dump leaves
# nothing); B refuses to back up an unmigrated database, keeps its empty database through a
# truncated archive, then restores A's backup: the same counts, prom1's role recreated and
# able to log in, prom8's (BAJA) NOLOGIN, a new assignment (sequences restored), a clean
# doctor; a second restore into the populated B, a file that is not an archive and an archive
# that is not embudo's are refused and change nothing.
# Usage: respaldo.sh BUILD_DIR. Ends with "N passed, N failed"; exits 1 when anything failed.
set -u
cli_name=respaldo
. "$(dirname "$0")/lib.sh"

e=$bin

usage='uso: embudo db .*respaldar \[ARCHIVO\] \[--forzar\] \| restaurar ARCHIVO'
expect 2 '«db restaurar» necesita el ARCHIVO del respaldo' -- $e db restaurar
expect 2 "argumento de más: «b.dump»" -- $e db respaldar a.dump b.dump
expect 2 "argumento de más: «b.dump»" -- $e db restaurar a.dump b.dump
expect 2 'opción desconocida: «--forzr»' -- $e db respaldar --forzr
expect 2 "opción desconocida: «--forzar»" -- $e db restaurar --forzar a.dump
expect 2 "$usage" -- $e db restaurar
expect 0 "$usage" -- $e db --help
expect 1 '«db restaurar» solo aplica al clúster embebido' -- \
    env DATABASE_URL='host=/nonexistent dbname=x' $e db restaurar a.dump
# pg_dump cannot reach the server: exit 1, and neither the file nor a partial one is left.
expect 1 'pg_dump falló' -- env DATABASE_URL='host=/nonexistent dbname=x' $e db respaldar "$tmp/x.dump"
check 'archivos tras un pg_dump fallido' '' "$(ls "$tmp")"

# ---- two private clusters -----------------------------------------------------------------
# As root the server runs as another account, which must reach the homes.
chmod 711 "$tmp"
A=$tmp/a B=$tmp/b
trap '$e --home "$A" db stop >/dev/null 2>&1; $e --home "$B" db stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ea="$e --home $A" eb="$e --home $B"
psql_in() { # psql_in HOME SQL: one value, as the cluster's superuser
    $e --home "$1" --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$2"
}
counts() { # clients, opportunities, history rows, users, lotes
    psql_in "$1" "SELECT concat_ws(' ', (SELECT count(*) FROM padron.clientes),
        (SELECT count(*) FROM crm.oportunidades), (SELECT count(*) FROM crm.historial),
        (SELECT count(*) FROM crm.usuarios), (SELECT count(*) FROM crm.lotes))"
}

expect 0 '' -- $ea db start
expect 0 'datos demo cargados' -- $ea demo --clientes 2000 --actividad
expect 0 'se asignaron 5 clientes' -- $ea --as prom1 asignar --cantidad 5
expect 0 'prom8: VACACIONES → BAJA \([0-9]+ temporizadores corren de nuevo\)' -- $ea --as admin usuario estado prom8 BAJA --motivo 'se fue'
before=$(counts "$A")
migs=$(psql_in "$A" "SELECT count(*) FROM crm.schema_migrations")

# The default name, in the current directory; private to its owner; nothing else left.
mkdir "$tmp/r"
expect 0 "migraciones: +$migs \(la última, [0-9]{3}_" -- sh -c "cd '$tmp/r' && $ea db respaldar"
dump=$(ls "$tmp/r"/embudo-*.dump 2>/dev/null | head -n 1)
check 'nombre predeterminado' "$tmp/r/embudo-AAAAMMDD-HHMM.dump" \
    "$(printf '%s' "$dump" | sed -E 's/[0-9]{8}-[0-9]{4}\.dump$/AAAAMMDD-HHMM.dump/')"
check 'archivos en el directorio del respaldo' "$(basename "$dump")" "$(ls "$tmp/r")"
check 'permisos del respaldo' 600 "$(stat -c %a "$dump")"
# No overwrite without --forzar (the file stays as it was); with it, a new dump replaces it.
sum=$(cksum <"$dump")
expect 1 'ya existe \(--forzar lo reemplaza\)' -- $ea db respaldar "$dump"
check 'respaldo intacto tras negarse' "$sum" "$(cksum <"$dump")"
expect 0 "respaldo: +$dump" -- $ea db respaldar --forzar "$dump"
check 'archivos tras --forzar' "$(basename "$dump")" "$(ls "$tmp/r")"

# B: an empty database cannot be backed up; a truncated archive fails inside pg_restore and
# leaves B's database as it was (empty, no scratch database).
expect 0 '' -- $eb db init
expect 1 'la base no tiene migraciones aplicadas' -- $eb db respaldar "$tmp/vacio.dump"
check 'sin respaldo de una base vacía' '' "$(ls "$tmp" | grep vacio)"
head -c $(($(stat -c %s "$dump") * 9 / 10)) "$dump" >"$tmp/cortado.dump"
expect 1 'pg_restore falló' -- $eb db restaurar "$tmp/cortado.dump"
check 'bases tras un pg_restore fallido' 'embudo postgres template0 template1' \
    "$(psql_in "$B" "SELECT string_agg(datname, ' ' ORDER BY datname) FROM pg_database")"
check 'tablas en la base vacía' 0 "$(psql_in "$B" "SELECT count(*) FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"

# The restore: same rows, the users' roles back (BAJA without LOGIN), sequences, doctor.
expect 0 "migraciones: +$migs del respaldo, 0 aplicadas ahora" -- $eb db restaurar "$dump"
check 'conteos restaurados' "$before" "$(counts "$B")"
check 'roles de los usuarios' '12 11' "$(psql_in "$B" "SELECT count(*) || ' ' ||
    count(*) FILTER (WHERE r.rolcanlogin) FROM crm.usuarios u JOIN pg_roles r ON r.rolname =
    u.login AND pg_has_role(u.login, crm.rol_grupo(u.rol), 'MEMBER')")"
expect 0 'prom1' -- $eb --as prom1 oportunidades
expect 1 'prom8' -- $eb --as prom8 oportunidades
expect 0 'se asignaron 3 clientes' -- $eb --as prom1 asignar --cantidad 3
check 'oportunidades nuevas' $(($(echo "$before" | cut -d' ' -f2) + 3)) \
    "$(psql_in "$B" "SELECT count(*) FROM crm.oportunidades")"
expect 0 'sin violaciones' -- $eb doctor
after=$(counts "$B")

# Refusals that change nothing: a populated database, a non-archive, another database's dump.
expect 1 'la base embudo ya tiene datos: [0-9]+ tablas y [0-9]+ migraciones aplicadas' -- \
    $eb db restaurar "$dump"
printf 'esto no es un respaldo\n' >"$tmp/texto.dump"
expect 1 '«.*texto.dump» no es un respaldo de pg_dump legible' -- $eb db restaurar "$tmp/texto.dump"
pg_dump=$(ls /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | tail -n 1)
"${pg_dump:-pg_dump}" -Fc -f "$tmp/otra.dump" -d "host=$A/run dbname=postgres user=postgres"
expect 1 'no es un respaldo de embudo: no trae crm.schema_migrations' -- \
    $eb db restaurar "$tmp/otra.dump"
check 'conteos tras las negativas' "$after" "$(counts "$B")"
check 'sin bases temporales' 0 \
    "$(psql_in "$B" "SELECT count(*) FROM pg_database WHERE datname LIKE 'embudo_%'")"

cli_summary "cli respaldo"
