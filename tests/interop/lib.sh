# lib.sh — shared by the tests/interop/*.sh scripts (sourced, POSIX sh).
#
# interop_npm_ready: installs the pinned Node packages from package-lock.json with `npm ci`
# when node_modules is missing or older than the lock file. Only the npm registry is used.

INTEROP_DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)

interop_npm_ready() {
    stamp="$INTEROP_DIR/node_modules/.package-lock.json"
    if [ -f "$stamp" ] && [ ! "$INTEROP_DIR/package-lock.json" -nt "$stamp" ] &&
       [ -f "$INTEROP_DIR/node_modules/@whiskeysockets/baileys/package.json" ]; then
        return 0
    fi
    command -v npm >/dev/null 2>&1 || { echo "interop: falta npm (apt-get install npm)" >&2; return 1; }
    (cd "$INTEROP_DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
        { echo "interop: npm ci falló" >&2; return 1; }
}
