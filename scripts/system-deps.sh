#!/usr/bin/env bash
# Debian packages the tests need: Chromium and its driver for browser tests and for chart exports
# (kaleido drives the system Chromium), Noto CJK fonts so that Chinese renders, poppler for PDF
# checks, PostgreSQL 15 and Redis for the integration tests in CI.
# Installs only what is missing; needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
# (no `grep -q` in a pipe: with pipefail, fc-list dies of SIGPIPE and the font looks missing)
[ -n "$(fc-list 2>/dev/null | grep "Noto Sans CJK")" ] || missing+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
