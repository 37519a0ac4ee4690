#!/bin/sh
# docs/instalacion.md, rehearsed. First the package and the install tree: `make deb` (control
# fields, shared-library dependencies, conffile, maintainer scripts, the files it carries, the
# units checked by systemd-analyze) and `make install`/`make uninstall` into a DESTDIR. Then,
# as root (CI runs as root; elsewhere this part says it is skipped), a server the way the page
# sets it up, with the binary taken out of the package: a PostgreSQL cluster with peer
# authentication only, throwaway Unix accounts, the database migrated and the first admin
# created by `postgres`, the rest of the team created by that admin, a padrón loaded, and then
# what the page promises: each account is its own PostgreSQL role (a promoter sees her own
# opportunities, her supervisor the team's, another promoter none; `--as` is refused), a
# promoter's psql cannot write the tables, an account without an embudo user and a user in
# BAJA cannot get in, the terminal client opens as her and closes with q, both workers run (the central one with --solo-cloud, a promoter's as
# herself), an auditor's worker is refused at once, and doctor is clean.
# Usage: servidor.sh BUILD_DIR. Ends with "N passed, N failed"; exits 1 when anything failed.
set -u
cli_name=servidor
. "$(dirname "$0")/lib.sh"

src=$(cd "$(dirname "$0")/../.." && pwd)
# make from inside make (make check): the caller's MODE and B must not leak in.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" --no-print-directory "$@"; }

# ---- the package ----------------------------------------------------------------------------
deb=$(mk deb | tail -n 1)
check 'make deb deja el paquete' "$src/build/deb/embudo_$(sed -n 's/^VERSION *:= *//p' "$src/Makefile")_$(dpkg --print-architecture).deb" "$src/$deb"
deb=$src/$deb
field() { dpkg-deb -f "$deb" "$1"; }
check 'Package' embudo "$(field Package)"
for lib in libpq5 libncursesw6 libuv1 libsodium23 libsignal-protocol-c libwebsockets postgresql-client adduser; do
    case "$(field Depends)" in
    *"$lib"*) pass=$((pass + 1)) ;;
    *) fail=$((fail + 1)); echo "FALLÓ: Depends sin $lib: $(field Depends)" ;;
    esac
done
check 'conffiles' /etc/embudo/embudo.conf "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $6 }' | sort -k2)
want="-rw-r--r-- ./etc/embudo/embudo.conf
-rw-r--r-- ./lib/systemd/system/embudo-webhook.service
-rw-r--r-- ./lib/systemd/system/embudo-worker.service
-rw-r--r-- ./lib/systemd/system/embudo-worker@.service
-rwxr-xr-x ./usr/bin/embudo
-rw-r--r-- ./usr/share/doc/embudo/README.md
-rw-r--r-- ./usr/share/doc/embudo/embudo.conf.example
-rw-r--r-- ./usr/share/doc/embudo/instalacion.md
-rw-r--r-- ./usr/share/doc/embudo/teclas.conf.example
-rw-r--r-- ./usr/share/embudo/themes/dark.theme
-rw-r--r-- ./usr/share/embudo/themes/high-contrast.theme
-rw-r--r-- ./usr/share/embudo/themes/light.theme
-rw-r--r-- ./usr/share/embudo/themes/mono.theme"
check 'archivos del paquete' "$want" "$files"
check 'dueño de los archivos' 'root/root' "$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)"
mkdir "$tmp/deb" "$tmp/ctl"
dpkg-deb -x "$deb" "$tmp/deb"
dpkg-deb -e "$deb" "$tmp/ctl"
for s in postinst prerm; do
    check "sh -n $s" 0 "$(sh -n "$tmp/ctl/$s" 2>&1; echo $?)"
done
(cd "$tmp/deb" && md5sum --quiet -c "$tmp/ctl/md5sums") >/dev/null 2>&1
check 'md5sums' 0 $?
ebin=$tmp/deb/usr/bin/embudo
expect 0 '^embudo [0-9]+\.[0-9]+\.[0-9]+ ' -- "$ebin" --version
# The binary looks for themes where the package put them.
check 'temas en DATADIR' 1 "$(grep -c -a -F /usr/share/embudo/themes "$ebin")"
# The units: ExecStart names the installed binary, and systemd finds nothing to say (verify
# needs the program to exist, so a copy points at the extracted one).
for u in embudo-worker.service embudo-worker@.service embudo-webhook.service; do
    grep -q '^ExecStart=/usr/bin/embudo \(worker\|wa webhook$\)' "$tmp/deb/lib/systemd/system/$u"
    check "ExecStart de $u" 0 $?
    # A worker that exits 1 or 2 was refused (an auditor's account, a bad option): a restart
    # every RestartSec would only say it again.
    grep -q '^RestartPreventExitStatus=1 2$' "$tmp/deb/lib/systemd/system/$u"
    check "$u no reinicia un rechazo (1, 2)" 0 $?
done
mkdir "$tmp/units"
sed "s|/usr/bin/embudo|$ebin|" "$tmp/deb/lib/systemd/system/embudo-worker.service" \
    > "$tmp/units/embudo-worker.service"
sed "s|/usr/bin/embudo|$ebin|" "$tmp/deb/lib/systemd/system/embudo-worker@.service" \
    > "$tmp/units/embudo-worker@root.service"
sed "s|/usr/bin/embudo|$ebin|" "$tmp/deb/lib/systemd/system/embudo-webhook.service" \
    > "$tmp/units/embudo-webhook.service"
for u in embudo-worker.service embudo-worker@root.service embudo-webhook.service; do
    check "systemd-analyze verify $u" '' "$(systemd-analyze verify "$tmp/units/$u" 2>&1)"
done
# The server's configuration parses and points at the local socket.
expect 3 'socket "/var/run/postgresql/' -- env -u DATABASE_URL "$ebin" --config "$tmp/deb/etc/embudo/embudo.conf" db status

# ---- make install / uninstall ---------------------------------------------------------------
mk install DESTDIR="$tmp/inst" >/dev/null
check 'make install' "usr/local/bin/embudo
usr/local/lib/systemd/system/embudo-webhook.service
usr/local/lib/systemd/system/embudo-worker.service
usr/local/lib/systemd/system/embudo-worker@.service
usr/local/share/doc/embudo/README.md
usr/local/share/doc/embudo/embudo.conf.example
usr/local/share/doc/embudo/instalacion.md
usr/local/share/doc/embudo/teclas.conf.example
usr/local/share/embudo/themes/dark.theme
usr/local/share/embudo/themes/high-contrast.theme
usr/local/share/embudo/themes/light.theme
usr/local/share/embudo/themes/mono.theme" "$(cd "$tmp/inst" && find . -type f | sed 's|^\./||' | sort)"
grep -q '^ExecStart=/usr/local/bin/embudo worker --solo-cloud$' "$tmp/inst/usr/local/lib/systemd/system/embudo-worker.service"
check 'ExecStart con PREFIX=/usr/local' 0 $?
mk uninstall DESTDIR="$tmp/inst" >/dev/null
check 'make uninstall' '' "$(find "$tmp/inst" -type f)"

# ---- a server, as the page sets it up ------------------------------------------------------
if [ "$(id -u)" -ne 0 ] || ! getent passwd postgres >/dev/null; then
    echo "servidor: se omite el ensayo del servidor (necesita root y la cuenta postgres; CI corre como root)"
    cli_summary "cli servidor"
    exit $?
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
people="zzebadmin zzebsup zzebprom1 zzebprom2 zzebsvc zzebaud zzebotro"
chmod 711 "$tmp"
mkdir -m 0700 "$tmp/pg"
mkdir -m 0755 "$tmp/run"
chown postgres "$tmp/pg" "$tmp/run"
cleanup() {
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1
    for u in $people; do userdel "$u" >/dev/null 2>&1; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for u in $people; do
    userdel "$u" >/dev/null 2>&1 # a run that was killed may have left them
    useradd -M -N -g nogroup -s /usr/sbin/nologin "$u" || { echo "servidor: useradd $u falló"; exit 1; }
done
url="postgresql:///embudo?host=$tmp/run"
# as USER COMMAND…: the command as that Unix account, with a home of its own and the server's
# URL (what /etc/embudo/embudo.conf says on a real server).
as() {
    u=$1
    shift
    if [ ! -d "$tmp/h/$u" ]; then
        mkdir -p "$tmp/h/$u"
        chown "$u" "$tmp/h/$u"
    fi
    runuser -u "$u" -- env HOME="$tmp/h/$u" XDG_CONFIG_HOME="$tmp/h/$u/.config" \
        XDG_STATE_HOME="$tmp/h/$u/.local/state" EMBUDO_HOME="$tmp/h/$u/state" \
        DATABASE_URL="$url" "$@"
}
mkdir -p "$tmp/h"
chmod 755 "$tmp/h"
runuser -u postgres -- "$pgbin/initdb" -D "$tmp/pg" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=reject >"$tmp/initdb.log" 2>&1 ||
    { echo "servidor: initdb falló"; cat "$tmp/initdb.log"; exit 1; }
runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$tmp/run' -c fsync=off" start >/dev/null ||
    { echo "servidor: pg_ctl start falló"; cat "$tmp/pg/server.log"; exit 1; }
check 'pg_hba: por socket, solo peer' 'peer' \
    "$(grep -v '^#' "$tmp/pg/pg_hba.conf" | awk 'NF && $1 == "local" { print $NF }' | sort -u)"

# 2. the database; 4. the first admin, by the database's administrator.
as postgres createdb -h "$tmp/run" embudo
check 'createdb embudo' 0 $?
expect 0 'migraciones aplicadas|aplicad' -- as postgres "$ebin" db migrate
expect 0 'zzebadmin' -- as postgres "$ebin" usuario crear zzebadmin --nombre 'Ana López' --rol ADMIN
# The rest of the team, by that admin from her own account.
expect 0 'zzebsup' -- as zzebadmin "$ebin" usuario crear zzebsup --nombre 'Sofía Ruiz' --rol SUPERVISOR
for p in zzebprom1 zzebprom2; do
    expect 0 "$p" -- as zzebadmin "$ebin" usuario crear "$p" --nombre "Promotor $p" --rol PROMOTOR --supervisor zzebsup
done
expect 0 'zzebsvc' -- as zzebadmin "$ebin" usuario crear zzebsvc --nombre 'Trabajador de embudo' --rol ADMIN
expect 0 'zzebaud' -- as zzebadmin "$ebin" usuario crear zzebaud --nombre 'Auditoría interna' --rol AUDITOR
# A promoter cannot create users.
expect 1 'administrador' -- as zzebprom1 "$ebin" usuario crear zzebotro --nombre 'Otro' --rol PROMOTOR --supervisor zzebsup

# 3. the padrón: a convenio in the database, clients by import.
expect 0 'INSERT' -- as postgres psql -X -h "$tmp/run" -d embudo -c \
    "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('IMSS', 'IMSS pensionados', 'PENSIONADOS')"
{
    echo 'nombre,primer_apellido,convenio,entidad,edad,telefono'
    i=0
    while [ $i -lt 40 ]; do
        printf 'Cliente%d,Prueba,IMSS,JAL,%d,33%08d\n' $i $((30 + i)) $((10000000 + i))
        i=$((i + 1))
    done
} > "$tmp/padron.csv"
chmod 644 "$tmp/padron.csv"
expect 0 '40' -- as postgres "$ebin" import clientes "$tmp/padron.csv"

# Each account is its own role.
expect 0 'se asignaron 5 clientes' -- as zzebprom1 "$ebin" asignar --cantidad 5
expect 0 'se asignaron 3 clientes' -- as zzebprom2 "$ebin" asignar --cantidad 3
count() { as "$1" "$ebin" --json oportunidades | grep -o '"oportunidad":' | wc -l | tr -d ' '; }
check 'zzebprom1 ve las suyas' 5 "$(count zzebprom1)"
check 'zzebprom2 ve las suyas' 3 "$(count zzebprom2)"
check 'el supervisor ve las del equipo' 8 "$(count zzebsup)"
expect 2 'clúster embebido' -- as zzebprom2 "$ebin" --as zzebprom1 oportunidades
# A promoter's psql reads under row-level security and writes nothing.
check 'psql de zzebprom2: filas visibles' 3 \
    "$(as zzebprom2 psql -X -q -t -A -h "$tmp/run" -d embudo -c 'SELECT count(*) FROM crm.oportunidades')"
expect 1 'permission denied|permiso denegado' -- as zzebprom2 psql -X -q -h "$tmp/run" -d embudo \
    -v ON_ERROR_STOP=1 -c 'UPDATE crm.oportunidades SET usuario_id = usuario_id'
expect 1 'permission denied|permiso denegado' -- as zzebprom2 psql -X -q -h "$tmp/run" -d embudo \
    -v ON_ERROR_STOP=1 -c 'DELETE FROM crm.historial'
expect 1 'permission denied|permiso denegado' -- as zzebprom2 psql -X -q -h "$tmp/run" -d embudo \
    -v ON_ERROR_STOP=1 -c "INSERT INTO padron.convenios (clave, nombre, tipo) VALUES ('X1', 'x', 'PRIVADO')"

# The terminal client, the way a promoter opens it over SSH: her account, no --as, the
# server's URL. It shows who she is and her five opportunities, and q ends it with status 0.
# tmux runs the pane's command with $SHELL, else the account's login shell, which for these
# throwaway accounts is nologin: CI starts with no SHELL, so name one.
tsock=$tmp/h/zzebprom1/tmux.sock
as zzebprom1 env LANG=C.UTF-8 SHELL=/bin/sh tmux -S "$tsock" -u new-session -d -x 100 -y 30 \
    "$ebin; echo \"fin=\$?\" > $tmp/h/zzebprom1/tui.rc; sleep 60"
screen() { as zzebprom1 tmux -S "$tsock" capture-pane -p; }
i=0
while [ $i -lt 100 ] && ! screen | grep -q '● conectado'; do sleep 0.1; i=$((i + 1)); done
check 'la TUI dice quién entró' 1 "$(screen | grep -c '^ embudo │ zzebprom1 · PROMOTOR')"
check 'la TUI: sus oportunidades' 1 "$(screen | grep -cE '│ Mis oportunidades +5 │$')"
as zzebprom1 tmux -S "$tsock" send-keys q
i=0
while [ $i -lt 100 ] && [ ! -s "$tmp/h/zzebprom1/tui.rc" ]; do sleep 0.1; i=$((i + 1)); done
check 'q cierra la TUI' 'fin=0' "$(cat "$tmp/h/zzebprom1/tui.rc" 2>/dev/null)"
as zzebprom1 tmux -S "$tsock" kill-server 2>/dev/null

# Who cannot get in.
expect 1 'zzebotro.*no es un usuario de embudo' -- as zzebotro "$ebin" oportunidades
expect 0 'BAJA' -- as zzebadmin "$ebin" usuario estado zzebprom2 BAJA --motivo 'se fue'
expect 1 'zzebprom2.*(baja|no puede entrar)' -- as zzebprom2 "$ebin" oportunidades

# 5. the workers: the central one (as its unit runs it, --solo-cloud) sweeps and, with no account
# on the Cloud API, sends nothing; a promoter's runs as herself; an
# auditor's is refused at once with the account to use (exit 1, which the units do not restart),
# not left failing a sweep every minute.
expect 0 'solo las cuentas de la API oficial' -- as zzebsvc "$ebin" worker --once --solo-cloud
expect 0 'barrido' -- as zzebprom1 "$ebin" worker --once
expect 1 '^embudo: un auditor no puede correr el worker: .*use la cuenta svc_embudo o un administrador$' -- \
    as zzebaud timeout 30 "$ebin" worker
expect 0 'sin violaciones|0 violaciones|ninguna' -- as zzebsup "$ebin" doctor

cli_summary "cli servidor"
