#!/usr/bin/env bash
# Generates the Python classes of jipc's schema (proto/) and of the peers' test schema (ci/peers/proto/) with
# Debian's protoc into OUT_DIR. The peers' tests call it at test time; nothing generated is committed.
#   usage: ci/peers/protogen.sh OUT_DIR
set -euo pipefail
out=${1:?usage: protogen.sh OUT_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out"
# /usr/include holds google/protobuf/{struct,any}.proto (Debian's libprotobuf-dev).
protoc -I "$root/proto" -I "$root/ci/peers/proto" -I /usr/include --python_out="$out" \
    jipc/v1/envelope.proto jipc/peertest/v1/peertest.proto
