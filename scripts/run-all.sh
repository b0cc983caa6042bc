#!/usr/bin/env bash
# pushbench: build if needed, run scenarios, build reports, print the report path (last line).
#
#   scripts/run-all.sh                      every scenario in benchmarks/scenarios/ except quick.yaml
#   scripts/run-all.sh --quick              only benchmarks/scenarios/quick.yaml (about 2 minutes)
#   scripts/run-all.sh a.yaml b.yaml        these scenarios
#   scripts/run-all.sh --results DIR ...    run directories go to DIR (default: results/)
#
# Exit code: the CLI's (0 all cells ok or unsupported, 1 a cell or the run failed, 2 bad input).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/harness/runner/target/pushbench.jar"
results="$root/results"
scenarios=()

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) scenarios+=("$root/benchmarks/scenarios/quick.yaml"); shift ;;
    --results)
      [ $# -ge 2 ] || { echo "run-all.sh: --results needs a directory" >&2; exit 2; }
      results="$2"; shift 2 ;;
    --results=*) results="${1#--results=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run-all.sh: unknown option '$1'; allowed: --quick, --results DIR, --help" >&2; exit 2 ;;
    *) scenarios+=("$1"); shift ;;
  esac
done

if [ ${#scenarios[@]} -eq 0 ]; then
  for f in "$root"/benchmarks/scenarios/*.yaml; do
    [ "$(basename "$f")" = quick.yaml ] || scenarios+=("$f")
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
if [ "$stale" = yes ]; then
  echo "building pushbench.jar (first run downloads Maven and the dependencies) ..."
  (cd "$root" && ./mvnw -B -q -DskipTests package) >&2 || { echo "run-all.sh: the build failed (see above)" >&2; exit 1; }
fi

# Check every file first and say how long it will take; bad input stops here with exit 2.
"$java_bin" -jar "$jar" estimate "${scenarios[@]}"

mkdir -p "$results"
status=0
last=""
for s in "${scenarios[@]}"; do
  set +e
  "$java_bin" -jar "$jar" run --results "$results" "$s" | tee "$results/.last-run.log"
  rc=${PIPESTATUS[0]}
  set -e
  [ $rc -gt $status ] && status=$rc
  [ $rc -eq 2 ] && exit 2
  last=$(tail -n 1 "$results/.last-run.log")
done
rm -f "$results/.last-run.log"

if [ ${#scenarios[@]} -gt 1 ]; then
  echo "$(cd "$results" && pwd)/index.html"
else
  echo "$last"
fi
exit $status
