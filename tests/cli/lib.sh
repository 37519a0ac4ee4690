# Shared by the tests/cli scripts: `cli_name=NAME; . lib.sh` (the script's own $1 is the build
# directory; POSIX `.` takes no arguments) sets $bin (absolute path of the
# embudo binary), a private $tmp removed on exit, an environment isolated from the caller's
# files and servers, and `expect STATUS PATTERN -- command…`, which runs the command and checks
# its exit status and that stdout+stderr match the grep -E pattern; `check DESCRIPTION WANT GOT`
# compares two strings. `cli_summary` prints the
# plain "N passed, N failed" line and returns non-zero when anything failed.
bin="$(cd "${1:?uso: $cli_name.sh BUILD_DIR}" && pwd)/embudo"
tmp=$(mktemp -d "/tmp/embudo-cli-$cli_name-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

expect() {
    want=$1 pat=$2
    shift 3
    out=$("$@" 2>&1)
    got=$?
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -qE -- "$pat"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FALLÓ: $* → estado $got (se esperaba $want), salida:"
        printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

check() {
    if [ "$2" = "$3" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FALLÓ: $1: se esperaba «$2», se obtuvo «$3»"
    fi
}

cli_summary() {
    echo "$1: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

export HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state" EMBUDO_HOME="$tmp/home"
unset DATABASE_URL PGHOST PGDATABASE PGSERVICE EMBUDO_TEMA EMBUDO_TRANSPORT
