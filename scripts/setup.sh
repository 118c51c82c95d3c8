#!/usr/bin/env bash
# Installs what the harness needs on a fresh machine: redis-server/redis-tools, tcl and openssl
# (--tls makes its certificates with it) through apt, and npm packages.
# --browser also installs Debian's chromium, for the HTML report's browser test (test/html-report.test.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need_apt=0
for tool in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb tclsh openssl; do
  command -v "$tool" >/dev/null 2>&1 || need_apt=1
done
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
if [ "$need_apt" = 1 ]; then
  echo "setup: installing redis-server, redis-tools, tcl (the self-tests compare with Tcl) and openssl (--tls) with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools tcl openssl >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = --browser ] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium with apt-get (the HTML report's browser test)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
