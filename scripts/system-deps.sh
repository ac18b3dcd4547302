#!/bin/sh
# Check the system libraries and programs the toolchain needs; install the
# missing ones with apt-get when we are root on Debian or Ubuntu (saying so,
# command first), and otherwise say what to install on Debian/Ubuntu, Fedora
# and macOS (Homebrew).
#
# Usage: scripts/system-deps.sh build|test|check
#   build: Pango (WeasyPrint), HarfBuzz's subsetter (3x faster font subsetting)
#   test:  also Java (EPUBCheck), Chromium (the browser test) and poppler-utils
#          (pdffonts, pdftotext: the release gates' PDF checks, which the tests run)
#   check: also Node.js and npm (DAISY Ace, vnu.jar)
#
# Environment: PYTHON, the Python that will run WeasyPrint (default python3:
# the Makefile's, which `make PYTHON=...` exports); SYSTEM_DEPS_LOCK_WAIT,
# seconds to wait for a held apt/dpkg lock (default 120); SYSTEM_DEPS_LDCONFIG,
# the ldconfig programs to ask (default: ldconfig on the PATH, then
# /sbin/ldconfig and /usr/sbin/ldconfig; the tests set it empty).
# Exit status: 0 ready, 69 a required library or program is missing (as
# press/errors.py), 75 apt or dpkg stayed locked (sysexits' EX_TEMPFAIL).
set -eu
mode=${1:-build}
case $mode in build|test|check) ;; *) echo "usage: $0 build|test|check" >&2; exit 64;; esac
PYTHON=${PYTHON:-python3}
LOCK_WAIT=${SYSTEM_DEPS_LOCK_WAIT:-120}
say() { printf 'system-deps: %s\n' "$*" >&2; }

# --- finding a shared library the way WeasyPrint will --------------------------
# A non-root Debian user has no /sbin on the PATH and macOS has no ldconfig at
# all, so ldconfig is only the first of three ways: pkg-config (when the -dev
# files are there; Homebrew always ships them), then the lookup WeasyPrint itself
# makes (weasyprint/text/ffi.py: cffi's dlopen of each name, which falls back to
# ctypes.util.find_library), in the Python that will run it.
LDCONFIG=${SYSTEM_DEPS_LDCONFIG-ldconfig /sbin/ldconfig /usr/sbin/ldconfig}
PROBE='import ctypes, ctypes.util, sys
for name in sys.argv[1:]:
    for path in (name, ctypes.util.find_library(name)):
        try:
            if path:
                ctypes.CDLL(path)
                sys.exit(0)
        except OSError:
            pass
sys.exit(1)'
# WeasyPrint 70's names for each library (keep in step: tests/test_setup.py).
PANGO_NAMES="libpango-1.0-0 pango-1.0-0 pango-1.0 libpango-1.0.so.0 libpango-1.0.dylib libpango-1.0-0.dll"
PANGOFT2_NAMES="libpangoft2-1.0-0 pangoft2-1.0-0 pangoft2-1.0 libpangoft2-1.0.so.0 libpangoft2-1.0.dylib libpangoft2-1.0-0.dll"
SUBSET_NAMES="libharfbuzz-subset-0 harfbuzz-subset harfbuzz-subset-0.0 libharfbuzz-subset.so.0 libharfbuzz-subset.0.dylib libharfbuzz-subset-0.dll"
HOMEBREW_LIBS="${HOMEBREW_PREFIX:+$HOMEBREW_PREFIX/lib} /opt/homebrew/lib /usr/local/lib"

in_ldconfig() {  # in_ldconfig SONAME
  for program in $LDCONFIG; do
    command -v "$program" >/dev/null 2>&1 || continue
    "$program" -p 2>/dev/null | grep -q "$1" && return 0
  done
  return 1
}

loadable() {  # loadable NAME...: WeasyPrint's lookup, in $PYTHON
  command -v "$PYTHON" >/dev/null 2>&1 && "$PYTHON" -c "$PROBE" "$@" 2>/dev/null
}

has_lib() {  # has_lib SONAME PKG-CONFIG-NAME "WEASYPRINT NAMES" DYLIB
  in_ldconfig "$1" && return 0
  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$2" 2>/dev/null && return 0
  # shellcheck disable=SC2086  # the names are words
  loadable $3 && return 0
  # Homebrew on Apple silicon installs into /opt/homebrew/lib, which the
  # dynamic loader does not search by default: found, but say how to reach it.
  for dir in $HOMEBREW_LIBS; do
    if [ -e "$dir/$4" ] && loadable "$dir/$4"; then
      say "$4 is in $dir, where a Python other than Homebrew's may not look for it (Kozea/WeasyPrint#1448):"
      say "  if the build says Pango is missing, make the venv with Homebrew's Python:"
      say "  rm -rf .venv && make all PYTHON=${dir%/lib}/bin/python3"
      return 0
    fi
  done
  return 1
}

has_program() { command -v "$1" >/dev/null 2>&1; }

# --- what is missing, by component -----------------------------------------------
missing=""
detect() {
  missing=""
  has_lib libpango-1.0.so.0 pango "$PANGO_NAMES" libpango-1.0.dylib &&
    has_lib libpangoft2-1.0.so.0 pangoft2 "$PANGOFT2_NAMES" libpangoft2-1.0.dylib ||
    missing="$missing pango"
  has_lib libharfbuzz-subset.so.0 harfbuzz-subset "$SUBSET_NAMES" libharfbuzz-subset.0.dylib ||
    missing="$missing hb-subset"
  if [ "$mode" = test ] || [ "$mode" = check ]; then
    has_program java || missing="$missing java"
    { [ -n "${PUPPETEER_EXECUTABLE_PATH:-}" ] && [ -x "$PUPPETEER_EXECUTABLE_PATH" ]; } ||
      has_program chromium || has_program chromium-browser ||
      missing="$missing chromium"
    has_program pdffonts || missing="$missing poppler"
  fi
  if [ "$mode" = check ]; then
    has_program npm || missing="$missing node"
  fi
}

# Required: WeasyPrint cannot start without Pango, the checkers cannot be
# installed without npm. The rest is reported, and the test or checker that
# needs it says so again.
required() {
  for component in $missing; do
    case $component in pango|node) return 0;; esac
  done
  return 1
}

describe() {  # a component, as a person would name it
  case $1 in
    pango) echo "Pango (WeasyPrint lays out the PDF with it)";;
    hb-subset) echo "HarfBuzz's subset library (optional: font subsetting 3x faster)";;
    java) echo "Java (EPUBCheck and the Nu HTML checker)";;
    chromium) echo "Chromium (the browser test and DAISY Ace)";;
    node) echo "Node.js and npm (they install DAISY Ace and the Nu checker)";;
    poppler) echo "poppler's pdffonts and pdftotext (the PDF checks)";;
  esac
}

packages() {  # packages SYSTEM COMPONENT: that system's package names
  case $1:$2 in
    debian:pango) echo "libpango-1.0-0 libpangoft2-1.0-0";;
    debian:hb-subset) echo libharfbuzz-subset0;;
    debian:java) echo default-jre-headless;;
    debian:chromium) echo chromium;;
    ubuntu:chromium) echo chromium-browser;;
    debian:node|fedora:node) echo "nodejs npm";;
    debian:poppler|fedora:poppler) echo poppler-utils;;
    ubuntu:*) packages debian "$2";;
    fedora:pango) echo pango;;
    fedora:hb-subset) echo harfbuzz;;
    fedora:java) echo java-21-openjdk-headless;;
    fedora:chromium) echo chromium;;
    macos:pango) echo pango;;
    macos:hb-subset) echo harfbuzz;;
    macos:java) echo openjdk;;
    macos:chromium) ;;  # a cask, below
    macos:node) echo node;;
    macos:poppler) echo poppler;;
  esac
}

names_for() {  # names_for SYSTEM: the packages of every missing component
  list=""
  for component in $missing; do list="$list $(packages "$1" "$component")"; done
  echo "$list" | tr -s ' ' | sed 's/^ //; s/ $//'
}

this_system() {
  if [ "$(uname -s 2>/dev/null)" = Darwin ]; then echo macos; return; fi
  ids=$( { [ -r /etc/os-release ] && . /etc/os-release && echo " ${ID:-} ${ID_LIKE:-} "; } 2>/dev/null || true)
  case $ids in
    *" ubuntu "*) echo ubuntu;;
    *" debian "*) echo debian;;
    *" fedora "*|*" rhel "*) echo fedora;;
    *) echo other;;
  esac
}

explain() {  # what to install, for the three systems we know
  for component in $missing; do say "missing: $(describe "$component")"; done
  say "install with the line for your system:"
  deb=$(names_for debian)
  ubu=$(names_for ubuntu)
  say "  Debian:            sudo apt-get install $deb"
  say "  Ubuntu:            sudo apt-get install $ubu"
  say "  Fedora:            sudo dnf install $(names_for fedora)"
  brew=$(names_for macos)
  if [ -n "$brew" ]; then say "  macOS (Homebrew):  brew install $brew"; fi
  case " $missing " in *" chromium "*)
    say "  macOS (Homebrew):  brew install --cask chromium, then"
    say "                     export PUPPETEER_EXECUTABLE_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium";;
  esac
  case " $missing " in *" java "*)
    say "  (Homebrew's openjdk is not on the PATH: add \"\$(brew --prefix openjdk)/bin\" to it)";;
  esac
  say "then run the same make command again."
}

# --- apt-get, said out loud, waiting for a held lock ------------------------------
log=$(mktemp "${TMPDIR:-/tmp}/system-deps.XXXXXX")
trap 'rm -f "$log"' EXIT

lock_in() {  # the apt or dpkg lock file named in apt-get's errors (in any language)
  grep -o '/var/[^ ]*lock[a-z-]*' "$log" 2>/dev/null | head -n 1
}

apt_get() {  # apt_get ARGS...: print the exact command, run it, wait out a held lock
  waited=0
  while :; do
    say "running: DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$LOCK_WAIT $*"
    status=0
    DEBIAN_FRONTEND=noninteractive apt-get -o "DPkg::Lock::Timeout=$LOCK_WAIT" "$@" 2>"$log" || status=$?
    cat "$log" >&2
    [ "$status" = 0 ] && return 0
    lock=$(lock_in)
    [ -n "$lock" ] || { say "apt-get failed (exit $status): see its message above"; exit "$status"; }
    # apt waits DPkg::Lock::Timeout for the dpkg lock itself, but not for the
    # package lists' lock that `apt-get update` takes (apt 2.6): wait here.
    case $lock in
      /var/lib/dpkg/*) ;;
      *) if [ "$waited" -lt "$LOCK_WAIT" ]; then
           say "$lock is held by another apt or dpkg; waiting ($waited s of $LOCK_WAIT s)"
           sleep 5
           waited=$((waited + 5))
           continue
         fi;;
    esac
    say "another program is installing packages: it holds $lock, and it was still held after $LOCK_WAIT s."
    say "This is usually the system's automatic updates (unattended-upgrades) or a software"
    say "updater; apt-get's message above names the process. Let it finish, then run the same"
    say "make command again (SYSTEM_DEPS_LOCK_WAIT=600 waits longer). Do not delete the lock file;"
    say "if no process holds it any more, a dpkg run was interrupted: sudo dpkg --configure -a"
    exit 75
  done
}

node_too_old() {  # DAISY Ace 1.4.6 declares node >= 20 (checkers/package-lock.json)
  [ "$mode" = check ] && has_program node &&
    ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null
}

detect
if node_too_old; then
  say "warning: Node.js $(node --version) is older than DAISY Ace needs (20 or newer);"
  say "  Debian 12 and Ubuntu 24.04 ship 18: use Debian 13, or Node.js 20+ from nodejs.org"
fi
[ -z "$missing" ] && exit 0
system=$(this_system)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  case $system in ubuntu) family=ubuntu;; *) family=debian;; esac
  apt_get update -qq
  # A release may lack an optional package (an older Ubuntu, libharfbuzz-subset0):
  # install the others rather than nothing.
  wanted=""
  for package in $(names_for "$family"); do
    if apt-cache show "$package" >/dev/null 2>&1; then wanted="$wanted $package"
    else say "apt has no package $package on this system: skipped"; fi
  done
  # shellcheck disable=SC2086  # package names are words
  if [ -n "$wanted" ]; then apt_get install -y -qq --no-install-recommends $wanted; fi
  detect
  [ -z "$missing" ] && exit 0
  say "apt-get ran, and this is still missing:"
fi
explain
if required; then exit 69; fi
exit 0
