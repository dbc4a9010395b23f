#!/usr/bin/env bash
# Installs Debian's wrk (the HTTP load generator `make bench` drives) when missing.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing wrk with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
