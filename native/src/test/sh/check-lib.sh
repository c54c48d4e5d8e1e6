#!/usr/bin/env bash
# Checks one built libjipc: that it is a shared library of the right format and CPU for its platform, that it
# exports exactly the functions jipc.h declares JIPC_EXPORT (and, when given, exactly what a reference build such
# as the Linux library exports), and that it holds no build path. Prints one line; exits 1 on a mismatch.
#   usage: check-lib.sh LIB PLATFORM JIPC_H [REFERENCE_LIB]
# Symbols are read with llvm-nm (it reads ELF and Mach-O; binutils' nm reads only ELF here); without it, the export
# comparison is skipped with the reason printed.
set -euo pipefail
lib=$1 platform=$2 header=$3 reference=${4:-}

case "$platform" in
  osx-x86_64) kind='Mach-O 64-bit x86_64 dynamically linked shared library' ;;
  osx-aarch_64) kind='Mach-O 64-bit arm64 dynamically linked shared library' ;;
  linux-x86_64*) kind='ELF 64-bit LSB shared object, x86-64' ;;
  linux-aarch_64*) kind='ELF 64-bit LSB shared object, ARM aarch64' ;;
  *) echo "check-lib: unknown platform $platform" >&2; exit 1 ;;
esac
desc=$(file -b "$lib")
if ! grep -Eq "$kind" <<<"$desc"; then
  echo "check-lib: $lib is '$desc', expected /$kind/" >&2
  exit 1
fi

# No build directory (the checkout's path) and no build date inside the library, for byte-for-byte rebuilds.
root=$(cd "$(dirname "$0")/../../../.." && pwd)
if strings -a "$lib" | grep -Fq "$root"; then
  echo "check-lib: $lib contains the build path $root:" >&2
  strings -a "$lib" | grep -F "$root" | head -5 >&2
  exit 1
fi

expected=$(sed -n 's/^JIPC_EXPORT [^(]*[ *]\(jipc_[a-z0-9_]*\)(.*/\1/p' "$header" | sort)
nm_tool=$(command -v llvm-nm || true)
if [ -z "$nm_tool" ]; then
  echo "check-lib: $platform: $desc; exports NOT compared (no llvm-nm: apt-get install llvm)"
  exit 0
fi
# defined, external symbols; Mach-O spells C names with a leading underscore
exports() {
  "$nm_tool" --extern-only --defined-only --format=just-symbols "$1" | sed 's/^_//' | sort -u
}
actual=$(exports "$lib")
if [ "$actual" != "$expected" ]; then
  echo "check-lib: $lib exports differ from jipc.h's JIPC_EXPORT list (< jipc.h, > $lib):" >&2
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  exit 1
fi
if [ -n "$reference" ] && [ -f "$reference" ]; then
  if [ "$(exports "$reference")" != "$actual" ]; then
    echo "check-lib: $lib and $reference export different symbols:" >&2
    diff <(exports "$reference") <(echo "$actual") >&2 || true
    exit 1
  fi
  against=" and $(basename "$(dirname "$reference")")"
fi
echo "check-lib: $platform: $(file -b "$lib" | cut -d, -f1 | cut -c1-70); exports the $(wc -l <<<"$actual") jipc_* functions of jipc.h${against:-}; no build path"
