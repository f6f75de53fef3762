#!/usr/bin/env bash
# Debian's Chromium for the browser tests (never a downloaded browser build).
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ]; then
  echo "chromium.sh: installing Debian's chromium" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  exit $?
fi
echo "chromium.sh: Chromium is not installed; browser tests will be skipped (apt-get install chromium)" >&2
exit 0
