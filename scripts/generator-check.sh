#!/usr/bin/env bash
# pushbench generator-check: is the load generator light enough on this machine? Runs, against one
# server process per line, short polling with wrk (HTTP/1.1) and h2load (h2c) beside the suite's
# generator (request rate and CPU per request, closed loop, same connections), and the generator's
# SSE and WebSocket subscribers beside a bare java.nio read loop (CPU per read on both sides, per
# message for the generator). Prints a line per run and a median line per comparison, with its goal
# met or MISSED; 3 runs of each by default (--repeats 1: one of everything, 4 minutes here).
#
#   scripts/generator-check.sh                       both stacks, http1.1 and h2c, SSE and WebSocket
#   scripts/generator-check.sh --stacks jetty ...    any option of 'pushbench generator-check --help'
#
# Needs wrk and h2load: apt-get install wrk nghttp2-client. Exit code: 0 every goal met, 1 a goal
# missed or a run failed, 2 bad input or a tool missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/harness/runner/target/pushbench.jar"
case "${1:-}" in -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
for tool in wrk:wrk h2load:nghttp2-client; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || { echo "generator-check.sh: ${tool%%:*} is not installed: apt-get install ${tool#*:}" >&2; exit 2; }
done
java_bin=java
if [ -n "${JAVA_HOME:-}" ]; then java_bin="$JAVA_HOME/bin/java"; fi
if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/harness" "$root/benchmarks/servers" \( -name target -prune \) -o \
      \( -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$jar" -print \) 2>/dev/null | head -n 1)" ]; then
  echo "building pushbench.jar ..."
  (cd "$root" && ./mvnw -B -q -DskipTests package) >&2 || { echo "generator-check.sh: the build failed (see above)" >&2; exit 1; }
fi
exec "$java_bin" -jar "$jar" generator-check "$@"
