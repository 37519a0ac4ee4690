#!/bin/sh
# Proves the layer rules of docs/hacking.md: ncurses only in ui/, libpq only in
# src/db/, libsodium only in src/crypto/. Exits 1 naming each offending line.
cd "$(dirname "$0")/.." || exit 2
fail=0
check() { # pattern allowed-prefix description
    hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*<($1)>" src ui tests/unit 2>/dev/null |
        grep -v "^$2" || true)
    if [ -n "$hits" ]; then
        echo "check-layers: $3 fuera de su capa:"
        echo "$hits" | sed 's/^/  /'
        fail=1
    fi
}
check 'n?curses(w)?\.h|ncursesw/[a-z]+\.h|panel\.h|menu\.h|form\.h' 'ui/' 'ncurses'
check 'libpq-fe\.h|libpq/[a-z-]+\.h|postgresql/[a-z/_-]+\.h' 'src/db/' 'libpq'
check 'sodium\.h|sodium/[a-z_]+\.h' 'src/crypto/' 'libsodium'
# Protocol libraries stay in their own layers (tests and the fake server may use them).
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<(signal/[a-z_]+|signal_protocol)\.h>' src ui 2>/dev/null |
    grep -v '^src/wa/signal/' || true)
[ -n "$hits" ] && { echo "check-layers: libsignal fuera de src/wa/signal:"; echo "$hits"; fail=1; }
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<libwebsockets\.h>' src ui 2>/dev/null |
    grep -v '^src/wa/net/' || true)
[ -n "$hits" ] && { echo "check-layers: libwebsockets fuera de src/wa/net:"; echo "$hits"; fail=1; }
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<curl/curl\.h>' src ui 2>/dev/null |
    grep -v '^src/rt/' | grep -v '^src/wa/cloud/' || true)
[ -n "$hits" ] && { echo "check-layers: libcurl fuera de src/rt y src/wa/cloud:"; echo "$hits"; fail=1; }
# The view-models are pure: no ncurses even inside ui/.
hits=$(grep -rnE '#[[:space:]]*include[[:space:]]*<n?curses' ui/vm 2>/dev/null || true)
[ -n "$hits" ] && { echo "check-layers: ncurses en ui/vm (debe ser puro):"; echo "$hits"; fail=1; }
[ $fail -eq 0 ] && echo "check-layers: ok (ncurses en ui/, libpq en src/db/, libsodium en src/crypto/," \
    "libsignal en src/wa/signal/, libwebsockets en src/wa/net/, libcurl en src/rt/ y src/wa/cloud/)"
exit $fail
