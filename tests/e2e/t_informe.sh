# t_informe — the funnel report pane (Informe), read against what the database reports
# (api.informe_*, sql/077) for the same user and week. sup1 at 80×24: the tab after Equipo,
# the week ending today over the whole team, the initial stage's entries (prom1's lote of 12
# from run.sh) in the stage table, one row per promoter of the team at the bottom; [ a week
# back and ] again, ] at today saying so, p narrowing to one promoter, a promoter of another
# team refused by the database in the bottom bar with the report kept, :informe todos. Then
# its own supervisor and promoter (supinf, prominf): a lead captured from the CLI while the
# pane is open shows up by itself (LISTEN). Last prom1: «sus oportunidades», no other
# promoter's login anywhere, no p and no table of promoters, [ a week back.
# The aging heatmap (v), for a team of its own (supenv: promenv1, promenv2): each promoter's
# first cell says what api.informe_envejecimiento says for supenv, in its band's colour with
# its glyph (○ past the stage's timer, ● well within), the totals under the grid, the hint
# bar and ? list v, the bar leaves out [ and ] (the range keys say they are the report's), at
# 40 columns the stages that do not fit are reached with →, a lead captured from the CLI shows
# up by itself, and v goes back to the report and its bar with [ and ]. Then the command line: :env + Tab, :envejecimiento with a login, a date
# refused, :informe back to the report, :ayuda listing it. With NO_COLOR the same cells keep
# their glyphs and carry no colour.
# It only reads the shared data; what it writes is prominf's and the envejecimiento team's.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supinf', 'Sofía Informe', 'SUPERVISOR');
    SELECT api.crear_usuario('prominf', 'Pablo Informe', 'PROMOTOR', 'supinf')" \
    >/dev/null || fail "crear supinf y prominf"

mes() {
    echo "ene feb mar abr may jun jul ago sep oct nov dic" | cut -d' ' -f"$1"
}
# rango_texto DESDE HASTA: the range in the pane's words (informe_rango_texto), e.g.
# "del 23 al 29 de nov de 2026", "del 28 de oct al 3 de nov de 2026".
rango_texto() {
    y0=$(echo "$1" | cut -d- -f1)
    m0=$(expr "$(echo "$1" | cut -d- -f2)" + 0)
    d0=$(expr "$(echo "$1" | cut -d- -f3)" + 0)
    y1=$(echo "$2" | cut -d- -f1)
    m1=$(expr "$(echo "$2" | cut -d- -f2)" + 0)
    d1=$(expr "$(echo "$2" | cut -d- -f3)" + 0)
    if [ "$y0" != "$y1" ]; then
        echo "del $d0 de $(mes "$m0") de $y0 al $d1 de $(mes "$m1") de $y1"
    elif [ "$m0" != "$m1" ]; then
        echo "del $d0 de $(mes "$m0") al $d1 de $(mes "$m1") de $y1"
    else
        echo "del $d0 al $d1 de $(mes "$m1") de $y1"
    fi
}
dia() {
    sql_as sup1 "SELECT crm.fecha_negocio(now()) - $1"
}
semana=$(rango_texto "$(dia 6)" "$(dia 0)")
anterior=$(rango_texto "$(dia 13)" "$(dia 7)")

# What the database reports to sup1 over this week: the screen must say the same.
inicial=$(sql_as sup1 "SELECT etapa FROM api.informe_etapas() WHERE tipo = 'INICIAL'")
entradas=$(sql_as sup1 "SELECT entradas FROM api.informe_etapas() WHERE tipo = 'INICIAL'")
[ "$entradas" -gt 0 ] || fail "la etapa inicial no tiene entradas esta semana"
recibidas=$(sql_as sup1 "SELECT recibidas FROM api.informe_promotores() WHERE login = 'prom1'")
[ "$recibidas" -ge 12 ] || fail "prom1 recibió $recibidas esta semana (el lote de run.sh es de 12)"

start_app 80 24 --as sup1
wait_for "● conectado"
expect_line '^  1 Inicio   2 Embudo   3 Detalle   4 Bandeja   5 Equipo   6 Informe  …$'
send 6
wait_for "Informe $semana · todo el equipo"
expect_line '^ Etapa +Entr\. +Sal\. +→ +← +Band\. +Venta +Venc\. +Med\. h +P90 h +Ahora$'
expect_line "^ $inicial +$entradas +[0-9]"
# v, the heatmap, has its place in the bar at 80 columns (s, d and m are in ?).
expect_line '^ \[ anterior  \] siguiente  p promotor  v informe/envejecimiento  \? ayuda *$'
send G
wait_for " Por promotor"
for login in $(sql_as sup1 "SELECT login FROM api.informe_promotores()"); do
    expect_line "^ $login "
done
expect_line "^ prom1 José Luis[^0-9]* $recibidas +[0-9]"
send g
wait_match '^ Etapa '

# A week back, forward again; not past today.
send '['
wait_for "Informe $anterior · todo el equipo"
send ']'
wait_for "Informe $semana · todo el equipo"
send ']'
wait_for "El informe ya llega a hoy: no hay un periodo siguiente."
# p: the first promoter by name (Ana Laura, prom4), the title says whom.
send p
wait_for "Informe $semana · solo prom4"
# The database refuses a promoter of another team: the bottom bar says why, the report stays.
send ':informe prom5'
send_key Enter
wait_for "✗ el usuario «prom5» no existe o no es de su equipo"
expect_line "Informe $semana · solo prom4"
send ':informe todos'
send_key Enter
wait_for "Informe $semana · todo el equipo"
send q
wait_gone
expect_exit 0

# Live: a lead prominf captures from another terminal reaches supinf's open report.
start_app 100 30 --as supinf
wait_for "● conectado"
send ':informe'
send_key Enter
wait_for "Informe $semana · todo el equipo"
wait_for "Sin movimiento en estas fechas: nada entró ni salió de ninguna etapa."
eb --as prominf captar --nombre "Inés Informe Vivo" --telefono 9990003001 >/dev/null ||
    fail "captar como prominf"
wait_match '^ prominf Pablo Informe +0 +1 +0 '
wait_match "^ $inicial +1 +0 "
send q
wait_gone
expect_exit 0

# A promoter: their own opportunities, nobody else's login.
mias=$(sql_as prom1 "SELECT entradas FROM api.informe_etapas() WHERE tipo = 'INICIAL'")
start_app 80 24 --as prom1
wait_for "● conectado"
expect_line '^  1 Inicio   2 Embudo   3 Detalle   4 Asignación   5 Informe   6 WhatsApp  …$'
send 5
wait_for "Informe $semana · sus oportunidades"
expect_line "^ $inicial +$mias +[0-9]"
expect_line '^ \[ anterior  \] siguiente  v informe/envejecimiento  \? ayuda  : comando  q salir *$'
send G
wait_for " Por qué salen"
screen | grep -E 'prom[02-9]|prom1[0-9]|sup1|Por promotor' && fail "prom1 ve a otro promotor"
send '['
wait_for "Informe $anterior · sus oportunidades"
send q
wait_gone
expect_exit 0

# The heatmap. promenv1's two leads entered Nuevo 40 days ago, and a supervisor gave them 30
# more days (their timer runs, so no sweep returns them): past the stage's 24 h. promenv2's
# one entered now.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supenv', 'Sandra Envejece', 'SUPERVISOR');
    SELECT api.crear_usuario('promenv1', 'Elisa Envejece', 'PROMOTOR', 'supenv');
    SELECT api.crear_usuario('promenv2', 'Esteban Envejece', 'PROMOTOR', 'supenv')" \
    >/dev/null || fail "crear supenv"
a=$(sql_as promenv1 "SELECT oportunidad_id FROM api.captar('Amalia Vieja', '+525599000711')")
b=$(sql_as promenv1 "SELECT oportunidad_id FROM api.captar('Bruno Viejo', '+525599000712')")
sql_as promenv2 "SELECT oportunidad_id FROM api.captar('Ciro Nuevo', '+525599000713')" >/dev/null
sql_as postgres "UPDATE crm.oportunidades SET timer_aviso = NULL,
                        timer_vence = now() + interval '30 days',
                        etapa_desde = now() - interval '40 days' - id * interval '1 hour'
                  WHERE id IN ($a, $b)" >/dev/null
# celda LOGIN: the promoter's Nuevo cell as the pane writes it, from what the database says.
celda() {
    sql_as supenv "SELECT CASE WHEN abiertas = 0 THEN '·' ELSE
                       CASE WHEN razon >= 1 THEN '○' WHEN razon * 100 >= aviso_pct THEN '◐'
                            ELSE '●' END
                       || ' ' || abiertas || ' · ' || to_char(horas_mediana, 'FM999990.0') || ' h'
                   END FROM api.informe_envejecimiento()
                   WHERE login = '$1' AND etapa = 'Nuevo'"
}
rx() {
    printf '%s' "$1" | sed 's/[.]/\\./g'
}
# Both rows as the database says now. An age grows while the business day is open: when one
# ticks over between the pane's read and ours, r reads again.
celdas_como_la_base() {
    for intento in 1 2 3; do
        e1=$(celda promenv1)
        e2=$(celda promenv2)
        deadline=$(($(date +%s) + 10))
        while [ "$(date +%s)" -lt "$deadline" ]; do
            screen | grep -Eq "^ promenv1 +$(rx "$e1")( |\$)" &&
                screen | grep -Eq "^ promenv2 +$(rx "$e2")( |\$)" && return 0
            sleep 0.2
        done
        send r
    done
    fail "las celdas no son las de la base: promenv1 «$e1», promenv2 «$e2»"
}
ESC=$(printf '\033')

start_app 80 24 --as supenv
wait_for "● conectado"
send 6
wait_for "Informe $semana · todo el equipo"
send v
wait_for "Envejecimiento en horas hábiles · todo el equipo"
expect_line '^ Promotor +Nuevo +Contactado '
expect_line '^ +tiempo 24 h +tiempo 48 h '
celdas_como_la_base
case $e1 in ○\ 2\ ·\ *) ;; *) fail "promenv1 no pasó el tiempo de Nuevo: «$e1»" ;; esac
case $e2 in ●\ 1\ ·\ *) ;; *) fail "promenv2: «$e2»" ;; esac
# The colour goes with the glyph: red (timer_late) for promenv1, green (timer_ok) for promenv2.
screen_sgr | grep 'promenv1' | grep -q "$ESC\[[0-9;]*31m○" || fail "○ sin rojo"
screen_sgr | grep 'promenv2' | grep -q "$ESC\[[0-9;]*32m●" || fail "● sin verde"
aviso=$(sql_as supenv "SELECT sum(en_aviso) FROM api.informe_envejecimiento() WHERE etapa = 'Nuevo'")
expect_line "^ En aviso +$([ "$aviso" = 0 ] && echo 0 || echo "◐ $aviso")( |\$)"
expect_line '^ Vencidas +0( |$)'
expect_line '^ Cada celda: abiertas · mediana de horas hábiles en la etapa\.$'
# The bar offers what works in the heatmap: not [ and ], the report's, which it refuses below.
expect_line '^ p promotor  v informe/envejecimiento  \? ayuda  : comando  q salir *$'
screen | tail -n 1 | grep -q '[][]' && fail "la barra del mapa de calor ofrece [ o ]: $(screen | tail -n 1)"
send '?'
wait_for "Ayuda: Informe"
expect_line '│  v +informe/envejecimiento +│'
send_key Escape
wait_until_gone "Ayuda: Informe"
send '['
wait_for "El envejecimiento es de ahora: las fechas son del informe (v)."
# Narrower: the stages that do not fit are reached sideways.
$T resize-window -t app -x 40 -y 24
wait_match '^ Etapas 1–2 de [3-9] · ← → las demás$'
expect_line '^ Promotor +Nuevo +Conta'
send_key Right
wait_match '^ Etapas 2–[2-5] de [3-9] · ← → las demás$'
expect_line '^ Promotor +Conta[^ ]* +Inter'
send_key Left
wait_match '^ Promotor +Nuevo '
$T resize-window -t app -x 80 -y 24
wait_until_gone "Etapas 1–"
# Live: a lead promenv2 captures from another terminal reaches the open heatmap.
eb --as promenv2 captar --nombre "Dalia Nueva" --telefono 5599000714 >/dev/null ||
    fail "captar como promenv2"
wait_match '^ promenv2 +● 2 · '
send v
wait_for "Informe $semana · todo el equipo"
expect_line '^ \[ anterior  \] siguiente  p promotor  v informe/envejecimiento  \? ayuda *$'
# The command line reaches it too: :env completes to :envejecimiento, which shows the heatmap;
# with a login it narrows it; :informe shows the report again, for the same promoter.
send ':env'
send_key Tab
wait_match '^:envejecimiento$'
send_key Enter
wait_for "Envejecimiento en horas hábiles · todo el equipo"
wait_match '^ promenv1 +○ 2 · '
send ':envejecimiento promenv2'
send_key Enter
wait_for "Envejecimiento en horas hábiles · solo promenv2"
wait_until_gone "promenv1"
send ':envejecimiento 2026-11-01'
send_key Enter
wait_for "✗ El envejecimiento es de ahora: las fechas son de :informe DESDE HASTA."
expect_line "Envejecimiento en horas hábiles · solo promenv2"
send ':informe'
send_key Enter
wait_for "Informe $semana · solo promenv2"
send ':envejecimiento todos'
send_key Enter
wait_for "Envejecimiento en horas hábiles · todo el equipo"
send ':informe todos'
send_key Enter
wait_for "Informe $semana · todo el equipo"
# :ayuda lists it among the commands.
send ':ayuda'
send_key Enter
wait_for "Ayuda: referencia de teclas"
send G
wait_match '│  :envejecimiento +cuánto llevan las abiertas en su etapa +│'
send_key Escape
wait_until_gone "Ayuda: referencia de teclas"
send q
wait_gone
expect_exit 0

# NO_COLOR: the same glyphs, no colour.
E2E_ENV=NO_COLOR=1
start_app 80 24 --as supenv
wait_for "● conectado"
send 6
wait_for "Informe $semana · todo el equipo"
send v
wait_match '^ promenv1 +○ 2 · '
screen_sgr | grep 'promenv' | grep -q "$ESC\[[0-9;]*3[0-7]m" && fail "NO_COLOR dejó colores"
send q
wait_gone
expect_exit 0
e2e_end
