#!/bin/sh
# Installs the Debian packages embudo needs to build, test and run — only the
# missing ones, so a second run does nothing. As root directly; otherwise
# through sudo. Called by `make deps` (and so by `make run` and `make check`).
# curl: tests/cloud drives the fake Graph server and httpd with it.
# systemd: tests/cli/servidor.sh checks the packaged units with `systemd-analyze verify`
# (dpkg-shlibdeps and dpkg-deb for `make deb` come with build-essential's dpkg-dev).
set -eu
PKGS="build-essential pkg-config clang tmux postgresql postgresql-contrib
libncursesw5-dev libpq-dev libuv1-dev libqrencode-dev libsodium-dev libcmocka-dev
libssl-dev zlib1g-dev libwebsockets-dev libsignal-protocol-c-dev libprotobuf-c-dev
protobuf-c-compiler libcurl4-openssl-dev curl libjansson-dev nodejs npm tzdata locales
systemd"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
    *"ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done
# npm may come from the node package itself (NodeSource-style installs): accept a working npm.
case " $missing " in *" npm "*) command -v npm >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ npm//') ;; esac
case " $missing " in *" nodejs "*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//') ;; esac

if [ -z "$missing" ]; then
    echo "deps: todos los paquetes están instalados"
    exit 0
fi
echo "deps: instalando:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: faltan paquetes y no hay sudo; instálelos como root:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
