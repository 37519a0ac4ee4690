#!/bin/sh
# run-payload.sh BUILD_DIR — ClientPayload (registration and login), QR string and
# pair-device-sign cross-check between embudo and the pinned Baileys 7.0.0-rc14:
# BUILD_DIR/tests/interop/wa_payload_vectors emits embudo's bytes for six browser/config
# variants, payload-vectors.mjs rebuilds them with Baileys and compares. Fails on any
# difference. Installs the pinned npm packages first when needed (lib.sh).
set -eu
. "$(dirname -- "$0")/lib.sh"

B=${1:?uso: tests/interop/run-payload.sh DIRECTORIO_DE_BUILD (p. ej. build/asan)}
PROG="$B/tests/interop/wa_payload_vectors"
[ -x "$PROG" ] || { echo "interop: falta $PROG (make MODE=... tests)" >&2; exit 1; }
interop_npm_ready

tmp=$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PROG" emit > "$tmp/embudo.jsonl"
node "$INTEROP_DIR/payload-vectors.mjs" check "$tmp/embudo.jsonl"
