# t_cli_buscar — `embudo buscar`, the client who calls back found by phone, CURP or name
# (sql/090), with its own supervisor and promoters (supbus, prombus1, prombus2): the promoter
# finds her lead however the phone is written, by CURP and by a name typed without accents, as
# a table and as JSON; the other promoter is told she has none, the supervisor finds it; a
# closed one is still found, after the active ones; part of a phone is refused with the reason
# (exit 1) and flags are checked before connecting (exit 2). What it writes is these
# promoters' own leads.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supbus', 'Silvia Busca', 'SUPERVISOR');
    SELECT api.crear_usuario('prombus1', 'Paola Busca', 'PROMOTOR', 'supbus');
    SELECT api.crear_usuario('prombus2', 'Pablo Busca', 'PROMOTOR', 'supbus')" \
    >/dev/null || fail "crear supbus, prombus1 y prombus2"
eb --as prombus1 captar --nombre "Rocío Íñiguez Busca" --telefono 9990010001 \
    --curp IIBR800101MDFXXC01 >/dev/null || fail "captar como prombus1"
eb --as prombus1 captar --nombre "Rocío Otra Busca" --telefono 9990010002 >/dev/null ||
    fail "captar la segunda como prombus1"
op=$(sql_as prombus1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                         ON p.id = o.prospecto_id WHERE p.telefono = '+529990010001'")

eb --as prombus1 buscar '(999) 001-0001' > "$out" 2>&1 || fail "buscar el teléfono: $(cat "$out")"
head -n 1 "$out" | grep -q '^OPORT\.  *CLIENTE  *TELÉFONO  *ETAPA  *ESTADO  *PROMOTOR  *ACTUALIZADA$' ||
    fail "encabezado: $(head -n 1 "$out")"
[ "$(wc -l < "$out")" = 2 ] &&
    grep -q "^$op  *Rocío Íñiguez Busca  *+529990010001  *Nuevo  *ABIERTA  *prombus1  *20[0-9-]* [0-9:]* [+-][0-9]*$" "$out" ||
    fail "el teléfono: $(cat "$out")"
eb --as prombus1 --json buscar iibr800101mdfxxc01 > "$out" 2>&1 &&
    grep -qx "\[{\"oportunidad\":$op,\"cliente\":\"Rocío Íñiguez Busca\",\"telefono\":\"+529990010001\",\"etapa\":\"Nuevo\",\"estado\":\"ABIERTA\",\"promotor\":\"prombus1\",\"actualizada\":\"[0-9T:Z-]*\",\"encontrada_por\":\"CURP\"}\]" "$out" ||
    fail "la CURP (--json): $(cat "$out")"
[ "$(eb --as prombus1 buscar 'rocio inig' | grep -c ' prombus1 ')" = 1 ] || fail "el nombre sin acentos"
[ "$(eb --as prombus1 buscar 'ROCIO' | grep -c ' prombus1 ')" = 2 ] || fail "las dos Rocío"

# Who sees it: not the other promoter, her supervisor yes.
eb --as prombus2 buscar 9990010001 > "$out" 2>&1 &&
    grep -qx 'no hay oportunidades suyas con «9990010001»' "$out" ||
    fail "prombus2 la ve: $(cat "$out")"
[ "$(eb --as supbus buscar 9990010001 | grep -c "^$op .* prombus1 ")" = 1 ] ||
    fail "supbus no la encuentra"

# A closed one is still found, after the active one.
eb --as prombus1 mover "$op" 'No interesado' --motivo 'ya tiene crédito' >/dev/null ||
    fail "mover a No interesado"
eb --as supbus bandeja descartar "$op" --motivo 'no insistir' >/dev/null || fail "descartar"
eb --as prombus1 buscar rocio > "$out" 2>&1 || fail "buscar rocio: $(cat "$out")"
sed -n 2p "$out" | grep -q ' ABIERTA ' && sed -n 3p "$out" | grep -q "^$op .* DESCARTADA " ||
    fail "la cerrada después de la activa: $(cat "$out")"

# Refusals: part of a phone (exit 1, the reason), no text or a bad limit (exit 2).
eb --as prombus1 buscar 0001 > "$out" 2>&1
[ $? -eq 1 ] && grep -q '«0001» no es un teléfono completo: busque los 10 dígitos' "$out" ||
    fail "parte de un teléfono: $(cat "$out")"
eb --as prombus1 buscar > "$out" 2>&1
[ $? -eq 2 ] && grep -q 'se espera el TEXTO a buscar' "$out" || fail "sin texto: $(cat "$out")"
eb --as prombus1 buscar rocio --limite 0 > "$out" 2>&1
[ $? -eq 2 ] && grep -q '«--limite» es un número de 1 a 200' "$out" || fail "--limite 0: $(cat "$out")"
e2e_end
