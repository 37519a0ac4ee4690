#!/bin/sh
# tests/wa/run.sh BUILD_DIR [RELEASE_BUILD_DIR] — `embudo wa` against the C fake WhatsApp
# server (BUILD_DIR/tests/wa/fakewa), loopback only:
#   1. `wa link --raw` pairs (the server re-slices its output into 5-byte ws messages): the first QR line goes to the fake phone (admin FIFO), then
#      pair-success, the 515 restart and the login; it prints "vinculado: <jid>";
#   2. `wa conectar`, a second process, logs in from the stored, sealed credentials (the fake
#      server's event log shows a login payload and no second registration);
#      a forged frame after a login makes the client close (500, DESCONECTADA);
#   3. the key file is 0600; the database holds only a sealed blob; no file under the home
#      (cluster included) holds the plaintext credentials;
#   4. a server that answers the login with 401 leaves the account REQUIERE_VINCULO without
#      credentials; a chain whose leaf is not the server's static key is refused (and the
#      failed link leaves the account as it was); and the release build
#      (RELEASE_BUILD_DIR, default build/release when it has embudo) ignores
#      EMBUDO_WA_ROOT_KEY and refuses the fake chain.
#   5. unlink, a non-promoter, a bad subcommand;
#   6. a wss:// server with a self-signed certificate is refused (TLS verification is on);
#   7. the terminal's WhatsApp pane links over web in tmux (t_tui_vincular.sh).
# Between 2 and 3, t_dos_cuentas.sh links a second promoter to the fake server's second phone
# and one worker sends a campaign per account at once, t_worker_llave.sh runs a worker with
# another user's key file (refused once per account with the fix, accounts left intact) and then
# prom5's own worker, and t_vincular_codigo.sh links a third by phone number with the
# 8-character code (a wrong code first).
# Works as root (the cluster then runs as postgres) and as a normal user. Exit 1 on failure.
set -u

B=${1:?uso: sh tests/wa/run.sh BUILD_DIR [RELEASE_BUILD_DIR]}
REL=${2:-build/release}
BIN=$(cd "$B" 2>/dev/null && pwd)/embudo
FAKE=$(cd "$B" 2>/dev/null && pwd)/tests/wa/fakewa
for f in "$BIN" "$FAKE"; do
    [ -x "$f" ] || { echo "tests/wa: falta $f (make MODE=... tests)" >&2; exit 1; }
done
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL EMBUDO_HOME \
    EMBUDO_WA_URL EMBUDO_WA_ROOT_KEY
# This suite is the native client's: with the default transport (sim) `wa link` would pair
# on the simulated network instead (9e52991).
export EMBUDO_TRANSPORT=web

work=$(mktemp -d /tmp/embudo-wa.XXXXXX) || exit 1
chmod 711 "$work"
home="$work/home"
export XDG_CONFIG_HOME="$work/cfg" LANG=C.UTF-8 LC_ALL=C.UTF-8
mkdir -p "$work/asan" "$work/cfg"
export ASAN_OPTIONS="log_path=$work/asan/embudo:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/asan/embudo.ubsan:print_stacktrace=1"
fake_pid=
pass=0
fail=0

cleanup() {
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
    "$BIN" --home "$home" db stop >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

eb() { "$BIN" --home "$home" "$@"; }
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FALLÓ: $1" >&2; [ $# -gt 1 ] && sed 's/^/    /' "$2" >&2; }
check() { # description, then a command that must succeed
    d=$1; shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
die() { echo "tests/wa: $1" >&2; [ -f "$home/pg.log" ] && tail -n 20 "$home/pg.log" >&2; exit 1; }
# wait_file FILE PATTERN: polls (max 30 s) until FILE has a line matching PATTERN.
wait_file() {
    i=0
    while [ $i -lt 300 ]; do
        grep -qE -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# events: how many event-log lines contain all of the given fixed strings.
events() {
    lines=$(cat "$work/events.jsonl" 2>/dev/null)
    for s in "$@"; do
        lines=$(printf '%s\n' "$lines" | grep -F -- "$s")
    done
    printf '%s\n' "$lines" | grep -c .
}

# Starts the fake server (extra arguments are passed on); sets url and root.
start_fake() {
    rm -f "$work/fake.out" "$work/admin"
    ASAN_OPTIONS="log_path=$work/asan/fakewa:detect_leaks=1" \
        "$FAKE" --events "$work/events.jsonl" --admin "$work/admin" "$@" \
        > "$work/fake.out" 2>> "$work/fake.log" &
    fake_pid=$!
    wait_file "$work/fake.out" '^ready' || die "el servidor falso no arrancó"
    url=$(awk '$1 == "url" { print $2 }' "$work/fake.out")
    root=$(awk '$1 == "root" { print $2 }' "$work/fake.out")
}
stop_fake() {
    echo quit > "$work/admin"
    wait "$fake_pid"
    st=$?
    fake_pid=
    return $st
}

eb db start >/dev/null || die "db start falló"
eb db migrate >/dev/null || die "db migrate falló"
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "no se crearon los usuarios"
SELECT api.crear_usuario('sup1', 'Supervisora Uno', 'SUPERVISOR');
SELECT api.crear_usuario('prom1', 'Promotora Uno', 'PROMOTOR', 'sup1');
SQL

# ---- 1. link --------------------------------------------------------------------------------
# --chunk 5: the server's frames reach the client split across websocket messages and
# several per message, so the client's reassembly is exercised on every run.
start_fake --chunk 5
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa link --raw \
    > "$work/link.out" 2> "$work/link.err" &
link_pid=$!
if wait_file "$work/link.out" '^https://wa\.me/settings/linked_devices#'; then
    ok "link --raw imprime el QR en su propia línea"
    printf 'scan-qr %s\n' "$(grep -m1 '^https://wa\.me/' "$work/link.out")" > "$work/admin"
else
    bad "link --raw no imprimió un QR" "$work/link.err"
fi
wait "$link_pid"
st=$?
if [ "$st" -eq 0 ] && grep -qE '^vinculado: 15550001111:[0-9]+@s\.whatsapp\.net$' "$work/link.out"; then
    ok "link termina con «vinculado: <jid>» y estado 0"
else
    bad "link terminó con $st" "$work/link.err"
fi
jid=$(sed -n 's/^vinculado: //p' "$work/link.out")
check "registro con firma del pre-key válida" [ "$(events '"ev":"registration"' '"ok":true')" = 1 ]
check "el teléfono falso aceptó el QR (noise, identidad, adv)" [ "$(events '"ev":"scan"' '"ok":true')" = 1 ]
check "firma del dispositivo (06 01) válida y 515" [ "$(events '"ev":"device-sign"' '"ok":true')" = 1 ]
check "login tras el 515" [ "$(events '"ev":"login"' '"ok":true')" = 1 ]
check "pre-keys subidos con formato válido" [ "$(events '"ev":"prekey-upload"' '"ok":true')" -ge 1 ]
check "passive → active" [ "$(events '"ev":"active"')" -ge 1 ]

eb --as prom1 wa status > "$work/status.out" 2>&1
check "status muestra la cuenta CONECTADA" grep -q "CONECTADA" "$work/status.out"
check "status muestra el jid" grep -qF "$jid" "$work/status.out"

# ---- 2. a second process logs in from the stored, sealed credentials -----------------------
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa conectar \
    > "$work/conectar.out" 2> "$work/conectar.err"
st=$?
if [ "$st" -eq 0 ] && grep -qxF "conectado: $jid" "$work/conectar.out"; then
    ok "conectar inicia sesión con las credenciales guardadas"
else
    bad "conectar terminó con $st" "$work/conectar.err"
fi
check "segundo login con el payload de login (dos logins válidos)" [ "$(events '"ev":"login"' '"ok":true')" = 2 ]
check "sin segundo registro" [ "$(events '"ev":"registration"')" = 1 ]

# A forged frame after the login: the client refuses it (500), the account is DESCONECTADA;
# the next conectar works again and puts it back to CONECTADA.
echo corrupt-next > "$work/admin"
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa conectar \
    > "$work/forged.out" 2> "$work/forged.err"
st=$?
eb --as prom1 wa status > "$work/status-forged.out" 2>&1
forged_refused() {
    [ "$st" -eq 1 ] && grep -q '(500' "$work/forged.err" && [ ! -s "$work/forged.out" ] &&
        grep -q DESCONECTADA "$work/status-forged.out"
}
check "trama falsificada tras el login: cierre 500, cuenta DESCONECTADA" forged_refused
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa conectar > "$work/again.out" 2>&1
eb --as prom1 wa status > "$work/status-again.out" 2>&1
check "conectar de nuevo: CONECTADA" grep -q CONECTADA "$work/status-again.out"

# ---- 2b. messages: wa revisar, wa enviar, the fake server's recipients (issue 7) ----------
. "$(dirname "$0")/t_mensajes.sh"
. "$(dirname "$0")/t_contactos.sh"
. "$(dirname "$0")/t_campana_web.sh"
. "$(dirname "$0")/t_dos_cuentas.sh"
. "$(dirname "$0")/t_worker_llave.sh"
. "$(dirname "$0")/t_vincular_codigo.sh"

# ---- 3. secrets at rest ---------------------------------------------------------------------
check "el archivo de llave es 0600" [ "$(stat -c %a "$home/wa.key")" = 600 ]
# prom1's identity: the first registration (t_dos_cuentas.sh registered prom5's after it).
ident=$(sed -n 's/.*"ev":"registration".*"identity":"\([0-9a-f]*\)".*/\1/p' "$work/events.jsonl" |
    head -n 1)
eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 > "$work/blob.out" 2>&1 <<SQL
CHECKPOINT;
SELECT get_byte(credenciales, 0), octet_length(credenciales) > 1000,
       position(decode('$ident', 'hex') in credenciales)
  FROM crm.wa_cuentas c JOIN crm.usuarios u ON u.id = c.usuario_id WHERE u.login = 'prom1';
SQL
check "la base guarda un blob sellado (versión 1) sin la llave de identidad en claro" \
    grep -qx '1|t|0' "$work/blob.out"
# The identity public key is inside the credentials; its raw bytes must not be in any file.
found=$(find "$home" -type f -size -64M -print0 2>/dev/null |
    perl -0 -ne 'BEGIN { $k = pack("H*", shift @ARGV) } chomp; local $/; open(F, "<", $_) or next;
                 binmode F; $d = <F>; print "$_\n" if index($d, $k) >= 0' "$ident")
no_plaintext() { [ -n "$ident" ] && [ -z "$found" ]; }
check "ningún archivo del home contiene las credenciales en claro" no_plaintext
check "el servidor falso termina limpio" stop_fake

# ---- 4. a server that does not know the device (401), refused servers ------------------------
start_fake
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa conectar \
    > "$work/c401.out" 2> "$work/c401.err"
st=$?
eb --as prom1 wa status > "$work/status401.out" 2>&1
logged_out() {
    [ "$st" -eq 1 ] && grep -q 401 "$work/c401.err" &&
        grep -q 'REQUIERE_VINCULO' "$work/status401.out" &&
        grep -q 'credenciales: *no' "$work/status401.out"
}
check "401 del servidor: REQUIERE_VINCULO y credenciales borradas" logged_out
check "el servidor falso termina limpio" stop_fake

start_fake --leaf-mismatch
EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa link --raw \
    > "$work/leaf.out" 2> "$work/leaf.err"
st=$?
refused() { [ "$st" -eq 1 ] && grep -q certificado "$1.err" && [ ! -s "$1.out" ]; }
check "hoja ≠ llave estática del servidor: rechazada, sin mostrar un QR" refused "$work/leaf"
eb --as prom1 wa status > "$work/status-leaf.out" 2>&1
check "un link fallido deja la cuenta como estaba" grep -q 'REQUIERE_VINCULO' "$work/status-leaf.out"
check "el servidor falso termina limpio" stop_fake

if [ -x "$REL/embudo" ]; then
    start_fake
    EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root "$REL/embudo" --home "$home" --as prom1 \
        wa link --raw > "$work/rel.out" 2> "$work/rel.err"
    st=$?
    check "el binario de release ignora EMBUDO_WA_ROOT_KEY y rechaza la cadena de prueba" \
        refused "$work/rel"
    check "el servidor falso termina limpio" stop_fake
else
    bad "falta $REL/embudo (make) para probar que el release rechaza la cadena de prueba"
fi

# ---- 5. unlink and roles ----------------------------------------------------------------------
# A stand-in Signal row for prom1, so the check below can see unlink delete the store too.
eb --as postgres db psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "fila Signal de prueba"
INSERT INTO crm.wa_signal_sesiones (usuario_id, direccion, blob)
SELECT id, '5215512345678.1', decode(repeat('00', 48), 'hex') FROM crm.usuarios WHERE login = 'prom1';
SQL
eb --as prom1 wa unlink > "$work/unlink.out" 2>&1
eb --as prom1 wa status > "$work/status-unlink.out" 2>&1
signal_rows=$(eb --as postgres db psql -X -q -t -A -c "SELECT
    (SELECT count(*) FROM crm.wa_signal_sesiones s JOIN crm.usuarios u ON u.id = s.usuario_id
      WHERE u.login = 'prom1') +
    (SELECT count(*) FROM crm.wa_signal_prekeys s JOIN crm.usuarios u ON u.id = s.usuario_id
      WHERE u.login = 'prom1')" 2>&1)
unlinked() {
    grep -q 'desvinculada' "$work/unlink.out" && grep -q 'SIN_VINCULAR' "$work/status-unlink.out"
}
check "unlink deja la cuenta SIN_VINCULAR" unlinked
no_signal() { [ "$signal_rows" = "0" ]; }
check "unlink borra también el almacén Signal de la cuenta" no_signal
eb --as sup1 wa status > "$work/sup.out" 2>&1
st=$?
not_promoter() { [ "$st" -eq 1 ] && grep -q 'promotores' "$work/sup.out"; }
check "un supervisor no tiene cuenta de WhatsApp (EB330)" not_promoter
eb --as prom1 wa nada > "$work/usage.out" 2>&1
st=$?
usage() { [ "$st" -eq 2 ] && grep -q 'uso: embudo wa' "$work/usage.out"; }
check "subcomando desconocido: uso y estado 2" usage

# ---- 6. TLS: a self-signed wss:// server is refused (certificates are verified) -------------
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
        -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1; then
    start_fake --tls "$work/tls.crt" "$work/tls.key"
    port=$(awk '$1 == "port" { print $2 }' "$work/fake.out")
    # Control: the server's TLS works for a client that trusts its certificate.
    tls_ok() {
        echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$work/tls.crt" \
            -verify_return_error 2>/dev/null | grep -q 'Verify return code: 0 (ok)'
    }
    check "control: el servidor wss:// de prueba funciona con su certificado como CA" tls_ok
    EMBUDO_WA_URL=$url EMBUDO_WA_ROOT_KEY=$root eb --as prom1 wa link --raw \
        > "$work/tls.out" 2> "$work/tls.err"
    st=$?
    tls_refused() { [ "$st" -eq 1 ] && grep -q 'certificado TLS del servidor rechazado' "$work/tls.err" && [ ! -s "$work/tls.out" ]; }
    check "wss:// con certificado autofirmado: rechazado" tls_refused
    check "el servidor falso termina limpio" stop_fake
else
    bad "falta openssl para la prueba de TLS"
fi

# ---- 7. the terminal's WhatsApp pane links over web ------------------------------------------
. "$(dirname "$0")/t_tui_vincular.sh"

if ls "$work"/asan/* >/dev/null 2>&1; then
    bad "el sanitizador informó errores"
    cat "$work"/asan/* >&2
fi
[ "$fail" -ne 0 ] && { echo "--- fake.log (cola) ---" >&2; tail -n 40 "$work/fake.log" >&2; }
echo "tests/wa: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
