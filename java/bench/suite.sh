#!/usr/bin/env bash
# The benchmark suite: jipc beside the C physical-limit reference, node-ipc, a plain blocking-JDK baseline and
# Netty's native epoll Unix socket, interleaved round by round so the machine's drift cancels out; then one table of
# medians [min-max] across rounds with every jipc figure as a ratio to C and to node-ipc (Markdown), and a chart (PNG).
#
#   java/bench/suite.sh                  # full run (about 15 minutes on 2 cores): docs/benchmarks/suite_<ts>.{md,png,txt}
#   SMOKE=1 java/bench/suite.sh          # tiny counts, one round, output under java/bench/target/suite (CI runs this)
#
# Env (defaults): ROUNDS=3 SMOKE=0 JMH=1 (0: skip the JMH codec benchmarks) OUT=docs/benchmarks (SMOKE: target/suite)
#   SHARED_BENCH=<repo>/../shared/bench (copied to a temp dir: shared/ is read-only)  JAVA=java  CMD_TIMEOUT=600 (s)
#   PEERS="c jdk nodeipc netty" (drop any to skip it)  JIPC_OPTS (extra JVM options of the jipc client JVM)
# Needs: gcc, node + npm (node-ipc is installed from java/bench/peers/package-lock.json), Maven (Netty's bench is
# built from Maven Central), python3, gnuplot (apt-get install gnuplot-nox; without it the chart is skipped).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
SMOKE=${SMOKE:-0}
JAVA=${JAVA:-java}
CMD_TIMEOUT=${CMD_TIMEOUT:-600}
PEERS=${PEERS:-c jdk nodeipc netty}
JMH=${JMH:-1}
# shellcheck disable=SC2206
JOPTS=(${JIPC_OPTS:-})
if [ "$SMOKE" = 1 ]; then
  ROUNDS=${ROUNDS:-1}; PP=2000; PPW=500; C_ST=20000; J_ST=20000; NODE_ST=5000; NETTY_ST=20000; JDK_ST=20000
  BC_CLIENTS=10; BC_MSGS=2000; SCALE=200; OUT=${OUT:-$HERE/target/suite}
  JMH_ARGS=(-f 1 -wi 0 -i 1 -r 100ms -p size=64 -p readBytes=4096)
else
  # jipc streams 20M messages (after a 4M warm-up on the same connection) so that the JIT and the heap have settled:
  # with 5M the figure still includes compilation and heap growth (about 4-5M msgs/s against 6M+ steady)
  ROUNDS=${ROUNDS:-3}; PP=100000; PPW=20000; C_ST=5000000; J_ST=20000000; NODE_ST=500000; NETTY_ST=2000000
  JDK_ST=5000000; BC_CLIENTS=100; BC_MSGS=200000; SCALE=10000; OUT=${OUT:-$ROOT/docs/benchmarks}
  JMH_ARGS=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
fi
want() { [[ " $PEERS " == *" $1 "* ]]; }

[ -f "$SHARED_BENCH/c/cbench.c" ] || { echo "suite.sh: no cbench.c under SHARED_BENCH=$SHARED_BENCH" >&2; exit 2; }
JAR=$HERE/target/jipc-bench.jar
JMH_JAR=$ROOT/java/jmh/target/jipc-jmh.jar
# always (re)built, so the figures come from the code as it is (SKIP_BUILD=1 uses the jars as they are)
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ] || { [ "$JMH" = 1 ] && [ ! -f "$JMH_JAR" ]; }; then
  echo "building the benchmark jars ..." >&2
  (cd "$ROOT" && mvn -q -B -pl java/bench,java/jmh -am package -DskipTests)
fi

TMP=$(mktemp -d /tmp/jipc-suite.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp -r "$SHARED_BENCH/." "$TMP/"
chmod -R u+w "$TMP"
gcc -O2 -Wall -o "$TMP/cbench" "$TMP/c/cbench.c"
# ours: cbench's Unix-socket ping-pong waiting as an event loop does (epoll_wait, or busy polling), see c/cpoll.c
gcc -O2 -Wall -Wextra -o "$TMP/cpoll" "$HERE/c/cpoll.c"
if want nodeipc; then
  (cd "$HERE/peers" && { [ -d node_modules/@achrinza/node-ipc ] || npm ci --ignore-scripts --no-audit --no-fund >&2; })
fi
if want netty; then
  (cd "$TMP/netty" && mvn -q -B package -DskipTests >&2)
  # our broadcast counterpart for Netty (peers/netty/NettyBroadcast.java), compiled against those jars
  mkdir -p "$TMP/netty-bc"
  javac -d "$TMP/netty-bc" -cp "$TMP/netty/target/lib/*" "$HERE/peers/netty/NettyBroadcast.java"
fi
NCP="$TMP/netty/target/classes:$TMP/netty/target/lib/*"

mkdir -p "$OUT"
TS=$(date -u +%Y%m%dT%H%M%S)
RAW=$OUT/suite_$TS.txt
: > "$RAW"
log() { printf '%s\n' "$*" | tee -a "$RAW"; }

# run <label> <command...>: one benchmark with a timeout; its output goes to the raw file, tagged with the round
run() {
  local label=$1; shift
  local out rc=0
  out=$(timeout "$CMD_TIMEOUT" "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" | sed "s/^/[r$ROUND $label] /" >> "$RAW"
  if [ $rc -ne 0 ]; then
    echo "!! $label failed (rc=$rc): $*" | tee -a "$RAW" >&2
    printf '%s\n' "$out" | tail -5 >&2
    FAILED=$((FAILED + 1))
  else
    printf '%s\n' "$out" | grep -E '^(C|JDK|node-ipc|Netty-epoll|jipc) (pingpong[-a-z]*|stream|broadcast|scale) ' || true
  fi
}

FAILED=0
log "# host: $(nproc) cores, $(uname -r), $($JAVA -version 2>&1 | head -1), node $(node -v), $(gcc --version | head -1)," \
    "cpuidle governor $(cat /sys/devices/system/cpu/cpuidle/current_governor 2>/dev/null || echo unknown)"
log "# SMOKE=$SMOKE ROUNDS=$ROUNDS PEERS='$PEERS' PP=$PP/$PPW C_ST=$C_ST J_ST=$J_ST NODE_ST=$NODE_ST NETTY_ST=$NETTY_ST" \
    "BC=$BC_CLIENTS x $BC_MSGS SCALE=$SCALE JIPC_OPTS='${JIPC_OPTS:-}'"
START=$(date +%s)
# jipc on the native transport (the default where libjipc loads; forced here so the label is true), on NIO, and in
# the protobuf wire mode; the server child gets the same transport through JIPC_BENCH_SERVER_OPTS
J=(env JIPC_BENCH_SERVER_OPTS=-Djipc.transport=native "$JAVA" -Djipc.transport=native "${JOPTS[@]}" -jar "$JAR")
JN=(env JIPC_BENCH_SERVER_OPTS=-Djipc.transport=nio "$JAVA" -Djipc.transport=nio "${JOPTS[@]}" -jar "$JAR")
JP=(env JIPC_BENCH_SERVER_OPTS=-Djipc.transport=native "$JAVA" -Djipc.transport=native -Djipc.bench.wire=proto
    "${JOPTS[@]}" -jar "$JAR")
# busy polling (IpcConfig.busyPoll) on both sides, beside C busy polling just as long: BUSY_US microseconds
BUSY_US=${BUSY_US:-100}
JB=(env JIPC_BENCH_SERVER_OPTS=-Djipc.transport=native "$JAVA" -Djipc.transport=native
    -Djipc.bench.busyPollUs="$BUSY_US" "${JOPTS[@]}" -jar "$JAR")
JNB=(env JIPC_BENCH_SERVER_OPTS=-Djipc.transport=nio "$JAVA" -Djipc.transport=nio -Djipc.bench.busyPollUs="$BUSY_US"
    "${JOPTS[@]}" -jar "$JAR")
for ROUND in $(seq 1 "$ROUNDS"); do
  log "## round $ROUND  $(date -u +%T)"
  if want c; then
    run c-pp-uds "$TMP/cbench" pingpong uds "$PP" "$PPW"
    run c-pp-tcp "$TMP/cbench" pingpong tcp "$PP" "$PPW"
    run c-pp-udp "$TMP/cbench" pingpong udp "$PP" "$PPW"
    run c-pp-epoll "$TMP/cpoll" epoll "$PP" "$PPW" 64
    run c-pp-busy "$TMP/cpoll" busy "$PP" "$PPW" 64 "$BUSY_US"
    run c-st1 "$TMP/cbench" stream uds "$C_ST" 1
    run c-st64 "$TMP/cbench" stream uds "$C_ST" 64
  fi
  run jipc-pp-uds "${J[@]}" pingpong uds "$PP" "$PPW"
  run jipc-pp-tcp "${J[@]}" pingpong tcp "$PP" "$PPW"
  run jipc-pp-udp "${J[@]}" pingpong udp "$PP" "$PPW"
  run jipc-pp-tls "${J[@]}" pingpong tls "$PP" "$PPW"
  run jipc-st-uds "${J[@]}" stream uds "$J_ST"
  run jipc-st-tcp "${J[@]}" stream tcp "$J_ST"
  run jipc-bc-uds "${J[@]}" broadcast uds "$BC_CLIENTS" "$BC_MSGS"
  run jipc-scale "${J[@]}" scale uds "$SCALE"
  run jipcnio-pp-uds "${JN[@]}" pingpong uds "$PP" "$PPW"
  run jipcnio-pp-tcp "${JN[@]}" pingpong tcp "$PP" "$PPW"
  run jipcnio-st-uds "${JN[@]}" stream uds "$J_ST"
  run jipcnio-bc-uds "${JN[@]}" broadcast uds "$BC_CLIENTS" "$BC_MSGS"
  run jipcproto-pp-uds "${JP[@]}" pingpong uds "$PP" "$PPW"
  run jipc-pp-uds-busy "${JB[@]}" pingpong uds "$PP" "$PPW"
  run jipcnio-pp-uds-busy "${JNB[@]}" pingpong uds "$PP" "$PPW"
  run jipcproto-st-uds "${JP[@]}" stream uds "$J_ST"
  if want jdk; then
    run jdk-pp-uds "$JAVA" "$TMP/java/JdkBench.java" pingpong uds "$PP" "$PPW"
    run jdk-pp-tcp "$JAVA" "$TMP/java/JdkBench.java" pingpong tcp "$PP" "$PPW"
    run jdk-st1 "$JAVA" "$TMP/java/JdkBench.java" stream uds "$JDK_ST" 1
    run jdk-st64 "$JAVA" "$TMP/java/JdkBench.java" stream uds "$JDK_ST" 64
  fi
  if want nodeipc; then
    export NODE_PATH=$HERE/peers/node_modules
    run nodeipc-pp-uds node "$TMP/nodeipc/nodeipc_bench.js" pingpong uds "$PP" "$PPW"
    run nodeipc-pp-tcp node "$TMP/nodeipc/nodeipc_bench.js" pingpong tcp "$PP" "$PPW"
    run nodeipc-st-uds node "$TMP/nodeipc/nodeipc_bench.js" stream uds "$NODE_ST"
  fi
  if want netty; then
    run netty-pp-uds "$JAVA" -cp "$NCP" NettyUdsBench pingpong "$PP" "$PPW"
    run netty-st1 "$JAVA" -cp "$NCP" NettyUdsBench stream "$NETTY_ST" 1
    run netty-st64 "$JAVA" -cp "$NCP" NettyUdsBench stream "$NETTY_ST" 64
    run netty-bc-uds "$JAVA" -cp "$TMP/netty-bc:$TMP/netty/target/lib/*" NettyBroadcast "$BC_CLIENTS" "$BC_MSGS"
  fi
done
if [ "$JMH" = 1 ]; then
  log "## jmh  $(date -u +%T)"
  ROUND=jmh
  run jmh "$JAVA" -jar "$JMH_JAR" "${JMH_ARGS[@]}" -prof gc -rf json -rff "$TMP/jmh.json"
  [ -f "$TMP/jmh.json" ] && cp "$TMP/jmh.json" "$OUT/suite_${TS}_jmh.json"
fi
log "## end $(date -u +%T) ($(( $(date +%s) - START )) s)"

python3 "$HERE/summarize.py" "$RAW" --md "$OUT/suite_$TS.md" --png "$OUT/suite_$TS.png" \
  ${JMH:+--jmh "$OUT/suite_${TS}_jmh.json"}
echo "raw output: $RAW"
if [ "$FAILED" -gt 0 ]; then
  echo "suite.sh: $FAILED benchmark command(s) failed" >&2
  exit 1
fi
