# t_wizard_ia — the campaign wizard's AI variations (issue 5) against a fake OpenAI-compatible
# endpoint (tests/e2e/fake_ia.mjs, Node's standard library): the client configured with
# [ia] url/modelo/llave_env shows in step 3 the variations that came from the endpoint, the
# one that lost a variable refused with the reason, and they are stored once; a second
# session with the same template reuses them without asking again; with the endpoint gone,
# a template never asked about falls back to spintax and says why.
# Its own promoter (promia, under supia) with three captured prospects, so no other
# scenario's data or goldens depend on it.
. "$(dirname "$0")/lib.inc"

command -v node >/dev/null 2>&1 || fail "falta node (make deps)"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supia', 'Supervisora IA', 'SUPERVISOR');
    SELECT api.crear_usuario('promia', 'Promotora Ñandú IA', 'PROMOTOR', 'supia')" \
    >/dev/null || fail "crear promia"
for p in "Rocío Núñez Peña:9990002001" "Íñigo Ávila Ruiz:9990002002" "Zoé Muñoz Gil:9990002003"; do
    eb --as promia captar --nombre "${p%%:*}" --telefono "${p##*:}" >/dev/null ||
        fail "captar ${p%%:*}"
done

# The endpoint: its answer (two good rewrites and one that drops {nombre}), port and log.
ia="$E2E_WORK/ia"
mkdir -p "$ia"
cat > "$ia/respuesta.json" <<'EOF'
["{nombre}, le saluda {promotor}: tenemos para usted CREDIMAX, hasta $40,000 con tasa de 1.2%.",
 "Buen día {nombre}. {promotor} le recuerda que CREDIMAX le presta hasta $40,000 al 1.2% mensual.",
 "Hola, su crédito CREDIMAX de hasta $40,000 al 1.2% le espera. Atte. {promotor}"]
EOF
node "$E2E_DIR/fake_ia.mjs" "$ia/respuesta.json" "$ia/puerto" "$ia/pedidos.log" &
fake=$!
E2E_ON_EXIT="kill $fake"
deadline=$(($(date +%s) + E2E_TIMEOUT))
until [ -s "$ia/puerto" ]; do
    [ "$(date +%s)" -ge "$deadline" ] && fail "el servicio de IA falso no arrancó"
    sleep 0.1
done
port=$(cat "$ia/puerto")
conf() { # conf FILE URL MODEL: the client's configuration for the AI
    printf '[ia]\nurl = %s\nmodelo = %s\nllave_env = E2E_IA_LLAVE\n' "$2" "$3" > "$1"
}
conf "$ia/embudo.conf" "http://127.0.0.1:$port/v1" prueba-e2e
E2E_ENV="E2E_IA_LLAVE=sk-e2e-secreta"
plantilla='Hola {nombre}, soy {promotor}: su crédito CREDIMAX de hasta $40,000 al 1.2% le espera.'

# wizard_to_step3: opens the wizard, takes the first stage, types $1 as a new template and
# goes on to step 3.
wizard_to_step3() {
    tabs=$(screen | sed -n 2p)
    send "$(echo "$tabs" | grep -o "[0-9] Nueva campaña" | cut -c1)"
    wait_for "1 Audiencia"
    wait_match "> .* 3 +3"
    send_key Enter
    wait_for "Texto (escriba"
    # Types into a loaded step 2: its templates and sample values are in ("Un momento…",
    # shown from the same key that opened the step, is gone).
    wait_until_gone "Un momento…"
    send "$1"
    wait_for "Válida · 1 variante"
    send_key Enter
    wait_for "Mensajes de ejemplo (3):"
}

# 1. The endpoint answers: two kept, the third refused with its reason; stored once.
start_app 100 30 --config "$ia/embudo.conf" --as promia
wait_for "● conectado"
wizard_to_step3 "$plantilla"
wait_for "Variaciones con IA: 2 de 3 aceptadas · usar: sí (v cambia)"
E2E_MASK='1s/.*/(barra de estado)/' # its sweep warning is t_barrido_ui's and t_en_vivo's
expect_screen golden/wizard_ia.txt
E2E_MASK=
[ "$(wc -l < "$ia/pedidos.log")" -eq 1 ] || fail "se esperaba una consulta al servicio de IA"
grep -q '"model":"prueba-e2e","llave":true' "$ia/pedidos.log" ||
    fail "la consulta no llevó el modelo y la llave: $(cat "$ia/pedidos.log")"
grep -qF '"plantilla":"Hola {nombre}, soy {promotor}: su crédito CREDIMAX' "$ia/pedidos.log" ||
    fail "la consulta no llevó la plantilla"
grep -q "sk-e2e-secreta" "$E2E_HOME/embudo.log" && fail "la llave quedó en embudo.log"
send v # the kept variations can be left out
wait_for "Variaciones con IA: 2 de 3 aceptadas · usar: no (v cambia)"
q="SELECT count(*) FILTER (WHERE aceptada) || '/' || count(*) FROM api.variaciones(
       \$\$$plantilla\$\$, 'prueba-e2e')"
[ "$(sql_as promia "$q")" = "2/3" ] || fail "no se guardaron las 3 variaciones: $(sql_as promia "$q")"
send q
wait_for "Hay cambios sin guardar. ¿Salir de todos modos? (s/n)"
send s
wait_gone
expect_exit 0

# 2. The same template in a new session: the stored variations, no second request.
start_app 100 30 --config "$ia/embudo.conf" --as promia
wait_for "● conectado"
wizard_to_step3 "$plantilla"
wait_for "Guardadas de una consulta anterior para esta plantilla (modelo prueba-e2e)."
wait_for "Variaciones con IA: 2 de 3 aceptadas"
[ "$(wc -l < "$ia/pedidos.log")" -eq 1 ] || fail "volvió a consultar al servicio de IA"
send q
wait_for "¿Salir de todos modos? (s/n)"
send s
wait_gone
expect_exit 0

# 3. The endpoint is gone: a new template falls back to spintax, saying why.
kill "$fake"
wait "$fake" 2>/dev/null
E2E_ON_EXIT=
start_app 100 30 --config "$ia/embudo.conf" --as promia
wait_for "● conectado"
wizard_to_step3 'Hola {nombre}, CREDIMAX le presta hasta $40,000. Le atiende {promotor}.'
wait_for "Variaciones con IA: no se pudo contactar al servicio de IA: el servidor no acepta"
wait_for "usa solo el spintax." # the reason goes on in the next row
expect_line "Ritmo: "
send_key Escape # back to the template: nothing typed is lost
wait_for "Hola {nombre}, CREDIMAX le presta hasta \$40,000. Le atiende {promotor}._"
send_key Escape # steps 2 and 1 read text: Esc leaves the wizard, then q quits
wait_for "1 Audiencia"
send_key Escape
wait_until_gone "1 Audiencia"
send q
wait_gone
expect_exit 0
e2e_end
