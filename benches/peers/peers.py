"""Runs the statsforecast peers on long-format CSV files and writes one JSON line per model.

Usage (inside the throwaway venv made by run.sh):
    python peers.py m3 TRAIN.csv TEST.csv OUT.jsonl        # AutoETS, AutoTheta (season 12)
    python peers.py tourism TRAIN.csv TEST.csv OUT.jsonl   # the same models on tourism monthly
    python peers.py carparts TRAIN.csv TEST.csv OUT.jsonl  # Croston, ADIDA, IMAPA, TSB, zero
    python peers.py m3-ets TRAIN.csv TEST.csv OUT.jsonl    # AutoETS alone (for the speed ratio)
    python peers.py m3-arima TRAIN.csv TEST.csv OUT.jsonl  # AutoARIMA alone (also tourism-arima)
    python peers.py m3-dotm TRAIN.csv TEST.csv OUT.jsonl   # DynamicOptimizedTheta (also tourism-dotm)

Metrics are computed exactly as `planner_core::forecast::accuracy` does (see
crates/planner-core/src/forecast/accuracy.rs): per-series sMAPE on the 0-200 scale, MASE
scaled by the in-sample seasonal-naive MAE (m = 12, naive when the history is shorter than
13), per-series RMSE, all averaged over series; coverage pooled over all (series, month) pairs
with inclusive bounds; WQL over the median and the 80/95 % bounds pooled over the set (sum of
2 x pinball losses over sum of |actual|, averaged over the 5 quantiles), MSIS95 (the M4 scaled
interval score at 95 %) averaged over series, both as `eval_forecast` prints them. Series per second is fit+predict time on one core, after a warm-up fit
of a few series so that numba's JIT compilation is not counted.
"""
import json
import os
import sys
import time

os.environ.setdefault("NIXTLA_NUMBA_CACHE", "0")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def load(path):
    df = pd.read_csv(path, dtype={"unique_id": str})
    try:
        df["ds"] = df["ds"].astype(int)
        freq = 1
    except ValueError:
        df["ds"] = pd.to_datetime(df["ds"])
        freq = "MS"
    return df.sort_values(["unique_id", "ds"]).reset_index(drop=True), freq


def mase_scale(x, m=12):
    mm = m if len(x) > m else 1
    if len(x) <= mm:
        return None
    s = np.mean(np.abs(x[mm:] - x[:-mm]))
    return s if s > 0 else None


def score(name, train, test, fc, col, levels, elapsed, count):
    """fc: DataFrame unique_id, ds, col[, col-lo-L, col-hi-L]."""
    tr = {k: g["y"].to_numpy() for k, g in train.groupby("unique_id", sort=False)}
    merged = test.merge(fc, on=["unique_id", "ds"], how="left")
    smape, mase, rmse, msis = [], [], [], []
    cov = {lv: [0, 0] for lv in levels}
    # Weighted quantile loss over the median and each level's bounds, pooled over the set.
    taus = [0.5] + [t for lv in levels for t in ((1 - lv / 100) / 2, (1 + lv / 100) / 2)]
    wql_num = {t: 0.0 for t in taus}
    wql_den = 0.0

    def pinball(q, tau, a):
        return np.sum(np.where(a >= q, tau * (a - q), (1 - tau) * (q - a)))

    for k, g in merged.groupby("unique_id", sort=False):
        a = g["y"].to_numpy(dtype=float)
        f = np.clip(g[col].to_numpy(dtype=float), 0.0, None)
        f = np.nan_to_num(f, nan=0.0)
        e = f - a
        d = np.abs(a) + np.abs(f)
        smape.append(np.mean(np.where(d > 0, 200.0 * np.abs(e) / np.where(d > 0, d, 1), 0.0)))
        rmse.append(np.sqrt(np.mean(e * e)))
        s = mase_scale(tr[k])
        if s is not None:
            mase.append(np.mean(np.abs(e)) / s)
        wql_den += np.sum(np.abs(a))
        wql_num[0.5] += pinball(f, 0.5, a)
        for lv in levels:
            lo_c, hi_c = f"{col}-lo-{lv}", f"{col}-hi-{lv}"
            if lo_c in g:
                lo = np.clip(g[lo_c].to_numpy(dtype=float), 0.0, None)
                hi = np.maximum(g[hi_c].to_numpy(dtype=float), 0.0)
                cov[lv][0] += int(np.sum((a >= lo) & (a <= hi)))
                cov[lv][1] += len(a)
                al = 1 - lv / 100
                wql_num[al / 2] += pinball(lo, al / 2, a)
                wql_num[1 - al / 2] += pinball(hi, 1 - al / 2, a)
                if lv == 95 and s is not None:
                    w = (hi - lo) + 2 / al * (lo - a) * (a < lo) + 2 / al * (a - hi) * (a > hi)
                    msis.append(np.mean(w) / s)
    out = {
        "tool": "statsforecast",
        "model": name,
        "series": len(rmse),
        "smape": float(np.mean(smape)),
        "mase": float(np.mean(mase)) if mase else None,
        "rmse": float(np.mean(rmse)),
        "wql": float(np.mean([2 * v / wql_den for v in wql_num.values()])) if wql_den > 0 else None,
        "msis95": float(np.mean(msis)) if msis else None,
        "series_per_s": count / elapsed if elapsed > 0 else None,
        "seconds": elapsed,
    }
    for lv in levels:
        out[f"cov{lv}"] = 100.0 * cov[lv][0] / cov[lv][1] if cov[lv][1] else None
    return out


def cpu():
    return time.thread_time()


def run_model(model_factory, name, train, test, freq, h, levels, warm_ids):
    from statsforecast import StatsForecast

    # Warm-up: JIT-compile on a few series (not timed).
    warm = train[train["unique_id"].isin(warm_ids)]
    sf = StatsForecast(models=[model_factory()], freq=freq, n_jobs=1)
    sf.forecast(df=warm, h=h, level=levels or None)
    sf = StatsForecast(models=[model_factory()], freq=freq, n_jobs=1)
    t0 = cpu()
    fc = sf.forecast(df=train, h=h, level=levels or None)
    elapsed = cpu() - t0
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    col = [c for c in fc.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
    n = train["unique_id"].nunique()
    res = score(name, train, test, fc, col, levels, elapsed, n)
    print(json.dumps(res), file=sys.stderr)
    return res


def main():
    mode, train_p, test_p, out_p = sys.argv[1:5]
    train, freq = load(train_p)
    test, _ = load(test_p)
    h = int(test.groupby("unique_id").size().max())
    ids = list(train["unique_id"].unique())
    warm_ids = ids[:8]
    results = []
    if mode == "m3-ets":
        # AutoETS alone (the speed ratio's reference, without the slower AutoTheta run).
        from statsforecast.models import AutoETS

        results.append(run_model(lambda: AutoETS(season_length=12), "AutoETS", train, test, freq, h, [80, 95], warm_ids))
    elif mode in ("m3-arima", "tourism-arima"):
        from statsforecast.models import AutoARIMA

        results.append(run_model(lambda: AutoARIMA(season_length=12), "AutoARIMA", train, test, freq, h, [80, 95], warm_ids))
    elif mode in ("m3-dotm", "tourism-dotm"):
        from statsforecast.models import DynamicOptimizedTheta

        results.append(run_model(lambda: DynamicOptimizedTheta(season_length=12), "DynamicOptimizedTheta", train, test, freq, h, [80, 95], warm_ids))
    elif mode in ("m3", "tourism"):
        from statsforecast.models import AutoETS, AutoTheta

        results.append(run_model(lambda: AutoETS(season_length=12), "AutoETS", train, test, freq, h, [80, 95], warm_ids))
        results.append(run_model(lambda: AutoTheta(season_length=12), "AutoTheta", train, test, freq, h, [80, 95], warm_ids))
    elif mode == "carparts":
        from statsforecast.models import ADIDA, IMAPA, TSB, CrostonClassic
        from statsforecast.utils import ConformalIntervals

        # Intermittent models have no analytic intervals in statsforecast; conformal ones
        # (2 windows of h) are the library's own way to get them.
        ci = ConformalIntervals(h=h, n_windows=2)
        peers = [
            ("CrostonClassic", lambda: CrostonClassic(prediction_intervals=ci)),
            ("ADIDA", lambda: ADIDA(prediction_intervals=ci)),
            ("IMAPA", lambda: IMAPA(prediction_intervals=ci)),
            ("TSB(0.1,0.1)", lambda: TSB(alpha_d=0.1, alpha_p=0.1, prediction_intervals=ci)),
        ]
        for name, fac in peers:
            results.append(run_model(fac, name, train, test, freq, h, [80, 95], warm_ids))
        zero = test[["unique_id", "ds"]].copy()
        zero["zero"] = 0.0
        for lv in (80, 95):
            zero[f"zero-lo-{lv}"] = 0.0
            zero[f"zero-hi-{lv}"] = 0.0
        results.append(score("Zero", train, test, zero, "zero", [80, 95], 0.0, len(ids)))
    else:
        sys.exit(f"unknown mode {mode}")
    dataset = {"m3": "m3-monthly", "m3-ets": "m3-monthly", "m3-arima": "m3-monthly", "m3-dotm": "m3-monthly", "tourism": "tourism-monthly", "tourism-arima": "tourism-monthly", "tourism-dotm": "tourism-monthly", "carparts": "carparts"}[mode]
    with open(out_p, "w") as f:
        for r in results:
            r["dataset"] = dataset
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
