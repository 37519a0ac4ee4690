# t_no_contactar — the do-not-contact registry (sql/074) in the terminal client, 80×24. A
# promoter's card gets «⊘ No contactar» once its phone is registered (REUS, loaded as an
# admin through psql; the registry sends no notification, so `r` re-reads) and Detalle says
# the fuente and when it ends; from Detalle, b registers a phone because the person asked: a
# form (which phone, an optional detail), then a yes/no question — «n» writes nothing, «s»
# writes it, the card gets the tag at once, and b again says it is already there; when the
# opportunity changed hands meanwhile, the database's refusal shows in the form. An ASCII
# terminal writes «! No contactar». The read-only auditor sees the marks but has no b: the key
# only says «Solo lectura» and the help does not offer it. Its own people (promtnc, promtnc2
# under suptnc) and captured prospects with phones +52 55 7070 0001…3, whose entries end when
# the scenario does (api.no_contactar_quitar as the database owner, then their rows are
# deleted), so no other scenario meets or counts them.
. "$(dirname "$0")/lib.inc"

T1=+525570700001
T2=+525570700002
T3=+525570700003

# However the scenario ends: the entries in force for our phones end the way an admin ends
# them (api.no_contactar_quitar), then their rows go, so no other scenario counts them.
limpiar() {
    eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
        SELECT api.no_contactar_quitar(telefono, fuente, 'fin del escenario t_no_contactar')
          FROM crm.no_contactar
         WHERE telefono IN ('$T1', '$T2', '$T3') AND quitado_at IS NULL
           AND (hasta IS NULL OR hasta > now());
        DELETE FROM crm.no_contactar WHERE telefono IN ('$T1', '$T2', '$T3')" >/dev/null
}
E2E_ON_EXIT=limpiar

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suptnc', 'Supervisora Registro', 'SUPERVISOR');
    SELECT api.crear_usuario('promtnc', 'Promotora Registro', 'PROMOTOR', 'suptnc');
    SELECT api.crear_usuario('promtnc2', 'Promotor Registro Dos', 'PROMOTOR', 'suptnc')" \
    >/dev/null || fail "crear promtnc"
[ "$(sql_as postgres "SELECT count(*) FROM padron.datos_contacto
                      WHERE valor IN ('$T1', '$T2', '$T3')")" = 0 ] ||
    fail "un cliente del padrón ya tiene uno de los teléfonos del escenario"
captar() { # name phone → the opportunity's id
    sql_as promtnc "SELECT oportunidad_id FROM api.captar('$1', '$2')"
}
captar 'Rebeca Paz' "$T1" >/dev/null
captar 'Tomás Peña' "$T2" >/dev/null
id3=$(captar 'Ximena Oca' "$T3")
registrados() { # the entries in force for phone $1, "FUENTE:detalle" per line
    sql_as promtnc "SELECT fuente || ':' || coalesce(detalle, '')
                   FROM api.no_contactar_consultar('$1')"
}

start_app 80 24 --as promtnc
wait_for "● conectado"
send 2
wait_for "Nuevo · 3"
wait_for "Rebeca Paz"
screen | grep -q "No contactar" && fail "una tarjeta ya venía marcada"

# An admin loads the number from a REUS extract (a month old: it ends in 23 months).
sql_as postgres "SELECT fuente_alta FROM api.no_contactar_agregar('$T1', 'REUS',
                 crm.fecha_negocio(now()) - 30, 'extracto de prueba')" >/dev/null
vence=$(sql_as postgres "SELECT to_char(hasta AT TIME ZONE crm.zona(), 'DD/MM/YYYY')
                         FROM crm.no_contactar WHERE telefono = '$T1' AND fuente = 'REUS'")
# No notification comes from the registry: r re-reads, and the card carries the tag.
send r
wait_match '^Rebeca Paz ⊘ No contactar'
screen | grep -E -q '(Tomás Peña|Ximena Oca) +⊘' && fail "se marcó una tarjeta de más"

# Detalle: the tag beside the stage and the phone, and the entry with its end.
send /
send Rebeca
send_key Enter
send_key Enter
wait_for "REUS (CONDUSEF) · vence el $vence · «extracto de prueba»"
expect_line '^ Nuevo .*   ⊘ No contactar$'
expect_line '^   Celular   \+52 55 7070 0001  ⊘ No contactar$'
send '?'
wait_for "Ayuda: Detalle"
expect_line '│  b +no contactar \(lo pidió la persona\) +│'
send_key Escape
wait_until_gone "Ayuda: Detalle"

# b on Tomás: the form, the question; «n» writes nothing, «s» writes the request.
send_key Escape # back to the embudo, still filtered
wait_for "/Rebeca"
send_key Escape # clears the filter
wait_for "Nuevo · 3"
send /
send Tom
send_key Enter
send_key Enter
wait_for "Promotor  promtnc (Promotora Registro)"
wait_for "Tomás Peña"
screen | grep -q "No contactar" && fail "Tomás ya aparecía en el registro"
send b
wait_for "No contactar: lo pidió la persona"
wait_for "+52 55 7070 0002"
send_key Tab
send "pidió que no le llamen"
send_key Enter
wait_for "¿Registrar +52 55 7070 0002 en no contactar? Ya no recibirá campañas. (s/n)"
send n
wait_until_gone "¿Registrar"
wait_for "pidió que no le llamen" # the form, as typed
[ -z "$(registrados "$T2")" ] || fail "«n» registró el número"
send_key Enter
wait_for "¿Registrar +52 55 7070 0002 en no contactar?"
send s
wait_for "+52 55 7070 0002 quedó en no contactar a petición de la persona."
wait_until_gone "No contactar: lo pidió la persona"
wait_for "SOLICITUD (a petición) · sin vencimiento · promtnc"
expect_line '^ Nuevo .*   ⊘ No contactar$'
[ "$(registrados "$T2")" = "SOLICITUD:pidió que no le llamen" ] ||
    fail "en el registro: «$(registrados "$T2")»"
send b
wait_for "Sus teléfonos ya están en no contactar a petición de la persona."
send_key Escape
wait_match '^Tomás Peña ⊘ No contactar' # the embudo re-read its marks by itself

# Ximena changes hands while her Detalle is open: the database refuses, in the form.
send_key Escape
wait_for "Nuevo · 3"
send /
send Xim
send_key Enter
send_key Enter
wait_for "Ximena Oca"
wait_for "Promotor  promtnc (Promotora Registro)"
sql_as suptnc "SELECT reasignadas FROM api.reasignar(ARRAY[$id3]::bigint[], 'promtnc2',
              'cubre la cartera')" >/dev/null
wait_for "No se pudo leer la oportunidad"
send b
wait_for "No contactar: lo pidió la persona"
send_key Enter
wait_for "¿Registrar +52 55 7070 0003 en no contactar?"
send s
wait_for "no es de ninguna oportunidad activa suya"
wait_for "No contactar: lo pidió la persona" # the form stays
[ -z "$(registrados "$T3")" ] || fail "se registró un número ajeno"
send_key Escape
wait_until_gone "No contactar: lo pidió la persona"
send q
wait_gone
expect_exit 0

# A terminal without UTF-8: the ASCII twin of the tag.
E2E_LOCALE=C
start_app 80 24 --as promtnc
wait_for "* conectado"
send 2
wait_match '^Rebeca Paz ! No contactar'
wait_match '^Tomas Pena ! No contactar'
send q
wait_gone
expect_exit 0
E2E_LOCALE=C.UTF-8

# The auditor reads the marks; b is not its key.
start_app 80 24 --as auditor
wait_for "● conectado"
send 2
wait_for "Equipo ·"
send /
send Rebeca
send_key Enter
wait_match '^Rebeca Paz ⊘ No contactar'
send_key Enter
wait_for "REUS (CONDUSEF) · vence el $vence"
send b
wait_for "Solo lectura: su perfil no cambia datos."
screen | grep -q "lo pidió la persona" && fail "b abrió el registro para el auditor"
send '?'
wait_for "Ayuda: Detalle"
screen | grep -q "no contactar" && fail "la ayuda del auditor ofrece no contactar"
send_key Escape
wait_until_gone "Ayuda: Detalle"
send q
wait_gone
expect_exit 0
[ "$(registrados "$T1")" = "REUS:extracto de prueba" ] || fail "el registro de $T1 cambió"
e2e_end
