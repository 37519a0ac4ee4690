#!/bin/sh
# tests/e2e/run.sh BUILD_DIR — end-to-end scenarios: the real BUILD_DIR/embudo in a
# fixed-size tmux terminal (called by `make check-e2e` as `sh tests/e2e/run.sh build/asan`).
#
# Setup, once: a temp --home, the embedded cluster started and migrated, a small data set
# (`embudo demo --clientes 2000` when that command exists, otherwise a few rows through
# `embudo db psql`) and a lote of 12 for prom1 (`embudo --as prom1 asignar`). Then every tests/e2e/t_*.sh runs in its own process with lib.inc.
# The cluster is always stopped and the temp dir removed. Exit status is non-zero when
# setup or any scenario fails. Works as root (the server then runs as the postgres account)
# and as a normal user.
set -u

B=${1:?uso: sh tests/e2e/run.sh BUILD_DIR}
DIR=$(cd "$(dirname "$0")" && pwd)
BIN=$B/embudo

if [ ! -x "$BIN" ]; then
    echo "tests/e2e: falta $BIN (make MODE=...)" >&2
    exit 1
fi
if ! command -v tmux >/dev/null 2>&1; then
    echo "tests/e2e: falta tmux (make deps)" >&2
    exit 1
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# Our cluster only: no stray server settings from the caller's environment or config.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL EMBUDO_HOME NO_COLOR

work=$(mktemp -d /tmp/embudo-e2e.XXXXXX) || exit 1
# As root the server runs as another account, which must reach the home below.
chmod 711 "$work"
home="$work/home"
export XDG_CONFIG_HOME="$work/cfg"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export E2E_BIN="$BIN" E2E_HOME="$home" E2E_WORK="$work" E2E_DIR="$DIR"
mkdir -p "$work/asan" "$work/cfg"
export ASAN_OPTIONS="log_path=$work/asan/setup:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/asan/setup.ubsan:print_stacktrace=1"

cleanup() {
    "$BIN" --home "$home" db stop >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

eb() { "$BIN" --home "$home" "$@"; }

fail_setup() {
    echo "tests/e2e: $1" >&2
    [ -f "$home/pg.log" ] && tail -n 20 "$home/pg.log" >&2
    cat "$work"/asan/setup* 2>/dev/null >&2
    exit 1
}

# A small, fixed data set when `embudo demo` is not there: 2,000 clientes, a supervisor
# and a promoter.
seed_without_demo() {
    eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO padron.convenios (clave, nombre, tipo)
    VALUES ('IMSS', 'Instituto Mexicano del Seguro Social', 'FEDERAL');
INSERT INTO padron.clientes (nombre, primer_apellido, convenio_id, entidad_id, edad)
    SELECT 'Cliente ' || g, 'Núñez', 1, 9, 20 + g % 50 FROM generate_series(1, 2000) g;
SELECT api.crear_usuario('sup1', 'Supervisora Uno', 'SUPERVISOR');
SELECT api.crear_usuario('prom1', 'Promotora Uno', 'PROMOTOR', 'sup1');
SQL
}

eb db start >/dev/null || fail_setup "db start falló"
eb db migrate >/dev/null || fail_setup "db migrate falló"
if eb demo --help >/dev/null 2>&1; then
    eb demo --clientes 2000 >/dev/null || fail_setup "demo falló"
else
    seed_without_demo || fail_setup "no se pudieron cargar los datos de prueba"
fi
# prom1 works a lote of 12, asked for the way a promoter does (idempotent by its clave).
eb --as prom1 asignar --cantidad 12 --clave e2e >/dev/null ||
    fail_setup "asignar como prom1 falló"
# A fresh sweep heartbeat: every client sweeps too, so the status bar has no sweep warning
# from the first screen on (lib.inc).
eb --as prom1 sweep --once >/dev/null || fail_setup "sweep falló"
ls "$work"/asan/setup* >/dev/null 2>&1 && fail_setup "el sanitizador informó errores en la preparación"

total=0
failed=0
failed_names=
for t in "$DIR"/t_*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    # E2E_ONLY="t_a t_b": run just those scenarios (the setup is the same).
    if [ -n "${E2E_ONLY:-}" ]; then
        case " $E2E_ONLY " in *" $name "*) ;; *) continue ;; esac
    fi
    total=$((total + 1))
    echo "== $name"
    if ! sh "$t"; then
        failed=$((failed + 1))
        failed_names="$failed_names $name"
    fi
done

echo "tests/e2e: $((total - failed)) de $total escenarios pasaron"
if [ "$failed" -ne 0 ]; then
    echo "tests/e2e: fallaron:$failed_names" >&2
    exit 1
fi
exit 0
