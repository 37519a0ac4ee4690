# t_cli_reparto — `embudo reparto`, what each promoter received today against their cupo:
# prom2 asks for 2 clients (ISSSTE, so the IMSS clients the other scenarios count are
# untouched) and its row shows them received; sup1 sees its team (prom1…prom4) and a TOTAL,
# not sup2's; a promoter sees only itself; --json carries the same figures; a malformed date
# is a usage error (exit 2) and a day still to come a refusal (exit 1). At the end the two go
# back to the pool through the bandeja. No terminal client: this is the scripting side.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

antes=$(eb --as prom2 --json reparto | sed -n 's/.*"promotor":"prom2",[^}]*"recibidos":\([0-9]*\),.*/\1/p')
[ -n "$antes" ] || fail "reparto --json como prom2 sin recibidos"
eb --as prom2 asignar --cantidad 2 --convenio ISSSTE --clave cli-reparto > "$out" 2>&1 ||
    fail "asignar como prom2: $(cat "$out")"

eb --as sup1 reparto > "$out" 2>&1 || fail "reparto como sup1: $(cat "$out")"
head -n 1 "$out" |
    grep -q '^PROMOTOR  *NOMBRE  *ESTADO  *CUPO  *RECIBIDOS  *PEDIDO  *REASIG\.  *REPART\.  *PEDIDOS  *SOLICITÓ  *CAPTÓ  *INTENTOS  *CARTERA$' ||
    fail "encabezado: $(head -n 1 "$out")"
[ "$(grep -c '^prom[1-4] ' "$out")" = 4 ] || fail "sup1 no ve a prom1…prom4: $(cat "$out")"
grep -q '^prom[5-8] ' "$out" && fail "sup1 ve al equipo de sup2: $(cat "$out")"
grep -q '^TOTAL ' "$out" || fail "sin TOTAL: $(cat "$out")"
grep -q "^prom2 .* ACTIVO  *[0-9]*  *$((antes + 2))  *[0-9]*  *[0-9]*  *[0-9]*  *[0-9]*  *[0-9]*  *[0-9]*  *[0-9]*  *[0-9]*/[0-9]*$" "$out" ||
    fail "prom2 debía tener $((antes + 2)) recibidos: $(cat "$out")"

eb --as prom2 reparto > "$out" 2>&1 || fail "reparto como prom2"
[ "$(wc -l < "$out")" = 3 ] && grep -q '^prom2 ' "$out" || fail "prom2 ve otras filas: $(cat "$out")"
eb --as admin --json reparto > "$out" 2>&1 || fail "reparto --json como admin"
[ "$(grep -o '"promotor":"prom[1-8]"' "$out" | wc -l)" = 8 ] || fail "admin no ve a los 8: $(cat "$out")"
grep -q "\"promotor\":\"prom2\",\"nombre\":\"[^\"]*\",\"estado\":\"ACTIVO\",\"cupo\":[0-9]*,\"recibidos\":$((antes + 2)),\"por_solicitud\":[0-9]*,\"por_reasignacion\":[0-9]*," "$out" ||
    fail "JSON de prom2: $(cat "$out")"

# Refusals: a date that does not exist (usage, 2) and one still to come (the database, 1).
eb --as sup1 reparto --fecha 2026-02-30 > "$out" 2>&1
[ $? -eq 2 ] && grep -q '«--fecha» debe ser una fecha AAAA-MM-DD (se dio «2026-02-30»)' "$out" ||
    fail "--fecha 2026-02-30: $(cat "$out")"
eb --as sup1 reparto --fecha 2099-01-01 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'la fecha 2099-01-01 todavía no llega' "$out" ||
    fail "--fecha 2099-01-01: $(cat "$out")"

# Leave the pool as it was for the next scenarios.
ids=$(eb --as prom2 oportunidades --lote "$(eb --as prom2 --json asignar --cantidad 2 --convenio ISSSTE --clave cli-reparto | sed -n 's/^{"lote":\([0-9]*\),.*/\1/p')" |
      sed -n '2,$p' | cut -d' ' -f1 | tr '\n' ' ')
[ -n "$ids" ] || fail "sin las oportunidades del lote"
for i in $ids; do
    eb --as prom2 mover "$i" "No interesado" --motivo "fin de la prueba" >/dev/null ||
        fail "mover $i a la salida"
done
# shellcheck disable=SC2086
eb --as sup1 bandeja devolver $ids --motivo "fin de la prueba" >/dev/null ||
    fail "devolver $ids"
e2e_end
