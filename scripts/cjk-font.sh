#!/usr/bin/env bash
# A Chinese font for headless Chromium: without one, screenshots show empty boxes and
# the 360 px layout check measures the wrong glyph widths. Installed in CI; locally warns.
set -u
if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]; then
  exit 0
fi
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ]; then
  echo "cjk-font.sh: installing Debian's fonts-wqy-microhei" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >&2
  exit $?
fi
echo "cjk-font.sh: no Chinese font (apt-get install fonts-wqy-microhei): screenshots show boxes" >&2
exit 0
