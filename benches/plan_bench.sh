#!/usr/bin/env bash
# The `planner plan` benchmark of issue 7: a generated folder of 10,000 skus, 50 lines and 5,000
# materials, planned in one run. Target: under 10 s wall time on 2 cores, peak memory under 1 GiB.
#
# Usage: benches/plan_bench.sh [SKUS LINES MATERIALS]   (from anywhere in the repository)
# Env:   PLANNER_BENCH_THREADS=N   passes --threads N (default: every core)
#        KEEP=1                    keeps the generated folder and the outputs, and says where
set -euo pipefail

skus=${1:-10000}
lines=${2:-50}
materials=${3:-5000}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d "${TMPDIR:-/tmp}/planner-bench.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi

if [[ ! -x /usr/bin/time ]]; then
    echo "plan_bench: /usr/bin/time is missing (Debian: apt-get install -y time)" >&2
    exit 1
fi

echo "generating $skus skus, $lines lines, $materials materials into $work/data" >&2
python3 data/generate.py --out "$work/data" --skus "$skus" --lines "$lines" --materials "$materials" >/dev/null

echo "building release" >&2
cargo build --release -p planner-cli --quiet

threads=()
if [[ -n "${PLANNER_BENCH_THREADS:-}" ]]; then
    threads=(--threads "$PLANNER_BENCH_THREADS")
fi

/usr/bin/time -v -o "$work/time.txt" \
    "${CARGO_TARGET_DIR:-$root/target}/release/planner" plan --data "$work/data" --out "$work/out" --quiet "${threads[@]}"

wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
cpus=$(nproc)

echo "planner plan: $skus skus, $lines lines, $materials materials on $cpus cores"
echo "  wall time:    $wall (m:ss)"
echo "  cpu time:     user ${user} s, system ${sys} s"
echo "  max RSS:      $((rss_kb / 1024)) MiB"
echo "  outputs:      $(du -sh "$work/out" | cut -f1) in $(find "$work/out" -type f | wc -l) files"
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "  kept:         $work"
fi
