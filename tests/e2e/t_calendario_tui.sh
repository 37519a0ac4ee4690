# t_calendario_tui — `:calendario` in Inicio (sql/093, sql/096, sql/097), 80×24. A promoter sees the
# weekly hours and the rest days, and no key that changes them. The admin opens it: a rest day
# declared from the command line meanwhile appears without pressing r (the notification); X on
# it asks first («n» keeps it) and then takes it back; A opens the form, where a day already
# past is refused inside it with what was typed, then a valid date and name are saved, listed
# and in «Cambios recientes»; A with «horario especial» (sql/097) gives another date
# 09:00–14:00 (five business hours instead of ten) and X takes it back; E on sábado with a window that closes before it opens is refused
# by the database inside the form (nothing changed), Esc discards it. The days are ~11 months
# ahead: inside the view's year and beyond every running timer, so no other scenario's timers
# move; both are taken back at the end.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

# Two working days ~11 months ahead that are not rest days.
dias=$(sql_as admin "SELECT string_agg(fecha::text, ' ' ORDER BY fecha) FROM (
        SELECT fecha FROM api.calendario(crm.fecha_negocio(now()) + 320,
                                         crm.fecha_negocio(now()) + 340)
         WHERE abre IS NOT NULL ORDER BY fecha LIMIT 2) d")
uno=${dias% *}
dos=${dias#* }
[ -n "$uno" ] && [ -n "$dos" ] && [ "$uno" != "$dos" ] || fail "fechas de la prueba: «$dias»"
uno_dmy=$(sql_as admin "SELECT to_char('$uno'::date, 'DD/MM/YYYY')")
dos_dmy=$(sql_as admin "SELECT to_char('$dos'::date, 'DD/MM/YYYY')")
ayer_dmy=$(sql_as admin "SELECT to_char(crm.fecha_negocio(now()) - 1, 'DD/MM/YYYY')")
# A weekday open 09:00–19:00 in the same weeks, for a special window of 09:00–14:00.
tres=$(sql_as admin "SELECT min(fecha) FROM api.calendario(crm.fecha_negocio(now()) + 320,
        crm.fecha_negocio(now()) + 340) WHERE abre = '09:00' AND cierra = '19:00'
        AND fecha NOT IN ('$uno', '$dos')")
tres_dmy=$(sql_as admin "SELECT to_char('$tres'::date, 'DD/MM/YYYY')")
[ -n "$tres" ] || fail "sin un día entre semana para el horario especial"

# The promoter: the calendar, without A, X or E anywhere.
start_app 80 24 --as prom1
wait_for "● conectado"
send :
send calendario
send_key Enter
wait_for "Calendario de negocio · America/Mexico_City"
expect_line '^Horario semanal +Días inhábiles y especiales al [0-9/]{10}$'
expect_line '^> lunes +09:00–19:00 '
expect_line '^  sábado +09:00–14:00 '
expect_line '^  domingo +cerrado '
wait_for "Cambios recientes"
expect_line '^Lunes: de 09:00 a 19:00 · Esc vuelve$'
screen | tail -n 1 | grep -q "agregar\|cambiar\|quitar\|regresar" && fail "el promotor ve las teclas del admin"
send A
send E
send '?'
wait_for "Ayuda"
screen | grep -Eq " (A +agregar|E +cambiar|M +cambiar de lugar|X +quitar|R +regresar)" && fail "la ayuda del promotor las ofrece"
send_key Escape
wait_until_gone "Ayuda"
send_key Escape
wait_until_gone "Calendario de negocio"
send q
wait_gone
expect_exit 0

# The admin.
escuchas=$(listen_count)
start_app 80 24 --as admin
wait_for "● conectado"
wait_listening "$escuchas"
send :
send calendario
send_key Enter
wait_for "Calendario de negocio"
expect_line '^ A agregar  E cambiar  \? ayuda'

# Declared from the command line: it appears by itself.
eb --as admin calendario inhabil "$uno" Aniversario de la empresa > "$out" 2>&1 ||
    fail "inhabil desde la línea de comandos: $(cat "$out")"
wait_match "^ .* [^ ]+ $uno_dmy  Aniversario de la empresa$"
wait_match "^  [0-9/]{8} [0-9:]{5}  admin  agregó el día inhábil $uno_dmy: Aniversario de la em"

# X on it: «n» keeps it, «s» takes it back.
i=0
until screen | tail -n 2 | head -n 1 | grep -q "^[^ ]* $uno_dmy: Aniversario"; do
    i=$((i + 1))
    [ $i -gt 30 ] && fail "el cursor no llegó al $uno_dmy"
    send_key Down
    sleep 0.1
done
expect_line '^ A agregar  X quitar  \? ayuda'
send X
wait_for "¿Quitar el día inhábil $uno_dmy ("
send n
wait_until_gone "¿Quitar el día inhábil"
[ "$(sql_as admin "SELECT count(*) FROM crm.dias_inhabiles WHERE fecha = '$uno'")" = 1 ] ||
    fail "«n» quitó el día"
send X
wait_for "¿Quitar el día inhábil $uno_dmy ("
send s
wait_for "ya no es inhábil (era Aniversario de la empresa)"
wait_until_gone " $uno_dmy  Aniversario de la empresa"
wait_for "quitó el día inhábil $uno_dmy: Aniversario de la em"

# A: a day already past is refused inside the form; then a good one is saved.
send A
wait_for "Agregar un día"
expect_line 'Ese día\* +\[inhábil +\]'
send "$ayer_dmy"
for _ in 1 2 3 4; do send_key Tab; done
send "Día del Promotor"
send_key Enter
wait_for "ya pasó"
expect_line 'Fecha \(DD/MM/AAAA\)\* +\['"$ayer_dmy"' +\]'
expect_line 'Nombre\* +\[Día del Promotor +\]'
[ "$(sql_as admin "SELECT count(*) FROM crm.dias_inhabiles WHERE nombre = 'Día del Promotor'")" = 0 ] ||
    fail "la fecha pasada se guardó"
for _ in 1 2 3 4; do send_key BTab; done
for _ in 1 2 3 4 5 6 7 8 9 10; do send_key BSpace; done
send "$dos_dmy"
send_key Enter
wait_for "es inhábil: Día del Promotor"
wait_until_gone "Agregar un día"
wait_match "^ .* [^ ]+ $dos_dmy  Día del Promotor$"
eb --as prom1 calendario --desde "$dos" --hasta "$dos" > "$out" 2>&1 &&
    grep -q "^  $dos_dmy  [a-zé]* *Día del Promotor$" "$out" || fail "listado: $(cat "$out")"

# A with «horario especial» (sql/097): the date works 09:00–14:00; X gives it its weekday back.
send A
wait_for "Agregar un día"
send "$tres_dmy"
send_key Tab
send_key Right
expect_line 'Ese día\* +\[horario especial +\]'
send_key Tab
send 9:00
send_key Tab
send 14:00
send_key Tab
send "Medio día"
send_key Enter
wait_for "se trabaja de 09:00 a 14:00: Medio día"
wait_until_gone "Agregar un día"
wait_match "^ .* [^ ]+ $tres_dmy  Medio día 09:00–14:00$"
[ "$(sql_as prom1 "SELECT api.horas_habiles_entre('$tres'::timestamp AT TIME ZONE crm.zona(),
                   '$tres'::timestamp AT TIME ZONE crm.zona() + interval '1 day')")" = 5.000000 ] ||
    fail "el día especial no cuenta 5 horas"
send g
i=0
until screen | tail -n 2 | head -n 1 | grep -q "^[^ ]* $tres_dmy: Medio día, de 09:00 a 14:00"; do
    i=$((i + 1))
    [ $i -gt 30 ] && fail "el cursor no llegó al $tres_dmy"
    send_key Down
    sleep 0.1
done
send X
wait_for "¿Quitar el horario especial del $tres_dmy ("
send s
wait_for "vuelve a su horario de siempre"
wait_until_gone " $tres_dmy  Medio día"

# E on sábado: a window that closes before it opens is the database's to refuse, in the form.
send g
for _ in 1 2 3 4 5; do send_key Down; done
wait_for "Sábado: de 09:00 a 14:00 · E cambia el horario"
send E
wait_for "Horario de los sábados"
expect_line 'Ese día\* +\[abierto +\]'
send_key Tab
for _ in 1 2 3 4 5; do send_key BSpace; done
send 19:00
send_key Tab
for _ in 1 2 3 4 5; do send_key BSpace; done
send 9:00
send_key Enter
wait_for "el cierre (09:00) debe ser después de la apertura (19:00)"
expect_line 'Horario de los sábados'
[ "$(sql_as admin "SELECT abre || '-' || cierra FROM crm.horario_operativo WHERE isodow = 6")" = \
    "09:00:00-14:00:00" ] || fail "el horario rechazado cambió"
send_key Escape
wait_for "¿Descartar"
send s
wait_until_gone "Horario de los sábados"
expect_line '^> sábado +09:00–14:00 '

# Taken back, from the command line: the view follows.
eb --as admin calendario habil "$dos" > "$out" 2>&1 || fail "habil: $(cat "$out")"
wait_until_gone " $dos_dmy  Día del Promotor"
send_key Escape
wait_until_gone "Calendario de negocio"
send q
wait_gone
expect_exit 0
