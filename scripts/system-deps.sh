#!/bin/sh
# Check the system libraries and programs the toolchain needs, and install
# the missing ones with Debian's apt-get where we can (root on Debian/Ubuntu).
# Usage: scripts/system-deps.sh build|test|check
#   build: Pango (WeasyPrint), HarfBuzz's subsetter (3x faster font subsetting)
#   test:  also Java (EPUBCheck) and Chromium (the browser test)
#   check: also Node.js and npm (DAISY Ace, vnu.jar) and poppler-utils (pdffonts, pdftotext)
set -eu
need=""
has_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
has_lib libpango-1.0.so.0 || need="$need libpango-1.0-0 libpangoft2-1.0-0"
has_lib libharfbuzz-subset.so.0 || need="$need libharfbuzz-subset0"
if [ "${1:-build}" = test ] || [ "${1:-build}" = check ]; then
  command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need="$need chromium"
fi
if [ "${1:-build}" = check ]; then
  command -v npm >/dev/null 2>&1 || need="$need nodejs npm"
  command -v pdffonts >/dev/null 2>&1 || need="$need poppler-utils"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing$need"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
else
  echo "system-deps: missing$need" >&2
  echo "system-deps: install them with: sudo apt-get install$need" >&2
  case "$need" in *pango*|*npm*) exit 1;; esac   # WeasyPrint needs Pango; the checkers need npm
fi
