# t_cli_no_contactar — `embudo no-contactar`, the do-not-contact registry from the command
# line: a promoter adds a SOLICITUD for the phone of their own opportunity, and is refused a
# phone that is not theirs (EB804) and REUS (EB802); an admin's REUS file with one bad row
# loads nothing and lists the bad line (stderr and --rechazos); the same file fixed loads
# (summary: read, rejected, new, renewed, repeated, expired, blocked clients), after which
# `disponibles` no longer counts those clients and `asignar` refuses the group; consultar,
# lista and resumen (text and --json through jq) say so; an auditor lists but cannot add
# (permission); quitar frees a client, which `asignar` then hands out again. Its own people
# (admnc, supnc, promnc, promnc2, audnc) and one small group of free clients; at the end every
# entry is removed, the clients are back in the pool and the registry's rows for these numbers
# are deleted, so no other scenario's counts move.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
err="$E2E_WORK/$E2E_NAME.err"
csv="$E2E_WORK/$E2E_NAME.csv"
rech="$E2E_WORK/$E2E_NAME.rechazos.csv"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('admnc', 'Adán Registro', 'ADMIN');
    SELECT api.crear_usuario('supnc', 'Sara Registro', 'SUPERVISOR');
    SELECT api.crear_usuario('promnc', 'Paco Registro', 'PROMOTOR', 'supnc');
    SELECT api.crear_usuario('promnc2', 'Pía Registro', 'PROMOTOR', 'supnc');
    SELECT api.crear_usuario('audnc', 'Aurora Registro', 'AUDITOR')" \
    >/dev/null || fail "crear los usuarios"

# promnc's own opportunity first, so the group below is chosen among the clients still free.
eb --as promnc asignar --cantidad 1 --convenio IMSS >/dev/null || fail "asignar a promnc"

# A small group of free clients (convenio, entidad, one age) with one phone each.
grupo=$(sql_as postgres "
    SELECT c.clave || ' ' || e.clave || ' ' || p.edad FROM crm.pool p
      JOIN padron.convenios c ON c.id = p.convenio_id
      JOIN padron.entidades e ON e.id = p.entidad_id
     WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()
     GROUP BY 1 HAVING count(*) BETWEEN 2 AND 4
        AND count(*) = count(*) FILTER (WHERE (SELECT count(*) FROM padron.datos_contacto d
                                               WHERE d.cliente_id = p.cliente_id AND d.vigente
                                                 AND d.tipo IN ('CELULAR', 'FIJO')) = 1)
     ORDER BY 1 LIMIT 1")
[ -n "$grupo" ] || fail "no hay un grupo pequeño de clientes libres"
set -- $grupo
conv=$1 ent=$2 edad=$3
filtro="--convenio $conv --entidad $ent --edad-min $edad --edad-max $edad"
disponibles() {
    eb --as promnc --json disponibles $filtro | jq -r '.[0].disponibles'
}
tels=$(sql_as postgres "
    SELECT d.valor FROM crm.pool p JOIN padron.datos_contacto d
        ON d.cliente_id = p.cliente_id AND d.vigente AND d.tipo IN ('CELULAR', 'FIJO')
     WHERE p.oportunidad_id IS NULL AND p.libre_desde <= now()
       AND p.convenio_id = (SELECT id FROM padron.convenios WHERE clave = '$conv')
       AND p.entidad_id = (SELECT id FROM padron.entidades WHERE clave = '$ent')
       AND p.edad = $edad ORDER BY d.valor")
n=$(echo "$tels" | wc -l)
[ "$(disponibles)" = "$n" ] || fail "disponibles del grupo: $(disponibles), se esperaban $n"
t1=$(echo "$tels" | head -n 1)
reus_antes=$(eb --as supnc --json no-contactar resumen | jq '.[] | select(.fuente == "REUS") | .vigentes')

# A promoter: SOLICITUD for the phone of their own opportunity (ten digits with spaces).
mio=$(sql_as postgres "
    SELECT d.valor FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN padron.datos_contacto d ON d.cliente_id = o.cliente_id AND d.vigente
                                  AND d.tipo IN ('CELULAR', 'FIJO')
     WHERE u.login = 'promnc' AND o.estado = 'ABIERTA' ORDER BY d.valor LIMIT 1")
mio10=$(echo "$mio" | cut -c4-)
eb --as promnc no-contactar agregar "$(echo "$mio10" | sed 's/^\(..\)\(....\)/\1 \2 /')" \
    --detalle 'pidió que no lo llamen' > "$out" 2>&1 || fail "agregar SOLICITUD: $(cat "$out")"
grep -q "^$mio quedó en el registro de no contactar: SOLICITUD, sin fin\.$" "$out" &&
    grep -q '^1 cliente del padrón bloqueado; 1 oportunidad activa tiene ese teléfono\.$' "$out" ||
    fail "agregar SOLICITUD: $(cat "$out")"
eb --as promnc no-contactar agregar "$t1" > "$out" 2>&1
[ $? -eq 1 ] && grep -q "el teléfono $t1 no es de ninguna oportunidad activa suya" "$out" ||
    fail "agregó un número ajeno: $(cat "$out")"
eb --as promnc no-contactar agregar "$mio" --fuente REUS > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'solo un administrador carga números del REUS' "$out" ||
    fail "un promotor agregó al REUS: $(cat "$out")"
eb --as promnc --json no-contactar consultar "$mio10" > "$out" 2>&1 &&
    [ "$(jq -r '[.en_registro, .entradas[0].fuente, .entradas[0].creado_por,
                 .entradas[0].detalle] | join(" ")' "$out")" = \
      "true SOLICITUD promnc pidió que no lo llamen" ] || fail "consultar --json: $(cat "$out")"

# The REUS file: the group's phones in several shapes and both date forms, one repeated with
# a later date, one registered three years ago (expired), and one bad phone.
reciente=$(date -d '40 days ago' +%Y-%m-%d)
reciente_mx=$(date -d '30 days ago' +%d/%m/%Y)
reciente_mx_iso=$(date -d '30 days ago' +%Y-%m-%d)
{
    echo 'telefono,registrado'
    i=0
    for t in $tels; do
        i=$((i + 1))
        case $((i % 3)) in
        0) echo "$t,$reciente" ;;
        1) echo "($(echo "$t" | cut -c4-5)) $(echo "$t" | cut -c6-9)-$(echo "$t" | cut -c10-),$reciente_mx" ;;
        2) echo "$(echo "$t" | cut -c4-)," ;;
        esac
    done
    echo "$t1,$reciente_mx"
    echo "5599990001,$(date -d '3 years ago' +%Y-%m-%d)"
} > "$csv.ok"
bad_line=$((n + 4))
{ cat "$csv.ok"; echo '55 1234,2025-01-01'; } > "$csv"
eb --as admnc no-contactar importar "$csv" --fuente REUS --rechazos "$rech" > "$out" 2> "$err"
[ $? -eq 1 ] && grep -q "^línea $bad_line: «telefono» no es un número mexicano de 10 dígitos: «55 1234»$" "$err" &&
    grep -q "no se cargó nada: 1 fila rechazada de $((n + 3))" "$err" ||
    fail "importar con una fila mala: $(cat "$out" "$err")"
[ "$(sed -n 1p "$rech" | tr -d '\r')" = 'linea,motivo,telefono,registrado' ] &&
    [ "$(sed -n 2p "$rech" | tr -d '\r')" = "$bad_line,«telefono» no es un número mexicano de 10 dígitos: «55 1234»,55 1234,2025-01-01" ] &&
    [ "$(wc -l < "$rech")" = 2 ] || fail "archivo de rechazos: $(cat "$rech")"
eb --as promnc no-contactar consultar "$t1" > "$out" 2>&1 &&
    grep -q "^El número $t1 no está en el registro de no contactar\.$" "$out" ||
    fail "la carga rechazada dejó algo: $(cat "$out")"
[ "$(disponibles)" = "$n" ] || fail "la carga rechazada bloqueó clientes"

eb --as admnc no-contactar importar - --fuente reus --detalle 'extracto de prueba' \
    < "$csv.ok" > "$out" 2>&1 || fail "importar: $(cat "$out")"
grep -q "^carga de REUS completa en [0-9.]* s: $((n + 2)) filas leídas, 0 rechazadas, $n nuevas, 0 renovadas, 1 repetida, 1 vencida, $n clientes bloqueados$" "$out" ||
    fail "resumen de la carga: $(cat "$out")"
eb --as admnc --json no-contactar importar "$csv.ok" --fuente REUS --detalle 'extracto de prueba' > "$out" 2>&1 &&
    [ "$(jq -c '[.filas, .rechazadas, .nuevas, .renovadas, .repetidas, .vencidas, .clientes_bloqueados]' "$out")" = \
      "[$((n + 2)),0,0,$n,1,1,$n]" ] || fail "importar otra vez --json: $(cat "$out")"

# Blocked: not counted, not assigned.
[ "$(disponibles)" = 0 ] || fail "disponibles tras la carga: $(disponibles)"
eb --as promnc2 asignar --cantidad 1 $filtro > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'no hay clientes disponibles con esos filtros' "$out" ||
    fail "asignar entregó un cliente bloqueado: $(cat "$out")"

eb --as promnc no-contactar consultar "$t1" > "$out" 2>&1 &&
    grep -q "^El número $t1 está en el registro de no contactar:$" "$out" &&
    grep -q "^REUS  *$reciente_mx_iso  *[0-9-]*  *admnc  *extracto de prueba$" "$out" ||
    fail "consultar: $(cat "$out")"
eb --as audnc no-contactar lista --fuente REUS > "$out" 2>&1 ||
    fail "lista como auditor: $(cat "$out")"
head -n 1 "$out" | grep -q '^TELÉFONO  *FUENTE  *REGISTRADO  *VENCE  *ESTADO  *AGREGÓ  *DETALLE$' &&
    grep -q "^$t1  *REUS  .* vigente  *admnc  *extracto de prueba$" "$out" ||
    fail "lista: $(cat "$out")"
[ "$(eb --as audnc --json no-contactar lista --fuente REUS --limite 5000 |
    jq "[.entradas[] | select(.creado_por == \"admnc\" and .estado == \"vigente\")] | length")" = "$n" ] ||
    fail "lista --json"
eb --as supnc no-contactar resumen > "$out" 2>&1 &&
    head -n 1 "$out" | grep -q '^FUENTE  *VIGENTES  *VENCIDOS  *QUITADOS  *CLIENTES BLOQUEADOS  *OPORTUNIDADES ACTIVAS$' &&
    grep -q "^REUS  *$((reus_antes + n)) " "$out" || fail "resumen: $(cat "$out")"
eb --as audnc no-contactar agregar "$mio" > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'su usuario no tiene permiso para esto' "$out" ||
    fail "el auditor agregó: $(cat "$out")"
eb --as promnc no-contactar resumen > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'el registro de no contactar lo consultan supervisores' "$out" ||
    fail "un promotor vio el resumen: $(cat "$out")"
eb --as promnc no-contactar quitar "$t1" --fuente REUS --motivo 'no es su número' > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'solo un administrador puede quitar números' "$out" ||
    fail "un promotor quitó: $(cat "$out")"

# quitar: the client is free again and asignar hands it out.
eb --as admnc no-contactar quitar "$t1" --fuente REUS --motivo 'baja confirmada' > "$out" 2>&1 &&
    grep -q "^$t1 ya no está en el registro REUS de no contactar\.$" "$out" &&
    grep -q '^Ningún cliente del padrón sigue bloqueado por ese número\.$' "$out" ||
    fail "quitar: $(cat "$out")"
[ "$(disponibles)" = 1 ] || fail "disponibles tras quitar: $(disponibles)"
eb --as promnc2 asignar --cantidad 1 $filtro >/dev/null || fail "asignar tras quitar"
[ "$(sql_as postgres "SELECT d.valor FROM crm.oportunidades o JOIN crm.usuarios u ON u.id = o.usuario_id
      JOIN padron.datos_contacto d ON d.cliente_id = o.cliente_id AND d.vigente
                                  AND d.tipo IN ('CELULAR', 'FIJO')
     WHERE u.login = 'promnc2' AND o.estado = 'ABIERTA'")" = "$t1" ] ||
    fail "asignar no entregó el cliente liberado"

# Back as found: every entry removed, the opportunities back to the pool, rows deleted.
eb --as admnc --json no-contactar quitar "$mio" --fuente SOLICITUD --motivo 'fin de la prueba' \
    > "$out" 2>&1 && [ "$(jq -c . "$out")" = \
    "{\"telefono\":\"$mio\",\"fuente\":\"SOLICITUD\",\"clientes_bloqueados\":0}" ] ||
    fail "quitar --json: $(cat "$out")"
for t in $tels; do
    [ "$t" = "$t1" ] && continue
    eb --as admnc no-contactar quitar "$t" --fuente REUS --motivo 'fin de la prueba' >/dev/null ||
        fail "quitar $t"
done
[ "$(disponibles)" = $((n - 1)) ] || fail "disponibles al final: $(disponibles)"
for p in promnc promnc2; do
    for i in $(sql_as "$p" "SELECT id FROM crm.oportunidades WHERE estado = 'ABIERTA' ORDER BY id"); do
        eb --as "$p" mover "$i" "No interesado" --motivo "fin de la prueba" >/dev/null ||
            fail "mover $i a la salida"
    done
done
# shellcheck disable=SC2046
eb --as supnc bandeja devolver $(sql_as supnc "SELECT id FROM crm.oportunidades WHERE estado = 'EN_BANDEJA' ORDER BY id") \
    --motivo "fin de la prueba" >/dev/null || fail "devolver"
[ "$(disponibles)" = "$n" ] || fail "el grupo no volvió completo al pool: $(disponibles)"
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    CREATE TEMP TABLE nc AS
        SELECT r.telefono FROM crm.no_contactar r JOIN crm.usuarios u ON u.id = r.creado_por
         WHERE u.login IN ('admnc', 'promnc');
    DELETE FROM crm.bloqueos WHERE telefono IN (SELECT telefono FROM nc);
    DELETE FROM crm.no_contactar WHERE telefono IN (SELECT telefono FROM nc)" \
    >/dev/null || fail "borrar las filas del registro"
[ "$(eb --as supnc --json no-contactar resumen | jq '.[] | select(.fuente == "REUS") | .vigentes')" = "$reus_antes" ] ||
    fail "el registro no quedó como estaba"
e2e_end
