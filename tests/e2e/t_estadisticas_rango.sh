# t_estadisticas_rango — ":estadisticas" in the command line (a supervisor): Tab completes the
# name and the relative forms, "hoy", "7d" and two dates set the statistics pane's range (its
# title says it), impossible dates and a reversed range are refused in Spanish in the bottom
# bar and leave the range as it was, ":ayuda" lists the command, and a promoter is refused.
. "$(dirname "$0")/lib.inc"

hoy=$(sql_as sup1 "SELECT crm.fecha_negocio(now())")
hace6=$(sql_as sup1 "SELECT crm.fecha_negocio(now()) - 6")

start_app 100 30 --as sup1
wait_for "● conectado"

send ':estad'
send_key Tab
wait_match '^:estadisticas$'
send 'h'
send_key Tab
wait_match '^:estadisticas hoy$'
send_key Enter
wait_for "Estadísticas de WhatsApp · $hoy a $hoy ·"

send ':estadisticas 2026-11-01 2026-11-29'
send_key Enter
wait_for "Estadísticas de WhatsApp · 2026-11-01 a 2026-11-29 ·"
send ':estadisticas 2026-02-30'
send_key Enter
wait_for "✗ fecha inválida «2026-02-30» (AAAA-MM-DD, hoy o ayer)"
send ':estadisticas 2026-11-29 2026-11-01'
send_key Enter
wait_for "✗ el rango empieza después de terminar: 2026-11-29 a 2026-11-01"
expect_line "Estadísticas de WhatsApp · 2026-11-01 a 2026-11-29 ·" # unchanged
send ':estadisticas 7d'
send_key Enter
wait_for "Estadísticas de WhatsApp · $hace6 a $hoy ·"

send ':ayuda'
send_key Enter
wait_for "Ayuda: referencia de teclas"
send G
wait_match '│  :estadisticas +estadísticas de WhatsApp de esas fechas'
send_key Escape
wait_until_gone "Ayuda: referencia de teclas"
send q
wait_gone
expect_exit 0

start_app 100 30 --as prom1
wait_for "● conectado"
send ':estadisticas hoy'
send_key Enter
wait_for "✗ su perfil no tiene acceso a :estadisticas"
send q
wait_gone
expect_exit 0
e2e_end
