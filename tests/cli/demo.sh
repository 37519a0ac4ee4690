#!/bin/sh
# `embudo demo` flag validation: exit 2 with a Spanish message before any connection is made,
# so it needs no database. Usage: demo.sh BUILD_DIR. Ends with the plain "N passed, N failed"
# line; exits 1 when anything failed.
set -u
cli_name=demo
. "$(dirname "$0")/lib.sh"

e=$bin
usage='uso: embudo demo \[--clientes N\] \[--seed S\] \[--si-falta\] \[--actividad\]'
expect 2 '«--clientes» debe ser un entero entre 1 y 2000000: «0»' -- $e demo --clientes 0
expect 2 'entre 1 y 2000000: «2000001»' -- $e demo --clientes 2000001
expect 2 'entre 1 y 2000000: «mil»' -- $e demo --clientes=mil
expect 2 'falta el valor de «--clientes»' -- $e demo --clientes
expect 2 '«--seed» debe ser un entero entre 0 y 9223372036854775807: «-1»' -- $e demo --seed -1
expect 2 '«9223372036854775808»' -- $e demo --seed 9223372036854775808
expect 2 'la opción «--si-falta» no lleva valor' -- $e demo --si-falta=1
expect 2 'la opción «--actividad» no lleva valor' -- $e demo --actividad=sí
expect 2 'opción desconocida: «--semillas»' -- $e demo --semillas 3
expect 2 "argumento de más: «100»" -- $e demo 100
expect 2 "$usage" -- $e demo --clientes 0
expect 0 "$usage" -- $e demo --help
# Nothing was started or created by the refusals.
if [ -e "$tmp/home/pg" ]; then
    fail=$((fail + 1))
    echo "FALLÓ: una opción inválida creó el clúster en $tmp/home/pg"
else
    pass=$((pass + 1))
fi

cli_summary "cli demo"
