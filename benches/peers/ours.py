"""Turns the summary line of `eval_forecast` into a JSON line for table.py.

Usage: eval_forecast ... | python ours.py DATASET >> RESULTS.jsonl
"""
import json
import re
import sys

ds = sys.argv[1]
for line in sys.stdin:
    if not line.startswith("method="):
        continue
    kv = dict(re.findall(r"([\w/]+)=([^\s]+)", line))
    num = lambda k: float(re.sub(r"[%]", "", kv[k])) if k in kv else None
    out = {
        "dataset": ds,
        "tool": "planner",
        "model": kv["method"],
        "series": int(kv["series"]),
        "smape": num("sMAPE"),
        "mase": num("MASE"),
        "rmse": num("RMSE"),
        "pooled_rmse": num("pooledRMSE"),
        "cov80": num("cov80"),
        "cov95": num("cov95"),
        "wql": num("WQL"),
        "msis95": num("MSIS95"),
        "series_per_s": None if kv["method"] == "zero" else num("series/s"),
    }
    print(json.dumps(out))
