# tests/cloud/lib.sh — sourced by each tests/cloud/t_*.sh (run.sh sets B, the build
# directory): a private work directory, the fake Graph server and the webhook sink on free
# ports, requests with curl and raw bytes with perl, ok/bad/check counters, and a trap that
# stops what the test started (by pid) and removes the work directory. POSIX sh.
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
