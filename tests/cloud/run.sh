#!/bin/sh
# tests/cloud/run.sh BUILD_DIR — the Cloud API suites (docs/wa-cloud.md). Runs each
# tests/cloud/t_*.sh in its own shell with B (the build directory, absolute) exported; a
# test sources lib.sh, prints "ok: …" or "FALLÓ: …" per check and exits non-zero when one
# failed. Prints every test's output, then the totals; exit 1 on any failure, on a test
# that died without saying why, or when there is no test. Loopback only, free ports only;
# works as root and as a normal user.
set -u
B=$(cd "${1:?uso: sh tests/cloud/run.sh BUILD_DIR}" 2>/dev/null && pwd) ||
    { echo "tests/cloud: no existe el directorio $1" >&2; exit 1; }
export B
dir=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp /tmp/embudo-cloud-run.XXXXXX) || exit 1
trap 'rm -f "$out"' EXIT
pass=0
fail=0
n=0
for t in "$dir"/t_*.sh; do
    [ -f "$t" ] || continue
    n=$((n + 1))
    echo "== $(basename "$t")"
    sh "$t" > "$out" 2>&1
    st=$?
    cat "$out"
    p=$(grep -c '^ok: ' "$out")
    f=$(grep -c '^FALLÓ: ' "$out")
    if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FALLÓ: $(basename "$t") terminó con estado $st"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
done
if [ "$n" -eq 0 ]; then
    echo "tests/cloud: no hay pruebas t_*.sh en $dir" >&2
    exit 1
fi
echo "tests/cloud: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
