# t_cli_ventas — `embudo ventas`, `embudo venta corregir|cancelar` and `embudo export ventas`
# (sql/092) with their own supervisor and promoters (supven, promven1, promven2): two sales are
# listed with their total for the promoter and the supervisor, the other promoter sees none;
# the supervisor corrects a mistyped amount (the list says it, a retry changes nothing) and
# cancels the other sale (the opportunity lands in the bandeja, the list leaves it out of the
# total and shows it with --canceladas); the promoter cannot do either (exit 1, the reason);
# flags are checked before connecting (exit 2); the CSV export carries both sales and no
# client name; --json lists the same. What it writes is these promoters' own leads and sales.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supven', 'Sara Ventas', 'SUPERVISOR');
    SELECT api.crear_usuario('promven1', 'Pedro Ventas', 'PROMOTOR', 'supven');
    SELECT api.crear_usuario('promven2', 'Pilar Ventas', 'PROMOTOR', 'supven')" \
    >/dev/null || fail "crear supven, promven1 y promven2"
eb --as promven1 captar --nombre "Elena Cliente Ventas" --telefono 9990020001 >/dev/null ||
    fail "captar la primera"
eb --as promven1 captar --nombre "Jorge Cliente Ventas" --telefono 9990020002 >/dev/null ||
    fail "captar la segunda"
op1=$(sql_as promven1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                          ON p.id = o.prospecto_id WHERE p.telefono = '+529990020001'")
op2=$(sql_as promven1 "SELECT o.id FROM crm.oportunidades o JOIN crm.prospectos p
                          ON p.id = o.prospecto_id WHERE p.telefono = '+529990020002'")
eb --as promven1 mover "$op2" Interesado >/dev/null || fail "mover la segunda a Interesado"
eb --as promven1 venta "$op1" --monto 125000 --producto 'Crédito de nómina' --folio VEN-1 \
    >/dev/null || fail "vender la primera"
eb --as promven1 venta "$op2" --monto 80000.5 --producto 'Crédito de nómina' --folio VEN-2 \
    >/dev/null || fail "vender la segunda"

# The list: both, newest first, and the total; the same for the supervisor; none for the other.
eb --as promven1 ventas > "$out" 2>&1 || fail "ventas: $(cat "$out")"
head -n 1 "$out" | grep -q '^OPORT\.  *FECHA  *FOLIO  *CLIENTE  *CONVENIO  *PRODUCTO  *MONTO  *PROMOTOR  *ESTADO$' ||
    fail "encabezado: $(head -n 1 "$out")"
sed -n 2p "$out" | grep -q "^$op2  *20[0-9-]*  *VEN-2  *Jorge Cliente Ventas  *—  *Crédito de nómina  *\$80,000.50 promven1  *vigente$" &&
    sed -n 3p "$out" | grep -q "^$op1 .* VEN-1 .* \$125,000.00 promven1  *vigente$" &&
    sed -n 4p "$out" | grep -qx '2 ventas vigentes, total \$205,000.50' ||
    fail "la lista del promotor: $(cat "$out")"
eb --as supven ventas --promotor promven1 | grep -qx '2 ventas vigentes, total \$205,000.50' ||
    fail "la lista del supervisor"
eb --as promven2 ventas > "$out" 2>&1 && grep -qx 'no hay ventas registradas este mes' "$out" ||
    fail "promven2 ve ventas: $(cat "$out")"

# A mistyped amount: the promoter may not fix it, the supervisor does, a retry changes nothing.
eb --as promven1 venta corregir "$op1" --monto 12500 --motivo 'sobró un cero' > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'esta acción es solo para supervisores y administradores' "$out" ||
    fail "el promotor corrige: $(cat "$out")"
eb --as supven venta corregir "$op1" --monto 12500 --motivo 'sobró un cero' > "$out" 2>&1 &&
    grep -qx 'venta corregida (folio VEN-1, $12,500.00, Crédito de nómina)' "$out" ||
    fail "corregir: $(cat "$out")"
eb --as supven venta corregir "$op1" --monto 12500.00 --motivo 'otra vez' > "$out" 2>&1 &&
    grep -q 'no se cambió nada' "$out" || fail "corregir otra vez: $(cat "$out")"
eb --as promven1 ventas | grep -q "^$op1 .* \$12,500.00 promven1  *vigente (corregida)$" ||
    fail "la corrección en la lista"
eb --as promven1 oportunidad "$op1" | grep -qx 'Venta      \$12,500.00 · Crédito de nómina · folio VEN-1 (corregida)' ||
    fail "la corrección en oportunidad: $(eb --as promven1 oportunidad "$op1")"

# The lender declined the second: cancelled, the opportunity waits in the bandeja.
eb --as promven1 venta cancelar "$op2" --motivo 'no aprobó' > "$out" 2>&1
[ $? -eq 1 ] || fail "el promotor cancela: $(cat "$out")"
eb --as supven --json venta cancelar "$op2" --motivo 'la financiera no aprobó el crédito' \
    > "$out" 2>&1 &&
    grep -qx "{\"oportunidad\":$op2,\"mensaje\":\"venta con el folio VEN-2 cancelada: la oportunidad $op2 pasó a la bandeja\"}" "$out" ||
    fail "cancelar: $(cat "$out")"
eb --as supven bandeja | grep -q "^$op2 .*Venta cancelada (folio VEN-2): la financiera no aprobó" ||
    fail "la bandeja no la tiene: $(eb --as supven bandeja)"
eb --as promven1 ventas | tail -n 1 | grep -qx '1 venta vigente, total \$12,500.00' ||
    fail "el total sin la cancelada"
eb --as promven1 oportunidad "$op2" > "$out" 2>&1 &&
    grep -qx 'Venta      \$80,000.50 · Crédito de nómina · folio VEN-2 · cancelada el [0-9/]*: la financiera no aprobó el crédito' "$out" ||
    fail "la cancelada en oportunidad: $(cat "$out")"
eb --as promven1 --json oportunidad "$op2" > "$out" 2>&1 &&
    grep -q '"venta_folio":"VEN-2","venta_monto":80000.50,"venta_producto":"Crédito de nómina","venta_estado":"CANCELADA","venta_corregida":false,"venta_motivo_cancelacion":"la financiera no aprobó el crédito"' "$out" ||
    fail "la cancelada en oportunidad --json: $(cat "$out")"
eb --as promven1 ventas --canceladas > "$out" 2>&1 &&
    grep -q "^$op2 .* VEN-2 .* cancelada por supven: la financiera no aprobó el crédito$" "$out" &&
    tail -n 1 "$out" | grep -qx '1 venta vigente, total \$12,500.00 (1 cancelada aparte)' ||
    fail "--canceladas: $(cat "$out")"

# --json and the CSV export: the same two sales, no client name in the file.
eb --as promven1 --json ventas --canceladas > "$out" 2>&1 &&
    grep -q "\"oportunidad\":$op1,\"monto\":12500.00,\"folio\":\"VEN-1\"" "$out" &&
    grep -q "\"folio\":\"VEN-2\",.*\"estado\":\"CANCELADA\"" "$out" || fail "--json: $(cat "$out")"
eb --as supven export ventas --salida "$E2E_WORK/ventas.csv" > "$out" 2>&1 ||
    fail "export ventas: $(cat "$out")"
head -n 1 "$E2E_WORK/ventas.csv" | tr -d '\r' |
    grep -qx 'oportunidad,fecha,registrada,folio,monto,producto,convenio,promotor,estado,corregida,cancelada,cancelada_por,motivo_cancelacion' ||
    fail "encabezado del CSV: $(head -n 1 "$E2E_WORK/ventas.csv")"
grep -q "^$op1,.*,VEN-1,12500.00,Crédito de nómina,,promven1,VIGENTE,20" "$E2E_WORK/ventas.csv" &&
    grep -q "^$op2,.*,VEN-2,80000.50,.*,CANCELADA,,20.*,supven,la financiera no aprobó el crédito" \
        "$E2E_WORK/ventas.csv" && ! grep -q 'Cliente Ventas' "$E2E_WORK/ventas.csv" ||
    fail "el CSV: $(cat "$E2E_WORK/ventas.csv")"

# Flags are checked before connecting.
eb --as promven1 ventas --desde 2026-02-30 > "$out" 2>&1
[ $? -eq 2 ] && grep -q '«--desde» es una fecha AAAA-MM-DD' "$out" || fail "--desde: $(cat "$out")"
eb --as supven venta corregir "$op1" --motivo 'nada' > "$out" 2>&1
[ $? -eq 2 ] && grep -q 'indique qué corregir' "$out" || fail "corregir nada: $(cat "$out")"
eb --as supven venta corregir "$op1" --monto 1,000 --motivo 'x' > "$out" 2>&1
[ $? -eq 2 ] && grep -q '«--monto» debe ser un importe' "$out" || fail "--monto 1,000: $(cat "$out")"
eb --as supven venta cancelar "$op1" > "$out" 2>&1
[ $? -eq 2 ] && grep -q 'falta «--motivo»' "$out" || fail "cancelar sin motivo: $(cat "$out")"
e2e_end
