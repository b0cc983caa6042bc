#!/usr/bin/env bash
# pushbench: build if needed, run scenarios, build reports, print the report path (last line).
#
#   scripts/run-all.sh                      the default suite: every scenario in benchmarks/scenarios/ except
#                                           quick.yaml and capacity.yaml (both stacks, about 17 minutes)
#   scripts/run-all.sh --quick              only benchmarks/scenarios/quick.yaml (about 4 minutes)
#   scripts/run-all.sh a.yaml b.yaml        these scenarios
#   scripts/run-all.sh --results DIR ...    run directories go to DIR (default: results/)
#   scripts/run-all.sh --yes ...            run even when the estimate is above 2 hours (refused without it)
#   scripts/run-all.sh --cluster H:P,... a.yaml   run the scenarios' roles on a cluster's agents (pushbench agent),
#                                           placed by each scenario's cluster block; --bind ADDRESS is the
#                                           controller's own address (default 127.0.0.1); see docs/cluster.md
#   scripts/run-all.sh --build-only         only build pushbench.jar when it is missing or older than the sources
#   scripts/run-all.sh --micro              the JMH micro-benchmarks instead (benchmarks/micro, about
#                                           3 minutes): short settings, indicative figures, not
#                                           publication grade; writes <results>/<stamp>-micro/jmh.json
#
# Exit code: the CLI's (0 all cells ok or unsupported, 1 a cell or the run failed, 2 bad input);
# with --micro: 0 JMH ran every benchmark, 1 it failed, 2 bad input. Ctrl-C (or SIGINT / SIGTERM to
# this script) stops the run: the cells measured so far, the report and its path are kept and
# printed, and the exit code is 130 (INT) or 143 (TERM).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/harness/runner/target/pushbench.jar"
results="$root/results"
scenarios=()
micro=no
build_only=no
yes=()
cluster=()

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) scenarios+=("$root/benchmarks/scenarios/quick.yaml"); shift ;;
    --micro) micro=yes; shift ;;
    --build-only) build_only=yes; shift ;;
    --yes) yes=(--yes); shift ;;
    --results)
      [ $# -ge 2 ] || { echo "run-all.sh: --results needs a directory" >&2; exit 2; }
      results="$2"; shift 2 ;;
    --results=*) results="${1#--results=}"; shift ;;
    --cluster|--bind)
      [ $# -ge 2 ] || { echo "run-all.sh: $1 needs a value" >&2; exit 2; }
      cluster+=("$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run-all.sh: unknown option '$1'; allowed: --quick, --micro, --build-only, --results DIR, --yes, --cluster H:P,..., --bind ADDRESS, --help" >&2; exit 2 ;;
    *) scenarios+=("$1"); shift ;;
  esac
done

if [ "$micro" = yes ] && [ ${#scenarios[@]} -gt 0 ]; then
  echo "run-all.sh: --micro runs only the micro-benchmarks; run scenarios (${scenarios[*]}) separately" >&2
  exit 2
fi

if [ ${#scenarios[@]} -eq 0 ]; then
  for f in "$root"/benchmarks/scenarios/*.yaml; do
    case "$(basename "$f")" in
      quick.yaml|capacity.yaml) ;;   # the smoke test, and the capacity search (about 15 minutes), run by name
      *) scenarios+=("$f") ;;
    esac
  done
fi

java_bin=java
if [ -n "${JAVA_HOME:-}" ]; then java_bin="$JAVA_HOME/bin/java"; fi
command -v "$java_bin" >/dev/null 2>&1 || { echo "run-all.sh: no java found; install a JDK 17 or newer (or set JAVA_HOME)" >&2; exit 2; }

# Build when the jar is missing or older than any source or pom.
stale=no
if [ ! -f "$jar" ]; then
  stale=yes
elif [ -n "$(find "$root/pom.xml" "$root/harness" "$root/benchmarks/servers" \
        \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print \) \
        2>/dev/null | head -n 1)" ]; then
  stale=yes
fi
bench_jar="$root/benchmarks/micro/target/benchmarks.jar"
if [ "$micro" = yes ]; then
  if [ ! -f "$bench_jar" ]; then
    stale=yes
  elif [ -n "$(find "$root/pom.xml" "$root/harness/core" "$root/harness/client" "$root/harness/loadgen" "$root/benchmarks/micro" \
          \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' \) -newer "$bench_jar" -print \) \
          2>/dev/null | head -n 1)" ]; then
    stale=yes
  fi
fi
if [ "$stale" = yes ]; then
  echo "building pushbench.jar (first run downloads Maven and the dependencies) ..."
  (cd "$root" && ./mvnw -B -q -DskipTests package) >&2 || { echo "run-all.sh: the build failed (see above)" >&2; exit 1; }
fi
[ "$build_only" = no ] || exit 0

if [ "$micro" = yes ]; then
  # Short settings: one fork, 2 x 1 s warm-up, 3 x 1 s measurement per benchmark and parameter
  # (31 of them). The figures are indicative, not publication grade; the benchmarks' own
  # annotations (3 forks, 5 + 5 iterations) are for that: java -jar benchmarks/micro/target/benchmarks.jar
  jmh_options=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  run_dir="$results/$(date +%Y%m%d-%H%M%S)-micro"
  mkdir -p "$run_dir"
  run_dir=$(cd "$run_dir" && pwd)
  echo "running the JMH micro-benchmarks with short settings (${jmh_options[*]}; about 3 minutes) into $run_dir"
  load_at_start=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown)
  cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
  if [ "$load_at_start" != unknown ] && awk -v l="$load_at_start" -v c="$cores" 'BEGIN { exit !(l > c) }'; then
    echo "run-all.sh: warning: the machine is busy (load average $load_at_start on $cores cores); the figures will be disturbed" >&2
  fi
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  set +e
  "$java_bin" -jar "$bench_jar" "${jmh_options[@]}" -rf json -rff "$run_dir/jmh.json" 2>&1 | tee "$run_dir/jmh.log"
  rc=${PIPESTATUS[0]}
  set -e
  finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  run_status=complete
  if [ $rc -ne 0 ] || [ ! -s "$run_dir/jmh.json" ]; then
    echo "run-all.sh: JMH failed (exit code $rc); its output is in $run_dir/jmh.log" >&2
    run_status=failed
  fi
  "$java_bin" -cp "$bench_jar" dev.pushbench.micro.MicroRunManifest \
    "$run_dir" "$run_status" "$started" "$finished" "${jmh_options[*]}" "$load_at_start"
  set +e
  report=$("$java_bin" -jar "$jar" report "$run_dir")
  report_rc=$?
  set -e
  report=$(printf '%s\n' "$report" | tail -n 1)
  if [ $report_rc -ne 0 ] || [ ! -s "$report" ]; then
    echo "run-all.sh: the report could not be made (exit code $report_rc); the results are in $run_dir" >&2
    report="$run_dir"
  fi
  echo "$report"
  [ "$run_status" = complete ] || exit 1
  exit 0
fi

# Check every file and the results directory first and say how long it will take; bad input, or a
# run estimated above 2 hours without --yes, stops here with exit 2.
"$java_bin" -jar "$jar" estimate --results "$results" "${yes[@]}" "${scenarios[@]}"

mkdir -p "$results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/out"

# The runner runs in the background and this shell waits for it, so that a signal to this script
# alone (kill -INT PID) is seen at once and passed on. The runner and tee ignore the terminal's
# Ctrl-C (background jobs start with SIGINT ignored); the runner gets SIGTERM from here instead and
# ends the run cleanly, and tee keeps printing until the runner's last line, the report's path.
signal=""
forward() {
  signal=$1
  [ -n "${runner_pid:-}" ] && kill -TERM "$runner_pid" 2>/dev/null
  return 0
}
trap 'forward INT' INT
trap 'forward TERM' TERM

status=0
for s in "${scenarios[@]}"; do
  [ -z "$signal" ] || break
  tee "$work/run.log" < "$work/out" &
  tee_pid=$!
  "$java_bin" -jar "$jar" run --yes --results "$results" "${cluster[@]}" "$s" > "$work/out" &
  runner_pid=$!
  set +e
  while :; do
    wait "$runner_pid"
    rc=$?
    kill -0 "$runner_pid" 2>/dev/null || break
  done
  wait "$runner_pid" 2>/dev/null && rc=0 || rc=$?
  wait "$tee_pid"
  set -e
  runner_pid=""
  [ $rc -gt $status ] && status=$rc
  [ $rc -eq 2 ] && exit 2
done

if [ -n "$signal" ]; then
  echo "run-all.sh: stopped by SIG$signal; the cells measured so far are kept" >&2
  [ "$signal" = INT ] && exit 130
  exit 143
fi

# One scenario: the runner's last line was its report. Several: the index of them all.
if [ ${#scenarios[@]} -gt 1 ]; then
  echo "$(cd "$results" && pwd)/index.html"
fi
exit $status
