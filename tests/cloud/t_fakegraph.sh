#!/bin/sh
# t_fakegraph — the fake Graph API and the HTTP server under it (src/rt/httpd, src/core/http1),
# with curl, raw sockets (perl) and the webhook sink (`fakegraph sumidero`):
#   1. usage errors; the port file;
#   2. the phone number, the token, unknown ids and paths;
#   3. sends checked as Meta checks them, the registro, --rechaza;
#   4. the signed status webhooks, in order (sent, delivered, read; failed for --falla and
#      for a text outside the 24-hour window), a client's message, a forged signature; a
#      Mexican mobile's window under both forms of its number, /_fake/ventana_cerrar;
#   5. HTTP: keep-alive, HTTP/1.0, HEAD, pipelining, deferred answers, a peer that leaves
#      before its answer, 400/411/413/431/501/505, 70 connections against a limit of 64;
#   6. webhook retries (a receiver that fails twice; one that is down), --sin-webhook-lectura;
#   7. idle and slow connections closed after 30 s; a clean exit on SIGTERM and SIGINT, also
#      with an answer still owed.
. "$(dirname "$0")/lib.sh"

TOKEN=token-de-prueba
SECRET=secreto-de-la-app
N1=1234567890
D1=525512345678
CLIENT=5215511112222
FAILS=5215599990001
REFUSED=5215599990002

# ---- 1. usage and start-up ---------------------------------------------------------------------
"$FAKE" > "$work/u.out" 2>&1
st=$?
usage() { [ "$st" -eq 2 ] && grep -q '^uso: fakegraph' "$work/u.out" && grep -q 'faltan opciones' "$work/u.out"; }
check "sin opciones: uso y estado 2" usage
"$FAKE" --puerto-archivo "$work/x" --token t --secreto s --webhook http://x --registro "$work/r" \
    --numero abc:525512345678 > "$work/u.out" 2>&1
st=$?
bad_numero() { [ "$st" -eq 2 ] && grep -q -- '--numero no válido' "$work/u.out"; }
check "--numero mal formado: estado 2" bad_numero
"$FAKE" --puerto-archivo "$work/x" --token t --secreto s --webhook http://x --registro "$work/r" \
    --numero 1:525512345678 --falla 5215511112222:cero > "$work/u.out" 2>&1
st=$?
bad_falla() { [ "$st" -eq 2 ] && grep -q -- '--falla no válido' "$work/u.out"; }
check "--falla mal formado: estado 2" bad_falla
"$FAKE" sumidero --puerto-archivo "$work/x" --registro "$work/r" --nada 1 > "$work/u.out" 2>&1
st=$?
bad_opt() { [ "$st" -eq 2 ] && grep -q 'opción desconocida: --nada' "$work/u.out"; }
check "sumidero con opción desconocida: estado 2" bad_opt
"$FAKE" sumidero --puerto-archivo "$work/x" --secreto s --registro /nonexistent/dir/r > "$work/u.out" 2>&1
st=$?
no_registro() { [ "$st" -eq 1 ] && grep -q 'no se pudo abrir el registro' "$work/u.out"; }
check "registro que no se puede abrir: estado 1" no_registro

start sink sumidero --secreto "$SECRET" --registro "$work/sink.jsonl"
sink_port=$port
sink_pid=$pid
# The idle timeout (HTTPD_IDLE_MS, 30 s), on the sink while the rest runs: a connection that
# sends nothing, and one that sends a byte of its head every second (reads do not restart
# the timer), are both closed after 30 s. Checked at the end.
timed() { # port, slow (0 or 1): prints the seconds until the server closed
    perl -e '
        use IO::Socket::INET; use IO::Select;
        my ($port, $slow) = @ARGV;
        $SIG{PIPE} = "IGNORE";
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die;
        my $t0 = time;
        syswrite($s, "POST /hook HTTP/1.1\r\nHost: x\r\n") if $slow;
        while (time - $t0 < 60) {
            if (IO::Select->new($s)->can_read(1)) { last if !sysread($s, my $b, 100) }
            elsif ($slow) { last if !defined syswrite($s, "X") }
        }
        print time - $t0, "\n";' "$1" "$2"
}
timed "$sink_port" 0 > "$work/idle" &
idle_pid=$!
timed "$sink_port" 1 > "$work/slow" &
slow_pid=$!
pids="$pids $idle_pid $slow_pid"
start fake --token "$TOKEN" --secreto "$SECRET" --webhook "http://127.0.0.1:$sink_port/webhook" \
    --registro "$work/registro.jsonl" --numero "$N1:$D1" --numero 42:528187654321 \
    --falla "$FAILS:131026" --rechaza "$REFUSED:131049"
G=http://127.0.0.1:$port
fake_port=$port
fake_pid=$pid
port_file() { grep -qx '[0-9][0-9]*' "$work/fake.port" && [ ! -e "$work/fake.port.tmp" ]; }
check "el archivo de puerto tiene solo el número (escrito con rename)" port_file

AUTH="Authorization: Bearer $TOKEN"
estado() { req GET "$G/_fake/estado"; }
drained() { estado && has '"pendientes":0'; }
# post_msg JSON: POST /v21.0/N1/messages with the token.
post_msg() { req POST "$G/v21.0/$N1/messages" -H "$AUTH" -H 'Content-Type: application/json' --data-binary "$1"; }
# statuses WAMID: the statuses the sink recorded for WAMID, in order, space-separated.
statuses() {
    grep -F "\"id\":\"$1\"" "$work/sink.jsonl" | sed 's/.*"status":"\([a-z]*\)".*/\1/' | tr '\n' ' '
}
# failed_code WAMID CODE: the sink has a failed status of WAMID with errors[0].code CODE.
failed_code() {
    grep -F "\"id\":\"$1\",\"status\":\"failed\"" "$work/sink.jsonl" | grep -qF "\"errors\":[{\"code\":$2,"
}
wamid_of_body() { printf '%s' "$body" | sed -n 's/.*"messages":\[{"id":"\(wamid\.[^"]*\)".*/\1/p'; }

# ---- 2. the phone number, the token, ids and paths -----------------------------------------------
req GET "$G/v21.0/$N1?fields=display_phone_number,verified_name,quality_rating" -H "$AUTH"
phone() {
    [ "$code" = 200 ] && [ "$body" = '{"display_phone_number":"+52 55 1234 5678","verified_name":"Financiera de Prueba","quality_rating":"GREEN","id":"1234567890"}' ]
}
check "GET /v21.0/ID: el número con formato, nombre verificado y calidad" phone
req GET "$G/v19.0/42" -H 'Authorization: bearer token-de-prueba'
check "otra versión, otro número y «bearer» en minúsculas: 200" has '"display_phone_number":"+52 81 8765 4321"'
req GET "$G/v21.0/$N1"
no_token() { [ "$code" = 401 ] && has '"code":190' && has '"message":"Invalid OAuth access token."' && has '"type":"OAuthException"' && has '"fbtrace_id":"'; }
check "sin token: 401, código 190" no_token
req GET "$G/v21.0/$N1" -H 'Authorization: Bearer otro'
check "token equivocado: 401" [ "$code" = 401 ]
req POST "$G/v21.0/$N1/messages" -H 'Authorization: Bearer otro' --data-binary '{}'
check "envío con token equivocado: 401 antes de mirar el cuerpo" [ "$code" = 401 ]
req GET "$G/v21.0/999" -H "$AUTH"
unknown_id() { [ "$code" = 400 ] && has '"code":100' && has 'Unsupported get request' && has '"error_subcode":33'; }
check "id desconocido: 400, código 100 «Unsupported get request»" unknown_id
req POST "$G/v21.0/$N1" -H "$AUTH" -d '{}'
check "POST al número (no a /messages): 400 «Unsupported post request»" has 'Unsupported post request'
for path in /nada /v21.0 /v21/$N1 /v21.0/$N1/otra /_fake/nada; do
    req GET "$G$path" -H "$AUTH"
    check "ruta desconocida $path: 404" [ "$code" = 404 ]
done

# ---- 3. sends: Meta's checks, the registro, --rechaza --------------------------------------------
tmpl() { # to, parameter text (JSON-escaped), reference
    printf '{"messaging_product":"whatsapp","recipient_type":"individual","to":"%s","type":"template","template":{"name":"aviso_convenio","language":{"code":"es_MX"},"components":[{"type":"body","parameters":[{"type":"text","text":"%s"}]}]},"biz_opaque_callback_data":"%s"}' "$1" "$2" "$3"
}
text() { printf '{"messaging_product":"whatsapp","to":"%s","type":"text","text":{"body":"%s"},"biz_opaque_callback_data":"%s"}' "$1" "$2" "$3"; }
invalid() { # description, code, JSON
    post_msg "$3"
    if [ "$code" = 400 ] && has "\"code\":$2,"; then ok "$1: 400 código $2"; else bad "$1: $code $body"; fi
}
invalid "cuerpo que no es JSON" 100 'hola'
invalid "sin messaging_product" 100 '{"to":"5215511112222","type":"text","text":{"body":"x"}}'
invalid "messaging_product que no es whatsapp" 100 '{"messaging_product":"sms","to":"5215511112222","type":"text","text":{"body":"x"}}'
invalid "to con letras" 100 '{"messaging_product":"whatsapp","to":"55-1111-2222","type":"text","text":{"body":"x"}}'
invalid "sin type" 100 '{"messaging_product":"whatsapp","to":"5215511112222","text":{"body":"x"}}'
invalid "type no soportado" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"image","image":{"id":"1"}}'
invalid "texto sin body" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"text","text":{}}'
invalid "plantilla sin nombre" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"template","template":{"language":{"code":"es_MX"}}}'
invalid "plantilla sin idioma" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"template","template":{"name":"a"}}'
invalid "parámetro que no es de texto" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"template","template":{"name":"a","language":{"code":"es_MX"},"components":[{"type":"body","parameters":[{"type":"currency"}]}]}}'
invalid "referencia que no es texto" 100 '{"messaging_product":"whatsapp","to":"5215511112222","type":"text","text":{"body":"x"},"biz_opaque_callback_data":7}'
invalid "parámetro con salto de línea" 132018 "$(tmpl $CLIENT 'a\nb' r1)"
invalid "parámetro con tabulador" 132018 "$(tmpl $CLIENT 'a\tb' r1)"
invalid "parámetro con 5 espacios seguidos" 132018 "$(tmpl $CLIENT 'a     b' r1)"
check "la respuesta a un parámetro malo trae los detalles de Meta" \
    has '"error_data":{"messaging_product":"whatsapp","details":"Param text cannot have new-line/tab characters or more than 4 consecutive spaces"}'
invalid "destinatario de --rechaza" 131049 "$(tmpl $REFUSED 'Ana' r1)"
check "ningún envío rechazado quedó en el registro" [ ! -s "$work/registro.jsonl" ]

post_msg "$(tmpl $CLIENT 'Ana    María' 3EB0AAAA0001)"
w1=$(wamid_of_body)
accepted() {
    [ "$code" = 200 ] && [ -n "$w1" ] &&
        [ "$body" = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"$CLIENT\",\"wa_id\":\"$CLIENT\"}],\"messages\":[{\"id\":\"$w1\",\"message_status\":\"accepted\"}]}" ]
}
check "plantilla (4 espacios seguidos valen): 200 con contacts, wamid y message_status" accepted
registered() {
    [ "$(wc -l < "$work/registro.jsonl")" -eq 1 ] &&
        grep -qF "\"to\":\"$CLIENT\",\"type\":\"template\",\"template\":{\"name\":\"aviso_convenio\"" "$work/registro.jsonl" &&
        grep -qF "\"biz_opaque_callback_data\":\"3EB0AAAA0001\",\"_numero_id\":\"$N1\",\"_wamid\":\"$w1\"}" "$work/registro.jsonl"
}
check "el registro tiene una línea: el cuerpo, _numero_id y _wamid" registered

# ---- 4. webhooks -------------------------------------------------------------------------------------
wait_for 10 drained || bad "la cola de webhooks no se vació" "$work/fake.log"
check "plantilla aceptada: sent, delivered, read, en orden" [ "$(statuses "$w1")" = "sent delivered read " ]
envelope() {
    line=$(grep -F "\"id\":\"$w1\",\"status\":\"sent\"" "$work/sink.jsonl")
    case $line in
    '{"object":"whatsapp_business_account","entry":[{"id":"800000000000001","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"525512345678","phone_number_id":"1234567890"},"statuses":[{"id":"'"$w1"'","status":"sent","timestamp":"'[0-9]*'","recipient_id":"'"$CLIENT"'",'*'"biz_opaque_callback_data":"3EB0AAAA0001"}]},"field":"messages"}]}]}') return 0 ;;
    esac
    return 1
}
check "el sobre es el de Meta (object, entry, changes, metadata, statuses)" envelope
refs() { [ "$(grep -cF '"biz_opaque_callback_data":"3EB0AAAA0001"' "$work/sink.jsonl")" -eq 3 ]; }
check "cada estado trae biz_opaque_callback_data" refs
# The sink records only bodies whose X-Hub-Signature-256 it verified.
check "las tres firmas fueron válidas para el sumidero" [ "$(wc -l < "$work/sink.jsonl")" -eq 3 ]

post_msg "$(tmpl $FAILS 'Ana' 3EB0AAAA0002)"
w2=$(wamid_of_body)
wait_for 10 drained
check "--falla: sent y luego failed, sin delivered" [ "$(statuses "$w2")" = "sent failed " ]
failed_131026() {
    failed_code "$w2" 131026 &&
        grep -qF '"errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"Message Undeliverable' "$work/sink.jsonl"
}
check "failed trae errors[{code,title,message,error_data.details}]" failed_131026

post_msg "$(text $CLIENT 'Hola, ¿le interesa?' 3EB0AAAA0003)"
w3=$(wamid_of_body)
text_answer() { [ "$code" = 200 ] && [ -n "$w3" ] && ! has message_status; }
check "texto: 200 sin message_status" text_answer
wait_for 10 drained
check "texto fuera de la ventana de 24 h: sent y failed" [ "$(statuses "$w3")" = "sent failed " ]
check "… con el código 131047 (la ventana de atención al cliente)" failed_code "$w3" 131047

req POST "$G/_fake/entrante" --data-binary "{\"numero_id\":\"$N1\",\"from\":\"$CLIENT\",\"texto\":\"Sí, me interesa\",\"contexto\":\"$w1\",\"nombre\":\"Ana María\"}"
win=$(printf '%s' "$body" | sed -n 's/^{"id":"\(wamid\.[^"]*\)"}$/\1/p')
check "/_fake/entrante: 200 {\"id\":\"wamid…\"}" [ -n "$win" ]
wait_for 10 drained
incoming() {
    grep -qF "\"contacts\":[{\"profile\":{\"name\":\"Ana María\"},\"wa_id\":\"$CLIENT\"}],\"messages\":[{\"from\":\"$CLIENT\",\"id\":\"$win\",\"timestamp\":\"" "$work/sink.jsonl" &&
        grep -F "\"id\":\"$win\"" "$work/sink.jsonl" | grep -qF "\"type\":\"text\",\"text\":{\"body\":\"Sí, me interesa\"},\"context\":{\"from\":\"$D1\",\"id\":\"$w1\"}}]"
}
check "el mensaje del cliente llega como webhook messages (contacts, text, context)" incoming
req POST "$G/_fake/entrante" --data-binary '{"numero_id":"999","from":"5215511112222","texto":"x"}'
check "/_fake/entrante con numero_id desconocido: 400" [ "$code" = 400 ]
req POST "$G/_fake/entrante" --data-binary "{\"numero_id\":\"$N1\",\"from\":\"$CLIENT\"}"
check "/_fake/entrante sin texto: 400" [ "$code" = 400 ]

post_msg "$(text $CLIENT 'Le llamo mañana' 3EB0AAAA0004)"
w4=$(wamid_of_body)
wait_for 10 drained
check "texto dentro de la ventana (el cliente escribió): sent, delivered, read" [ "$(statuses "$w4")" = "sent delivered read " ]
post_msg "$(text 5215533334444 'Hola' 3EB0AAAA0005)"
w5=$(wamid_of_body)
wait_for 10 drained
window_per_client() { [ "$(statuses "$w5")" = "sent failed " ] && failed_code "$w5" 131047; }
check "la ventana es por cliente: otro número sigue fuera (131047)" window_per_client

lines=$(wc -l < "$work/sink.jsonl")
req POST "$G/_fake/firma_mala" -d ''
check "/_fake/firma_mala: el receptor contestó 403" [ "$body" = '{"estado":403}' ]
check "… y el sumidero no registró el cuerpo" [ "$(wc -l < "$work/sink.jsonl")" -eq "$lines" ]
check "… y dijo por qué" grep -q 'firma no válida' "$work/sink.log"

estado
check "/_fake/estado cuenta envíos y webhooks" [ "$body" = '{"enviados":5,"webhooks_ok":13,"webhooks_fallidos":1,"pendientes":0}' ]

# One client, one window: it wrote as 521 + 10 digits (Meta's wa_id), it is written to as 52 + 10.
post_msg "$(text 525511112222 'Le marco a las 5' 3EB0AAAA0006)"
w6=$(wamid_of_body)
wait_for 10 drained
check "celular de México: escribió como 521…, un texto a 52… está en su ventana" \
    [ "$(statuses "$w6")" = "sent delivered read " ]
req POST "$G/_fake/ventana_cerrar" --data-binary "{\"numero_id\":\"$N1\",\"from\":\"525511112222\"}"
check "/_fake/ventana_cerrar: la ventana estaba abierta" [ "$body" = '{"cerrada":true}' ]
post_msg "$(text $CLIENT 'Sigo a sus órdenes' 3EB0AAAA0007)"
w7=$(wamid_of_body)
wait_for 10 drained
window_closed() { [ "$(statuses "$w7")" = "sent failed " ] && failed_code "$w7" 131047; }
check "… cerrada: el texto se toma y falla con 131047" window_closed
req POST "$G/_fake/ventana_cerrar" --data-binary "{\"numero_id\":\"$N1\",\"from\":\"$CLIENT\"}"
check "/_fake/ventana_cerrar otra vez: ya no estaba abierta" [ "$body" = '{"cerrada":false}' ]
req POST "$G/_fake/ventana_cerrar" --data-binary '{"numero_id":"999","from":"5215511112222"}'
check "/_fake/ventana_cerrar con numero_id desconocido: 400" [ "$code" = 400 ]

# ---- 5. HTTP ---------------------------------------------------------------------------------------------
curl -sv "$G/_fake/estado?uno" --next "$G/_fake/estado?dos" > /dev/null 2> "$work/ka.err"
peer1=$(sed -n 's/^fakegraph: \([0-9.:]*\) GET \/_fake\/estado?uno$/\1/p' "$work/fake.log")
peer2=$(sed -n 's/^fakegraph: \([0-9.:]*\) GET \/_fake\/estado?dos$/\1/p' "$work/fake.log")
same_conn() { [ -n "$peer1" ] && [ "$peer1" = "$peer2" ] && grep -q 'Re-using existing connection' "$work/ka.err"; }
check "keep-alive: dos peticiones de curl --next en una conexión" same_conn
curl -s0 -D "$work/h10" -o /dev/null "$G/_fake/estado"
check "HTTP/1.0: la respuesta dice Connection: close" grep -qi '^Connection: close' "$work/h10"
curl -sI "$G/_fake/estado" > "$work/head" 2>&1
head_ok() { grep -q '^HTTP/1.1 200 OK' "$work/head" && grep -qi '^Content-Length: [1-9]' "$work/head"; }
check "HEAD: 200 con el Content-Length del GET" head_ok
raw "$fake_port" 'HEAD /_fake/estado HTTP/1.1\r\nHost: x\r\n\r\nGET /_fake/demora?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n' > "$work/head.raw"
head_no_body() { tail -c 8 "$work/head.raw" | grep -q '{"ms":0}' && [ "$(grep -c '^HTTP/1.1 200' "$work/head.raw")" -eq 2 ] && ! grep -q enviados "$work/head.raw"; }
check "HEAD sin cuerpo: la siguiente respuesta empieza justo después" head_no_body

raw "$fake_port" 'GET /_fake/demora?ms=300 HTTP/1.1\r\nHost: x\r\n\r\nGET /_fake/demora?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n' > "$work/pipe.raw"
in_order() { [ "$(grep -o '{"ms":[0-9]*}' "$work/pipe.raw" | tr '\n' ' ')" = '{"ms":300} {"ms":0} ' ]; }
check "dos peticiones seguidas en una conexión: respuestas en orden, la diferida primero" in_order

# 1000 pipelined requests on one connection, some answered later (timers), the client
# writing them all before it reads much: every answer, in order.
perl -e '
    use IO::Socket::INET; use IO::Select;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die;
    $s->blocking(0);
    my $out = join "", map { "GET /_fake/demora?ms=" . ($_ % 3) . " HTTP/1.1\r\nHost: x\r\n\r\n" } 0 .. 999;
    my $in = "";
    my $sel = IO::Select->new($s);
    while (1) {
        my ($r, $w) = IO::Select->select($sel, length $out ? $sel : undef, undef, 3);
        last if !$r && !$w;
        if ($w && @$w) { my $n = syswrite($s, $out); substr($out, 0, $n, "") if $n }
        if ($r && @$r) { my $n = sysread($s, $in, 1 << 16, length $in); last if !$n }
        last if ($in =~ tr/}//) == 1000;
    }
    my @ms = $in =~ /\{"ms":(\d)\}/g;
    my $want = join ",", map { $_ % 3 } 0 .. 999;
    print join(",", @ms) eq $want ? "ok\n" : "mal: " . scalar(@ms) . "\n";' "$fake_port" > "$work/pipe1000"
check "1000 peticiones en cadena en una conexión: 1000 respuestas en orden" [ "$(cat "$work/pipe1000")" = ok ]

# 20000 pipelined requests (8 MB, 10 MB of answers) from a client that writes until the
# server stops taking them and only then reads. The server parses nothing while its answers
# wait unread and stops reading once it holds a request's worth, so memory stays bounded (how
# soon that happens depends on the kernel's buffers); then it must go on as the client reads:
# every answer comes, in order.
perl -e '
    use IO::Socket::INET; use IO::Select;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die;
    $s->blocking(0);
    my $pad = "a" x 380;
    my $out = join "", map { "GET /x$_/$pad HTTP/1.1\r\nHost: x\r\n\r\n" } 0 .. 19999;
    my $in = "";
    my $sel = IO::Select->new($s);
    while (length $out) {
        my (undef, $w) = IO::Select->select(undef, $sel, undef, 1);
        last if !$w;
        my $n = syswrite($s, $out);
        substr($out, 0, $n, "") if $n;
    }
    while (1) {
        my ($r, $w) = IO::Select->select($sel, length $out ? $sel : undef, undef, 3);
        last if !$r && !$w;
        if ($w && @$w) { my $n = syswrite($s, $out); substr($out, 0, $n, "") if $n }
        if ($r && @$r) { my $n = sysread($s, $in, 1 << 16, length $in); last if !$n }
        last if !length $out && ($in =~ tr/}//) >= 40000;
    }
    my @x = $in =~ m{Unknown path components: /x(\d+)/}g;
    print join(",", @x) eq join(",", 0 .. 19999) ? "ok\n" : "mal: " . scalar(@x) . "\n";' "$fake_port" > "$work/pipe20000"
check "20000 peticiones en cadena con un cliente que lee tarde: todas, en orden" [ "$(cat "$work/pipe20000")" = ok ]

# A peer that leaves while its answer is owed: the late httpd_reply must be a no-op.
perl -e '
    use IO::Socket::INET; use Socket;
    for my $rst (0, 1) {
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die;
        syswrite($s, "GET /_fake/demora?ms=200 HTTP/1.1\r\nHost: x\r\n\r\n");
        select(undef, undef, undef, 0.05);
        setsockopt($s, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)) if $rst;
        close($s);
    }' "$fake_port"
sleep 0.4
req GET "$G/_fake/estado"
check "un cliente que se va antes de su respuesta (FIN y RST) no tumba al servidor" [ "$code" = 200 ]

raw "$fake_port" 'GARBAGE\r\n\r\n' > "$work/r400"
r400() { head -n 1 "$work/r400" | grep -q '^HTTP/1.1 400 Bad Request' && grep -qi '^Connection: close' "$work/r400"; }
check "línea de petición mal formada: 400 y Connection: close" r400
raw "$fake_port" 'GET / HTTP/2.0\r\n\r\n' > "$work/r505"
check "HTTP/2.0: 505" grep -q '^HTTP/1.1 505 HTTP Version Not Supported' "$work/r505"
raw "$fake_port" 'GET /_fake/estado HTTP/1.1\r\n\r\n' > "$work/rhost"
check "HTTP/1.1 sin Host: 400" grep -q '^HTTP/1.1 400' "$work/rhost"
raw "$fake_port" 'GET /_fake/estado HTTP/1.0\n\n' > "$work/rlf"
check "LF sin CR: aceptado" grep -q '^HTTP/1.1 200 OK' "$work/rlf"
req POST "$G/_fake/firma_mala"
check "POST sin Content-Length: 411" [ "$code" = 411 ]
req POST "$G/_fake/entrante" -H 'Transfer-Encoding: chunked' --data-binary '{}'
check "Transfer-Encoding: chunked: 501" [ "$code" = 501 ]
big=$(printf '%9000s' x)
req GET "$G/_fake/estado" -H "X-Grande: $big"
check "cabecera de 9000 bytes: 431" [ "$code" = 431 ]
head -c 70000 /dev/zero | tr '\0' a > "$work/big.json"
req POST "$G/v21.0/$N1/messages" -H "$AUTH" --data-binary @"$work/big.json"
check "cuerpo de 70000 bytes (con Expect: 100-continue): 413" [ "$code" = 413 ]
req POST "$G/v21.0/$N1/messages" -H "$AUTH" -H 'Expect:' --data-binary @"$work/big.json"
check "cuerpo de 70000 bytes enviado entero: 413" [ "$code" = 413 ]
# The lingering close: after its last answer the server shuts down its side (FIN) and reads
# and drops what still comes, instead of closing at once, which would answer it with a reset
# (and a reset can destroy an answer the client has not read yet).
perl -e '
    use IO::Socket::INET; use IO::Select;
    $SIG{PIPE} = "IGNORE";
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die;
    syswrite($s, "GET /_fake/estado HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    1 while IO::Select->new($s)->can_read(2) && sysread($s, my $b, 4096);
    syswrite($s, "lo que el cliente aún manda");
    select(undef, undef, undef, 0.2);
    my $w = syswrite($s, "y más");
    select(undef, undef, undef, 0.2);
    my $r = sysread($s, my $b2, 10);
    print defined $w && defined $r && $r == 0 ? "fin\n" : "reset: $!\n";' "$fake_port" > "$work/linger"
check "tras Connection: close, lo que sigue llegando se descarta sin reset" [ "$(cat "$work/linger")" = fin ]
lines=$(wc -l < "$work/registro.jsonl")
check "nada de eso llegó al registro" [ "$lines" -eq 7 ]

# HTTPD_CONNS_MAX = 64: of 70 idle connections, 6 are closed at once; the others still work.
sleep 0.3 # the connections of the checks above are gone
perl -e '
    use IO::Socket::INET; use IO::Select;
    my @s = map { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]") or die "$!" } 1 .. 70;
    select(undef, undef, undef, 0.5);
    my ($closed, $open) = (0, undef);
    for my $s (@s) {
        if (IO::Select->new($s)->can_read(0) && !sysread($s, my $b, 1)) { $closed++ }
        else { $open //= $s }
    }
    syswrite($open, "GET /_fake/estado HTTP/1.1\r\nHost: x\r\n\r\n");
    IO::Select->new($open)->can_read(3);
    sysread($open, my $r, 4096);
    print "$closed ", ($r =~ m{^HTTP/1.1 200 OK} ? "ok" : "no"), "\n";' "$fake_port" > "$work/conns"
check "70 conexiones: 6 cerradas al aceptar, las demás atienden" [ "$(cat "$work/conns")" = "6 ok" ]
serves() { wait_for 5 sh -c "curl -s -o /dev/null -w '%{http_code}' '$G/_fake/estado' | grep -q 200"; }
check "cerradas las 70, el servidor atiende de nuevo" serves

# ---- 6. retries, a receiver that is down, --sin-webhook-lectura ---------------------------------------------
start sink2 sumidero --secreto "$SECRET" --registro "$work/sink2.jsonl" --falla-primeros 2
sink2_pid=$pid
start fake2 --token "$TOKEN" --secreto "$SECRET" --webhook "http://127.0.0.1:$port/hook" \
    --registro "$work/registro2.jsonl" --numero "$N1:$D1" --sin-webhook-lectura
G2=http://127.0.0.1:$port
fake2_pid=$pid
req POST "$G2/v21.0/$N1/messages" -H "$AUTH" --data-binary "$(tmpl $CLIENT Ana r2)"
w6=$(wamid_of_body)
wait_for 10 sh -c "curl -s '$G2/_fake/estado' | grep -qF '\"pendientes\":0'"
retried() {
    grep -q "webhook sent $CLIENT: intento 1/6: HTTP 503" "$work/fake2.log" &&
        grep -q "webhook sent $CLIENT: intento 2/6: HTTP 503" "$work/fake2.log" &&
        grep -q "webhook sent $CLIENT: intento 3/6: HTTP 200" "$work/fake2.log"
}
check "un receptor que falla dos veces: reintentos (503, 503, 200) registrados en stderr" retried
check "--sin-webhook-lectura: sent y delivered, sin read" [ "$(grep -F "\"id\":\"$w6\"" "$work/sink2.jsonl" | sed 's/.*"status":"\([a-z]*\)".*/\1/' | tr '\n' ' ')" = "sent delivered " ]
check "el sumidero 2 termina limpio" stop "$sink2_pid"
# The receiver is gone now: every attempt fails.
req POST "$G2/v21.0/$N1/messages" -H "$AUTH" --data-binary "$(text $CLIENT hola r3)"
wait_for 15 sh -c "curl -s '$G2/_fake/estado' | grep -qF '\"pendientes\":0'"
req GET "$G2/_fake/estado"
check "receptor caído: 2 webhooks (sent, failed) dados por perdidos" [ "$body" = '{"enviados":2,"webhooks_ok":2,"webhooks_fallidos":2,"pendientes":0}' ]
check "… tras 6 intentos cada uno" [ "$(grep -c 'intento 6/6: HTTP 0' "$work/fake2.log")" -eq 2 ]

# ---- the idle timeout, started in 1 ---------------------------------------------------------------------
wait "$idle_pid"
wait "$slow_pid"
forget "$idle_pid"
forget "$slow_pid"
about_30() { [ "$(cat "$1")" -ge 29 ] && [ "$(cat "$1")" -le 32 ]; }
check "conexión inactiva: cerrada a los 30 s" about_30 "$work/idle"
check "conexión lenta (un byte por segundo): cerrada a los 30 s" about_30 "$work/slow"

# ---- 7. clean exits ---------------------------------------------------------------------------------------------
curl -s -o /dev/null "$G2/_fake/demora?ms=5000" &
curl_pid=$!
pids="$pids $curl_pid"
wait_for 5 grep -q 'demora?ms=5000' "$work/fake2.log"
t0=$(date +%s)
check "SIGINT con una respuesta pendiente: salida 0" stop "$fake2_pid" INT
check "… sin esperar a la respuesta" [ $(($(date +%s) - t0)) -le 2 ]
wait "$curl_pid"
forget "$curl_pid"
check "SIGTERM: el servidor falso termina con 0" stop "$fake_pid"
check "SIGTERM: el sumidero termina con 0" stop "$sink_pid"

finish
