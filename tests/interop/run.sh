#!/bin/sh
# run.sh BUILD_DIR — binary-node cross-check between embudo and the pinned Baileys, both ways:
#   1. embudo encodes its corpus (BUILD_DIR/tests/interop/binnode_vectors emit) and Baileys
#      must decode every vector to the same tree and re-encode the same bytes;
#   2. Baileys encodes its corpus (binnode-vectors.mjs emit) and embudo must do the same.
# Fails on any mismatch. Installs the pinned npm packages first when needed (lib.sh).
set -eu
. "$(dirname -- "$0")/lib.sh"

B=${1:?uso: tests/interop/run.sh DIRECTORIO_DE_BUILD (p. ej. build/asan)}
PROG="$B/tests/interop/binnode_vectors"
[ -x "$PROG" ] || { echo "interop: falta $PROG (make MODE=... tests)" >&2; exit 1; }
interop_npm_ready

tmp=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
"$PROG" emit > "$tmp/embudo.jsonl" || status=1
node "$INTEROP_DIR/binnode-vectors.mjs" check "$tmp/embudo.jsonl" || status=1
node "$INTEROP_DIR/binnode-vectors.mjs" emit > "$tmp/baileys.jsonl" || status=1
"$PROG" check "$tmp/baileys.jsonl" || status=1
if [ "$status" -eq 0 ]; then
    echo "interop: nodos binarios idénticos en embudo y Baileys"
else
    echo "interop: hay diferencias entre embudo y Baileys (ver arriba)" >&2
fi
exit "$status"
