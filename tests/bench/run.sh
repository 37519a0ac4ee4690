#!/bin/sh
# tests/bench/run.sh BUILD_DIR [NAME…] — runs every BUILD_DIR/tests/bench/* program (`make
# bench`), or only the ones named (e.g. `sh tests/bench/run.sh build/release asignacion`).
#
# With EMBUDO_TEST_HOME and EMBUDO_TEST_TEMPLATE already set (a cluster someone else started,
# e.g. tests/db/run.sh's), the programs use it. Otherwise a throwaway embedded cluster is
# created like tests/db/run.sh does (embudo --home TMP db init/migrate, a migrated template
# database), with durability left ON (the figures are meant to be what a real server does)
# and room for 64 concurrent requesters; it is always stopped and removed. Benchmarks print
# figures and never assert on time: the exit status is non-zero only when one crashed or
# could not set itself up.
set -u

B=${1:?uso: sh tests/bench/run.sh BUILD_DIR [NOMBRE…]}
shift
EMBUDO=$B/embudo
if [ ! -x "$EMBUDO" ]; then
    echo "tests/bench: falta $EMBUDO (make MODE=release tests)" >&2
    exit 1
fi
EMBUDO=$(cd "$(dirname "$EMBUDO")" && pwd)/$(basename "$EMBUDO")

if [ -z "${EMBUDO_TEST_HOME:-}" ] || [ -z "${EMBUDO_TEST_TEMPLATE:-}" ]; then
    unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL EMBUDO_HOME
    tmp=$(mktemp -d /tmp/embudo-bench.XXXXXX) || exit 1
    export XDG_CONFIG_HOME="$tmp/cfg"
    cleanup() {
        "$EMBUDO" --home "$tmp" db stop >/dev/null ||
            echo "tests/bench: no se pudo detener el clúster de $tmp" >&2
        rm -rf "$tmp"
    }
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    eb() { "$EMBUDO" --home "$tmp" "$@"; }
    fail_setup() {
        echo "tests/bench: $1" >&2
        [ -f "$tmp/pg.log" ] && tail -n 20 "$tmp/pg.log" >&2
        exit 1
    }
    eb db init >/dev/null || fail_setup "db init falló"
    eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 \
        -c "ALTER SYSTEM SET max_connections = 200" \
        -c "ALTER SYSTEM SET shared_buffers = '256MB'" >/dev/null ||
        fail_setup "no se pudo configurar el clúster"
    eb db stop >/dev/null && eb db start >/dev/null || fail_setup "db start falló"
    eb db migrate >/dev/null || fail_setup "db migrate falló"
    eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c '\connect postgres' \
        -c "CREATE DATABASE embudo_bench_template TEMPLATE embudo STRATEGY FILE_COPY" \
        >/dev/null || fail_setup "no se pudo crear la base plantilla"
    export EMBUDO_TEST_HOME="$tmp" EMBUDO_TEST_TEMPLATE=embudo_bench_template
fi
export EMBUDO_BIN="$EMBUDO"

status=0
n=0
for b in "$B"/tests/bench/*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    if [ $# -gt 0 ]; then
        want=no
        for name in "$@"; do [ "$name" = "$(basename "$b")" ] && want=yes; done
        [ "$want" = yes ] || continue
    fi
    n=$((n + 1))
    echo "== $(basename "$b")"
    "$b" || { status=1; echo "== $(basename "$b") FALLÓ"; }
done
[ "$n" -eq 0 ] && { echo "tests/bench: no hay programas en $B/tests/bench" >&2; exit 1; }
exit $status
