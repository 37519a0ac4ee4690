# t_ascii — a terminal whose locale is not UTF-8 (LC_ALL=C, as over some PuTTY setups):
# boxes are drawn with + - |, glyphs and accented letters fall back to ASCII, and the
# layout stays aligned because the view-models measure what is really written.
. "$(dirname "$0")/lib.inc"

E2E_LOCALE=C
E2E_MASK='s/ +[0-9][0-9,]*( \|)?$/ #\1/'

start_app 80 24 --as prom1
wait_for "Actualizado a las"
expect_line '^ embudo \| prom1 - PROMOTOR .*\* conectado$'
expect_line '^  \| Clientes en el padron +[0-9,]+ \|$'
expect_screen golden/ascii.txt
send q
wait_gone
expect_exit 0
e2e_end
