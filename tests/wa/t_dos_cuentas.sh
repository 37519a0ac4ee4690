# tests/wa/t_dos_cuentas.sh — sourced by tests/wa/run.sh after t_campana_web.sh (uses the
# all-day window it opened, t_mensajes.sh's admin, and the run's eb, check, ok, bad, events,
# wait_file, $work, $url, $root, $BIN): two promoters, two WhatsApp accounts, one
# `embudo worker`.
#
# prom5 links a different WhatsApp account than prom1: the fake server's second phone
# (FW_PHONE2_USER 15550002222, its own identity key and LID) scans prom5's QR (admin
# "scan-qr-as"). (prom5, not prom2: t_tui_vincular.sh links prom2 from the TUI later.) Then
# each promoter launches a campaign of 6 clients (1–3 devices each, their own convenio) and
# ONE worker with transport = web sends both at once: two senders, two websockets open
# together (a login per account, neither closed until the worker stops). Every message is
# decrypted exactly once by every device of its recipient, and comes FROM its promoter's
# account (the fake server logs the sending device, "from"): prom1's from phone 1's companion,
# prom5's from phone 2's; the deviceSentMessage copy reaches that account's own phone and not
# the other one; each connection's presence carries its own account's push name; both
# campaigns end 6 LEIDO and the worker counts 6 sent for each account.

eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || bad "crear prom5"
SELECT api.crear_usuario('prom5', 'Promotora Cinco', 'PROMOTOR', 'sup1');
INSERT INTO padron.convenios (clave, nombre, tipo) VALUES
    ('PRUEBADOSA', 'Prueba dos cuentas A', 'PRIVADO'),
    ('PRUEBADOSB', 'Prueba dos cuentas B', 'PRIVADO');
SQL

# ---- prom5 links the second phone ----------------------------------------------------------
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom5 wa link --raw \
    > "$work/dos-link.out" 2> "$work/dos-link.err" &
dos_link_pid=$!
if wait_file "$work/dos-link.out" '^https://wa\.me/settings/linked_devices#'; then
    admin "scan-qr-as 15550002222 $(grep -m1 '^https://wa\.me/' "$work/dos-link.out")"
else
    bad "dos cuentas: link de prom5 no imprimió un QR" "$work/dos-link.err"
fi
wait "$dos_link_pid"
st=$?
if [ "$st" -eq 0 ] && grep -qE '^vinculado: 15550002222:[0-9]+@s\.whatsapp\.net$' "$work/dos-link.out"; then
    ok "dos cuentas: prom5 vinculada con el segundo teléfono (15550002222)"
else
    bad "dos cuentas: link de prom5 terminó con $st" "$work/dos-link.err"
fi
check "dos cuentas: el segundo teléfono escaneó el QR de prom5" \
    [ "$(events '"ev":"scan"' '"ok":true' '"phone":"15550002222"')" = 1 ]
jid_of() { # LOGIN: the JID stored for LOGIN's account
    eb --as postgres db psql -X -q -t -A -c "SELECT coalesce(c.jid, '') FROM crm.wa_cuentas c
        JOIN crm.usuarios u ON u.id = c.usuario_id WHERE u.login = '$1'" 2>&1
}
uid_of() { eb --as postgres db psql -X -q -t -A -c "SELECT id FROM crm.usuarios WHERE login = '$1'" 2>&1; }
jid1=$(jid_of prom1)
jid5=$(jid_of prom5)
u1=$(uid_of prom1)
u5=$(uid_of prom5)
check "dos cuentas: prom5 guarda el JID del segundo teléfono, prom1 sigue en el primero" \
    sh -c "echo '$jid5' | grep -qE '^15550002222:[0-9]+@s\.whatsapp\.net$' &&
           echo '$jid1' | grep -qE '^15550001111:[0-9]+@s\.whatsapp\.net$'"

# ---- 12 clients: 40–45 are prom1's (convenio A), 46–51 prom5's (convenio B) ----------------
csv="$work/dos.csv"
echo "nombre,primer_apellido,convenio,entidad,edad,telefono" > "$csv"
i=40
while [ $i -lt 52 ]; do
    devs=$((1 + i % 3))
    if [ $((i % 2)) -eq 0 ]; then
        admin "contact 52155000000$i $devs"
    else
        admin "contact 5255000000$i $devs"
    fi
    conv=PRUEBADOSA
    [ $i -ge 46 ] && conv=PRUEBADOSB
    echo "Cliente$i,Prueba,$conv,JAL,40,55 0000 00$i" >> "$csv"
    i=$((i + 1))
done
wait_file "$work/events.jsonl" '"user":"525500000051"' || bad "dos cuentas: contactos no registrados"
eb --as postgres import clientes "$csv" > "$work/dos-import.out" 2>&1 ||
    bad "dos cuentas: importar clientes" "$work/dos-import.out"
eb --as prom1 asignar --cantidad 6 --convenio PRUEBADOSA > "$work/dos-asignar1.out" 2>&1 ||
    bad "dos cuentas: asignar a prom1" "$work/dos-asignar1.out"
eb --as prom5 asignar --cantidad 6 --convenio PRUEBADOSB > "$work/dos-asignar5.out" 2>&1 ||
    bad "dos cuentas: asignar a prom5" "$work/dos-asignar5.out"
for p in prom1 prom5; do # server-side sending on, accounts in use for a month (no warm-up cap)
    eb --as $p db psql -X -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL' || bad "dos cuentas: configurar $p"
SELECT api.wa_configurar(envio_servidor => true, en_uso_desde => crm.fecha_negocio(now()) - 30);
SQL
done

# dos_campana LOGIN CONVENIO FIRMA: creates and launches LOGIN's campaign; prints its id.
dos_campana() {
    eb --as "$1" campana crear --etapa Nuevo --convenio "$2" \
        --texto "Hola {nombre}, le escribe $3." > "$work/dos-crear-$1.out" 2>&1
    c=$(sed -n 's/^campaña \([0-9]*\) creada: 6 mensajes programados.*/\1/p' "$work/dos-crear-$1.out")
    [ -n "$c" ] && eb --as "$1" campana lanzar "$c" 2>&1 | grep -q ENVIANDO && echo "$c"
}
cid1=$(dos_campana prom1 PRUEBADOSA Lupita)
cid5=$(dos_campana prom5 PRUEBADOSB Rosario)
check "dos cuentas: campaña de prom1 creada y lanzada con 6 destinatarios" [ -n "$cid1" ]
check "dos cuentas: campaña de prom5 creada y lanzada con 6 destinatarios" [ -n "$cid5" ]

# ---- one worker sends both -------------------------------------------------------------------
mark=$(wc -l < "$work/events.jsonl")
EMBUDO_TRANSPORT=web EMBUDO_RITMO=rapido EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root \
    "$BIN" --home "$home" worker > "$work/dos-worker.out" 2> "$work/dos-worker.err" &
worker_pid=$!
dos_estados() {
    eb --as postgres db psql -X -q -t -A -c "SELECT string_agg(campana_id || ' ' || estado || ' ' || n,
        ', ' ORDER BY campana_id, estado) FROM (SELECT campana_id, estado, count(*) n
        FROM crm.wa_mensajes WHERE campana_id IN ($cid1, $cid5) GROUP BY 1, 2) x" 2>&1
}
want="$cid1 LEIDO 6, $cid5 LEIDO 6"
i=0
while [ $i -lt 180 ] && [ "$(dos_estados)" != "$want" ]; do
    sleep 1
    i=$((i + 1))
done
# The worker's events so far (before it stops and its sockets close).
tail -n +$((mark + 1)) "$work/events.jsonl" > "$work/dos-events.jsonl"
kill -TERM "$worker_pid"
wait "$worker_pid"
st=$?
if [ "$st" -eq 0 ]; then ok "dos cuentas: el worker termina limpio con SIGTERM"; else
    bad "dos cuentas: el worker terminó con $st tras SIGTERM" "$work/dos-worker.err"; fi
final=$(dos_estados)
check "dos cuentas: ambas campañas, 6 LEIDO cada una (ahora: $final)" [ "$final" = "$want" ]
[ "$final" = "$want" ] || sed 's/^/    /' "$work/dos-worker.out" "$work/dos-worker.err" >&2
for u in "$u1" "$u5"; do
    check "dos cuentas: el worker conectó la cuenta $u una sola vez" \
        [ "$(grep -c "^envío cuenta $u: conectada\$" "$work/dos-worker.out")" = 1 ]
    check "dos cuentas: contadores de la cuenta $u: 6 enviados, 0 fallidos, 0 en duda" \
        grep -q "^envío cuenta $u: 6 enviados, 0 fallidos, 0 en duda\$" "$work/dos-worker.out"
done

# Two websockets, one per account, open together: one login each, on different connections,
# and neither closed before both campaigns were read.
conn_of() { # PHONE_USER: the connection id of the worker's login as that account
    grep -F '"ev":"login"' "$work/dos-events.jsonl" | grep -F "\"username\":\"$1\"" |
        grep -F '"ok":true' | sed 's/^{"conn":\([0-9]*\),.*/\1/'
}
c1=$(conn_of 15550001111)
c5=$(conn_of 15550002222)
dos_sockets() {
    [ "$(printf '%s\n' "$c1" | grep -c .)" = 1 ] && [ "$(printf '%s\n' "$c5" | grep -c .)" = 1 ] &&
        [ "$c1" != "$c5" ] &&
        ! grep -qE "^\{\"conn\":($c1|$c5),\"ev\":\"close\"" "$work/dos-events.jsonl"
}
check "dos cuentas: dos websockets a la vez, un login por cuenta (conexiones $c1 y $c5)" dos_sockets
check "dos cuentas: presencia con el nombre de cada cuenta en su conexión" sh -c "
    grep -F '{\"conn\":$c1,' '$work/dos-events.jsonl' | grep -qF '\"type\":\"available\",\"name\":\"Lupita\"' &&
    grep -F '{\"conn\":$c5,' '$work/dos-events.jsonl' | grep -qF '\"type\":\"available\",\"name\":\"Rosario\"'"

# Each message: decrypted once by every device of its recipient, all from its account's
# device, with its campaign's text; the own copy reaches its account's phone only.
# dos_once CAMPAIGN JID PHONE OTHER_PHONE FIRMA
dos_once() {
    eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/dos-enviados-$1.out" 2>&1 <<SQL
SELECT m.wa_id, n.jid FROM crm.wa_mensajes m JOIN crm.wa_numeros n ON n.telefono = m.telefono
 WHERE m.campana_id = $1 AND m.estado = 'LEIDO' ORDER BY m.telefono;
SQL
    [ "$(grep -c . "$work/dos-enviados-$1.out")" = 6 ] || { sed 's/^/    /' "$work/dos-enviados-$1.out" >&2; return 1; }
    tr '|' ' ' < "$work/dos-enviados-$1.out" | while read -r mid mjid; do
        user=${mjid%@*}
        n=$(grep -F "\"ev\":\"contact\",\"user\":\"$user\"" "$work/events.jsonl" | tail -n 1 |
            sed 's/.*"devices":\([0-9]*\).*/\1/')
        all=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":false')
        mine=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":false' "\"from\":\"$2\"" \
            "le escribe $5.\"")
        distinct=$(grep -F '"ev":"decrypted"' "$work/events.jsonl" | grep -F "\"id\":\"$mid\"" |
            grep -F '"dsm":false' | sed 's/.*"to":"\([^"]*\)".*/\1/' | sort -u | grep -c .)
        own=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" '"dsm":true' "\"to\":\"$3@s.whatsapp.net\"" \
            "\"from\":\"$2\"")
        other=$(events '"ev":"decrypted"' "\"id\":\"$mid\"" "\"to\":\"$4")
        if [ -z "$n" ] || [ "$all" != "$n" ] || [ "$mine" != "$n" ] || [ "$distinct" != "$n" ] ||
            [ "$own" != 1 ] || [ "$other" != 0 ]; then
            echo "    $mid → $mjid: $all descifrados ($mine desde $2, $distinct dispositivos, de $n)," \
                "copia propia $own, en el otro teléfono $other" >&2
            echo bad
        fi
    done | grep -q bad && return 1
    return 0
}
check "dos cuentas: cada mensaje de prom1, descifrado una vez por cada dispositivo, desde la cuenta de prom1" \
    dos_once "$cid1" "$jid1" 15550001111 15550002222 Lupita
check "dos cuentas: cada mensaje de prom5, descifrado una vez por cada dispositivo, desde la cuenta de prom5" \
    dos_once "$cid5" "$jid5" 15550002222 15550001111 Rosario
check "dos cuentas: ningún descifrado falló" [ "$(events '"ev":"decrypt-failed"')" = 0 ]
