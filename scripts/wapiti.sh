#!/usr/bin/env bash
# Debian's wapiti for `make scan` (an off-the-shelf web vulnerability scanner).
set -u
if command -v wapiti >/dev/null 2>&1; then exit 0; fi
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ]; then
  echo "wapiti.sh: installing Debian's wapiti" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >&2
  exit $?
fi
echo "wapiti.sh: wapiti is not installed; the scan will be skipped (apt-get install wapiti)" >&2
exit 0
