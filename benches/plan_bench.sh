#!/usr/bin/env bash
# The `planner plan` benchmark of issues 7 and 20: two generated folders planned back to back in
# one run, so that their ratio is measured on the same (possibly shared) machine:
#   10k:  10,000 skus,  50 lines,  5,000 materials
#   100k: 100,000 skus, 300 lines, 20,000 materials
# For each size: wall time, CPU time, peak RSS and every stage's time (PLANNER_TIMINGS=1); then
# the 100k/10k ratio of each stage. Targets (issue 20): no stage more than 12x slower at 100k,
# the 100k plan under 2 GiB peak, the whole 100k run at most 2x its forecast stage.
#
# Usage: benches/plan_bench.sh [SIZE...]   SIZE = 10k | 100k | SKUS:LINES:MATERIALS
#        (default: 10k 100k; the ratios compare the first size with the last)
# Env:   PLANNER_BENCH_THREADS=N   passes --threads N (default: every core)
#        PLANNER_BENCH_DATA=DIR    keeps the generated folders in DIR and reuses them
#        KEEP=1                    keeps the generated folders and the outputs, and says where
#        PLANNER=PATH              times that binary instead of building this checkout's
set -euo pipefail

sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then
    sizes=(10k 100k)
fi

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d "${TMPDIR:-/tmp}/planner-bench.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$work"' EXIT
fi
data_root=${PLANNER_BENCH_DATA:-$work}

if [[ ! -x /usr/bin/time ]]; then
    echo "plan_bench: /usr/bin/time is missing (Debian: apt-get install -y time)" >&2
    exit 1
fi

planner=${PLANNER:-}
if [[ -z "$planner" ]]; then
    echo "building release" >&2
    cargo build --release -p planner-cli --quiet
    planner="${CARGO_TARGET_DIR:-$root/target}/release/planner"
fi

threads=()
if [[ -n "${PLANNER_BENCH_THREADS:-}" ]]; then
    threads=(--threads "$PLANNER_BENCH_THREADS")
fi

# One size: generates (or reuses) its folder, plans it, prints its figures and keeps its stage
# timings in $work/NAME.stages ("stage seconds" lines).
run_size() {
    local name=$1 skus lines materials
    case "$name" in
        10k) skus=10000 lines=50 materials=5000 ;;
        100k) skus=100000 lines=300 materials=20000 ;;
        *:*:*) IFS=: read -r skus lines materials <<<"$name" ;;
        *) echo "plan_bench: size $name: expected 10k, 100k or SKUS:LINES:MATERIALS" >&2; exit 2 ;;
    esac
    local data="$data_root/data-$skus-$lines-$materials"
    if [[ ! -f "$data/demand.csv" ]]; then
        echo "generating $skus skus, $lines lines, $materials materials into $data" >&2
        python3 data/generate.py --out "$data" --skus "$skus" --lines "$lines" \
            --materials "$materials" >/dev/null
    fi
    local out="$work/out-$name"
    PLANNER_TIMINGS=1 /usr/bin/time -v -o "$work/$name.time" \
        "$planner" plan --data "$data" --out "$out" --quiet "${threads[@]}" \
        2>"$work/$name.err"
    # "stage wall cpu [overlapped]" (cpu: the process's CPU seconds in the stage, 0 where not
    # measured; an overlapped stage ran on its own thread during another, whose wall time holds
    # its own: left out of the total wall time).
    sed -n 's/^timing: \([^ ]*\) *\([0-9.]*\) s  (overlapped.*cpu \([0-9.]*\) s.*/\1 \2 \3 overlapped/p; t; s/^timing: \([^ ]*\) *\([0-9.]*\) s.*cpu \([0-9.]*\) s.*/\1 \2 \3/p; t; s/^timing: \([^ ]*\) *\([0-9.]*\) s.*/\1 \2 0/p' \
        "$work/$name.err" >"$work/$name.stages"
    local wall rss_kb user sys
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time")
    rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
    user=$(sed -n 's/.*User time (seconds): //p' "$work/$name.time")
    sys=$(sed -n 's/.*System time (seconds): //p' "$work/$name.time")
    echo "planner plan $name: $skus skus, $lines lines, $materials materials on $(nproc) cores"
    echo "  input:        $(du -sh "$data" | cut -f1)"
    echo "  wall time:    $wall (m:ss)"
    echo "  cpu time:     user ${user} s, system ${sys} s"
    echo "  max RSS:      $((rss_kb / 1024)) MiB"
    echo "  outputs:      $(du -sh "$out" | cut -f1) in $(find "$out" -type f | wc -l) files"
    awk '{ printf "  stage %-12s %8.3f s wall %8.2f s cpu%s\n", $1, $2, $3, ($4 ? "  (overlapped)" : ""); if (!$4) t += $2; c += $3 }
         END { printf "  stages total       %8.3f s wall %8.2f s cpu\n", t, c }' "$work/$name.stages"
    if [[ "${KEEP:-0}" != 1 ]]; then
        rm -rf "$out"
    fi
}

for s in "${sizes[@]}"; do
    run_size "$s"
done

if [[ ${#sizes[@]} -ge 2 ]]; then
    first=${sizes[0]}
    last=${sizes[${#sizes[@]} - 1]}
    echo "ratios $last/$first (same run):"
    awk -v a="$first" -v b="$last" '
        FNR == NR { base[$1] = $2; basec[$1] = $3; order[++n] = $1; if ($4) over[$1] = 1; next }
        { big[$1] = $2; bigc[$1] = $3; if ($4) over[$1] = 1 }
        function ratio(x, y) { return y > 0 ? sprintf("%6.1fx", x / y) : "   n/a" }
        END {
            printf "  %-12s %7s %7s   (wall s -> wall s)\n", "stage", "wall", "cpu"
            for (i = 1; i <= n; i++) {
                s = order[i]
                printf "  %-12s %7s %7s   (%.3f -> %.3f)%s\n", s, ratio(big[s], base[s]), ratio(bigc[s], basec[s]), base[s], big[s], (s in over ? "  overlapped" : "")
                if (!(s in over)) { tb += base[s]; tg += big[s] }
                cb += basec[s]; cg += bigc[s]
                if (s == "forecast") { f = big[s]; fc = bigc[s] }
            }
            printf "  %-12s %7s %7s   (%.3f -> %.3f)\n", "total", ratio(tg, tb), ratio(cg, cb), tb, tg
            if (f > 0) printf "  %s: all stages / the forecast stage: %.2fx wall, %s cpu\n", b, tg / f, ratio(cg, fc)
        }' "$work/$first.stages" "$work/$last.stages"
fi
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "kept: $work"
fi
