#!/usr/bin/env bash
# README's first command: on a fresh Debian 12 machine (as root), install what img needs,
# publish img to ./out, import a busybox base image made from Debian's busybox-static, build
# the multi-stage example and list the result. No public registry is used.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet publish src/Img.Cli -c Release -o out -nologo -clp:ErrorsOnly
tar=$(mktemp --suffix=.tar)
bash scripts/busybox-rootfs.sh "$tar"
./out/img import -c 'CMD ["sh"]' "$tar" busybox:latest
rm -f "$tar"
./out/img build --progress=plain -t example examples/multistage
./out/img ls
