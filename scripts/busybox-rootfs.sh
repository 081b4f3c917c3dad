#!/usr/bin/env bash
# Writes a busybox root filesystem tarball made from Debian's busybox-static, for
# `img import` (no public registry is needed). Usage: busybox-rootfs.sh OUT.tar
set -euo pipefail
out=${1:?usage: busybox-rootfs.sh OUT.tar}
[ -x /bin/busybox ] || { echo "install busybox-static first (scripts/install-deps.sh)" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/bin "$root"/etc "$root"/tmp "$root"/root "$root"/home/app
cp /bin/busybox "$root"/bin/busybox
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
cat > "$root"/etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$root"/etc/group <<'GROUP'
root:x:0:
app:x:1000:
nogroup:x:65534:
GROUP
chmod 1777 "$root"/tmp
chown 1000:1000 "$root"/home/app
tar --numeric-owner -C "$root" -cf "$out" .
