#!/usr/bin/env bash
# Prepares the build benchmark (run.sh) on a Debian 12 machine, as root:
#   - installs docker.io, buildah, runc, busybox-static, docker-registry when missing;
#   - publishes img (Release) into bench/builds/.img;
#   - starts a Debian docker-registry on 127.0.0.1:5000 with temporary storage (skipped when
#     something already answers there);
#   - makes a busybox image (Debian busybox-static: /bin/busybox, every applet as a symlink,
#     /etc/passwd, /etc/group, /tmp) with `img import` and pushes it with `img push` to
#     127.0.0.1:5000/library/busybox:latest;
#   - starts dockerd on a private socket (no iptables, no bridge) and waits for it.
# Everything lives under $BENCH_DIR (default /var/tmp/img-bench-builds); teardown.sh undoes it.
#
#   bash bench/builds/setup.sh            # SKIP_PUBLISH=1 reuses an existing bench/builds/.img
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=${BENCH_DIR:-/var/tmp/img-bench-builds}
IMG=$HERE/.img/img
REGISTRY=127.0.0.1:5000
BASE=$REGISTRY/library/busybox:latest
DOCKER=/usr/bin/docker   # Debian's client (20.10): a newer client in /usr/local/bin may lack buildx
mkdir -p "$D"

[ "$(id -u)" = 0 ] || { echo "setup.sh: run as root" >&2; exit 1; }

# --- packages ---------------------------------------------------------------------------------
missing=()
[ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || missing+=(docker.io)
command -v buildah >/dev/null || missing+=(buildah)
command -v runc >/dev/null || missing+=(runc)
command -v docker-registry >/dev/null || missing+=(docker-registry)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 || missing+=(busybox-static)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "setup.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# --- img ----------------------------------------------------------------------------------------
if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$IMG" ]; then
  echo "publishing img into $HERE/.img"
  dotnet publish "$ROOT/src/Img.Cli" -c Release -o "$HERE/.img" -v quiet -nologo >/dev/null
fi

# --- registry -----------------------------------------------------------------------------------
if curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; then
  echo "registry: already up on $REGISTRY"
else
  rm -rf "$D/registry"; mkdir -p "$D/registry/storage"
  cat > "$D/registry/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $D/registry/storage
  delete:
    enabled: true
http:
  addr: $REGISTRY
  secret: img-bench-builds
YAML
  nohup docker-registry serve "$D/registry/config.yml" > "$D/registry/registry.log" 2>&1 &
  echo $! > "$D/registry/pid"
  for _ in $(seq 1 200); do
    curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null && break
    sleep 0.05
  done
  curl -fsS -o /dev/null "http://$REGISTRY/v2/" || { echo "registry did not start:" >&2; cat "$D/registry/registry.log" >&2; exit 1; }
  echo "registry: started on $REGISTRY (pid $(cat "$D/registry/pid"), storage $D/registry/storage)"
fi

# --- busybox base image -------------------------------------------------------------------------
if curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
     "http://$REGISTRY/v2/library/busybox/manifests/latest" 2>/dev/null; then
  echo "base: $BASE already in the registry"
else
  rootfs=$(mktemp -d "$D/rootfs.XXXXXX")
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
  chmod 1777 "$rootfs/tmp"; chmod 700 "$rootfs/root"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list) sh dd sleep head cat echo mkdir touch true ls find wc; do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --mtime='2024-01-01 00:00:00Z' --sort=name -cf "$D/busybox-rootfs.tar" .
  rm -rf "$rootfs"
  setup_state="$D/img-setup-state"; rm -rf "$setup_state"
  "$IMG" --state "$setup_state" import -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$D/busybox-rootfs.tar" "$BASE" >/dev/null
  "$IMG" --state "$setup_state" push "$BASE"
  rm -rf "$setup_state"
fi

# --- dockerd on a private socket ---------------------------------------------------------------
if [ -S "$D/docker.sock" ] && "$DOCKER" -H "unix://$D/docker.sock" version >/dev/null 2>&1; then
  echo "dockerd: already up on unix://$D/docker.sock"
else
  mkdir -p "$D/root" "$D/exec"
  nohup /usr/sbin/dockerd --data-root "$D/root" --exec-root "$D/exec" -H "unix://$D/docker.sock" \
    --pidfile "$D/dockerd.pid" --iptables=false --ip-masq=false --bridge=none > "$D/dockerd.log" 2>&1 &
  for _ in $(seq 1 300); do
    "$DOCKER" -H "unix://$D/docker.sock" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$DOCKER" -H "unix://$D/docker.sock" version >/dev/null 2>&1 || { echo "dockerd did not start:" >&2; tail -30 "$D/dockerd.log" >&2; exit 1; }
  echo "dockerd: started on unix://$D/docker.sock (pid $(cat "$D/dockerd.pid"), log $D/dockerd.log)"
fi

echo "versions: $("$DOCKER" -H "unix://$D/docker.sock" version -f 'dockerd {{.Server.Version}}'), $(buildah --version), img $("$IMG" version 2>/dev/null | head -1)"
