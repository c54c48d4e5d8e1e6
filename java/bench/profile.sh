#!/usr/bin/env bash
# Profiles one jipc benchmark run: per-thread CPU over a window in the middle of the run (from /proc), and JFR
# execution samples (1 ms, with -XX:+DebugNonSafepoints so inlined frames are attributed correctly) of the client
# and the server JVM, summarised as inclusive sample shares per method.
#
#   java/bench/profile.sh stream uds 30000000           # the one-way JSON run of the suite, longer
#   JIPC_WIRE=proto java/bench/profile.sh stream uds 30000000
#   TRANSPORT=nio java/bench/profile.sh stream uds 30000000
#
# Output: target/profile/{client,server}.jfr, and the summaries on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=$HERE/target/jipc-bench.jar
OUT=$HERE/target/profile
T=${TRANSPORT:-native}
WINDOW=${WINDOW:-4}
[ -f "$JAR" ] || (cd "$HERE/../.." && mvn -q -B -pl java/bench -am package -DskipTests)
mkdir -p "$OUT"
rm -f "$OUT"/*.jfr
J="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms"
WIRE=()
[ -n "${JIPC_WIRE:-}" ] && WIRE=(-Djipc.bench.wire="$JIPC_WIRE")

# per-thread CPU ticks (1/100 s) of every java process, keyed by pid/tid:name
snap() {
  for p in $(pgrep -f "jipc-bench.jar|io.jipc.bench" || true); do
    for t in /proc/"$p"/task/*; do
      echo "$p/${t##*/}:$(tr ' ' _ < "$t/comm" 2>/dev/null) $(awk '{print $14+$15}' "$t/stat" 2>/dev/null)"
    done
  done | sort
}

env JIPC_BENCH_SERVER_OPTS="-Djipc.transport=$T $J,filename=$OUT/server.jfr" \
  java -Djipc.transport="$T" "${WIRE[@]}" $J,filename="$OUT/client.jfr" -jar "$JAR" "$@" > "$OUT/run.txt" 2>&1 &
RUN=$!
sleep 4
snap > "$OUT/cpu-a.txt"
sleep "$WINDOW"
snap > "$OUT/cpu-b.txt"
wait "$RUN"
grep -E '^jipc ' "$OUT/run.txt" || { tail -20 "$OUT/run.txt"; exit 1; }
echo "# CPU per thread over ${WINDOW} s (ticks of 10 ms; $((WINDOW * 100)) = one core busy all the time)"
join "$OUT/cpu-a.txt" "$OUT/cpu-b.txt" | awk '{d = $3 - $2; if (d > 5) print "  " $1, d}'
for side in client server; do
  echo "# $side: inclusive share of JFR execution samples"
  jfr print --events jdk.ExecutionSample --stack-depth 40 "$OUT/$side.jfr" | python3 "$HERE/jfr_inclusive.py" 25
done
