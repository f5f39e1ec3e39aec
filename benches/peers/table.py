"""Prints the side-by-side table of ours vs the peers from JSON lines (one result per line).

Usage: python table.py RESULTS.jsonl
Rows: one per (dataset, tool, model). Ratio columns compare our Auto on that dataset with each
peer: speed = our series/s / theirs (higher is better), sMAPE/MASE/RMSE = ours / theirs (lower
is better).
"""
import json
import sys


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    for ds in sorted({r["dataset"] for r in rows}, reverse=True):
        rs = [r for r in rows if r["dataset"] == ds]
        ours = next((r for r in rs if r["tool"] == "planner" and r["model"] == "auto"), None)
        print(f"\n### {ds}\n")
        print("| tool | model | series | series/s | sMAPE | MASE | RMSE | cov80 | cov95 | WQL | MSIS95 | speed ratio (ours/theirs) | sMAPE ratio | MASE ratio | RMSE ratio |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rs:
            def ratio(k, inv=False):
                if ours is None or r is ours or r.get(k) in (None, 0) or ours.get(k) is None:
                    return "-"
                return f"{(ours[k] / r[k]):.3f}"
            print(
                f"| {r['tool']} | {r['model']} | {r['series']} | {fmt(r.get('series_per_s'), '.0f')} | "
                f"{fmt(r.get('smape'), '.3f')} | {fmt(r.get('mase'), '.4f')} | {fmt(r.get('rmse'), '.4f')} | "
                f"{fmt(r.get('cov80'), '.1f')} | {fmt(r.get('cov95'), '.1f')} | "
                f"{fmt(r.get('wql'), '.4f')} | {fmt(r.get('msis95'), '.3f')} | "
                f"{ratio('series_per_s')} | {ratio('smape')} | {ratio('mase')} | {ratio('rmse')} |"
            )


if __name__ == "__main__":
    main()
