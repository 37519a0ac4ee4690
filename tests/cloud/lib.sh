# tests/cloud/lib.sh — sourced by each tests/cloud/t_*.sh (run.sh sets B, the build
# directory): a private work directory, the fake Graph server and the webhook sink on free
# ports, requests with curl and raw bytes with perl, ok/bad/check counters, a trap that
# stops what the test started (by pid) and removes the work directory, and the cluster, webhook
# and fake of a scenario over the Cloud API (embudo_cloud). POSIX sh.
set -u
: "${B:?B no está definido: use sh tests/cloud/run.sh BUILD_DIR}"
FAKE=$B/tests/cloud/fakegraph
[ -x "$FAKE" ] || { echo "tests/cloud: falta $FAKE (make MODE=... tests)" >&2; exit 1; }
command -v curl >/dev/null 2>&1 || { echo "tests/cloud: falta curl" >&2; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

work=$(mktemp -d /tmp/embudo-cloud.XXXXXX) || exit 1
mkdir -p "$work/asan"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
export ASAN_OPTIONS="log_path=$work/asan/fakegraph:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/asan/fakegraph.ubsan:print_stacktrace=1"
pass=0
fail=0
pids=

cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { # description [file to show]
    fail=$((fail + 1))
    echo "FALLÓ: $1"
    [ $# -gt 1 ] && [ -f "$2" ] && sed 's/^/    /' "$2" | tail -n 30
    return 0
}
check() { # description, then a command that must succeed
    d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
die() { echo "tests/cloud: $1" >&2; [ $# -gt 1 ] && tail -n 30 "$2" >&2; exit 1; }

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
wait_for() {
    n=$(($1 * 10))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# start NAME ARGS...: runs fakegraph ARGS with --puerto-archivo $work/NAME.port and stderr in
# $work/NAME.log; sets port and pid (the caller keeps them) once the port file is there.
start() {
    name=$1
    shift
    rm -f "$work/$name.port"
    "$FAKE" "$@" --puerto-archivo "$work/$name.port" 2>> "$work/$name.log" &
    pid=$!
    pids="$pids $pid"
    wait_for 10 test -s "$work/$name.port" || die "$name no arrancó" "$work/$name.log"
    port=$(cat "$work/$name.port")
}

# forget PID: a process that has ended and been waited for is no longer the trap's to stop.
forget() { pids=$(echo " $pids " | sed "s/ $1 / /"); }

# stop PID [SIGNAL]: sends SIGTERM (or SIGNAL) and returns the process's exit status.
stop() {
    kill -"${2:-TERM}" "$1"
    wait "$1"
    st=$?
    forget "$1"
    return $st
}

# req METHOD URL [curl options...]: sets code (the HTTP status, 000 for none) and body.
req() {
    m=$1
    u=$2
    shift 2
    code=$(curl -s -o "$work/body" -w '%{http_code}' -X "$m" "$@" "$u")
    body=$(cat "$work/body")
}

# raw PORT BYTES [IDLE]: sends BYTES (\r and \n written as such) on one connection and prints
# what comes back until the server closes or IDLE seconds (default 1) pass without data.
raw() {
    perl -e '
        use IO::Socket::INET; use IO::Select;
        my ($port, $data, $idle) = @ARGV;
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port") or die "conexión: $!\n";
        $data =~ s/\\r/\r/g; $data =~ s/\\n/\n/g;
        syswrite($s, $data);
        my $sel = IO::Select->new($s);
        while ($sel->can_read($idle)) {
            my $n = sysread($s, my $buf, 65536);
            last if !$n;
            print $buf;
        }' "$1" "$2" "${3:-1}"
}

# has TEXT: the last body contains TEXT.
has() { case $body in *"$1"*) return 0 ;; *) return 1 ;; esac; }

# finish: sanitizer reports fail the test; prints the counts; the exit status says it all.
finish() {
    if ls "$work"/asan/* >/dev/null 2>&1; then
        bad "el sanitizador informó errores"
        cat "$work"/asan/* >&2
    fi
    echo "$(basename "$0" .sh): $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# embudo_cloud [FAKEGRAPH ARGS...]: the cluster and services of a scenario over the Cloud API.
# Sets BIN, home, eb and sql (embudo and psql as postgres on a fresh migrated cluster), the
# token and app secret files, embudo.conf ([wa] web transport pointed nowhere, the Cloud API's
# files and verification phrase), `embudo wa webhook` on a free port (hook_pid), Meta's fake
# on another, posting to it (G, its base URL, with any extra ARGS: --falla, --rechaza…), and
# cloud_url. The trap stops them all and the cluster; CLOUD_KEEP=DIR keeps the work directory.
TOKEN=EAAG-token-de-prueba
SECRET=secreto-de-la-app
NID=109876543210987
PHONE=5215511110000
embudo_cloud() {
    BIN=$B/embudo
    [ -x "$BIN" ] || die "falta $BIN"
    home=$work/home
    export XDG_CONFIG_HOME="$work/cfg"
    mkdir -p "$work/cfg/embudo"
    unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGSERVICE PGUSER DATABASE_URL EMBUDO_HOME \
        EMBUDO_TRANSPORT EMBUDO_WA_CLOUD_URL EMBUDO_RITMO
    chmod 711 "$work"
    export ASAN_OPTIONS="log_path=$work/asan/embudo:detect_leaks=1"
    export UBSAN_OPTIONS="log_path=$work/asan/embudo.ubsan:print_stacktrace=1"
    trap cleanup_cloud EXIT
    printf '%s\n' "$TOKEN" > "$work/token"
    printf '%s\n' "$SECRET" > "$work/secreto"
    chmod 600 "$work/token" "$work/secreto"

    eb db start > /dev/null || die "db start falló" "$home/pg.log"
    eb db migrate > /dev/null || die "db migrate falló"

    # The webhook first (a free port), then Meta's fake pointed at it.
    cat > "$work/cfg/embudo/embudo.conf" <<CONF
[wa]
transport = web
url = ws://127.0.0.1:9/sin-whatsapp-web
cloud_token_archivo = $work/token
cloud_secreto_archivo = $work/secreto
cloud_verificacion = frase-de-verificacion
CONF
    # In the background: the program itself, not the eb function (a subshell would get the
    # signal).
    "$BIN" --home "$home" wa webhook --escuchar 127.0.0.1:0 > "$work/hook.out" \
        2> "$work/hook.err" &
    hook_pid=$!
    pids="$pids $hook_pid"
    wait_for 20 grep -q '^webhook: escuchando en 127.0.0.1:[0-9]' "$work/hook.out" ||
        die "el webhook no arrancó" "$work/hook.err"
    hport=$(sed -n 's/^webhook: escuchando en 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/hook.out")
    start graph --token "$TOKEN" --secreto "$SECRET" --webhook "http://127.0.0.1:$hport/meta" \
        --registro "$work/registro.jsonl" --numero "$NID:$PHONE" "$@"
    G=http://127.0.0.1:$port
    echo "cloud_url = $G/v21.0" >> "$work/cfg/embudo/embudo.conf"
}
cleanup_cloud() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    "$BIN" --home "$home" db stop > /dev/null 2>&1
    [ -n "${CLOUD_KEEP:-}" ] && rm -rf "$CLOUD_KEEP" && cp -r "$work" "$CLOUD_KEEP"
    rm -rf "$work"
}
eb() { "$BIN" --home "$home" "$@"; }
sql() { eb --as postgres db psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# usuarios_nube: sup1 and her promoter prom1, the convenio NUBE, and every hour operating (a
# campaign sends whenever the test runs).
usuarios_nube() {
    sql > /dev/null <<'SQL' || die "usuarios y datos"
SELECT api.crear_usuario('sup1', 'Supervisora Uno', 'SUPERVISOR');
SELECT api.crear_usuario('prom1', 'Promotora Uno', 'PROMOTOR', 'sup1');
INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('NUBE', 'Convenio Nube', 'PRIVADO');
DELETE FROM crm.horario_operativo; DELETE FROM crm.dias_inhabiles;
INSERT INTO crm.horario_operativo SELECT d, '00:00', '24:00' FROM generate_series(1, 7) d;
SQL
}
