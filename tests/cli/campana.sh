#!/bin/sh
# Campaign commands (issue 5): flag validation in C — exit 2 with a Spanish message before
# any connection is made, so it needs no database (the database side is tests/db/
# test_campana*.c). Usage: campana.sh BUILD_DIR. Ends with "N passed, N failed"; exits 1 when
# anything failed.
set -u
cli_name=campana
. "$(dirname "$0")/lib.sh"

e=$bin
expect 2 'falta la acción' -- $e campana
expect 2 'acción desconocida «borrar»' -- $e campana borrar 1
expect 2 'necesita «--etapa» y «--texto»' -- $e campana crear --texto hola
expect 2 'necesita «--etapa» y «--texto»' -- $e campana crear --etapa Nuevo
expect 2 '«--texto» no puede estar vacío' -- $e campana crear --etapa Nuevo --texto ' '
expect 2 '«--maximo» debe ser un número entre 1 y 5000 \(se dio «0»\)' -- \
    $e campana crear --etapa Nuevo --texto hola --maximo 0
expect 2 'entre 1 y 5000 \(se dio «5001»\)' -- $e campana crear --etapa Nuevo --texto hola --maximo 5001
expect 2 'opción desconocida: «--etapas»' -- $e campana crear --etapas Nuevo --texto hola
expect 2 'indique el número de la campaña' -- $e campana lanzar
expect 2 'indique el número de la campaña' -- $e campana pausar x
expect 2 'indique el número de la campaña' -- $e campana reanudar 0
expect 2 'indique el número de la campaña' -- $e campana estado -3
expect 2 'uso: embudo campana' -- $e campana cancelar 1 2
expect 2 'solo se exporta «mensajes»' -- $e export clientes
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-13-01 --hasta 2026-12-31
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-12-01
expect 2 'fechas AAAA-MM-DD' -- $e export mensajes --desde 2026-12-01 --hasta 2026-12-01x
expect 0 'uso: embudo campana crear --etapa E --texto T' -- $e campana --help
expect 0 'uso: embudo export mensajes' -- $e export --help

cli_summary "cli campana"
