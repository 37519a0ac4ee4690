# t_auditor — the demo's auditor (rol AUDITOR, docs/api.md §11) in the terminal client, 80×24:
# the status bar says "solo lectura"; the tabs are Inicio, Embudo, Detalle, Bandeja, Equipo,
# Informe, Progreso and Estadísticas WA (no Asignación, Repartir, WhatsApp or the campaign
# wizard); it picks a promoter's embudo (u) and opens a Detalle; no write action is in any hint
# bar, in "?" or in ":ayuda", nor among the commands Tab offers; the write keys of Embudo,
# Detalle (e, corregir datos, too), Bandeja, Equipo (c, e) and Progreso only say "Solo
# lectura: su perfil no cambia datos."; Equipo's h shows a promoter's record of changes;
# Informe's heatmap opens with v and :envejecimiento; :asignar and :mover are refused; its
# client does not sweep (the log says why); and nothing in the database changed
# (opportunities, history, lotes, notes counted as postgres before and after). It only reads,
# so it depends on no other scenario's data and changes none.
. "$(dirname "$0")/lib.inc"

counts() {
    sql_as postgres "SELECT (SELECT count(*) FROM crm.oportunidades) || ' ' ||
                            (SELECT count(*) FROM crm.historial) || ' ' ||
                            (SELECT count(*) FROM crm.lotes) || ' ' ||
                            (SELECT coalesce(max(etapa_desde)::text, '-') FROM crm.oportunidades)"
}
before=$(counts)
[ "$(sql_as postgres "SELECT rol FROM crm.usuarios WHERE login = 'auditor'")" = AUDITOR ] ||
    fail "la demo no trae al usuario auditor"

start_app 80 24 --as auditor
wait_for "● conectado"
expect_line '^ embudo │ auditor · AUDITOR · solo lectura '
expect_line '^  1 Inicio   2 Embudo   3 Detalle   4 Bandeja   5 Equipo   6 Informe  …$'
expect_line 'Oportunidades \(todas\)'
screen | sed -n 2p | grep -E -q 'Asignación|Repartir|WhatsApp|Nueva campaña' &&
    fail "el auditor ve un panel que escribe"

# Embudo: any promoter's, through u; no captar; c says why nothing happens.
send 2
wait_for "Equipo ·"
expect_line '^ Enter abrir  / filtrar  s ordenar  v columnas/lista  \? ayuda  : comando'
send c
wait_for "Solo lectura: su perfil no cambia datos."
screen | grep -q "Captar un cliente" && fail "c abrió la captación"
send u
wait_match '^prom1 · [0-9]+ de [0-9]+'
send '?'
wait_for "Ayuda: Embudo"
expect_line '│  u +promotor \(supervisión\)'
screen | grep -q "captar" && fail "la ayuda del embudo ofrece captar"
send_key Escape
wait_until_gone "Ayuda: Embudo"

# Detalle: read-only; its hint bar offers only the way back.
send_key Enter
wait_match 'Promotor  prom1 '
expect_line '^ Esc volver  \? ayuda  : comando  q salir *$'
for k in m n v x i t a e; do
    send "$k"
    wait_for "Solo lectura: su perfil no cambia datos."
    screen | grep -E -q 'Mover a la etapa|Salida: ¿a qué etapa\?|Enter guardar' &&
        fail "«$k» abrió algo que escribe"
    send k # any key clears the message: the next one must bring it back
    wait_until_gone "Solo lectura"
done
expect_line 'Promotor  prom1 '
send '?'
wait_for "Ayuda: Detalle"
expect_line '│ Detalle +│'
expect_line '│  Esc +volver +│'
screen | grep -E -q '│  [mnvxitae] +[a-zá]' && fail "la ayuda de Detalle ofrece escribir"
send_key Escape
wait_until_gone "Ayuda: Detalle"

# Bandeja, Equipo, Progreso: they read; their write keys answer the same. Informe only reads:
# everyone's funnel, with p to pick a promoter.
send 4
wait_for "Bandeja ·"
expect_line '^ Enter abrir  \? ayuda  : comando  q salir *$'
send d
wait_for "Solo lectura: su perfil no cambia datos."
send 5
wait_for "Antigüedad en la etapa"
expect_line '^ Enter ver su embudo  h cambios  \? ayuda  : comando  q salir *$'
send c
wait_for "Solo lectura: su perfil no cambia datos."
screen | grep -q "Repartir clientes" && fail "c abrió Repartir"
send k # any key clears the message
wait_until_gone "Solo lectura"
send e
wait_for "Solo lectura: su perfil no cambia datos."
screen | grep -q "Estado de " && fail "e abrió el formulario del estado"
send '?'
wait_for "Ayuda: Equipo"
expect_line '│  h +cambios +│'
screen | grep -E -q '│  [ce] +[a-z]' && fail "la ayuda de Equipo ofrece escribir"
send_key Escape
wait_until_gone "Ayuda: Equipo"
# h: it reads the record of changes of the promoter under the cursor, and goes back.
send h
wait_match '^ Cambios de prom[0-9]+ · '
send e
wait_for "Solo lectura: su perfil no cambia datos."
send_key Escape
wait_for "Antigüedad en la etapa"
send 6
wait_for "· todos los promotores"
expect_line '^ \[ anterior  \] siguiente  p promotor  v informe/envejecimiento  \? ayuda *$'
# The heatmap reads too: by its key and by its command.
send v
wait_for "Envejecimiento en horas hábiles · todos los promotores"
send v
wait_match '^ Informe del .* · todos los promotores'
send ':envejecimiento'
send_key Enter
wait_for "Envejecimiento en horas hábiles · todos los promotores"
send 7
wait_for "Campañas ("
screen | grep -E -q 'créela en el asistente|Puede:' && fail "Progreso ofrece acciones"
send p
wait_for "Solo lectura: su perfil no cambia datos."
send 8
wait_for "Estadísticas de WhatsApp ·"
expect_line '8 Estadísticas WA'
screen | grep -q "No se pudo" && fail "un panel no pudo leer"

# Commands: the ones that write are not offered, and refused when typed.
send :
send_key Tab
# (80 columns: the list ends where the row does; :usuarios reads, so it is offered)
wait_match '^:  bandeja  buscar  ventas  estadisticas  informe  envejecimiento  usuarios *$'
send_key Escape
send :
send "asignar 5"
send_key Enter
wait_for "✗ Solo lectura: su perfil no tiene acceso a :asignar"
send :
send "mover Contactado"
send_key Enter
wait_for "✗ Solo lectura: su perfil no tiene acceso a :mover"

# :ayuda, every page: no write action and no writing command anywhere.
send :
send ayuda
send_key Enter
wait_for "Ayuda: referencia de teclas"
ref="$E2E_WORK/$E2E_NAME.ayuda"
: > "$ref"
for _ in 1 2 3 4 5 6 7 8; do
    screen >> "$ref"
    send_key NPage
done
send G
wait_for ":estadisticas"
screen >> "$ref"
grep -q ':bandeja' "$ref" || fail ":ayuda no llegó a los comandos"
for w in 'mover de etapa' 'captar' ' venta ' 'salida (a la bandeja)' 'intento' 'más tiempo' \
    'reasignar' 'devolver' 'descartar' 'reabrir' 'marcar' 'repartir' 'pausar' 'reanudar' \
    'vincular' 'estado' 'corregir' ':asignar' ':mover' ':repartir' 'Asignación' 'WhatsApp  '; do
    grep -F -q -- "$w" "$ref" && fail ":ayuda ofrece «$w» al auditor"
done
send_key Escape
wait_until_gone "Ayuda: referencia de teclas"

send q
wait_gone
expect_exit 0

# Nothing changed, and the client never tried to sweep.
[ "$(counts)" = "$before" ] || fail "la base cambió: $before → $(counts)"
grep -q 'barrido: no lo hace un perfil de solo lectura (auditor)' "$E2E_HOME/embudo.log" ||
    fail "el registro no dice que el auditor no barre"
e2e_end
