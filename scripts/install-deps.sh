#!/usr/bin/env bash
# Installs the Debian packages scrape needs to build and test, when any is missing.
# Idempotent and quiet when everything is there; works as root (CI) or through sudo.
set -euo pipefail

# postgresql-15: fleet mode's tests start a throwaway cluster of their own (scripts/pg-cluster.sh).
# tinyproxy-bin (the binary without its system service) and microsocks: the proxy tests start their own on loopback ports (LocalProxy).
packages=(libcurl4-openssl-dev libssl-dev libxml2-dev libyaml-dev zlib1g-dev libsqlite3-dev libpsl-dev pkg-config python3 nginx-light openssl postgresql-15 tinyproxy-bin microsocks "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
