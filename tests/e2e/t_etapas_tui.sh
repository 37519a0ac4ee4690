# t_etapas_tui — `:etapas` in Inicio (sql/095), 80×24. A promoter sees every stage with its
# timer and her open count, and no key that changes them. The admin opens it: a timer changed
# from the command line meanwhile shows without pressing r; E puts it back and, in a second
# form, renames the stage (the cursor follows the new name) and back; M moves it after the next
# stage and back; A with a name in use is refused inside the form with what was typed, and
# Esc discards it; X takes an empty stage out of the funnel («fuera», one stage fewer in the
# heading) and R brings it back. Every change is undone, so the other scenarios' funnel is the
# same (checked against a fingerprint taken at the start).
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"
huella() {
    sql_as admin "SELECT md5(string_agg(nombre || ':' || orden || ':' || coalesce(timer_horas, 0)
                  || ':' || activa, ',' ORDER BY orden)) FROM crm.etapas"
}
antes=$(huella)
# A working stage nobody has an active opportunity in: X and R are tried on it.
vacia=$(sql_as admin "SELECT e.nombre FROM crm.etapas e WHERE e.tipo = 'NORMAL' AND e.activa
        AND NOT EXISTS (SELECT 1 FROM crm.oportunidades o WHERE o.etapa_id = e.id
                        AND o.estado IN ('ABIERTA', 'EN_BANDEJA'))
        ORDER BY e.orden DESC LIMIT 1")
[ -n "$vacia" ] || fail "ninguna etapa normal vacía para probar X y R"
vacia_orden=$(sql_as admin "SELECT orden FROM crm.etapas WHERE nombre = '$vacia'")

# The promoter: the stages, without A, E, M, X or R anywhere.
start_app 80 24 --as prom1
wait_for "● conectado"
send :
send etapas
send_key Enter
wait_for "Etapas del embudo · 9"
expect_line '^#   Etapa +Tipo +Temporizador +Intentos +Abiertas$'
expect_line '^>1  Nuevo +inicial +24 h hábiles +[0-9]+$'
expect_line '^ [0-9]  No localizado +salida +— +2 +[0-9]+$'
expect_line '^Nuevo: inicial, 24 h hábiles · Esc vuelve$'
screen | tail -n 1 | grep -q "agregar\|cambiar\|quitar\|regresar" && fail "el promotor ve las teclas del admin"
send A
send '?'
wait_for "Ayuda"
screen | grep -Eq " (A +agregar|E +cambiar|M +cambiar de lugar|X +quitar|R +regresar)" && fail "la ayuda del promotor las ofrece"
send_key Escape
wait_until_gone "Ayuda"
send_key Escape
wait_until_gone "Etapas del embudo"
send q
wait_gone
expect_exit 0

# The admin.
escuchas=$(listen_count)
start_app 80 24 --as admin
wait_for "● conectado"
wait_listening "$escuchas"
send :
send etapas
send_key Enter
wait_for "Etapas del embudo · 9"
expect_line '^ A agregar  E cambiar  \? ayuda'

# From the command line: it shows by itself.
eb --as admin etapa cambiar Interesado --horas 60 > "$out" 2>&1 || fail "cli: $(cat "$out")"
wait_match '^ 3  Interesado +normal +60 h hábiles '
wait_match '^  [0-9/]{8} [0-9:]{5}  admin  Interesado  temporizador: 72 h → 60 h$'

# E: the timer back, then a rename and back; the cursor follows the name.
send_key Down
send_key Down
wait_for "Interesado: normal, 60 h hábiles · X la saca del embudo · Esc vuelve"
expect_line '^ A agregar  E cambiar  M cambiar de lugar  X quitar'
send E
wait_for "Cambiar la etapa Interesado"
expect_line 'Temporizador \(h\) +\[60 +\]'
send_key Enter
wait_for "No cambió nada"
send_key Tab
send_key BSpace
send_key BSpace
send 72
send_key Enter
wait_for "temporizador: 60 h → 72 h"
wait_until_gone "Cambiar la etapa"
wait_match '^>3  Interesado +normal +72 h hábiles '
send E
wait_for "Cambiar la etapa Interesado"
send_key BSpace
send a
send_key Enter
wait_until_gone "Cambiar la etapa"
wait_match '^>3  Interesada +normal +72 h hábiles '
wait_for "Interesada: normal, 72 h hábiles"
send E
wait_for "Cambiar la etapa Interesada"
send_key BSpace
send o
send_key Enter
wait_until_gone "Cambiar la etapa"
wait_match '^>3  Interesado +normal +72 h hábiles '

# M: after the next stage, and back after the one before.
siguiente=$(sql_as admin "SELECT nombre FROM crm.etapas WHERE orden = 4")
send M
wait_for "Mover la etapa Interesado"
expect_line 'Después de\* +\[Contactado +\]'
send_key Right
expect_line "Después de\\* +\\[$siguiente +\\]"
send_key Enter
wait_for "va ahora después de \"$siguiente\""
wait_match "^>4  Interesado "
send M
wait_for "Mover la etapa Interesado"
send_key Left
send_key Enter
wait_for "va ahora después de \"Contactado\""
wait_match "^>3  Interesado "

# A with a name in use: refused inside the form, what was typed kept; Esc discards it.
send A
wait_for "Agregar una etapa"
send contactado
send_key Enter
wait_for 'ya existe la etapa "Contactado"'
expect_line 'Nombre\* +\[contactado +\]'
send_key Escape
wait_for "¿Descartar"
send s
wait_until_gone "Agregar una etapa"

# X and R on the empty stage.
send g
i=1
while [ $i -lt "$vacia_orden" ]; do
    send_key Down
    i=$((i + 1))
done
wait_for "$vacia: normal"
send X
wait_for "¿Sacar «$vacia» del embudo?"
send s
wait_for "La etapa \"$vacia\" sale del embudo"
wait_match "^>[0-9]+ +$vacia .* fuera$"
wait_for "Etapas del embudo · 8 (1 fuera del embudo)"
send R
wait_for "¿Regresar «$vacia» al embudo?"
send s
wait_for "La etapa \"$vacia\" vuelve al embudo"
wait_for "Etapas del embudo · 9"

send_key Escape
wait_until_gone "Etapas del embudo"
send q
wait_gone
expect_exit 0
[ "$(huella)" = "$antes" ] || fail "las etapas no quedaron como estaban"
