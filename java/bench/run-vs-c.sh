#!/usr/bin/env bash
# jipc vs the C physical-limit reference (cbench.c), interleaved rounds.
#
#   java/bench/run-vs-c.sh                                  # from the repo root (or anywhere): UDS, as before
#   MODES="uds tcp udp tls" STREAM=0 java/bench/run-vs-c.sh # also TCP, UDP and TLS round trips, no stream runs
#
# Each round runs, back to back, for the MODES requested (default "uds"):
#   uds: C pingpong uds, jipc pingpong uds, then (unless STREAM=0) C stream uds N 64 (64 frames per write),
#        C stream uds N 1 (write per msg), jipc stream uds N
#   udp: C pingpong udp          (C: connected datagram sockets; jipc: two UDP4 servers, see Bench)
#   tcp: C pingpong tcp          (C and jipc: TCP_NODELAY over 127.0.0.1)
#   tcp: jipc pingpong tcp
#   udp: jipc pingpong udp
#   tls: jipc pingpong tls       (mutual TLS over 127.0.0.1, throwaway openssl certificates; no C counterpart)
# (in that order), then prints a Markdown table: median [min-max] across rounds, and ratios (median [min-max] of
# the per-round ratios): jipc/C per transport, and jipc TLS / jipc TCP (needs both tcp and tls in MODES).
# Raw output is kept in java/bench/target/results/.
#
# Env (defaults): MODES=uds (any of: uds tcp udp tls) STREAM=1 (0: skip the uds stream runs)
#   ROUNDS=3 PP_ITERS=100000 PP_WARMUP=20000 SIZE=64 C_STREAM_MSGS=5000000
#   JIPC_STREAM_MSGS=5000000 JIPC_WINDOW=16384 (0: unthrottled) JIPC_SAME_JVM=0 (1: server in the client's JVM)
#   SHARED_BENCH=<repo>/../shared/bench  JIPC_BENCH_JAR=java/bench/target/jipc-bench.jar  JAVA=java
#   JAVA_OPTS (client JVM options)  JIPC_BENCH_SERVER_OPTS (server child JVM options)  CMD_TIMEOUT=600 (s)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
ROUNDS=${ROUNDS:-3}
PP_ITERS=${PP_ITERS:-100000}
PP_WARMUP=${PP_WARMUP:-20000}
SIZE=${SIZE:-64}
C_STREAM_MSGS=${C_STREAM_MSGS:-5000000}
JIPC_STREAM_MSGS=${JIPC_STREAM_MSGS:-5000000}
JIPC_WINDOW=${JIPC_WINDOW:-16384}
JIPC_SAME_JVM=${JIPC_SAME_JVM:-0}
JAR=${JIPC_BENCH_JAR:-$HERE/target/jipc-bench.jar}
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-}
CMD_TIMEOUT=${CMD_TIMEOUT:-600}
MODES=${MODES:-uds}
STREAM=${STREAM:-1}

for m in $MODES; do
  case $m in uds|tcp|udp|tls) ;; *) echo "MODES: unknown mode '$m' (uds tcp udp tls)" >&2; exit 2 ;; esac
done
want() { [[ " $MODES " == *" $1 "* ]]; }

if [ ! -f "$SHARED_BENCH/c/cbench.c" ]; then
  echo "cbench.c not found under SHARED_BENCH=$SHARED_BENCH (set SHARED_BENCH)" >&2
  exit 2
fi
if [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  (cd "$ROOT" && mvn -q -B -pl java/core,java/bench -am install -DskipTests)
fi

TMP=$(mktemp -d /tmp/jipc-vs-c.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp "$SHARED_BENCH/c/cbench.c" "$TMP/cbench.c"
gcc -O2 -Wall -o "$TMP/cbench" "$TMP/cbench.c"
CB="$TMP/cbench"

RESULTS=$HERE/target/results
mkdir -p "$RESULTS"
TS=$(date -u +%Y%m%dT%H%M%S)
RAW=$RESULTS/run-vs-c_$TS.txt
TSV=$TMP/values.tsv
: > "$TSV"

SAME=()
[ "$JIPC_SAME_JVM" = 1 ] && SAME=(--same-jvm)
# shellcheck disable=SC2206
JOPTS=($JAVA_OPTS)

log() { printf '%s\n' "$*" | tee -a "$RAW"; }

# run <series> <command...>: runs it with a timeout, logs its output, returns the result line (not the JSON line)
run() {
  local series=$1; shift
  local out rc=0
  out=$(timeout "$CMD_TIMEOUT" "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" >> "$RAW"
  local line
  line=$(printf '%s\n' "$out" | grep -E '^(C|jipc) (pingpong|stream) ' | tail -1 || true)
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    echo "!! $series failed (rc=$rc): $*" | tee -a "$RAW" >&2
    printf '%s\n' "$out" | tail -5 >&2
    return 0
  fi
  echo "$line"
  local v
  for k in median p99 p99.9; do
    v=$(sed -nE "s/.* ${k//./\\.}=([0-9.]+) us.*/\1/p" <<<"$line")
    [ -n "$v" ] && echo "$ROUND $series $k $v" >> "$TSV"
  done
  v=$(sed -nE 's/.* ([0-9.]+) msgs\/s.*/\1/p' <<<"$line"); [ -n "$v" ] && echo "$ROUND $series msgs $v" >> "$TSV"
  v=$(sed -nE 's/.* ([0-9.]+) MB\/s.*/\1/p' <<<"$line"); [ -n "$v" ] && echo "$ROUND $series mbs $v" >> "$TSV"
  return 0
}

log "# host: $(nproc) cores, $(uname -r), $($JAVA -version 2>&1 | head -1), $(gcc --version | head -1)"
log "# MODES='$MODES' STREAM=$STREAM ROUNDS=$ROUNDS PP_ITERS=$PP_ITERS PP_WARMUP=$PP_WARMUP SIZE=$SIZE C_STREAM_MSGS=$C_STREAM_MSGS" \
    "JIPC_STREAM_MSGS=$JIPC_STREAM_MSGS JIPC_WINDOW=$JIPC_WINDOW JIPC_SAME_JVM=$JIPC_SAME_JVM JAVA_OPTS='$JAVA_OPTS'"
START=$(date +%s)
for ROUND in $(seq 1 "$ROUNDS"); do
  log "## round $ROUND  $(date -u +%T)"
  if want uds; then
    run C_PP     "$CB" pingpong uds "$PP_ITERS" "$PP_WARMUP" "$SIZE"
    run J_PP     "$JAVA" "${JOPTS[@]}" -jar "$JAR" pingpong uds "$PP_ITERS" "$PP_WARMUP" "$SIZE" "${SAME[@]}"
    if [ "$STREAM" != 0 ]; then
      run C_ST64   "$CB" stream uds "$C_STREAM_MSGS" 64 "$SIZE"
      run C_ST1    "$CB" stream uds "$C_STREAM_MSGS" 1 "$SIZE"
      run J_ST     "$JAVA" "${JOPTS[@]}" -jar "$JAR" stream uds "$JIPC_STREAM_MSGS" "$SIZE" "--window=$JIPC_WINDOW" \
        "${SAME[@]}"
    fi
  fi
  PP=("$PP_ITERS" "$PP_WARMUP" "$SIZE")
  if want udp; then run C_PP_UDP "$CB" pingpong udp "${PP[@]}"; fi
  if want tcp; then run C_PP_TCP "$CB" pingpong tcp "${PP[@]}"; fi
  if want tcp; then run J_PP_TCP "$JAVA" "${JOPTS[@]}" -jar "$JAR" pingpong tcp "${PP[@]}" "${SAME[@]}"; fi
  if want udp; then run J_PP_UDP "$JAVA" "${JOPTS[@]}" -jar "$JAR" pingpong udp "${PP[@]}" "${SAME[@]}"; fi
  if want tls; then run J_PP_TLS "$JAVA" "${JOPTS[@]}" -jar "$JAR" pingpong tls "${PP[@]}" "${SAME[@]}"; fi
done
log "## end $(date -u +%T) ($(( $(date +%s) - START )) s)"

JV=$([ "$JIPC_SAME_JVM" = 1 ] && echo "1 JVM, 2 I/O threads" || echo "2 JVMs")
awk -v jv="$JV" -v size="$SIZE" -v jframe="$((SIZE + 26))" -v sframe="$((SIZE + 25))" -v cframe="$((SIZE + 4))" '
function sortv(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t } }
function stat(key, fmt,   n, a, i, s) {
  n = cnt[key]; if (n == 0) return "-"
  for (i = 1; i <= n; i++) a[i] = val[key, i]
  sortv(a, n)
  s = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  return fmtv(s, fmt) " [" fmtv(a[1], fmt) "-" fmtv(a[n], fmt) "]"
}
function fmtv(x, fmt) {
  if (fmt == "rate") { if (x >= 1e6) return sprintf("%.2fM", x / 1e6); if (x >= 1e3) return sprintf("%.0fk", x / 1e3); return sprintf("%.0f", x) }
  return sprintf(fmt, x)
}
function ratio(name, num, den, fmt,   r, n, k) {
  n = 0
  for (r in rounds) if ((r, num) in byround && (r, den) in byround && byround[r, den] > 0) {
    n++; val["ratio:" name, n] = byround[r, num] / byround[r, den]
  }
  cnt["ratio:" name] = n
  return stat("ratio:" name, fmt)
}
# a ping-pong row, only when that series ran
function pp(series, sys, transport, frame) {
  if (cnt[series ":median"] == 0) return
  printf "| %s | %s | %d B | %s | %s | %s | - | - |\n", sys, transport, frame, stat(series ":median", "%.1f"), stat(series ":p99", "%.1f"), stat(series ":p99.9", "%.1f")
}
# a ratio row, only when both series ran
function rr(label, num, den, fmt) {
  if (cnt[num] == 0 || cnt[den] == 0) return
  printf "| %s | %s |\n", label, ratio(label, num, den, fmt)
}
{ key = $2 ":" $3; cnt[key]++; val[key, cnt[key]] = $4; byround[$1, key] = $4; rounds[$1] = 1 }
END {
  print ""
  print "| system | transport | frame | RTT median µs | RTT p99 µs | RTT p99.9 µs | one-way msgs/s | MB/s |"
  print "|---|---|---|---|---|---|---|---|"
  pp("C_PP", "C cbench (2 procs) pingpong", "UDS", size)
  pp("J_PP", "jipc (" jv ") pingpong", "UDS", jframe)
  if (cnt["C_ST64:msgs"] + cnt["C_ST1:msgs"] + cnt["J_ST:msgs"] > 0) {
    printf "| C cbench stream, 64 frames/write | UDS | %d B | - | - | - | %s | %s |\n", cframe, stat("C_ST64:msgs", "rate"), stat("C_ST64:mbs", "%.0f")
    printf "| C cbench stream, 1 write/msg | UDS | %d B | - | - | - | %s | %s |\n", cframe, stat("C_ST1:msgs", "rate"), stat("C_ST1:mbs", "%.0f")
    printf "| jipc (%s) stream | UDS | %d B | - | - | - | %s | %s |\n", jv, sframe, stat("J_ST:msgs", "rate"), stat("J_ST:mbs", "%.0f")
  }
  pp("C_PP_UDP", "C cbench (2 procs) pingpong", "UDP", size)
  pp("C_PP_TCP", "C cbench (2 procs) pingpong", "TCP", size)
  pp("J_PP_TCP", "jipc (" jv ") pingpong", "TCP", jframe)
  pp("J_PP_UDP", "jipc (" jv ") pingpong", "UDP (UDP4 server to UDP4 server)", jframe)
  pp("J_PP_TLS", "jipc (" jv ") pingpong", "TLS, mutual auth (throwaway CA)", jframe)
  print ""
  print "| ratio (per round, median [min-max]) | value |"
  print "|---|---|"
  rr("jipc / C RTT median", "J_PP:median", "C_PP:median", "%.2fx")
  rr("jipc / C RTT p99", "J_PP:p99", "C_PP:p99", "%.2fx")
  rr("jipc / C msgs/s (C 1 write/msg)", "J_ST:msgs", "C_ST1:msgs", "%.2fx")
  rr("jipc / C msgs/s (C 64 frames/write)", "J_ST:msgs", "C_ST64:msgs", "%.3fx")
  rr("jipc / C MB/s (C 64 frames/write)", "J_ST:mbs", "C_ST64:mbs", "%.3fx")
  rr("jipc UDP / C UDP RTT median", "J_PP_UDP:median", "C_PP_UDP:median", "%.2fx")
  rr("jipc UDP / C UDP RTT p99", "J_PP_UDP:p99", "C_PP_UDP:p99", "%.2fx")
  rr("jipc TCP / C TCP RTT median", "J_PP_TCP:median", "C_PP_TCP:median", "%.2fx")
  rr("jipc TCP / C TCP RTT p99", "J_PP_TCP:p99", "C_PP_TCP:p99", "%.2fx")
  rr("jipc TLS / jipc TCP RTT median", "J_PP_TLS:median", "J_PP_TCP:median", "%.2fx")
  rr("jipc TLS / jipc TCP RTT p99", "J_PP_TLS:p99", "J_PP_TCP:p99", "%.2fx")
}' "$TSV" | tee -a "$RAW"
echo
echo "raw output: $RAW"
