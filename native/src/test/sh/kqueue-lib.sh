#!/usr/bin/env bash
# Builds the Linux kqueue test library (make kqueue-lib) for the core suite's kqueue run (native/pom.xml, profile
# kqueue). libkqueue is built with cmake: when cmake is missing and this runs as root with apt-get, it is installed
# (as the tests install the Python peer's packages); otherwise the build stops here and says how to go on, rather
# than letting 400 tests fail to load a library that was never built.
set -euo pipefail
out="$1"
platform="$2"
if ! command -v cmake >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "kqueue-lib: installing cmake (apt-get) to build libkqueue"
    (apt-get update -qq && apt-get install -y -qq --no-install-recommends cmake) >/dev/null
  else
    echo "kqueue-lib: cmake is needed to build libkqueue for the kqueue run of the core suite; install it, or skip" \
      "that run with -Djipc.kqueueTests.skip=true" >&2
    exit 1
  fi
fi
make --no-print-directory OUT="$out" PLATFORM="$platform" kqueue-lib
lib="$out/kqueue-lib/$platform/libjipc.so"
if [ ! -f "$lib" ]; then
  echo "kqueue-lib: $lib was not built (see above); -Djipc.kqueueTests.skip=true skips the kqueue run" >&2
  exit 1
fi
