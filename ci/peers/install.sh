#!/usr/bin/env bash
# Installs what the protobuf peers in ci/peers need, each only when missing:
#   - Debian packages: python3, python3-protobuf (the Python runtime), protobuf-compiler (protoc, which makes the
#     Python classes at test time) and libprotobuf-dev (it holds google/protobuf/struct.proto and any.proto,
#     which protoc needs to compile jipc's schema; protobuf-compiler only recommends it).
#   - protobufjs for the Node peer, exactly as ci/peers/node/package-lock.json pins it, without package scripts.
# Idempotent: apt-get runs only when a piece is missing, npm only when node_modules does not match the lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# The Debian interpreter, not whatever python3 is first on PATH: python3-protobuf is installed for it.
PYTHON=/usr/bin/python3
INCLUDE=/usr/include/google/protobuf

missing=()
[ -x "$PYTHON" ] || missing+=(python3)
{ [ -x "$PYTHON" ] && "$PYTHON" -c 'import google.protobuf' 2>/dev/null; } || missing+=(python3-protobuf)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
{ [ -f "$INCLUDE/struct.proto" ] && [ -f "$INCLUDE/any.proto" ]; } || missing+=(libprotobuf-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "protobuf peers: installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "protobuf peers: $(protoc --version), python protobuf $("$PYTHON" -c 'import google.protobuf as p; print(p.__version__)')"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "install.sh: node and npm are required (node >= 20)" >&2
    exit 1
fi
cd node
if [ -d node_modules ] && node verify-tree.mjs >/dev/null 2>&1; then
    echo "protobuf peers: node_modules is up to date"
    exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund
node verify-tree.mjs
