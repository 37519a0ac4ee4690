# t_cli_arco — personal data under the LFPDPPP (sql/080, 083) from the command line: an admin
# publishes a privacy notice and a lead captured afterwards records it; a titular's
# cancellation blocks her (the opportunity closed, her phone in the do-not-contact registry,
# refusals for a promoter and for a titular not named), the auditor lists it, the admin
# writes what is held about her to a private file (access), and once the
# block ends her data is suppressed: her name, CURP and phone are gone from the padron and
# the history keeps its rows; a block still running refuses suppression (exit 1); --json
# carries the list. Its own convenio ZZARCOE2E (last by clave: the forms list convenios in
# order and t_repartir takes the first), users and phones 99900050xx, so no other
# scenario's data moves: the titular ends blocked, out of every count.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suparco', 'Susana Arco', 'SUPERVISOR');
    SELECT api.crear_usuario('promarco', 'Pablo Arco', 'PROMOTOR', 'suparco');
    INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('ZZARCOE2E', 'Prueba ARCO', 'PRIVADO');
    INSERT INTO padron.clientes (nombre, primer_apellido, curp, convenio_id, entidad_id, edad)
    SELECT 'Griselda', 'Arcoiris', 'AOGR800101MDFRRS01', id, 9, 44 FROM padron.convenios
     WHERE clave = 'ZZARCOE2E';
    INSERT INTO padron.datos_contacto (cliente_id, tipo, valor)
    SELECT id, 'CELULAR', '+529990005001' FROM padron.clientes WHERE curp = 'AOGR800101MDFRRS01'" \
    >/dev/null || fail "crear usuarios y titular"
cliente=$(sql_as postgres "SELECT id FROM padron.clientes WHERE curp = 'AOGR800101MDFRRS01'")
eb --as promarco asignar --cantidad 1 --convenio ZZARCOE2E >/dev/null || fail "asignar"
op=$(sql_as promarco "SELECT id FROM crm.oportunidades WHERE cliente_id = $cliente")
[ -n "$op" ] || fail "no se asignó la titular"
eb --as promarco intento "$op" contactado --nota "Griselda pide que le llamen al 9990005001" \
    >/dev/null || fail "intento"

# The privacy notice: only an admin publishes; a lead captured now records it.
eb --as promarco aviso agregar AP-E2E --ubicacion https://ejemplo.mx/aviso > "$out" 2>&1
[ $? -eq 1 ] && grep -q "solo un administrador" "$out" || fail "promotor publicó: $(cat "$out")"
eb --as admin aviso agregar AP-E2E --ubicacion https://ejemplo.mx/aviso > "$out" 2>&1 &&
    grep -q "^aviso de privacidad AP-E2E publicado, vigente desde el [0-9-]*$" "$out" ||
    fail "publicar: $(cat "$out")"
eb --as promarco captar --nombre "Hilda Captada" --telefono 9990005002 >/dev/null ||
    fail "captar"
eb --as promarco aviso > "$out" 2>&1 &&
    grep -q "^AP-E2E  *[0-9-]*  *vigente  *1  *https://ejemplo.mx/aviso$" "$out" ||
    fail "aviso lista: $(cat "$out")"

# The block.
eb --as admin arco cancelar --folio E2E-1 > "$out" 2>&1
[ $? -eq 2 ] && grep -q "nombre al titular" "$out" || fail "sin titular: $(cat "$out")"
eb --as promarco arco cancelar --oportunidad "$op" --folio E2E-1 > "$out" 2>&1
[ $? -eq 1 ] && grep -q "solo un administrador" "$out" || fail "promotor canceló: $(cat "$out")"
eb --as admin arco cancelar --oportunidad "$op" --folio E2E-1 --plazo 0 \
    --detalle 'escrito recibido en sucursal' > "$out" 2>&1 || fail "cancelar: $(cat "$out")"
grep -q "^Datos del cliente $cliente bloqueados (folio E2E-1)" "$out" &&
    grep -q "^1 oportunidad activa cerrada; 1 teléfono en el registro de no contactar.$" "$out" ||
    fail "cancelar dijo: $(cat "$out")"
[ "$(sql_as promarco "SELECT estado FROM crm.oportunidades WHERE id = $op")" = DESCARTADA ] ||
    fail "la oportunidad sigue activa"
eb --as promarco captar --nombre "Otra Griselda" --telefono 9990005001 > "$out" 2>&1
[ $? -eq 1 ] && grep -q "registro de no contactar" "$out" || fail "captar de nuevo: $(cat "$out")"
eb --as auditor arco --pendientes > "$out" 2>&1 &&
    grep -q "^E2E-1  *$cliente  *—  *[0-9-]*  *bloqueada  *[0-9-]*  *Griselda Arcoiris — escrito recibido en sucursal$" "$out" ||
    fail "lista del auditor: $(cat "$out")"

# Access (sql/083): what is held about her, into a file only its owner reads.
eb --as admin arco acceso --oportunidad "$op" --salida "$E2E_WORK/acceso.json" > "$out" 2>&1 &&
    grep -q "^datos del titular escritos en $E2E_WORK/acceso.json" "$out" ||
    fail "acceso: $(cat "$out")"
[ "$(stat -c %a "$E2E_WORK/acceso.json")" = 600 ] || fail "el acceso no es 0600"
grep -q '"curp": "AOGR800101MDFRRS01"' "$E2E_WORK/acceso.json" &&
    grep -q '"motivo": "Griselda pide que le llamen al 9990005001"' "$E2E_WORK/acceso.json" &&
    grep -q '"fuente": "SOLICITUD"' "$E2E_WORK/acceso.json" ||
    fail "acceso sin sus datos: $(cat "$E2E_WORK/acceso.json")"

# Suppression: hers at once (plazo 0); the lead's block still runs.
eb --as admin arco suprimir E2E-1 > "$out" 2>&1 &&
    grep -q "^folio E2E-1: datos del cliente $cliente suprimidos ([0-9]* filas)$" "$out" ||
    fail "suprimir: $(cat "$out")"
[ "$(sql_as postgres "SELECT nombre || primer_apellido || coalesce(curp, '-') ||
        (SELECT count(*) FROM padron.datos_contacto WHERE cliente_id = $cliente)
        FROM padron.clientes WHERE id = $cliente")" = "[suprimido][suprimido]-0" ] ||
    fail "el padrón conserva sus datos"
[ "$(sql_as postgres "SELECT count(*) FILTER (WHERE motivo ~ 'Griselda') || '/' ||
        count(*) FILTER (WHERE motivo = '[suprimido]') FROM crm.historial
        WHERE oportunidad_id = $op")" = "0/2" ] || fail "el historial conserva sus notas"
prosp=$(sql_as promarco "SELECT id FROM crm.prospectos WHERE nombre = 'Hilda Captada'")
eb --as admin arco cancelar --prospecto "$prosp" --folio E2E-2 --plazo 30 > "$out" 2>&1 &&
    grep -q "^Datos del prospecto $prosp bloqueados (folio E2E-2)" "$out" ||
    fail "cancelar el prospecto: $(cat "$out")"
eb --as admin arco suprimir E2E-2 > "$out" 2>&1
[ $? -eq 1 ] && grep -q "dura hasta el" "$out" || fail "suprimió antes de tiempo: $(cat "$out")"
eb --as admin arco suprimir --vencidas > "$out" 2>&1 &&
    grep -q "^no hay bloqueos terminados por suprimir$" "$out" || fail "--vencidas: $(cat "$out")"

eb --as admin --json arco > "$out" 2>&1 || fail "lista --json"
grep -q "\"folio\":\"E2E-1\",\"titular\":\"\[suprimido\]\",.*\"estado\":\"SUPRIMIDA\"" "$out" &&
    grep -q "\"folio\":\"E2E-2\",\"titular\":\"Hilda Captada\",.*\"estado\":\"BLOQUEADA\",.*\"prospecto\":$prosp" "$out" ||
    fail "--json: $(cat "$out")"
eb doctor > "$out" 2>&1 || fail "doctor: $(cat "$out")"
e2e_end
