#!/bin/sh
# run-signal.sh BUILD_DIR — Signal sessions between embudo's wasig (BUILD_DIR/tests/interop/
# wasig_peer) and Baileys 7.0.0-rc14's libsignal-node, both directions, pkmsg and msg, the
# padding and the Message protobuf (signal-vs-baileys.mjs). Fails on any difference.
# Installs the pinned npm packages first when needed (lib.sh).
set -eu
. "$(dirname -- "$0")/lib.sh"

B=${1:?uso: tests/interop/run-signal.sh DIRECTORIO_DE_BUILD (p. ej. build/asan)}
PROG="$B/tests/interop/wasig_peer"
[ -x "$PROG" ] || { echo "interop: falta $PROG (make MODE=... tests)" >&2; exit 1; }
interop_npm_ready
node "$INTEROP_DIR/signal-vs-baileys.mjs" "$PROG"
