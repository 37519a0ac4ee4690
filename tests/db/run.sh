#!/bin/sh
# tests/db/run.sh BUILD_DIR — runs every BUILD_DIR/tests/db/test_* against a throwaway
# PostgreSQL cluster (called by `make check-db` as `sh tests/db/run.sh build/asan`).
#
# The cluster is embudo's own embedded one (`embudo --home TMP db init/start/migrate`), in a
# short temp dir under /tmp, with durability off for speed. A template database with every
# migration applied (embudo_template) is what tests/db/dbt.c copies for each test. The
# cluster is always stopped and the temp dir always removed (trap), and the exit status is
# non-zero when any test binary failed. Works as root (the server then runs as the postgres
# account) and as a normal user.
set -u

B=${1:?uso: sh tests/db/run.sh BUILD_DIR}
EMBUDO=$B/embudo
TEMPLATE=embudo_template
PER_TEST_TIMEOUT=${EMBUDO_DB_TEST_TIMEOUT:-900}

if [ ! -x "$EMBUDO" ]; then
    echo "tests/db: falta $EMBUDO (make MODE=... tests)" >&2
    exit 1
fi
EMBUDO=$(cd "$(dirname "$EMBUDO")" && pwd)/$(basename "$EMBUDO")

# Our cluster only: no stray server settings from the caller's environment or config.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL EMBUDO_HOME

tmp=$(mktemp -d /tmp/embudo-db.XXXXXX) || exit 1
export XDG_CONFIG_HOME="$tmp/cfg"
cleanup() {
    "$EMBUDO" --home "$tmp" db stop >/dev/null ||
        echo "tests/db: no se pudo detener el clúster de $tmp" >&2
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

eb() { "$EMBUDO" --home "$tmp" "$@"; }

fail_setup() {
    echo "tests/db: $1" >&2
    [ -f "$tmp/pg.log" ] && tail -n 20 "$tmp/pg.log" >&2
    exit 1
}

eb db init >/dev/null || fail_setup "db init falló"
# Throwaway data: no fsync; room for the race tests' many connections.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 \
    -c "ALTER SYSTEM SET fsync = off" \
    -c "ALTER SYSTEM SET synchronous_commit = off" \
    -c "ALTER SYSTEM SET full_page_writes = off" \
    -c "ALTER SYSTEM SET max_connections = 200" >/dev/null ||
    fail_setup "no se pudo configurar el clúster de pruebas"
eb db stop >/dev/null && eb db start >/dev/null || fail_setup "db start falló"
eb db migrate >/dev/null || fail_setup "db migrate falló"
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c '\connect postgres' \
    -c "CREATE DATABASE $TEMPLATE TEMPLATE embudo STRATEGY FILE_COPY" >/dev/null ||
    fail_setup "no se pudo crear la base plantilla"

export EMBUDO_TEST_HOME="$tmp" EMBUDO_TEST_TEMPLATE="$TEMPLATE" EMBUDO_BIN="$EMBUDO"

total=0
failed=0
failed_names=
for t in "$B"/tests/db/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    total=$((total + 1))
    echo "== $name"
    if command -v timeout >/dev/null 2>&1; then
        timeout "$PER_TEST_TIMEOUT" "$t"
    else
        "$t"
    fi
    rc=$?
    if [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        failed_names="$failed_names $name"
        echo "== $name FALLÓ (código $rc)"
    fi
done

if [ "$total" -eq 0 ]; then
    echo "tests/db: no hay binarios de prueba en $B/tests/db" >&2
    exit 1
fi
if [ "$failed" -ne 0 ]; then
    echo "tests/db: $failed de $total binarios fallaron:$failed_names"
    exit 1
fi
echo "tests/db: los $total binarios pasaron"
exit 0
