#!/usr/bin/env bash
# pushbench cluster demo: three agents on this machine (server-1 serves, load-1 and load-2 generate the
# load), then benchmarks/scenarios/cluster/demo.yaml run across them by a controller; prints the report
# path (last line). Every agent and every JVM it started is ended before the script exits.
#
#   scripts/cluster-demo.sh                 the demo scenario
#   scripts/cluster-demo.sh a.yaml          another scenario whose cluster block names server-1, load-1, load-2
#   scripts/cluster-demo.sh --results DIR   run directories go to DIR (default: results/)
#
# The agents listen on 127.0.0.1, cluster ports 5701-5703 (the controller 5799); their own logs go to
# <results>/cluster-agents-<stamp>/. Exit code: the run's (0 ok, 1 a cell failed, 2 bad input).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/harness/runner/target/pushbench.jar"
results="$root/results"
scenario="$root/benchmarks/scenarios/cluster/demo.yaml"

while [ $# -gt 0 ]; do
  case "$1" in
    --results) [ $# -ge 2 ] || { echo "cluster-demo.sh: --results needs a directory" >&2; exit 2; }; results="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "cluster-demo.sh: unknown option '$1'; allowed: --results DIR, --help" >&2; exit 2 ;;
    *) scenario="$1"; shift ;;
  esac
done

"$root/scripts/run-all.sh" --build-only
java_bin=java
if [ -n "${JAVA_HOME:-}" ]; then java_bin="$JAVA_HOME/bin/java"; fi

members=127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703
mkdir -p "$results"
logs="$(cd "$results" && pwd)/cluster-agents-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logs"
pids=()

stop_agents() {
  # SIGTERM: each agent ends its children (its shutdown hook) and leaves the cluster
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap stop_agents EXIT

port=5701
for name in server-1 load-1 load-2; do
  "$java_bin" -jar "$jar" agent --name "$name" --port "$port" --cluster "$members" --dir "$logs/work" \
    > "$logs/$name.log" 2>&1 &
  pids+=($!)
  port=$((port + 1))
done

# every agent says it waits for a controller once it is in the cluster
for name in server-1 load-1 load-2; do
  for i in $(seq 1 600); do
    grep -q "waiting for a controller" "$logs/$name.log" 2>/dev/null && break
    if [ "$i" = 600 ]; then
      echo "cluster-demo.sh: agent $name did not join within 60 s; its log: $logs/$name.log" >&2
      tail -n 5 "$logs/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
done
echo "agents server-1, load-1, load-2 are up (logs in $logs)"

set +e
"$root/scripts/run-all.sh" --results "$results" --cluster "$members" "$scenario"
rc=$?
set -e
exit $rc
