#!/bin/sh
# check-tokens.sh — fails when src/wa/tokens.c differs from a fresh generation out of the
# pinned Baileys package (tests/interop/gen-tokens.mjs). Run from anywhere; `make check`
# calls it. Prints "1 passed, 0 failed" or the diff and "0 passed, 1 failed".
set -eu
. "$(dirname -- "$0")/lib.sh"
ROOT=$(CDPATH= cd -- "$INTEROP_DIR/../.." && pwd)

interop_npm_ready
tmp=$(mktemp "${TMPDIR:-/tmp}/tokens.XXXXXX")
trap 'rm -f "$tmp"' EXIT INT TERM
node "$INTEROP_DIR/gen-tokens.mjs" "$tmp"
if diff -u "$ROOT/src/wa/tokens.c" "$tmp"; then
    echo "check-tokens: src/wa/tokens.c está al día"
    echo "1 passed, 0 failed"
else
    echo "check-tokens: src/wa/tokens.c no coincide con Baileys; regenérelo con" \
         "node tests/interop/gen-tokens.mjs src/wa/tokens.c" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
