#!/bin/sh
# Command-line contract: exit codes and Spanish messages for good and bad input in
# flags, environment and config files. Needs no database. Usage: run.sh BUILD_DIR
set -u
cli_name=run
. "$(dirname "$0")/lib.sh"

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

cli_summary "cli"
