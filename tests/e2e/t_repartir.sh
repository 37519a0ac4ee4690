# t_repartir — a supervisor deals clients over the team from the Repartir pane (80×24): the
# live preview per promoter (received today, cupo left, cartera room, what each would get) and
# its total "Se repartirían N de M disponibles" with the reason when fewer than asked; edits
# re-read it; Enter asks, a second Enter deals, and each promoter's lote is on screen and in
# the database; the same form again returns the first distribution (no second lote); a
# database refusal (a promoter of another team) shows in Spanish; Equipo's c opens it for one
# promoter. A promoter has no Repartir and no :repartir. Its own people (suprep, promrep1 with a
# cupo of 4, promrep2 with 9) and CFE clients only, which no other scenario asks for.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('suprep', 'Supervisora Reparto', 'SUPERVISOR');
    SELECT api.crear_usuario('promrep1', 'Promotora Reparto Uno', 'PROMOTOR', 'suprep', 4);
    SELECT api.crear_usuario('promrep2', 'Promotor Reparto Dos', 'PROMOTOR', 'suprep', 9)" \
    >/dev/null || fail "crear suprep"

# How many CFE clients there are, as the preview counts them (es-MX thousands).
cfe=$(sql_as suprep "SELECT coalesce(sum(disponibles), 0) FROM api.disponibles('CFE')")
[ "$cfe" -ge 13 ] || fail "muy pocos clientes CFE para el escenario: $cfe"
cfe_fmt=$(echo "$cfe" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta')
lotes() { # the DISTRIBUCION lotes of promoter $1: "count:sum(solicitados)"
    sql_as suprep "SELECT count(*) || ':' || coalesce(sum(l.solicitados), 0) FROM crm.lotes l
                   JOIN crm.usuarios u ON u.id = l.usuario_id
                   WHERE u.login = '$1' AND l.origen = 'DISTRIBUCION'"
}

start_app 80 24 --as suprep
wait_for "● conectado"
wait_for "6 Informe" # Repartir is the next tab (past the … at 80 columns)
send 7
wait_for "Repartir clientes al equipo"
wait_for "Se repartirían 13 de"
# Convenio CFE (the first clave): the preview is read again for it.
send_key Down
send_key Right
wait_for "◂ CFE — Comisión Federal de Electricidad ▸"
wait_for "Se repartirían 13 de $cfe_fmt disponibles."
wait_for "Pidió 20: el cupo y la cartera del equipo solo admiten 13 hoy."
wait_match "promrep1 · .* 0 +4 +500 +4$"
wait_match "promrep2 · .* 0 +9 +500 +9$"
# Ten: an even split, promrep1 capped by her cupo, the rest to promrep2.
send_key Up
send_key BSpace
send_key BSpace
send 10
wait_for "Se repartirían 10 de $cfe_fmt disponibles."
wait_match "promrep1 · .* 0 +4 +500 +4$"
wait_match "promrep2 · .* 0 +9 +500 +6$"
wait_until_gone "Pidió"
# Enter asks, Esc cancels, Enter twice deals.
send_key Enter
wait_for "¿Repartir 10 entre 2 promotores? Enter confirma · Esc cancela"
send_key Escape
wait_until_gone "¿Repartir 10"
[ "$(lotes promrep1)" = 0:0 ] || fail "se repartió sin confirmar"
send_key Enter
wait_for "¿Repartir 10 entre 2 promotores?"
send_key Enter
wait_for "Listo: se repartieron 10 clientes entre 2 promotores."
[ "$(lotes promrep1)" = 1:4 ] || fail "promrep1: lotes $(lotes promrep1), se esperaba 1:4"
[ "$(lotes promrep2)" = 1:6 ] || fail "promrep2: lotes $(lotes promrep2), se esperaba 1:6"
[ "$(sql_as promrep2 "SELECT count(*) FROM crm.oportunidades WHERE estado = 'ABIERTA'")" = 6 ] ||
    fail "promrep2 no tiene sus 6 oportunidades"
l1=$(sql_as suprep "SELECT l.id FROM crm.lotes l JOIN crm.usuarios u ON u.id = l.usuario_id
                    WHERE u.login = 'promrep1' AND l.origen = 'DISTRIBUCION'")
l2=$(sql_as suprep "SELECT l.id FROM crm.lotes l JOIN crm.usuarios u ON u.id = l.usuario_id
                    WHERE u.login = 'promrep2' AND l.origen = 'DISTRIBUCION'")
wait_match "promrep1 · .* 4 +$l1 +0$"
wait_match "promrep2 · .* 6 +$l2 +3$"
# The same form again: the same clave, the first distribution comes back, nothing new.
send_key Enter
wait_for "¿Repartir"
send_key Enter
wait_for "Sin cambios: esta distribución ya se había hecho"
[ "$(lotes promrep1)" = 1:4 ] && [ "$(lotes promrep2)" = 1:6 ] || fail "se repartió dos veces"

# A promoter of another team: the database refuses the preview, in Spanish.
send :
send "repartir 5 convenio=CFE promotores=prom1"
send_key Enter
wait_for "Repartir clientes a prom1"
wait_for "no es de su equipo"
send_key Enter
wait_until_gone "¿Repartir"
# Esc goes back to the whole team: promrep1 has no cupo left, promrep2 has 3.
send_key Escape
wait_for "Repartir clientes al equipo"
wait_match "promrep1 · .* 4 +0 +496 +0$"
wait_for "Se repartirían 3 de"
wait_for "Pidió 5: el cupo y la cartera del equipo solo admiten 3 hoy."

# From Equipo (Alt-5: a digit would type into Cantidad): c on promrep2 opens Repartir for
# her alone.
send_key M-5
wait_for "6/500       6/9"
send_key Down
send c
wait_for "Repartir clientes a promrep2"
wait_match "promrep2 · .* 6 +3 +494 +3$"
wait_until_gone "promrep1 ·"
send q
wait_for "¿Salir de todos modos?"
send s
wait_gone
expect_exit 0

# A promoter: no Repartir tab, and :repartir is refused.
start_app 80 24 --as promrep1
wait_for "● conectado"
screen | grep -q "Repartir" && fail "un promotor ve Repartir"
send :
send "repartir 5"
send_key Enter
wait_for "su perfil no tiene acceso a :repartir"
send q
wait_gone
expect_exit 0
e2e_end
