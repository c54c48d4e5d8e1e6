#!/usr/bin/env bash
# Installs the node-ipc interop peers (node-ipc 9.2.1 and 14.0.0, see package.json) from package-lock.json.
# Idempotent: does nothing when node_modules already matches the lock. Never runs package install scripts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: node and npm are required (node >= 20)" >&2
    exit 1
fi

if [ -d node_modules ] && node verify-tree.mjs >/dev/null 2>&1; then
    echo "node-ipc peers: node_modules is up to date"
    exit 0
fi

# npm warns (EBADENGINE) that node-ipc 14 declares node >= 22.13; it works on node 20 through import.
npm ci --ignore-scripts --no-audit --no-fund
node verify-tree.mjs
