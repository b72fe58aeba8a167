#!/usr/bin/env bash
# Debian packages the tests need beyond Python and pip: Chromium for the sandbox's browser test
# (Playwright never downloads a browser) and the emoji font that shows the bot's ✅ and the
# page's icons in its screenshots. Installs only what is missing, with sudo when not root.
set -euo pipefail
APT=()
[ -x /usr/bin/chromium ] || APT+=(chromium)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || APT+=(fonts-noto-color-emoji)
if [ "${#APT[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${APT[*]} (Debian packages). Install them, then run make test again." >&2
  exit 1
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT[@]}"
