#!/bin/sh
# run-fakewa.sh BUILD_DIR — the real Baileys client (pinned 7.0.0-rc14) against embudo's C fake
# WhatsApp server (BUILD_DIR/tests/wa/fakewa): handshake, QR pairing, 515 restart, login,
# pre-keys, active; linking by phone number with a code typed into the fake phone (and a
# wrong code). Loopback only. Prints "N passed, N failed"; exits 1 on any failure.
set -eu
. "$(dirname -- "$0")/lib.sh"

B=${1:?uso: tests/interop/run-fakewa.sh DIRECTORIO_DE_BUILD (p. ej. build/asan)}
FAKE="$B/tests/wa/fakewa"
[ -x "$FAKE" ] || { echo "interop: falta $FAKE (make MODE=... tests)" >&2; exit 1; }
interop_npm_ready
exec node "$INTEROP_DIR/baileys-vs-fakewa.mjs" "$FAKE"
