#!/bin/sh
# Command-line contract: exit codes and Spanish messages for good and bad input in
# flags, environment and config files. Needs no database. Usage: run.sh BUILD_DIR
set -u
bin="$(cd "${1:?uso: run.sh BUILD_DIR}" && pwd)/embudo"
tmp=$(mktemp -d /tmp/embudo-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

# expect STATUS PATTERN -- command…: runs the command, checks exit status and that
# stdout+stderr match the grep -E pattern.
expect() {
    want=$1 pat=$2
    shift 3
    out=$("$@" 2>&1)
    got=$?
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -qE -- "$pat"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FALLÓ: $* → estado $got (se esperaba $want), salida:"
        printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

# Isolate from the caller's files and servers.
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state"
unset DATABASE_URL PGHOST PGDATABASE PGSERVICE EMBUDO_HOME EMBUDO_TEMA EMBUDO_TRANSPORT

expect 0 '^embudo [0-9]+\.[0-9]+\.[0-9]+' -- "$bin" --version
expect 0 '"version":' -- "$bin" --version --json
expect 0 'Comandos:' -- "$bin" --help
expect 0 'uso: embudo db' -- "$bin" db --help
expect 2 'comando desconocido: «nada»' -- "$bin" nada
expect 2 'falta el valor de «--as»' -- "$bin" version --as
expect 2 '«--home» no puede estar vacío' -- "$bin" --home= version
expect 1 '--home necesita una ruta absoluta' -- "$bin" --home relativo version
expect 2 'no lleva argumentos' -- "$bin" version extra

mkdir -p "$tmp/xdg/embudo"
printf '[wa]\ntransport = telegram\n' > "$tmp/xdg/embudo/embudo.conf"
expect 1 'embudo\.conf:2: valor inválido para «transport»' -- "$bin" version
printf 'sin igual\n' > "$tmp/xdg/embudo/embudo.conf"
expect 1 'embudo\.conf:1: falta «=»' -- "$bin" version
rm "$tmp/xdg/embudo/embudo.conf"
expect 1 'no existe el archivo de configuración /no/existe' -- "$bin" --config /no/existe version
expect 1 'EMBUDO_TEMA' -- env EMBUDO_TEMA=chillon "$bin" version
expect 2 '--as solo se acepta con el clúster embebido' -- \
    env DATABASE_URL=postgresql:///x "$bin" --as prom1 version
expect 0 '^embudo ' -- env DATABASE_URL=postgresql:///x "$bin" version

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
