#!/usr/bin/env bash
# pushbench: check a cell's memory per connection by hand, against the JDK's own heap histogram.
#
#   scripts/memory-by-hand.sh CELL_DIR OUT_DIR
#
# CELL_DIR is a cell of a run (its server.json and load.json are reused; memory-5k.yaml is the scale
# scenario for it). A server is started alone; `jcmd PID GC.class_histogram` (a full GC, then the live
# objects by class) is taken before any connection and again with every subscriber of load.json live,
# in its measured window; the last line prints (total bytes with N − total bytes at 0) ÷ N. Compare it
# with the cell's costs.server.heapBytesPerConnection (docs/methodology.md, "Checked by hand").
# Only 127.0.0.1; bounded (the load runs ~1 minute); ends only the two JVMs it started, by PID.
# Exit code: 0 measured, 1 a step failed, 2 bad input.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/harness/runner/target/pushbench.jar"
if [ $# -ne 2 ] || [ ! -f "$1/server.json" ] || [ ! -f "$1/load.json" ]; then
  echo "usage: scripts/memory-by-hand.sh CELL_DIR OUT_DIR (CELL_DIR holds server.json and load.json)" >&2
  exit 2
fi
cell=$1; out=$2
[ -f "$jar" ] || { echo "no $jar: build it with ./mvnw -B -DskipTests package" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "jcmd (the JDK's) is not on the PATH" >&2; exit 2; }
mkdir -p "$out"
rm -f "$out/server.in" "$out"/histogram-*.txt "$out"/*.out "$out"/*.err
mkfifo "$out/server.in"
exec 3<>"$out/server.in" # keeps the server's control input open until it is told to stop

java -Xms256m -Xmx2g -XX:+UseG1GC -jar "$jar" serve --config "$cell/server.json" \
  <"$out/server.in" >"$out/server.out" 2>"$out/server.err" &
server=$!
lpid=
finish() {
  [ -n "$lpid" ] && kill "$lpid" 2>/dev/null || true
  echo '{"type":"stop"}' >&3 || true
  sleep 2
  kill "$server" 2>/dev/null || true
}
trap finish EXIT

for _ in $(seq 1 150); do grep -q '"listening"' "$out/server.out" 2>/dev/null && break; sleep 0.2; done
listening=$(grep -m1 '"listening"' "$out/server.out") || { echo "the server did not start; see $out/server.err" >&2; exit 1; }
port=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$listening")
t0=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["t0Nanos"])' "$listening")
echo "server pid $server on 127.0.0.1:$port"
sleep 2
jcmd "$server" GC.class_histogram >"$out/histogram-0.txt"

python3 - "$cell/load.json" "$out/load.json" "$port" "$t0" "$out" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec.update(port=int(sys.argv[3]), t0Nanos=int(sys.argv[4]), durationMillis=40000, hlogFile=sys.argv[5] + "/latency.hlog")
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["connections"])' "$out/load.json")
# the load generator waits for the runner's "next" at each memory point: say it five times a second
(while true; do echo '{"type":"next"}'; sleep 0.2; done) | java -Xms256m -Xmx2g -jar "$jar" load --config "$out/load.json" \
  >"$out/load.out" 2>"$out/load.err" &
lpid=$!
for _ in $(seq 1 600); do grep -q '"phase":"measure"' "$out/load.out" 2>/dev/null && break; sleep 0.2; done
grep -q '"phase":"measure"' "$out/load.out" || { echo "the load never reached its window; see $out/load.err" >&2; exit 1; }
sleep 3
live=$(grep '"type":"progress"' "$out/load.out" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["live"])')
jcmd "$server" GC.class_histogram >"$out/histogram-$n.txt"
[ "$live" = "$n" ] || { echo "only $live of $n subscribers were live" >&2; exit 1; }
at0=$(awk '/^Total/ {print $3}' "$out/histogram-0.txt")
atN=$(awk '/^Total/ {print $3}' "$out/histogram-$n.txt")
echo "histogram total bytes: $at0 with no connection, $atN with $n live"
echo "heap per connection by hand: $(( (atN - at0) / n )) B"
