#!/usr/bin/env bash
# The release layout and reproducibility, on the commit checked out here:
#  1. deploy every published artifact (-Prelease: sources, Javadoc and Dokka jars; signing skipped, no keys here) to
#     a file repository and check it as a repository manager would (check-layout.py);
#  2. build the same commit again in a clone at another path and compare every deployed jar byte for byte, and look
#     for either build path inside them (compare-builds.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
here="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build=(-B -q -Prelease -Dgpg.skip=true -DskipTests)

mvn "${build[@]}" clean deploy -DaltDeploymentRepository="local::file://$work/repo" < /dev/null
python3 ci/release/check-layout.py "$work/repo" pom.xml

git clone -q "$here" "$work/second-checkout"
# the commit under test, even when the working tree here has uncommitted changes (they would differ anyway)
git -C "$work/second-checkout" checkout -q "$(git rev-parse HEAD)"
ln -s "$(cd .. && pwd)/shared" "$work/shared" 2>/dev/null || true
# the Zig that built the macOS jars here (ci/zig/install.sh), so that the second build makes them too
if [ -d ci/zig/node_modules ]; then
  ln -s "$here/ci/zig/node_modules" "$work/second-checkout/ci/zig/node_modules"
fi
(cd "$work/second-checkout" && mvn "${build[@]}" package < /dev/null)
python3 ci/release/compare-builds.py "$work/repo" "$work/second-checkout" "$here" "$work/second-checkout"
