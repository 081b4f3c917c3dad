#!/usr/bin/env bash
# Installs what img and its tests need on a fresh Debian 12 machine (as root). git (git sources,
# the tests' git daemon) and openssh-client (ssh-agent for --ssh KEY, the ssh mount tests).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# arm64 packages are downloaded (never installed) by the multi-platform tests: busybox-static:arm64
# is their base image's arm64 half
dpkg --add-architecture arm64
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  qemu-user-static \
  runc uidmap fuse-overlayfs fuse3 util-linux passwd tar \
  docker-registry apache2-utils skopeo umoci podman busybox-static xz-utils bzip2 zstd libzstd1 \
  postgresql git openssh-client >/dev/null
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }
