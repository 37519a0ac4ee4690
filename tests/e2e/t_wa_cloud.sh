# t_wa_cloud — a promoter whose WhatsApp account sends through Meta's official API (the Cloud
# API, docs/wa-cloud.md) in the terminal, with the default simulated transport (nothing reaches
# Meta: the admin's CLI and the server's calls are made by hand). promcl gets a number from the
# admin and a shared template mapped to Meta's «primer_contacto»; in the WhatsApp pane she sees
# the official API, not a QR: no key to link in the hint bar or «?», v refused in words, Meta's
# number and rating arriving live when the server reports them. In the wizard the mapped
# template shows its Meta name, her own unmapped one is refused with the admin's command, and
# the campaign made from the mapped one carries the mapping and each message's parameters, and
# launches. Its own supervisor and promoter (supcl, promcl) with three captured prospects.
. "$(dirname "$0")/lib.inc"

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.crear_usuario('supcl', 'Supervisora Nube', 'SUPERVISOR');
    SELECT api.crear_usuario('promcl', 'Promotora Nube Ñandú', 'PROMOTOR', 'supcl')" \
    >/dev/null || fail "crear promcl"
for p in "Rocío Núñez Peña:9990012001" "Íñigo Ávila Ruiz:9990012002" "Zoé Muñoz Gil:9990012003"; do
    eb --as promcl captar --nombre "${p%%:*}" --telefono "${p##*:}" >/dev/null ||
        fail "captar ${p%%:*}"
done
etapa=$(sql_as promcl "SELECT e.nombre FROM crm.oportunidades o JOIN crm.etapas e
                       ON e.id = o.etapa_id WHERE o.estado = 'ABIERTA' LIMIT 1")
cuenta=$(sql_as promcl "SELECT crm.yo()")

# The admin: promcl's account sends from a number of the lender's WhatsApp Business account; a
# shared template approved in Meta as primer_contacto (every promoter's wizard lists it: it goes
# when the scenario ends). promcl has one of her own, not mapped.
eb --as postgres wa cloud asignar promcl --numero-id 1098765432101 >/dev/null ||
    fail "wa cloud asignar"
compartida=$(sql_as admin "SELECT api.plantilla_guardar('$etapa', 'Primer contacto',
             'Hola {nombre}, le escribe {promotor} sobre su crédito de nómina.', true)")
E2E_ON_EXIT="eb --as admin db psql -X -q -c 'SELECT api.plantilla_borrar($compartida)'"
eb --as admin wa cloud plantilla "$etapa" 'Primer contacto' --meta primer_contacto >/dev/null ||
    fail "wa cloud plantilla"
sql_as promcl "SELECT api.plantilla_guardar('$etapa', 'Mi saludo', 'Hola {nombre}, ¿cómo está?')" \
    >/dev/null

# wait_joined TEXT: polls until TEXT is on the screen, read as one line (rows joined by a blank,
# blanks squeezed), for a message the pane wraps over rows.
wait_joined() {
    deadline=$(($(date +%s) + E2E_TIMEOUT))
    until screen | tr '\n' ' ' | tr -s ' ' | grep -F -q -- "$1"; do
        [ "$(date +%s)" -ge "$deadline" ] && fail "no apareció «$1» en ${E2E_TIMEOUT}s"
        sleep 0.1
    done
}
pane_key() { # the digit of the tab titled $1
    echo "$tabs" | grep -o "[0-9] $1" | head -n 1 | cut -c1
}

start_app 100 30 --as promcl
wait_for "● conectado"
tabs=$(screen | sed -n 2p)

# 1. The WhatsApp pane: the official API, no QR and no key to link.
send "$(pane_key WhatsApp)"
wait_for "Envía por   la API oficial de WhatsApp (Meta)"
wait_for "Número      — lo informa Meta cuando el servidor se conecta"
wait_for "Calidad     — aún no la informa Meta"
wait_for "Límite      180 al día · sin calentamiento"
wait_for "Envío       en el servidor central (embudo worker)"
expect_line "^ \? ayuda  : comando  q salir"
screen | grep -q -e "Pulse v" -e "sin vincular" -e "en uso desde" -e "tope de hoy" &&
    fail "la cuenta de la API oficial muestra lo de WhatsApp Web"
send v
wait_for "Cuenta de la API oficial de WhatsApp (Meta): no se vincula con QR ni código."
send '?'
wait_for "Ayuda: WhatsApp"
wait_for "Su cuenta envía por la API oficial de WhatsApp (Meta): el"
screen | grep -q -e "pedir otro código" -e "iniciar o detener" &&
    fail "la ayuda ofrece vincular o iniciar el envío"
send_key Escape
wait_until_gone "Ayuda: WhatsApp"
send e
wait_for "Cuenta de la API oficial de WhatsApp: el servidor central envía sus campañas."
# The server reaches Meta: the number and its rating arrive with no key pressed.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 -c "
    SELECT api.wa_cloud_conectada($cuenta, '5215512345678', 'GREEN');
    SELECT api.wa_remitente_estado($cuenta, 'CONECTADA')" >/dev/null ||
    fail "el servidor no informó la conexión"
wait_for "Número      +52 55 1234 5678"
wait_for "Calidad     ● verde (alta)"
wait_for "Cuenta      ● conectada"

# 2. The wizard: the mapped template with its Meta name; her unmapped one refused.
send "$(pane_key 'Nueva campaña')"
wait_for "1 Audiencia"
wait_for "Su cuenta envía por la API oficial de WhatsApp (Meta)"
screen | grep -q "no está vinculado" && fail "pide vincular una cuenta de la API oficial"
wait_match "> $etapa +3 +3"
send_key Enter
wait_for "Texto (escriba"
wait_until_gone "Un momento…"
wait_for ">Mi saludo  Primer contacto [Meta]  (nueva)"
wait_for "Sin plantilla aprobada en Meta: la API oficial no la envía."
send_key Enter
wait_joined "su administrador la liga con «embudo wa cloud plantilla $etapa \"Mi saludo\" --meta …»."
wait_for "Texto (escriba" # still step 2
send_key Down
wait_for "Meta: primer_contacto (es_MX)"
send_key Enter
wait_for "Plantilla de Meta: primer_contacto (es_MX), con sus variables como parámetros"
wait_for "Variaciones con IA: no aplican; Meta envía el texto aprobado tal cual."
send_key Enter
wait_match "Campaña [0-9]+ lista: aún no se envía nada."
wait_for "Plantilla de Meta: primer_contacto (es_MX)"
id=$(screen | sed -nE 's/.*Campaña ([0-9]+) lista.*/\1/p' | head -n 1)
[ "$(sql_as postgres "SELECT meta_nombre || '/' || meta_idioma FROM crm.wa_campanas
                      WHERE id = $id")" = "primer_contacto/es_MX" ] ||
    fail "la campaña $id no quedó ligada a primer_contacto"
[ "$(sql_as postgres "SELECT count(*) FILTER (WHERE parametros->>1 = 'Promotora Nube Ñandú'
                             AND jsonb_array_length(parametros) = 2)
                      || '/' || count(*) FROM crm.wa_mensajes
                      WHERE campana_id = $id AND estado = 'PENDIENTE'")" = "3/3" ] ||
    fail "los mensajes de la campaña $id no llevan sus parámetros"
[ "$(sql_as postgres "SELECT count(*) FROM crm.wa_mensajes WHERE campana_id = $id
                      AND parametros->>0 = 'Rocío'")" = 1 ] ||
    fail "los parámetros no son los valores de la plantilla"

# 3. Launch: a mapped campaign of a Cloud API account may go out (the server sends it).
send_key Enter
wait_match "Campaña $id: ENVIANDO|● enviando"
[ "$(sql_as postgres "SELECT estado FROM crm.wa_campanas WHERE id = $id")" = ENVIANDO ] ||
    fail "la campaña $id no se lanzó"
send q
wait_gone
expect_exit 0
e2e_end
