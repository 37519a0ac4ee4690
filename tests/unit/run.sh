#!/bin/sh
# Runs every cmocka unit test binary in BUILD_DIR/tests/unit; prints each summary.
# Exits non-zero if any test fails or if there are none.
set -u
dir="${1:?uso: run.sh BUILD_DIR}/tests/unit"
fail=0
n=0
for t in "$dir"/test_*; do
    [ -x "$t" ] || continue
    n=$((n + 1))
    echo "== $(basename "$t")"
    if ! "$t"; then
        fail=1
        echo "FALLÓ: $(basename "$t")"
    fi
done
if [ "$n" -eq 0 ]; then
    echo "check-unit: no se encontraron pruebas en $dir" >&2
    exit 1
fi
exit $fail
