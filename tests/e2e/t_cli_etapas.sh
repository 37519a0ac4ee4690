# t_cli_etapas — `embudo etapa`, the funnel's stages (sql/095), from the command line: a
# promoter lists them with her own opportunities in each and may not change them (exit 1);
# the admin changes a timer's length and puts it back (the opportunities there keep their
# expiry), renames a stage and back, and is refused a second stage with a taken name, a new
# INICIAL one, taking the INICIAL stage out of the funnel and a stage after itself; the auditor
# reads the record; an open kanban shows a rename at once. Every change is undone, so the
# kanban of the other scenarios is the same.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as prom1 etapa > "$out" 2>&1 || fail "lista: $(cat "$out")"
grep -q "^1   Nuevo  *inicial  24 h hábiles  [1-9][0-9]* *$" "$out" &&
    grep -q "^[0-9]*  *No localizado  *salida  *—  *[0-9]*  *pide 2 intentos antes$" "$out" ||
    fail "lista: $(cat "$out")"
eb --as prom1 --json etapa > "$out" 2>&1 &&
    grep -q '^\[{"orden":1,"nombre":"Nuevo","tipo":"INICIAL","horas":24,"intentos_minimos":0,"activa":true,"oportunidades":[1-9][0-9]*},' "$out" ||
    fail "--json: $(cat "$out")"
eb --as prom1 etapa cambiar Contactado --horas 36 > "$out" 2>&1
[ $? -eq 1 ] && grep -q "solo un administrador puede cambiar las etapas del embudo" "$out" ||
    fail "un promotor cambió una etapa: $(cat "$out")"

vence=$(sql_as admin "SELECT md5(string_agg(id || ':' || timer_vence, ',' ORDER BY id))
        FROM crm.oportunidades")
eb --as admin etapa cambiar documentación --horas 80 > "$out" 2>&1 &&
    grep -q '^etapa "Documentación": temporizador: 72 h → 80 h (cuenta para las que entren; .* conservan su vencimiento)$' \
        "$out" || fail "horas: $(cat "$out")"
eb --as admin etapa cambiar Documentación --horas 72 >/dev/null || fail "horas de vuelta"
[ "$(sql_as admin "SELECT md5(string_agg(id || ':' || timer_vence, ',' ORDER BY id))
        FROM crm.oportunidades")" = "$vence" ] || fail "se movió un vencimiento"
eb --as admin etapa cambiar 'No califica' --nombre 'No califica (perfil)' > "$out" 2>&1 &&
    grep -q '^etapa "No califica (perfil)": se llama "No califica (perfil)" (antes "No califica")$' \
        "$out" || fail "nombre: $(cat "$out")"
eb --as admin etapa cambiar 'no califica (perfil)' --nombre 'No califica' >/dev/null ||
    fail "nombre de vuelta"

eb --as admin etapa agregar nuevo --tipo normal > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'ya existe la etapa "Nuevo"' "$out" || fail "nombre repetido: $(cat "$out")"
eb --as admin etapa agregar Prospecto --tipo inicial > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'una etapa nueva es NORMAL o SALIDA' "$out" || fail "inicial: $(cat "$out")"
eb --as admin etapa desactivar Nuevo > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'la etapa inicial "Nuevo" no se desactiva' "$out" ||
    fail "desactivar Nuevo: $(cat "$out")"
eb --as admin etapa mover Contactado --despues-de contactado > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'una etapa no va después de sí misma' "$out" || fail "mover: $(cat "$out")"

eb --as auditor etapa cambios > "$out" 2>&1 || fail "cambios: $(cat "$out")"
grep -q " admin  *Documentación  *temporizador (h) *72 → 80$" "$out" &&
    grep -q " admin  *No califica  *nombre  *No califica (perfil) → No califica$" "$out" ||
    fail "cambios: $(cat "$out")"
[ "$(sql_as admin "SELECT string_agg(nombre || ':' || timer_horas, ',' ORDER BY orden)
        FROM crm.etapas WHERE tipo IN ('INICIAL', 'NORMAL')")" = \
    "Nuevo:24.00,Contactado:48.00,Interesado:72.00,Documentación:72.00,En trámite:120.00" ] ||
    fail "las etapas no quedaron como estaban"

# An open kanban follows a stage renamed from another terminal ({"tabla":"etapas"}).
escuchas=$(listen_count)
start_app 100 30 --as prom1
wait_for "Actualizado a las"
wait_listening "$escuchas"
send 2
wait_for "Interesado ·"
eb --as admin etapa cambiar Interesado --nombre 'Interés' >/dev/null || fail "renombrar"
wait_for "Interés ·"
eb --as admin etapa cambiar 'Interés' --nombre Interesado >/dev/null || fail "renombrar de vuelta"
wait_for "Interesado ·"
send q
wait_gone
expect_exit 0
e2e_end
