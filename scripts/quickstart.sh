#!/usr/bin/env bash
# README's first command: on a fresh Debian 12 machine (as root), install what img needs,
# publish img to ./out, import a busybox base image made from Debian's busybox-static, build
# the multi-stage example and list the result. No public registry is used. Run through sudo,
# it also imports busybox into the invoking user's own store (rootless builds start empty).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "quickstart: $*" >&2; }
say "installing Debian packages (runc, uidmap, fuse-overlayfs, docker-registry, busybox-static, ...)"
bash scripts/install-deps.sh
# one composite ReadyToRun image of img, its packages and .NET: the first publish takes
# 2-5 minutes on 2 cores and prints nothing meanwhile
say "publishing img to ./out (self-contained, precompiled: 2-5 minutes the first time, quiet meanwhile)"
dotnet publish src/Img.Cli -c Release -o out -nologo -clp:ErrorsOnly
tar=$(mktemp --suffix=.tar)
trap 'rm -f "$tar"' EXIT
say "importing busybox:latest (Debian's busybox-static) into root's store"
bash scripts/busybox-rootfs.sh "$tar"
./out/img import -c 'CMD ["sh"]' "$tar" busybox:latest
if [[ -n ${SUDO_USER:-} && $SUDO_USER != root ]]; then
  # the user's store is theirs (~/.local/share/img); import reads the tarball as the user
  say "importing busybox:latest into $SUDO_USER's store too"
  chmod 644 "$tar"
  sudo -u "$SUDO_USER" -H ./out/img import -c 'CMD ["sh"]' "$tar" busybox:latest \
    || say "could not import for $SUDO_USER (can they run ./out/img?): see README, Rootless"
fi
say "building examples/multistage as 'example'"
./out/img build --progress=plain -t example examples/multistage
./out/img ls
say "done: ./out/img is img (put it on PATH: export PATH=\"$PWD/out:\$PATH\")"
