#!/usr/bin/env bash
# Installs what helmctl needs on Debian 12, idempotently: system libraries from apt and the Helm oracle
# (PyPI helm-python-sdk 0.2.2 = Helm v4.2.3's Go library) in a project-local venv at .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(pkg-config libyaml-dev libssl-dev libarchive-dev zlib1g-dev libcurl4-openssl-dev libsqlite3-dev etcd-server runc busybox-static containernetworking-plugins iproute2 curl docker-registry apache2-utils gnupg openssl)
# The cluster end-to-end tests drive a real kubectl; use the one on PATH when there is one (this machine
# has the Google Cloud SDK's), else Debian's.
command -v kubectl >/dev/null 2>&1 || APT_PACKAGES+=(kubernetes-client)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ "${1:-}" = "--with-oracle" ]; then
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import helm_python' 2>/dev/null; then
    echo "setup: creating .venv with helm-python-sdk==0.2.2"
    # A broken venv (or a link to one that is gone) would make `venv` refuse the path.
    if [ -L .venv ] || { [ -e .venv ] && [ ! -x .venv/bin/python ]; }; then rm -rf .venv; fi
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check helm-python-sdk==0.2.2
  fi
fi
