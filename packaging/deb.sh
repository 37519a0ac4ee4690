#!/bin/sh
# Builds the Debian package from a `make install DESTDIR=ROOT PREFIX=/usr` tree: adds
# /etc/embudo/embudo.conf (a conffile: an upgrade never overwrites the administrator's
# edits), the maintainer scripts, the control file with the shared-library dependencies
# that dpkg-shlibdeps finds in the binary, and md5sums; then dpkg-deb. Called by `make deb`.
# Usage: deb.sh ROOT VERSION OUTDIR. Prints the .deb's path.
set -eu
root=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
arch=$(dpkg --print-architecture)

[ -x "$root/usr/bin/embudo" ] || { echo "deb.sh: falta $root/usr/bin/embudo (make install)" >&2; exit 1; }
install -d -m 0755 "$root/DEBIAN" "$root/etc/embudo"
install -m 0644 "$here/embudo.conf.servidor" "$root/etc/embudo/embudo.conf"

# Shared libraries: dpkg-shlibdeps reads the binary's NEEDED entries and the installed
# packages' shlibs/symbols files; it wants a debian/control, so it runs in a scratch dir.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: embudo\n\nPackage: embudo\nArchitecture: any\n' > "$work/debian/control"
bin=$(cd "$root/usr/bin" && pwd)/embudo
shlibs=$(cd "$work" && dpkg-shlibdeps -O "$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "deb.sh: dpkg-shlibdeps no dio dependencias" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: embudo
Version: $version
Architecture: $arch
Maintainer: embudo <dev@embudo.invalid>
Installed-Size: $size
Depends: $shlibs, adduser, postgresql-client (>= 15)
Recommends: postgresql (>= 15)
Section: misc
Priority: optional
Description: CRM de terminal para promotores de crédito y sus supervisores
 embudo reparte lotes de clientes de un padrón grande con cupo diario, lleva cada
 oportunidad por un embudo de etapas con temporizadores en horas hábiles
 (America/Mexico_City, días inhábiles), con bandeja del supervisor, captación, ventas,
 historial de solo agregar y campañas de WhatsApp con ritmo humano.
 .
 PostgreSQL es la autoridad: las reglas viven en la base (funciones SECURITY DEFINER,
 seguridad por filas). Este paquete trae el programa, los temas, las unidades de systemd
 (embudo-worker.service, embudo-worker@.service y embudo-webhook.service) y la
 configuración del servidor.
CONTROL
echo /etc/embudo/embudo.conf > "$root/DEBIAN/conffiles"
install -m 0755 "$here/deb-postinst" "$root/DEBIAN/postinst"
install -m 0755 "$here/deb-prerm" "$root/DEBIAN/prerm"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

deb="$out/embudo_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
