#!/usr/bin/env python3
"""Seeded, dependency-free generator of planning folders for `planner`.

    python3 data/generate.py --out data/demo                      # the curated demo folder
    python3 data/generate.py --out /tmp/bench --skus 10000 --lines 50 --materials 5000

Python 3.11 standard library only. The same arguments always give the same bytes.

Without --skus/--lines/--materials the generator writes the curated demo: a brand whose
contract manufacturer (CM) builds insulated stainless bottles, resin housings with electronics
and accessories/spare parts on three assembly lines. With any of them it writes a synthetic
folder of that size with the same structure (families, sku groups, one line per sku, a 2-level
BOM, or 3-level from 1000 materials, volume-price tiers, a few events).

History always ends 2026-10, so planning starts 2026-11. The files and columns are those of
/work/shared/CONTRACT.md ("The planning folder").
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import random
import sys

HIST_END = 2026 * 12 + 9  # month index of 2026-10 (year * 12 + month - 1)
PLAN_START = HIST_END + 1  # the first planned month, 2026-11: pricing years count from it
REVIEW_EVERY = 3  # [pricing.review] every_months of the demo's planner.toml
START = HIST_END + 1  # 2026-11
HORIZON = 12
MARKER = ".generated-by-planner-generate"
FILES = (
    "products.csv",
    "demand.csv",
    "events.csv",
    "lines.csv",
    "routings.csv",
    "calendar.csv",
    "bom.csv",
    "materials.csv",
    "price_tiers.csv",
    "planner.toml",
    "deliveries.csv",
    "scorecard.toml",
    "cost_breakdown.csv",
    "indices.csv",
    "inventory.csv",
    "open_orders.csv",
)
# Months of deliveries.csv, ending with the last history month (the scorecard trends 12).
DELIVERY_MONTHS = 15

# Monthly seasonality, January first, normalised to a mean of 1 below.
SEASON = {
    # Q4 gifting peak plus a summer (outdoor) bump.
    "bottle": [0.70, 0.66, 0.82, 0.92, 1.00, 1.15, 1.18, 0.95, 1.00, 1.25, 1.42, 1.50],
    # Q4 gifting peak, flat otherwise.
    "elec": [0.75, 0.70, 0.85, 0.90, 0.90, 0.95, 0.90, 0.95, 1.05, 1.20, 1.50, 1.45],
    # Spares follow the installed base: mild.
    "pack": [0.92, 0.88, 0.95, 1.00, 1.05, 1.10, 1.10, 1.00, 0.95, 1.00, 1.05, 1.10],
}
for _k, _v in SEASON.items():
    _m = sum(_v) / 12
    SEASON[_k] = [x / _m for x in _v]


# ----------------------------------------------------------------------------- helpers


def month_str(i: int) -> str:
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def num(x: float, nd: int = 4) -> str:
    """Shortest fixed-point rendering (deterministic; no exponent)."""
    if isinstance(x, int):
        return str(x)
    s = f"{x:.{nd}f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def nice(x: float, fine: bool = False) -> int:
    """Round to a quantity a buyer would quote: the 1-2-2.5-5-7.5 series (fine: 2-3 digits)."""
    if x < 10:
        return max(1, int(round(x)))
    mag = 10 ** int(math.floor(math.log10(x)))
    if fine:
        step = mag / 20
        return int(max(step, round(x / step) * step))
    series = [m * mag for m in (1, 2, 2.5, 5, 7.5, 10)]
    return int(min(series, key=lambda v: abs(math.log(v / x))))


def lot(qty: float, moq: int, mult: int) -> int:
    q = max(qty, moq)
    return int(math.ceil(q / mult - 1e-9) * mult)


_WEEKDAYS: dict[int, list[str]] = {}


def weekdays(m: int) -> list[str]:
    """Monday-Friday dates of month index m, as strings."""
    if m not in _WEEKDAYS:
        y, mo = m // 12, m % 12 + 1
        d = dt.date(y, mo, 1)
        out = []
        while d.month == mo:
            if d.weekday() < 5:
                out.append(d.isoformat())
            d += dt.timedelta(days=1)
        _WEEKDAYS[m] = out
    return _WEEKDAYS[m]


def days_in_month(m: int) -> list[dt.date]:
    y, mo = m // 12, m % 12 + 1
    d = dt.date(y, mo, 1)
    out = []
    while d.month == mo:
        out.append(d)
        d += dt.timedelta(days=1)
    return out


class Sku:
    __slots__ = (
        "sku", "family", "name", "unit", "kind", "line", "base", "growth", "cv", "season",
        "first", "ramp", "intermittent", "new", "routing", "bom", "price0", "basis", "near",
        "tier_steps",
    )

    def __init__(self, sku, family, name, kind, base, growth=0.0, cv=0.12, unit="ea"):
        self.sku = sku
        self.family = family
        self.name = name
        self.unit = unit
        self.kind = kind
        self.line = ""
        self.base = base  # de-seasonalised monthly level at the end of history
        self.growth = growth  # per year
        self.cv = cv
        self.season = SEASON[kind]
        self.first = None  # first history month of a recent launch (None: whole history)
        self.ramp = False
        self.intermittent = None  # (probability of a non-zero month, mean lump)
        self.new = None  # (launch month, units per month) for a launch event, no history
        self.routing = []  # (station, cycle_seconds, operators)
        self.bom = []  # (material, qty_per)
        self.price0 = 0.0
        self.basis = "annual"
        self.near = None  # "above": next break just above the annual volume, "below": just crossed
        self.tier_steps = 4


class Catalog:
    def __init__(self):
        self.skus: list[Sku] = []
        self.lines: list[dict] = []
        self.calendar: list[tuple] = []  # (line, date, hours, reason)
        self.events: list[tuple] = []  # (sku, month idx, kind, value, note)
        self.materials: dict[str, dict] = {}  # name -> facts; insertion order = file order
        self.sub_bom: dict[str, list] = {}  # sub-assembly -> [(material, qty)]
        self.index_linked = False  # cost_breakdown.csv, indices.csv and [pricing.review] (demo)


def expected(s: Sku, t: int, ev: dict | None = None) -> float:
    """Expected demand of sku s in month t (no noise), with events when ev is given."""
    if s.new is not None:
        val = float(s.new[1]) if t >= s.new[0] else 0.0
    elif s.intermittent is not None:
        p, lump = s.intermittent
        val = p * lump
    else:
        val = s.base * (1 + s.growth) ** ((t - HIST_END) / 12) * s.season[t % 12]
        if s.first is not None and s.ramp:
            val *= min(1.0, (t - s.first + 1) / 4)
    if ev:
        for kind, value in ev.get((s.sku, t), ()):
            if kind == "multiplier":
                val *= value
            elif kind == "add":
                val += value
        for kind, value in ev.get((s.sku, t), ()):
            if kind == "override":
                val = value
    return val


def event_index(cat: Catalog) -> dict:
    ev: dict = {}
    for sku, m, kind, value, _ in cat.events:
        if kind != "launch":
            ev.setdefault((sku, m), []).append((kind, value))
    return ev


# ----------------------------------------------------------------------------- demo catalogue

DEMO_MATERIALS = [
    # material, lead_time_days, moq, order_multiple, unit_cost, cover (months of average use
    # on hand), open order (month offset from start or None), safety_stock (None = derived)
    ("SS304-SHEET", 50, 2000, 500, 3.40, 1.3, 0, 1500),  # kg, stainless 304 coil/sheet
    ("PWD-COAT-BLK", 30, 200, 25, 9.50, 1.5, None, None),  # kg powder coat
    ("PWD-COAT-WHT", 30, 200, 25, 9.50, 1.2, None, None),
    ("PWD-COAT-NVY", 30, 200, 25, 10.20, 1.8, None, None),
    ("PWD-COAT-SGE", 30, 200, 25, 10.80, 0.7, 0, None),
    ("PWD-COAT-CRL", 30, 200, 25, 10.80, 0.9, None, None),
    ("PWD-COAT-OLV", 30, 200, 25, 10.80, 0.0, None, None),  # new colour: nothing on hand
    ("RES-PP", 35, 1000, 25, 1.65, 1.4, 1, None),  # kg polypropylene, 25 kg bags
    ("GSK-SIL-LID", 30, 10000, 1000, 0.06, 1.6, None, None),  # silicone lid gasket
    ("STRAW-SIL", 30, 5000, 1000, 0.09, 1.1, None, None),
    ("CTN-BTL-S", 14, 2000, 500, 0.26, 0.8, 0, None),  # cartons
    ("CTN-BTL-L", 14, 2000, 500, 0.34, 0.9, None, None),
    ("LBL-BTL", 14, 10000, 5000, 0.02, 2.5, None, None),  # label rolls
    ("RES-ABS", 40, 1000, 25, 2.20, 1.3, None, None),  # kg
    ("RES-PC", 45, 500, 25, 3.10, 1.6, None, None),  # kg
    ("MCU-STM32G0", 105, 2500, 2500, 1.85, 1.2, 1, 1000),  # reel of 2500
    ("BLE-MOD-NRF52", 120, 2000, 1000, 3.90, 1.4, 2, 800),
    ("PCB-SPK", 35, 1000, 100, 1.20, 1.5, None, None),
    ("PCB-SNS", 35, 1000, 100, 0.65, 1.2, None, None),
    ("PCB-HUB", 35, 500, 100, 1.60, 2.0, None, None),
    ("PASSIVE-KIT", 60, 5000, 1000, 0.35, 1.8, None, None),
    ("LION-18650", 90, 5000, 500, 2.10, 1.6, 1, 1200),  # Li-ion cell
    ("SPK-DRV-40", 75, 2000, 500, 1.45, 1.5, None, None),  # 40 mm speaker driver
    ("SPK-DRV-57", 75, 1000, 500, 2.60, 1.1, 0, None),
    ("SNS-IC-TEMP", 84, 3000, 3000, 0.42, 2.2, None, None),
    ("SNS-IC-VOC", 112, 2000, 2000, 3.80, 0.5, None, None),  # short: growing air sensor
    ("CR2032", 45, 5000, 1000, 0.12, 2.0, None, None),
    ("FAB-MESH", 30, 200, 50, 4.20, 1.4, None, None),  # m2 grille fabric
    ("SCR-M2X6", 30, 50000, 10000, 0.008, 3.0, None, None),
    ("USB-C-CBL", 45, 3000, 500, 0.55, 1.3, None, None),
    ("CTN-HSG", 21, 2000, 500, 0.45, 1.0, None, None),
    ("CTN-SNS", 21, 2000, 500, 0.22, 1.2, None, None),
    ("LBL-HSG", 14, 10000, 5000, 0.03, 3.0, None, None),
    ("BAG-POLY", 14, 10000, 1000, 0.015, 2.0, None, None),
    ("LBL-SPR", 14, 10000, 5000, 0.02, 2.5, None, None),
    ("STRAP-WEB-BLK", 30, 2000, 100, 0.30, 1.5, None, None),  # m webbing
    ("STRAP-WEB-TAN", 30, 2000, 100, 0.30, 2.5, None, None),
    ("SIL-BOOT-750", 35, 2000, 500, 0.48, 1.8, None, None),
]

DEMO_SUB_BOM = {
    # Sub-assemblies built by the CM in its own sub-assembly cells.
    "SA-LID-STD": [("RES-PP", 0.032), ("GSK-SIL-LID", 1)],
    "SA-LID-STRAW": [("RES-PP", 0.040), ("GSK-SIL-LID", 1), ("STRAW-SIL", 1)],
    "SA-LID-CHUG": [("RES-PP", 0.046), ("GSK-SIL-LID", 1)],
    "SA-PCBA-SPK": [("PCB-SPK", 1), ("MCU-STM32G0", 1), ("BLE-MOD-NRF52", 1), ("PASSIVE-KIT", 1)],
    "SA-PCBA-SNS": [("PCB-SNS", 1), ("MCU-STM32G0", 1), ("BLE-MOD-NRF52", 1), ("PASSIVE-KIT", 1)],
    "SA-PCBA-HUB": [("PCB-HUB", 1), ("MCU-STM32G0", 1), ("BLE-MOD-NRF52", 1), ("PASSIVE-KIT", 2)],
    "SA-BATT-2S": [("LION-18650", 2), ("PASSIVE-KIT", 1)],
    "SA-GRILLE-MINI": [("RES-ABS", 0.030), ("FAB-MESH", 0.020)],
    "SA-GRILLE-MAX": [("RES-ABS", 0.050), ("FAB-MESH", 0.040)],
}

COLOURS = {
    "BLK": "black", "WHT": "white", "NVY": "navy", "SGE": "sage", "CRL": "coral",
    "OLV": "olive", "STL": "brushed steel", "TAN": "tan",
}

# --- index-linked prices (cost_breakdown.csv, indices.csv): the CM's open-book quote of each
# demo sku, as shares of its quoted tier price, and the monthly price indices its parts follow.

# Bottles: the stainless shells' share grows with the size; the brushed-steel bottle has no
# powder coat but a thicker polished outer wall and more finishing labour.
BOTTLE_STAINLESS = {350: 0.24, 500: 0.26, 600: 0.27, 750: 0.28, 1000: 0.30}
# Housings and accessories: (resin index, resin, electronics, parts, packaging, moulding,
# labour) as shares of the quoted price. Resin is the moulded enclosure or part (ABS for the
# speakers, PC for sensors and the hub, PP for lids and buckles), electronics the PCBA and its
# chips (MCU, BLE module, sensor ICs, PCB, passives), parts everything else bought (cells,
# drivers, grille fabric, cables, gaskets, webbing, silicone), moulding the injection-moulding
# machine time of the spares. Overhead is a fixed share per family; the margin is the rest.
DEMO_COST_SHARES = {
    "HSG-SPK-MINI-BLK": ("ABS", 0.030, 0.37, 0.28, 0.025, 0, 0.08),
    "HSG-SPK-MINI-WHT": ("ABS", 0.030, 0.37, 0.28, 0.025, 0, 0.08),
    "HSG-SPK-MAX-BLK": ("ABS", 0.035, 0.26, 0.33, 0.020, 0, 0.08),
    "HSG-SPK-MAX-WHT": ("ABS", 0.035, 0.26, 0.33, 0.020, 0, 0.08),
    "HSG-SNS-TEMP": ("PC", 0.020, 0.58, 0.03, 0.025, 0, 0.09),
    "HSG-SNS-AIR": ("PC", 0.020, 0.66, 0.05, 0.020, 0, 0.08),  # the VOC sensor: a thin margin
    "HSG-SNS-LEAK": ("PC", 0.020, 0.52, 0.03, 0.025, 0, 0.09),
    "HSG-HUB-01": ("PC", 0.025, 0.45, 0.10, 0.030, 0, 0.10),
    "SPR-LID-STD": ("PP", 0.040, 0, 0.06, 0.030, 0.25, 0.30),
    "SPR-LID-STRAW": ("PP", 0.035, 0, 0.10, 0.025, 0.22, 0.32),
    "SPR-LID-CHUG": ("PP", 0.045, 0, 0.05, 0.025, 0.24, 0.30),
    "SPR-STRAP-BLK": ("PP", 0.015, 0, 0.14, 0.035, 0.05, 0.45),
    "SPR-STRAP-TAN": ("PP", 0.015, 0, 0.14, 0.035, 0.05, 0.45),
    "SPR-GSK-SET": (None, 0, 0, 0.25, 0.050, 0, 0.38),
    "SPR-BOOT-750": (None, 0, 0, 0.40, 0.030, 0, 0.30),
    "SPR-CBL-USBC": (None, 0, 0, 0.38, 0.030, 0, 0.30),
    "SPR-BATT-SPK": (None, 0, 0.06, 0.58, 0.040, 0, 0.12),  # cells: a thin margin
    "SPR-GRL-MAX": ("ABS", 0.040, 0, 0.08, 0.020, 0.20, 0.34),
    "SPR-MNT-SPK": ("ABS", 0.080, 0, 0.02, 0.020, 0.25, 0.30),
    "SPR-BASE-HUB": ("PC", 0.070, 0, 0, 0.020, 0.28, 0.28),
}
OVERHEAD_SHARE = {"bottle": 0.16, "elec": 0.10, "pack": 0.12}

# Monthly price indices: anchor months (exact values) joined by straight lines, with a little
# month-to-month noise between them from the indices' own random stream; months before the
# first anchor hold it. (index, rounding step, noise, anchors). Commodities in CNY per tonne
# (China spot: cold-rolled 304 2B coil, PP homopolymer, general-purpose ABS, PC); CHIP (the
# CM's basket of electronic components) and POWER (its industrial electricity tariff) in points,
# 2023-11 = 100; LABOUR (its direct labour cost, 2023-03 = 100) moves in steps: the wage round
# after each Lunar New Year, in March.
INDEX_PATHS = [
    ("SS304", 10, 0.012, [
        ("2022-01", 17800), ("2022-03", 21500), ("2022-07", 16200), ("2023-03", 16800),
        ("2023-08", 15400), ("2023-11", 15100), ("2024-03", 14500), ("2024-05", 15400),
        ("2024-09", 14000), ("2025-01", 13600), ("2025-06", 12850), ("2025-10", 13150),
        ("2026-03", 13800), ("2026-07", 14300), ("2026-10", 14650)]),
    ("PP", 10, 0.010, [
        ("2022-01", 8300), ("2022-06", 8600), ("2022-12", 7700), ("2023-06", 7200),
        ("2023-11", 7450), ("2024-04", 7650), ("2024-10", 7500), ("2025-04", 7150),
        ("2025-09", 6850), ("2026-02", 6800), ("2026-06", 7100), ("2026-10", 7400)]),
    ("ABS", 10, 0.012, [
        ("2022-01", 14500), ("2022-12", 11000), ("2023-06", 10300), ("2023-11", 10800),
        ("2024-06", 11700), ("2024-12", 11200), ("2025-08", 9500), ("2026-02", 9700),
        ("2026-10", 10600)]),
    ("PC", 10, 0.010, [
        ("2022-01", 19500), ("2022-12", 15500), ("2023-11", 15600), ("2024-08", 15100),
        ("2025-06", 13700), ("2026-01", 13900), ("2026-10", 14800)]),
    ("CHIP", 0.1, 0.006, [
        ("2022-01", 118), ("2022-09", 121), ("2023-06", 106), ("2023-11", 100), ("2024-06", 94),
        ("2025-03", 90), ("2025-09", 91), ("2026-03", 95.5), ("2026-10", 103)]),
    ("LABOUR", 0.1, None, [
        ("2021-03", 90.8), ("2022-03", 95.3), ("2023-03", 100.0), ("2024-03", 104.8),
        ("2025-03", 109.9), ("2026-03", 115.0)]),
    ("POWER", 0.1, 0.003, [
        ("2022-01", 97.5), ("2022-10", 102.0), ("2023-11", 100), ("2024-12", 98.5),
        ("2025-12", 96.0), ("2026-10", 95.5)]),
]
# POWER: summer peak tariffs in July to September.
POWER_SUMMER = 1.05


def build_demo(rng: random.Random) -> Catalog:
    cat = Catalog()
    # --- bottles, L1-BOTTLE
    size_facts = {  # ml: (sheet kg, coat kg, lid, carton, cycles deep-draw/weld/vacuum/laser/pack, price)
        350: (0.16, 0.020, "SA-LID-STD", "CTN-BTL-S", (15, 20, 27, 11, 10), 8.60),
        500: (0.21, 0.025, "SA-LID-STD", "CTN-BTL-S", (16, 22, 30, 12, 10), 9.80),
        600: (0.24, 0.028, "SA-LID-CHUG", "CTN-BTL-S", (17, 23, 32, 12, 10), 10.40),
        750: (0.28, 0.032, "SA-LID-STRAW", "CTN-BTL-L", (18, 25, 34, 13, 11), 11.40),
        1000: (0.36, 0.040, "SA-LID-CHUG", "CTN-BTL-L", (20, 28, 38, 14, 12), 13.20),
    }
    bottles = [  # size colour, base (units/month at end of history), growth/yr
        (350, "BLK", 1800, 0.05), (350, "WHT", 1150, 0.00),
        (500, "BLK", 4300, 0.08), (500, "WHT", 2750, 0.04), (500, "NVY", 2300, 0.10),
        (500, "SGE", 1800, 0.45), (600, "CRL", 1900, 0.0),
        (750, "BLK", 3250, 0.06), (750, "WHT", 1800, 0.02), (750, "NVY", 1400, 0.12),
        (1000, "BLK", 1700, 0.10), (1000, "STL", 1300, 0.20),
        (500, "OLV", 0, 0.0),
    ]
    for size, col, base, g in bottles:
        sheet, coat, lid, ctn, cyc, price = size_facts[size]
        s = Sku(f"BTL-{size}-{col}", "bottles", f"Insulated bottle {size} ml, {COLOURS[col]}",
                "bottle", base, g, cv=0.10)
        s.routing = [
            ("deep-draw", cyc[0], 1), ("weld", cyc[1], 1), ("vacuum-seal", cyc[2], 1),
            ("laser-mark", cyc[3], 1), ("pack", cyc[4], 2),
        ]
        s.bom = [("SS304-SHEET", sheet)]
        if col != "STL":
            s.bom.append((f"PWD-COAT-{col}", coat))
        s.bom += [(lid, 1), (ctn, 1), ("LBL-BTL", 1)]
        s.price0 = price + (0.40 if col in ("SGE", "CRL", "OLV") else 0.0)
        cat.skus.append(s)
    crl = next(s for s in cat.skus if s.sku == "BTL-600-CRL")
    crl.first, crl.ramp = HIST_END - 2, True  # launched 2026-08: three months of history
    olv = next(s for s in cat.skus if s.sku == "BTL-500-OLV")
    olv.new = (START + 4, 900)  # launch event 2027-03

    # --- resin housings with electronics, L2-ELEC
    housings = [
        # sku, name, base, growth, bom, routing cycles (mould-insert, PCB-fit, screw, test, pack), price
        ("HSG-SPK-MINI-BLK", "Smart speaker mini housing assembly, black", 720, 0.10,
         [("RES-ABS", 0.18), ("SA-PCBA-SPK", 1), ("SPK-DRV-40", 1), ("SA-BATT-2S", 1),
          ("SA-GRILLE-MINI", 1), ("SCR-M2X6", 6), ("USB-C-CBL", 1), ("CTN-HSG", 1), ("LBL-HSG", 1)],
         (38, 46, 30, 70, 20), 21.50),
        ("HSG-SPK-MINI-WHT", "Smart speaker mini housing assembly, white (run-out)", 450, -0.35,
         [("RES-ABS", 0.18), ("SA-PCBA-SPK", 1), ("SPK-DRV-40", 1), ("SA-BATT-2S", 1),
          ("SA-GRILLE-MINI", 1), ("SCR-M2X6", 6), ("USB-C-CBL", 1), ("CTN-HSG", 1), ("LBL-HSG", 1)],
         (38, 46, 30, 70, 20), 21.50),
        ("HSG-SPK-MAX-BLK", "Smart speaker max housing assembly, black", 540, 0.15,
         [("RES-ABS", 0.32), ("SA-PCBA-SPK", 1), ("SPK-DRV-57", 2), ("SA-BATT-2S", 1),
          ("SA-GRILLE-MAX", 1), ("SCR-M2X6", 8), ("USB-C-CBL", 1), ("CTN-HSG", 1), ("LBL-HSG", 1)],
         (45, 52, 40, 85, 25), 31.00),
        ("HSG-SPK-MAX-WHT", "Smart speaker max housing assembly, white", 290, 0.05,
         [("RES-ABS", 0.32), ("SA-PCBA-SPK", 1), ("SPK-DRV-57", 2), ("SA-BATT-2S", 1),
          ("SA-GRILLE-MAX", 1), ("SCR-M2X6", 8), ("USB-C-CBL", 1), ("CTN-HSG", 1), ("LBL-HSG", 1)],
         (45, 52, 40, 85, 25), 31.00),
        ("HSG-SNS-TEMP", "Temperature sensor housing assembly", 600, 0.05,
         [("RES-PC", 0.05), ("SA-PCBA-SNS", 1), ("SNS-IC-TEMP", 1), ("CR2032", 1), ("SCR-M2X6", 2),
          ("CTN-SNS", 1), ("LBL-HSG", 1)],
         (30, 36, 18, 55, 15), 12.40),
        ("HSG-SNS-AIR", "Air quality sensor housing assembly", 380, 0.60,
         [("RES-PC", 0.07), ("SA-PCBA-SNS", 1), ("SNS-IC-VOC", 1), ("USB-C-CBL", 1),
          ("SCR-M2X6", 3), ("CTN-SNS", 1), ("LBL-HSG", 1)],
         (32, 38, 20, 62, 15), 16.40),
        ("HSG-SNS-LEAK", "Water leak sensor housing assembly", 260, 0.20,
         [("RES-PC", 0.06), ("SA-PCBA-SNS", 1), ("SNS-IC-TEMP", 1), ("CR2032", 1), ("SCR-M2X6", 2),
          ("CTN-SNS", 1), ("LBL-HSG", 1)],
         (30, 36, 18, 58, 15), 13.90),
        ("HSG-HUB-01", "Smart home hub housing assembly", 220, 0.08,
         [("RES-PC", 0.12), ("SA-PCBA-HUB", 1), ("USB-C-CBL", 1), ("SCR-M2X6", 4), ("CTN-HSG", 1),
          ("LBL-HSG", 1)],
         (40, 50, 28, 75, 20), 22.50),
    ]
    stations = ("mould-insert", "PCB-fit", "screw", "test", "pack")
    for sku, name, base, g, bom, cyc, price in housings:
        s = Sku(sku, "housings", name, "elec", base, g, cv=0.14)
        s.routing = [(st, c, 1) for st, c in zip(stations, cyc)]
        s.bom = bom
        s.price0 = price
        cat.skus.append(s)

    # --- accessories and spare parts, L3-PACK
    acc = [
        # sku, name, base, growth, bom, routing, price, intermittent (p, lump)
        ("SPR-LID-STD", "Spare standard lid", 1400, 0.06,
         [("SA-LID-STD", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 12, 1), ("bag", 14, 1), ("label-pack", 16, 1)], 1.90, None),
        ("SPR-LID-STRAW", "Spare straw lid", 900, 0.15,
         [("SA-LID-STRAW", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 12, 1), ("straw-fit", 22, 1), ("bag", 14, 1), ("label-pack", 16, 1)], 2.60, None),
        ("SPR-LID-CHUG", "Spare chug lid", 480, 0.00,
         [("SA-LID-CHUG", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 12, 1), ("bag", 14, 1), ("label-pack", 16, 1)], 2.30, None),
        ("SPR-STRAP-BLK", "Carry strap, black", 360, 0.10,
         [("STRAP-WEB-BLK", 0.45), ("RES-PP", 0.008), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("cut-seal", 18, 1), ("buckle-fit", 25, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 1.40, None),
        ("SPR-STRAP-TAN", "Carry strap, tan", 170, 0.05,
         [("STRAP-WEB-TAN", 0.45), ("RES-PP", 0.008), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("cut-seal", 18, 1), ("buckle-fit", 25, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 1.40, None),
        ("SPR-GSK-SET", "Replacement gasket set (3 pcs)", 650, 0.08,
         [("GSK-SIL-LID", 3), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("count-kit", 20, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 0.95, None),
        ("SPR-BOOT-750", "Silicone boot for 750 ml", 220, 0.00,
         [("SIL-BOOT-750", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 10, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 1.60, None),
        ("SPR-CBL-USBC", "Spare USB-C cable", 120, 0.05,
         [("USB-C-CBL", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("coil-tie", 15, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 1.85, None),
        ("SPR-BATT-SPK", "Spare battery pack for speakers", 0, 0.0,
         [("SA-BATT-2S", 1), ("CTN-SNS", 1), ("LBL-SPR", 1)],
         [("inspect", 15, 1), ("test", 40, 1), ("box", 18, 1), ("label-pack", 14, 1)], 7.80, (0.30, 90)),
        ("SPR-GRL-MAX", "Replacement grille, speaker max", 0, 0.0,
         [("SA-GRILLE-MAX", 1), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 12, 1), ("bag", 14, 1), ("label-pack", 14, 1)], 3.40, (0.25, 60)),
        ("SPR-MNT-SPK", "Wall mount kit, speakers", 0, 0.0,
         [("RES-ABS", 0.06), ("SCR-M2X6", 2), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("count-kit", 22, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 2.10, (0.35, 120)),
        ("SPR-BASE-HUB", "Replacement base, hub", 0, 0.0,
         [("RES-PC", 0.05), ("BAG-POLY", 1), ("LBL-SPR", 1)],
         [("inspect", 12, 1), ("bag", 12, 1), ("label-pack", 14, 1)], 2.90, (0.20, 45)),
    ]
    for sku, name, base, g, bom, routing, price, inter in acc:
        s = Sku(sku, "accessories", name, "pack", base, g, cv=0.18)
        s.routing = routing
        s.bom = bom
        s.price0 = price
        s.intermittent = inter
        s.basis = "order"
        cat.skus.append(s)

    for s in cat.skus:
        s.line = {"bottle": "L1-BOTTLE", "elec": "L2-ELEC", "pack": "L3-PACK"}[s.kind]
        s.tier_steps = 4 if s.kind != "pack" else 3
    near = {"BTL-500-BLK": "above", "BTL-750-NVY": "above", "HSG-SPK-MAX-BLK": "above",
            "HSG-SNS-AIR": "below", "BTL-1000-STL": "above"}
    for s in cat.skus:
        s.near = near.get(s.sku)

    cat.lines = [
        dict(line="L1-BOTTLE", shifts_per_day=2, hours_per_shift=8, days_per_week=6, oee=0.78),
        dict(line="L2-ELEC", shifts_per_day=1, hours_per_shift=10, days_per_week=5, oee=0.72),
        dict(line="L3-PACK", shifts_per_day=1, hours_per_shift=8, days_per_week=5, oee=0.85),
    ]

    ev = [
        ("BTL-500-BLK", START, "multiplier", 1.3, "Black Friday / Cyber Monday promotion"),
        ("BTL-750-BLK", START, "multiplier", 1.3, "Black Friday / Cyber Monday promotion"),
        ("BTL-500-NVY", START, "multiplier", 1.25, "Black Friday bundle with a strap"),
        ("BTL-1000-STL", START + 5, "add", 500, "New retailer listing (outdoor chain): pipeline fill"),
        ("HSG-SPK-MINI-WHT", START + 2, "override", 150, "Run-out build agreed with sales, white mini ends Q1"),
        ("BTL-500-OLV", START + 4, "launch", 900, "New colour olive: launch with two retailers"),
        ("BTL-500-BLK", START + 7, "multiplier", 1.2, "Summer promotion"),
        ("BTL-750-WHT", START + 7, "multiplier", 1.2, "Summer promotion"),
    ]
    cat.events = [(a, b, c, d, e) for a, b, c, d, e in ev]

    cal = [("*", "2026-12-25", 0, "Christmas Day (brand and CM closed)"),
           ("L1-BOTTLE", "2026-12-31", 8, "New Year's Eve: one shift only"),
           ("*", "2027-01-01", 0, "New Year's Day")]
    d = dt.date(2027, 2, 6)
    while d <= dt.date(2027, 2, 14):
        cal.append(("*", d.isoformat(), 0, "Lunar New Year shutdown"))
        d += dt.timedelta(days=1)
    cal += [("L2-ELEC", "2026-11-21", 8, "Saturday overtime for the Q4 peak"),
            ("L2-ELEC", "2026-11-28", 8, "Saturday overtime for the Q4 peak"),
            ("L1-BOTTLE", "2027-01-20", 0, "Preventive maintenance: vacuum furnace"),
            ("L3-PACK", "2027-03-17", 4, "Half-day stocktake"),
            ("*", "2027-04-05", 0, "Qingming Festival"),
            ("*", "2027-05-01", 0, "Labour Day"),
            ("*", "2027-06-09", 0, "Dragon Boat Festival"),
            ("*", "2027-09-15", 0, "Mid-Autumn Festival")]
    d = dt.date(2027, 10, 1)
    while d <= dt.date(2027, 10, 5):
        cal.append(("*", d.isoformat(), 0, "National Day holidays"))
        d += dt.timedelta(days=1)
    cat.calendar = cal

    for name, lead, moq, mult, cost, cover, oo, ss in DEMO_MATERIALS:
        cat.materials[name] = dict(lead=lead, moq=moq, mult=mult, cost=cost, cover=cover,
                                   oo=oo, ss=ss, sub=False)
    for name in DEMO_SUB_BOM:
        cat.materials[name] = dict(lead=rng.choice((7, 10, 14)), moq=1, mult=1, cost=None,
                                   cover=round(rng.uniform(0.2, 0.6), 2), oo=None, ss=None, sub=True)
    cat.sub_bom = dict(DEMO_SUB_BOM)
    cat.index_linked = True
    return cat


# ----------------------------------------------------------------------------- scaled catalogue

FAMILY_NAMES = {
    "bottle": ["bottles", "tumblers", "flasks", "food-jars", "mugs", "kids-bottles", "growlers",
               "shakers", "carafes", "lunch-boxes"],
    "elec": ["speakers", "sensors", "hubs", "cameras", "trackers", "chargers", "lights",
             "doorbells", "thermostats", "scales"],
    "pack": ["lids", "straps", "gaskets", "sleeves", "cables", "mounts", "filters", "brushes",
             "cases", "bases"],
}
PREFIX = {"bottle": "BTL", "elec": "HSG", "pack": "SPR"}
LINE_TAG = {"bottle": "BOTTLE", "elec": "ELEC", "pack": "PACK"}
TYPE_OEE = {"bottle": 0.78, "elec": 0.72, "pack": 0.85}
STATIONS = {
    # station, cycle range (s); the first and last are always present
    "bottle": [("deep-draw", 14, 22), ("neck-spin", 10, 18), ("weld", 18, 30),
               ("vacuum-seal", 24, 40), ("powder-coat-load", 10, 16), ("laser-mark", 10, 16),
               ("pack", 9, 14)],
    "elec": [("mould-insert", 28, 48), ("PCB-fit", 32, 55), ("screw", 18, 40),
             ("flash", 20, 35), ("test", 50, 90), ("pack", 14, 26)],
    "pack": [("inspect", 10, 16), ("assemble", 15, 35), ("count-kit", 12, 25), ("bag", 10, 15),
             ("label-pack", 12, 18)],
}
# raw categories: tag, qty_per range, integer qty?, lead range, moq, multiple, cost range, unit
RAW = {
    "SS-SHEET": ((0.12, 0.40), False, (45, 60), 2000, 500, (3.0, 4.2)),
    "COAT": ((0.012, 0.04), False, (21, 30), 200, 25, (8.0, 12.0)),
    "RES-PP": ((0.02, 0.06), False, (30, 45), 1000, 25, (1.4, 1.9)),
    "GASKET": ((1, 3), True, (21, 35), 10000, 1000, (0.04, 0.09)),
    "RES-ABS": ((0.05, 0.35), False, (30, 45), 1000, 25, (2.0, 2.6)),
    "RES-PC": ((0.04, 0.15), False, (30, 45), 500, 25, (2.8, 3.5)),
    "MCU": ((1, 1), True, (75, 120), 2500, 2500, (1.2, 3.5)),
    "BLE": ((1, 1), True, (90, 120), 2000, 1000, (2.5, 4.5)),
    "PCB": ((1, 1), True, (28, 40), 1000, 100, (0.6, 2.5)),
    "PASSIVE": ((1, 2), True, (45, 60), 5000, 1000, (0.2, 0.6)),
    "CELL": ((1, 2), True, (75, 100), 5000, 500, (1.6, 2.6)),
    "DRIVER": ((1, 2), True, (60, 80), 2000, 500, (1.0, 3.0)),
    "SENSOR-IC": ((1, 1), True, (80, 115), 3000, 3000, (0.3, 4.0)),
    "FABRIC": ((0.02, 0.05), False, (30, 35), 200, 50, (3.0, 5.0)),
    "SCREW": ((2, 8), True, (21, 35), 50000, 10000, (0.005, 0.012)),
    "CARTON": ((1, 1), True, (14, 21), 2000, 500, (0.2, 0.6)),
    "LABEL": ((1, 2), True, (14, 18), 10000, 5000, (0.01, 0.03)),
    "POLYBAG": ((1, 1), True, (14, 21), 10000, 1000, (0.01, 0.02)),
    "STRAP": ((0.3, 0.6), False, (28, 35), 2000, 100, (0.25, 0.4)),
    "CABLE": ((1, 1), True, (40, 50), 3000, 500, (0.4, 0.7)),
}
# share of the raw pool per category (roughly proportional to how often it is picked)
RAW_SHARE = {
    "SS-SHEET": 4, "COAT": 10, "RES-PP": 5, "GASKET": 4, "RES-ABS": 6, "RES-PC": 4, "MCU": 4,
    "BLE": 3, "PCB": 9, "PASSIVE": 4, "CELL": 3, "DRIVER": 4, "SENSOR-IC": 5, "FABRIC": 3,
    "SCREW": 3, "CARTON": 10, "LABEL": 7, "POLYBAG": 3, "STRAP": 3, "CABLE": 3,
}
# sku direct raws per type: (category, picked per group or per sku)
SKU_RAWS = {
    "bottle": [("SS-SHEET", "group"), ("COAT", "sku"), ("CARTON", "group"), ("LABEL", "group")],
    "elec": [("RES-ABS", "group"), ("SCREW", "group"), ("CARTON", "group"), ("LABEL", "group"),
             ("CABLE", "maybe")],
    "pack": [("RES-PP", "maybe"), ("STRAP", "maybe"), ("POLYBAG", "group"), ("LABEL", "group")],
}
SA_KINDS = {"bottle": ["LID"], "elec": ["PCBA", "BATT", "GRILLE"], "pack": ["KIT"]}
SA_RECIPE = {
    "LID": ["RES-PP", "GASKET"],
    "PCBA": ["PCB", "MCU", "BLE", "PASSIVE", "SENSOR-IC"],
    "BATT": ["CELL", "PASSIVE"],
    "GRILLE": ["RES-ABS", "FABRIC"],
    "KIT": ["RES-PP", "GASKET", "POLYBAG"],
    "DRV": ["DRIVER", "RES-ABS"],
}
SSA_RECIPE = {  # level-3 sub-sub-assemblies, by the kind of their parent
    "LID": ("INSERT", ["GASKET", "RES-PP"]),
    "PCBA": ("RFMOD", ["BLE", "PASSIVE", "PCB"]),
    "BATT": ("CELLPACK", ["CELL", "PASSIVE"]),
    "GRILLE": ("MESH", ["FABRIC", "RES-ABS"]),
    "KIT": ("INSERT", ["GASKET", "RES-PP"]),
    "DRV": ("ACOUSTIC", ["DRIVER", "FABRIC"]),
}
# (shifts_per_day, hours_per_shift, days_per_week) a CM would staff, and how common each is
LINE_CONFIGS = [(1, 8, 5), (1, 8, 6), (1, 10, 6), (2, 8, 5), (2, 9, 5), (2, 10, 5), (2, 8, 6),
                (3, 8, 5), (2, 10, 6), (3, 8, 6), (3, 8, 7)]
LINE_CONFIG_WEIGHTS = (1, 1, 1, 4, 1, 1, 4, 2, 1, 2, 1)
DAYS_PER_MONTH = {5: 21.7, 6: 26.0, 7: 30.4}


def build_scaled(rng: random.Random, n_skus: int, n_lines: int, n_mat: int) -> Catalog:
    cat = Catalog()
    types = ("bottle", "elec", "pack")
    n_fam = max(3, round(n_skus / 150))
    fam_type = list(types) + rng.choices(types, weights=(45, 30, 25), k=n_fam - 3)
    fam_type = fam_type[:n_fam]
    # family sizes: at least one sku each, the rest spread with uneven weights
    sizes = [1] * n_fam
    if n_skus > n_fam:
        w = [rng.lognormvariate(0, 0.5) for _ in range(n_fam)]
        for f in rng.choices(range(n_fam), weights=w, k=n_skus - n_fam):
            sizes[f] += 1
    elif n_skus < n_fam:
        sizes = [1] * n_skus
        fam_type = fam_type[:n_skus]
        n_fam = n_skus
    used_names: dict[str, int] = {}
    fam_name = []
    for f in range(n_fam):
        base = FAMILY_NAMES[fam_type[f]][used_names.get(fam_type[f], 0) % 10]
        k = used_names.get(fam_type[f], 0)
        used_names[fam_type[f]] = k + 1
        fam_name.append(base if k < 10 else f"{base}-{k // 10 + 1}")
    fw = max(3, len(str(n_fam)))
    colours = list(COLOURS.items()) + [("RED", "red"), ("GRN", "green"), ("GRY", "grey"),
                                       ("BLU", "blue"), ("PNK", "pink"), ("YLW", "yellow")]

    groups = []  # dict(type, skus, routing template, raws)
    for f in range(n_fam):
        t = fam_type[f]
        remaining = sizes[f]
        g_i = 0
        while remaining > 0:
            n = min(remaining, rng.randint(6, 20))
            remaining -= n
            g_i += 1
            st = STATIONS[t]
            middle = st[1:-1]
            k = rng.randint(1, min(len(middle), 4))  # 3 to 6 stations
            chosen = sorted(rng.sample(range(len(middle)), k))
            tmpl = [st[0]] + [middle[i] for i in chosen] + [st[-1]]
            tmpl = [(name, rng.uniform(lo, hi), 2 if name in ("pack", "label-pack") else 1)
                    for name, lo, hi in tmpl]
            size = {"bottle": rng.choice((350, 500, 600, 750, 1000, 1200)),
                    "elec": rng.choice(("mini", "standard", "max", "pro")),
                    "pack": rng.choice(("S", "M", "L"))}[t]
            grp = dict(type=t, fam=f, n=n, tmpl=tmpl, size=size, skus=[], sa=[], load=0.0, level=rng.lognormvariate(0, 0.8))
            for j in range(n):
                col, colname = colours[(j + g_i) % len(colours)]
                code = f"{PREFIX[t]}{f + 1:0{fw}d}-{g_i:03d}-{j + 1:02d}"
                label = {"bottle": f"{fam_name[f].rstrip('s').capitalize()} {size} ml, {colname}",
                         "elec": f"{fam_name[f].rstrip('s').capitalize()} {size} housing assembly, {colname}",
                         "pack": f"{fam_name[f].rstrip('s').capitalize()} size {size}, {colname}"}[t]
                s = Sku(code, fam_name[f], label, t, 0.0,
                        growth=max(-0.3, min(0.8, rng.gauss(0.05, 0.15))),
                        cv={"bottle": 0.10, "elec": 0.14, "pack": 0.18}[t] * rng.uniform(0.8, 1.4))
                s.base = grp["level"] * rng.lognormvariate(0, 0.7)
                s.routing = [(name, min(90, max(10, round(c * rng.uniform(0.92, 1.08)))), ops)
                             for name, c, ops in tmpl]
                s.tier_steps = rng.choice((3, 4))
                s.basis = "order" if t == "pack" else "annual"
                grp["skus"].append(s)
            groups.append(grp)
    # season per family
    fam_season = []
    for f in range(n_fam):
        prof = [x * rng.uniform(0.95, 1.05) for x in SEASON[fam_type[f]]]
        m = sum(prof) / 12
        fam_season.append([x / m for x in prof])
    for grp in groups:
        for s in grp["skus"]:
            s.season = fam_season[grp["fam"]]
    all_skus = [s for g in groups for s in g["skus"]]
    # special histories
    for s in all_skus:
        r = rng.random()
        if s.kind == "pack" and r < 0.30:
            s.intermittent = (round(rng.uniform(0.12, 0.4), 2), None)  # lump set after scaling
        elif r < 0.05:
            s.growth = -rng.uniform(0.2, 0.45)
        elif r < 0.06:
            s.first, s.ramp = HIST_END - rng.randint(1, 2), True

    # --- lines: share per type proportional to load, each group on one line
    def unit_hours(s):
        return max(c for _, c, _ in s.routing) / 3600 / TYPE_OEE[s.kind]

    for g in groups:
        g["load"] = sum(s.base * unit_hours(s) for s in g["skus"])
    present = [t for t in types if any(g["type"] == t for g in groups)]
    type_load = {t: sum(g["load"] for g in groups if g["type"] == t) for t in present}
    line_types: list[str] = []
    if n_lines >= len(present):
        counts = {t: 1 for t in present}
        tot = sum(type_load.values()) or 1.0
        for _ in range(n_lines - len(present)):
            t = max(present, key=lambda t: type_load[t] / tot / counts[t])
            counts[t] += 1
        for t in present:
            line_types += [t] * counts[t]
    else:
        line_types = [present[i % len(present)] for i in range(n_lines)]
    lines = []
    for i, t in enumerate(line_types):
        cfg = rng.choices(LINE_CONFIGS, weights=LINE_CONFIG_WEIGHTS)[0]
        oee = round(TYPE_OEE[t] + rng.uniform(-0.05, 0.05), 2)
        hours = cfg[0] * cfg[1] * DAYS_PER_MONTH[cfg[2]]
        lines.append(dict(line=f"L{i + 1:02d}-{LINE_TAG[t]}", type=t, shifts_per_day=cfg[0],
                          hours_per_shift=cfg[1], days_per_week=cfg[2], oee=oee, cap=hours,
                          load=0.0))
    type_of_group = {}
    for g in groups:
        if n_lines < len(present):  # fewer lines than product types: every line builds anything
            cand = lines
        else:
            cand = [ln for ln in lines if ln["type"] == g["type"]]
        type_of_group[id(g)] = cand
    # scale volumes per candidate-line set so that average utilisation is ~72 %
    sets: dict[tuple, list] = {}
    for g in groups:
        key = tuple(ln["line"] for ln in type_of_group[id(g)])
        sets.setdefault(key, []).append(g)
    by_name = {ln["line"]: ln for ln in lines}
    for key, gs in sets.items():
        cap = sum(by_name[n]["cap"] for n in key)
        load = sum(g["load"] for g in gs) or 1.0
        k = 0.72 * cap / load
        # a sku group stays on one line unless it is too big for one line: then it is cut
        limit = 0.4 * cap / len(key) * 0.72
        chunks = []
        for g in gs:
            chunk, c_load = [], 0.0
            for s in g["skus"]:
                s.base *= k
                h = s.base * unit_hours(s)
                if chunk and c_load + h > limit:
                    chunks.append((c_load, chunk))
                    chunk, c_load = [], 0.0
                chunk.append(s)
                c_load += h
            chunks.append((c_load, chunk))
            g["load"] *= k
        # longest processing time first onto the relatively least loaded line
        for c_load, chunk in sorted(chunks, key=lambda c: -c[0]):
            ln = min((by_name[n] for n in key), key=lambda ln: (ln["load"] + c_load) / ln["cap"])
            ln["load"] += c_load
            for s in chunk:
                s.line = ln["line"]
    # then staff each line (shifts, days) so that its own average utilisation lands near 70-90 %
    for ln in lines:
        want = rng.uniform(0.72, 0.84)
        load = ln["load"] * TYPE_OEE[ln["type"]] / ln["oee"]
        cfg = min(LINE_CONFIGS, key=lambda c: abs(load / (c[0] * c[1] * DAYS_PER_MONTH[c[2]]) - want))
        ln["shifts_per_day"], ln["hours_per_shift"], ln["days_per_week"] = cfg
        ln["cap"] = cfg[0] * cfg[1] * DAYS_PER_MONTH[cfg[2]]
        ln["load"] = load
    for s in all_skus:
        s.base = max(3.0, s.base)
        if s.intermittent is not None:
            p = s.intermittent[0]
            s.intermittent = (p, max(5, round(s.base / p)))
    cat.lines = [dict(line=ln["line"], shifts_per_day=ln["shifts_per_day"],
                      hours_per_shift=ln["hours_per_shift"], days_per_week=ln["days_per_week"],
                      oee=ln["oee"], util=ln["load"] / ln["cap"]) for ln in lines]

    # --- materials: raw pool, sub-assemblies per group, level-3 when >= 1000 materials
    three = n_mat >= 1000
    n_ssa = round(0.15 * n_mat) if three else 0
    n_sa = round(0.35 * n_mat)
    n_raw = n_mat - n_sa - n_ssa
    cats = list(RAW)
    tot_share = sum(RAW_SHARE.values())
    pool_n = {c: max(1, int(n_raw * RAW_SHARE[c] / tot_share)) for c in cats}
    while sum(pool_n.values()) > n_raw:  # tiny folders: trim the biggest pools
        c = max(cats, key=lambda c: pool_n[c])
        pool_n[c] -= 1
    i = 0
    while sum(pool_n.values()) < n_raw:
        pool_n[cats[i % len(cats)]] += 1
        i += 1
    pools: dict[str, list[str]] = {}
    for c in cats:
        pools[c] = [f"RM-{c}-{k + 1:04d}" for k in range(pool_n[c])]
        for name in pools[c]:
            qrange, isint, lead, moq, mult, cost = RAW[c]
            m_cost = rng.uniform(*cost)
            cat.materials[name] = dict(
                lead=rng.randint(*lead), moq=moq, mult=mult,
                cost=round(m_cost, 3 if m_cost < 0.1 else 2),
                cover=round(rng.uniform(0.3, 2.5), 2), oo=(rng.randint(0, 2) if rng.random() < 0.3 else None),
                ss=None, sub=False, cat=c)
    ptr = {c: 0 for c in cats}
    users: dict[str, list] = {c: [] for c in cats}

    def pick(c):
        pool = pools[c]
        if not pool:
            return None
        name = pool[ptr[c] % len(pool)]
        ptr[c] += 1
        return name

    def qty(c):
        qrange, isint, *_ = RAW[c]
        if isint:
            return rng.randint(int(qrange[0]), int(qrange[1]))
        return round(rng.uniform(*qrange), 3)

    # sub-assemblies: created cyclically over the (shuffled) groups
    order = list(range(len(groups)))
    rng.shuffle(order)
    sa_list = []
    sa_by_type: dict[str, list] = {t: [] for t in types}
    for k in range(n_sa):
        g = groups[order[k % len(groups)]] if groups else None
        kinds = SA_KINDS[g["type"]] + (["DRV"] if g["type"] == "elec" else [])
        kind = kinds[len(g["sa"]) % len(kinds)]
        name = f"SA-{kind}-{k + 1:05d}"
        comps = []
        for c in SA_RECIPE[kind]:
            if c == "SENSOR-IC" and rng.random() < 0.4:
                continue
            m = pick(c)
            if m:
                comps.append((m, qty(c)))
                users[c].append(comps)
        cat.sub_bom[name] = comps
        cat.materials[name] = dict(lead=rng.choice((7, 10, 14)), moq=1, mult=1, cost=None,
                                   cover=round(rng.uniform(0.1, 0.6), 2), oo=None, ss=None, sub=True,
                                   kind=kind)
        g["sa"].append(name)
        sa_list.append(name)
        sa_by_type[g["type"]].append(name)
    for g in groups:  # groups left without a sub-assembly share one of their type
        if not g["sa"] and sa_by_type[g["type"]]:
            g["sa"].append(rng.choice(sa_by_type[g["type"]]))
    for k in range(n_ssa):
        parent = sa_list[k % len(sa_list)]
        pkind = cat.materials[parent]["kind"]
        kind, recipe = SSA_RECIPE[pkind]
        name = f"SSA-{kind}-{k + 1:05d}"
        comps = []
        for c in recipe:
            m = pick(c)
            if m:
                comps.append((m, qty(c)))
                users[c].append(comps)
        cat.sub_bom[name] = comps
        cat.materials[name] = dict(lead=rng.choice((5, 7, 10)), moq=1, mult=1, cost=None,
                                   cover=round(rng.uniform(0.1, 0.5), 2), oo=None, ss=None, sub=True,
                                   kind=kind)
        cat.sub_bom[parent].append((name, rng.choice((1, 1, 1, 2))))
    # sku boms
    for g in groups:
        t = g["type"]
        gr = {}
        for c, how in SKU_RAWS[t]:
            if how == "group" or (how == "maybe" and rng.random() < 0.5):
                gr[c] = (pick(c), qty(c))
        for s in g["skus"]:
            comps = []
            for c, how in SKU_RAWS[t]:
                if how == "sku":
                    m = pick(c)
                    if m:
                        comps.append((m, qty(c)))
                elif c in gr and gr[c][0]:
                    comps.append(gr[c])
            for sa in g["sa"]:
                comps.append((sa, 1))
            for c, _ in SKU_RAWS[t]:
                users[c].append(comps)
            s.bom = comps
    # every raw in the pool is used: attach leftovers to a user of the same category
    used = set()
    for s in all_skus:
        used.update(m for m, _ in s.bom)
    for comps in cat.sub_bom.values():
        used.update(m for m, _ in comps)
    for c in cats:
        for name in pools[c]:
            if name not in used:
                host = rng.choice(users[c]) if users[c] else rng.choice(list(cat.sub_bom.values()) or [all_skus[0].bom])
                host.append((name, qty(c)))
                used.add(name)
    # safety stock on a few long-lead materials
    for name in cat.materials:
        m = cat.materials[name]
        if not m["sub"] and m["lead"] >= 75 and rng.random() < 0.3:
            m["ss"] = -1  # set from usage later

    # --- prices from rolled-up cost
    cost = material_costs(cat, rng)
    for s in all_skus:
        mat = sum(q * cost[m] for m, q in s.bom)
        labour = sum(c for _, c, _ in s.routing) / 3600 * 14.0
        s.price0 = mat * 1.25 + labour + {"bottle": 2.0, "elec": 3.0, "pack": 0.4}[s.kind]
    if len(all_skus) >= 10:
        for s in rng.sample(all_skus, max(1, len(all_skus) // 10)):
            if s.intermittent is None and s.basis == "annual":
                s.near = rng.choice(("above", "above", "below"))

    # --- launches (new skus), promotions, adds, overrides
    n_new = max(1, n_skus // 2000)
    cand_groups = [g for g in groups if g["type"] != "pack"] or groups
    for k in range(n_new):
        g = rng.choice(cand_groups)
        tmpl = g["skus"][0]
        s = Sku(f"{tmpl.sku[:-3]}-N{k + 1}", tmpl.family, tmpl.name.split(",")[0] + ", new colour",
                tmpl.kind, 0.0)
        s.line, s.routing, s.bom, s.price0 = tmpl.line, list(tmpl.routing), list(tmpl.bom), tmpl.price0
        s.season, s.basis, s.tier_steps = tmpl.season, tmpl.basis, tmpl.tier_steps
        units = max(10, nice(sorted(x.base for x in g["skus"])[len(g["skus"]) // 2]))
        s.new = (START + rng.randint(2, 7), units)
        g["skus"].append(s)
        all_skus.append(s)
        cat.events.append((s.sku, s.new[0], "launch", units, "New colour launch"))
    regular = [s for s in all_skus if s.intermittent is None and s.new is None]
    promo = [s for s in regular if s.kind != "pack"] or regular
    for s in rng.sample(promo, min(len(promo), max(2, len(promo) // 100))):
        cat.events.append((s.sku, START, "multiplier", rng.choice((1.2, 1.25, 1.3, 1.4)),
                           "Black Friday / Cyber Monday promotion"))
    bottles_ = [s for s in regular if s.kind == "bottle"] or regular
    for s in rng.sample(bottles_, min(len(bottles_), max(1, len(bottles_) // 200))):
        cat.events.append((s.sku, START + 7, "multiplier", rng.choice((1.15, 1.2)), "Summer promotion"))
    for s in rng.sample(regular, min(len(regular), max(1, len(regular) // 500))):
        cat.events.append((s.sku, START + rng.randint(2, 9), "add", nice(s.base * rng.uniform(0.3, 0.8)),
                           "New retailer listing: pipeline fill"))
    decl = [s for s in regular if s.growth < -0.15] or regular
    for s in rng.sample(decl, min(len(decl), max(1, len(decl) // 50))):
        cat.events.append((s.sku, START + rng.randint(1, 4), "override", nice(s.base * 0.3),
                           "Run-out build agreed with sales"))
    cat.events.sort(key=lambda e: (e[1], e[0], e[2]))
    cat.skus = all_skus

    # --- calendar: shared holidays, maintenance and overtime per line
    cal = [("*", "2026-12-25", 0, "Christmas Day (brand and CM closed)"),
           ("*", "2027-01-01", 0, "New Year's Day")]
    d = dt.date(2027, 2, 6)
    while d <= dt.date(2027, 2, 14):
        cal.append(("*", d.isoformat(), 0, "Lunar New Year shutdown"))
        d += dt.timedelta(days=1)
    cal += [("*", "2027-04-05", 0, "Qingming Festival"), ("*", "2027-05-01", 0, "Labour Day"),
            ("*", "2027-06-09", 0, "Dragon Boat Festival"), ("*", "2027-09-15", 0, "Mid-Autumn Festival")]
    d = dt.date(2027, 10, 1)
    while d <= dt.date(2027, 10, 5):
        cal.append(("*", d.isoformat(), 0, "National Day holidays"))
        d += dt.timedelta(days=1)
    for ln in cat.lines:
        if rng.random() < 0.25:
            m = START + rng.randint(0, HORIZON - 1)
            day = rng.choice(weekdays(m))
            cal.append((ln["line"], day, 0, "Preventive maintenance"))
        if ln["days_per_week"] == 5 and ln["util"] > 0.74 and rng.random() < 0.5:
            sats = [x.isoformat() for x in days_in_month(START) if x.weekday() == 5]
            for day in sats[1:3]:
                cal.append((ln["line"], day, ln["shifts_per_day"] * ln["hours_per_shift"],
                            "Saturday overtime for the Q4 peak"))
    cat.calendar = cal
    return cat


# ----------------------------------------------------------------------------- shared logic


def material_costs(cat: Catalog, rng: random.Random) -> dict:
    cost: dict[str, float] = {}

    def c(m):
        if m in cost:
            return cost[m]
        f = cat.materials[m]
        if f["cost"] is None:
            v = sum(q * c(x) for x, q in cat.sub_bom[m]) + rng.uniform(0.10, 0.60)
            f["cost"] = round(v, 2)
        cost[m] = f["cost"]
        return cost[m]

    for m in cat.materials:
        c(m)
    return cost


def usage(cat: Catalog, ev: dict) -> dict:
    """Average monthly gross requirement per material over the horizon (expected demand)."""
    use: dict[str, float] = {m: 0.0 for m in cat.materials}
    for s in cat.skus:
        d = sum(expected(s, t, ev) for t in range(START, START + HORIZON)) / HORIZON
        for m, q in s.bom:
            use[m] += d * q
    # sub-assemblies in topological order (parents before children)
    order, seen = [], set()

    def visit(m):
        if m in seen:
            return
        seen.add(m)
        for x, _ in cat.sub_bom.get(m, ()):
            visit(x)
        order.append(m)

    for m in cat.sub_bom:
        visit(m)
    for m in reversed(order):
        for x, q in cat.sub_bom.get(m, ()):
            use[x] += use[m] * q
    return use


def tiers(s: Sku, annual: float, rng: random.Random) -> list[tuple[int, float]]:
    if s.basis == "order":
        # order basis: breaks on the size of one order (a month of demand, or one lump)
        v = max(10.0, s.intermittent[1] if s.intermittent else annual / 12)
        mults = [0.5, 1.2, 3.0][: s.tier_steps - 1]
    else:
        v = max(100.0, annual)
        mults = [rng.uniform(0.25, 0.45), rng.uniform(1.25, 1.6), rng.uniform(2.2, 3.0)][: s.tier_steps - 1]
    breaks = [nice(v * x) for x in mults]
    if s.near == "above":
        breaks[1 if len(breaks) > 1 else 0] = nice(v * rng.uniform(1.025, 1.05), fine=True)
    elif s.near == "below":
        breaks[1 if len(breaks) > 1 else 0] = nice(v * rng.uniform(0.95, 0.975), fine=True)
    breaks = sorted(set(b for b in breaks if b > 0))
    out = [(0, s.price0)]
    p = s.price0
    for b in breaks:
        p *= 1 - rng.uniform(0.025, 0.045)
        out.append((b, p))
    step = 0.05 if s.price0 >= 5 else 0.01
    res, last = [], None
    for b, p in out:
        q = round(round(p / step) * step, 2)
        if last is not None and q >= last:
            q = round(last - step, 2)
        res.append((b, q))
        last = q
    return res


class Out:
    """Writes files as name.tmp and renames them into place when all went well."""

    def __init__(self, root: str):
        self.root = root
        self.pending: list[str] = []
        self.rows: dict[str, int] = {}
        self.stale: list[str] = []  # files of an earlier run this one does not write

    def csv(self, name: str, header: list[str]):
        path = os.path.join(self.root, name + ".tmp")
        f = open(path, "w", encoding="utf-8", newline="")
        self.pending.append(name)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        return f, w

    def text(self, name: str, body: str):
        path = os.path.join(self.root, name + ".tmp")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(body)
        self.pending.append(name)

    def commit(self):
        for name in self.pending:
            os.replace(os.path.join(self.root, name + ".tmp"), os.path.join(self.root, name))
        for name in self.stale:
            if os.path.isfile(os.path.join(self.root, name)):
                os.remove(os.path.join(self.root, name))

    def abort(self):
        for name in self.pending:
            try:
                os.remove(os.path.join(self.root, name + ".tmp"))
            except OSError:
                pass


def check_out_dir(path: str) -> None:
    if not os.path.exists(path):
        os.makedirs(path)
        return
    if not os.path.isdir(path):
        sys.exit(f"generate.py: {path} exists and is not a directory")
    entries = sorted(os.listdir(path))
    if not entries:
        return
    ours = set(FILES) | {MARKER}
    foreign = [e for e in entries if e not in ours]
    if MARKER not in entries or foreign:
        what = ", ".join(foreign[:5]) if foreign else "files without this generator's marker " + MARKER
        sys.exit(f"generate.py: refusing to write into {path}: it holds {what}. "
                 "Choose an empty or new directory (this generator only overwrites its own output).")


SCORECARD_TOML = """\
# Targets of the partnership scorecard (planner scorecard), agreed between the brand and the
# contract manufacturer (generated by data/generate.py). These are the defaults: delete a line
# to keep its default. Shares are fractions: 0.95 = 95 %.
grace_days = 2           # a delivery up to 2 days after its due date is still on time
months = 12              # months of trend

[targets]
otd = 0.95               # on-time delivery: at least 95 % of PO lines
ppm = 500                # at most 500 rejected parts per million received
fpy = 0.98               # first-pass yield: at least 98 % of units neither rejected nor reworked
price_tolerance = 0.02   # price paid within 2 % of the quoted tier price
"""

# Appended to the demo's planner.toml: the price reviews that let index moves reach the prices
# within the 12-month horizon (the default fixes them for 12 months).
REVIEW_TOML = """
# Index-linked price reviews agreed with the contract manufacturer (cost_breakdown.csv,
# indices.csv): prices are fixed for the first 3 planned months, then reviewed every quarter
# (months 4, 7 and 10: 2027-02, 2027-05, 2027-08), passing index moves on in full.
[pricing.review]
fixed_months = 3
every_months = 3
pass_through = 1.0
"""

# Lateness by product type: (share of PO lines late in a normal month, share in the type's
# crunch months, crunch months of the year (1 = January)). Bottles are late in the Q4 peak, when
# L1-BOTTLE runs full; electronics around the Lunar New Year shutdown.
LATENESS = {
    "bottle": (0.015, 0.15, (10, 11, 12)),
    "elec": (0.02, 0.25, (2, 3)),
    "pack": (0.015, 0.015, ()),
}
# Rejected and reworked shares of units received, by product type.
QUALITY = {"bottle": (0.00015, 0.003), "elec": (0.00035, 0.008), "pack": (0.0001, 0.002)}
# A quality incident: (sku, month index, rejected share, reworked share) - a bad batch of
# speaker grilles, in the month after the Lunar New Year restart.
INCIDENT = ("HSG-SPK-MAX-BLK", 2026 * 12 + 2, 0.012, 0.10)
# A surcharge the CM invoices without a price review: (family, from month index, factor).
SURCHARGE = ("housings", 2026 * 12 + 3, 1.03)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def tier_price(breaks: list[tuple[int, float]], volume: float) -> float:
    """All-units tier price of a volume (the lowest tier's price below the first break)."""
    price = breaks[0][1]
    for b, p in breaks:
        if volume >= b:
            price = p
    return price


def write_deliveries(o: Out, cat: Catalog, hist: dict, tier_map: dict, rng: random.Random,
                     factors: dict[tuple[str, int], float] | None = None) -> int:
    """deliveries.csv: the CM's deliveries against the brand's POs for the last DELIVERY_MONTHS
    months of history. One PO per family and half month (due around the 8th and the 22nd), a
    line per sku with demand that month (the half-month split of the month's demand). Most
    lines arrive within two days of due, some early; late ones cluster in each type's crunch
    months; about one line in eight arrives in two parts. Deliveries after the last history
    month are still open (no delivered_date): most of the last month's second PO, due at the
    month's end, and a few backorders. The price paid is the tier price of the 12-month pricing
    year holding the month received (counted from the first planned month, as planner's pricing
    and scorecard count them) or of the PO line; with `factors` (the demo's index-linked prices)
    it is moved by the sku's indices at the review in force in the month received."""
    as_of = dt.date(HIST_END // 12, HIST_END % 12 + 1, 1)
    as_of = dt.date(as_of.year + as_of.month // 12, as_of.month % 12 + 1, 1) - dt.timedelta(days=1)
    f, w = o.csv("deliveries.csv", ["po", "sku", "due_date", "delivered_date", "quantity",
                                    "rejected", "reworked", "unit_price"])
    by_family: dict[str, list[Sku]] = {}
    for s in cat.skus:
        by_family.setdefault(s.family, []).append(s)
    n = 0
    for t in range(HIST_END - DELIVERY_MONTHS + 1, HIST_END + 1):
        days = weekdays(t)
        month = t % 12 + 1
        for k, (family, skus) in enumerate(by_family.items()):
            tag = "".join(c for c in family.upper() if c.isalnum())[:3]
            for half, day in enumerate((8, 22)):
                po = f"PO-{t // 12 % 100:02d}{month:02d}-{tag}{k + 1:02d}{'AB'[half]}"
                # the last month's second PO is due on its last weekday: on the as-of date
                # only what came early has been received, the rest is in transit (open)
                in_transit = t == HIST_END and half == 1
                if in_transit:
                    day = int(days[-1][8:])
                due = dt.date.fromisoformat(next(d for d in days if int(d[8:]) >= day))
                for s in skus:
                    q = hist.get((s.sku, t), 0)
                    if q <= 0:
                        continue
                    # one PO a month for small quantities, else half in each
                    qty = (q if half == 0 else 0) if q < 60 else (q // 2 if half == 0 else q - q // 2)
                    if qty <= 0:
                        continue
                    normal, crunch, months = LATENESS[s.kind]
                    p_late = crunch if month in months else normal
                    r = rng.random()
                    if r < p_late:
                        delay = rng.randint(3, 14)
                    elif r < p_late + 0.15:
                        delay = -rng.randint(1, 5)
                    else:
                        delay = rng.choice((0, 0, 0, 1, 1, 2))
                    parts = [(qty, delay)]
                    if qty >= 40 and rng.random() < 0.12:
                        first = int(round(qty * rng.uniform(0.6, 0.9)))
                        rest = rng.choice((0, 1, 2)) if rng.random() < 0.7 else rng.randint(3, 10)
                        parts = [(first, delay), (qty - first, delay + rest)]
                    if t >= HIST_END - 1 and rng.random() < 0.03:
                        parts[-1] = (parts[-1][0], 999)  # a backorder still open on the as-of date
                    fam, since, factor = SURCHARGE

                    p_rej, p_rew = QUALITY[s.kind]
                    if (s.sku, t) == INCIDENT[:2]:
                        p_rej, p_rew = INCIDENT[2:]
                    for part, dl in parts:
                        at = due + dt.timedelta(days=dl)
                        if at > as_of or (in_transit and dl >= 0):
                            w.writerow([po, s.sku, due.isoformat(), "", part, "", "", ""])
                        else:
                            rej = min(part, poisson(rng, part * p_rej))
                            rew = min(part - rej, poisson(rng, part * p_rew))
                            tr = at.year * 12 + at.month - 1
                            # The quote as planner finds it: the tier of the 12-month pricing
                            # year holding the month received (years counted from the first
                            # planned month), or of the PO line on the order basis.
                            first = PLAN_START + (tr - PLAN_START) // 12 * 12
                            volume = (sum(hist.get((s.sku, first + j), 0) for j in range(12))
                                      if s.basis == "annual" else qty)
                            price = tier_price(tier_map[s.sku], volume)
                            if s.family == fam and t >= since:
                                price = round(price * factor, 2)
                            pay = price if factors is None else round(price * factors[(s.sku, tr)], 2)
                            w.writerow([po, s.sku, due.isoformat(), at.isoformat(), part, rej, rew,
                                        f"{pay:.2f}"])
                        n += 1
    f.close()
    return n


def month_index(m: str) -> int:
    return int(m[:4]) * 12 + int(m[5:7]) - 1


def quoted_price(s: Sku, breaks: list[tuple[int, float]], ev: dict) -> float:
    """The tier price the CM quoted for the expected volume the tiers were placed around: the
    12-month volume (annual basis) or one order (order basis, as `tiers` sizes them)."""
    annual = sum(expected(s, t, ev) for t in range(START, START + HORIZON))
    if s.basis == "order":
        return tier_price(breaks, max(10.0, s.intermittent[1] if s.intermittent else annual / 12))
    return tier_price(breaks, annual)


def cost_shares(s: Sku) -> list[tuple[str, float, str | None]]:
    """A demo sku's cost components as (component, share of the quoted price, index), margin
    left out (it is the rest)."""
    if s.kind == "bottle":
        _, size, col = s.sku.split("-")
        steel = col == "STL"
        out = [("stainless", BOTTLE_STAINLESS[int(size)] + (0.03 if steel else 0.0), "SS304"),
               ("resin", 0.03, "PP")]  # the moulded lid
        if not steel:
            out.append(("powder-coat", 0.05, None))
        out += [("parts", 0.025, None), ("packaging", 0.035, None),
                ("labour", 0.21 + (0.03 if steel else 0.0), "LABOUR"), ("energy", 0.08, "POWER")]
    else:
        resin_index, resin, elec, parts, pack, moulding, labour = DEMO_COST_SHARES[s.sku]
        out = [("resin", resin, resin_index), ("electronics", elec, "CHIP"), ("parts", parts, None),
               ("packaging", pack, None), ("moulding", moulding, None), ("labour", labour, "LABOUR")]
        out = [c for c in out if c[1] > 0]
    out.append(("overhead", OVERHEAD_SHARE[s.kind], None))
    return out


def write_cost_breakdown(o: Out, cat: Catalog, tier_map: dict, ev: dict) -> int:
    """cost_breakdown.csv: each sku's quoted tier price split into the CM's cost components, in
    tenths of a cent; the margin takes the rounding, so the amounts add up to the price exactly."""
    f, w = o.csv("cost_breakdown.csv", ["sku", "component", "amount", "index"])
    n = 0
    for s in cat.skus:
        for c, a, index in cost_rows(s, tier_map[s.sku], ev):
            w.writerow([s.sku, c, f"{a / 1000:.3f}", index or ""])
            n += 1
    f.close()
    return n


def cost_rows(s: Sku, breaks: list[tuple[int, float]], ev: dict) -> list[tuple[str, int, str | None]]:
    """A demo sku's cost components in tenths of a cent, the margin last: it takes the rounding,
    so the amounts add up to the quoted price exactly."""
    price = round(quoted_price(s, breaks, ev) * 1000)
    rows = [(c, round(share * price), index) for c, share, index in cost_shares(s)]
    margin = price - sum(a for _, a, _ in rows)
    assert margin > 0, s.sku
    return rows + [("margin", margin, None)]


def index_values(first_m: int, rng: random.Random) -> dict[tuple[str, int], float]:
    """A value per index and month of the demand history (INDEX_PATHS), as indices.csv rounds
    it."""
    values: dict[tuple[str, int], float] = {}
    for name, step, noise, anchors in INDEX_PATHS:
        pts = [(month_index(m), float(v)) for m, v in anchors]
        for t in range(first_m, HIST_END + 1):
            k = sum(1 for m, _ in pts if m <= t)  # anchors at or before t
            if k == 0:
                v = pts[0][1]
            elif noise is None or k == len(pts):
                v = pts[k - 1][1]
            else:
                (m0, v0), (m1, v1) = pts[k - 1], pts[k]
                v = v0 + (v1 - v0) * (t - m0) / (m1 - m0)
            if noise is not None and all(m != t for m, _ in pts):
                v *= 1 + rng.gauss(0, noise)
            if name == "POWER" and t % 12 in (6, 7, 8):
                v *= POWER_SUMMER
            v = round(v / step) * step
            values[(name, t)] = round(v) if step >= 1 else round(v, 1)
    return values


def write_indices(o: Out, values: dict[tuple[str, int], float]) -> int:
    """indices.csv: the values of `index_values`, by index and month."""
    steps = {name: step for name, step, _, _ in INDEX_PATHS}
    f, w = o.csv("indices.csv", ["index", "month", "value"])
    for (name, t), v in values.items():
        w.writerow([name, month_str(t), f"{v:.0f}" if steps[name] >= 1 else f"{v:.1f}"])
    f.close()
    return len(values)


def price_factors(cat: Catalog, tier_map: dict, ev: dict,
                  values: dict[tuple[str, int], float]) -> dict[tuple[str, int], float]:
    """The index-linked factor of each sku's quote in each month of the demand history: the
    scorecard's `1 + pass_through * sum share * (I(r) / I(anchor) - 1)`, `r` the review in force
    in month t (every REVIEW_EVERY months counted back from the first planned month), the anchor being the
    last month of history (the index value in force at the first planned month), the shares the
    amounts of cost_breakdown.csv over the quoted price, the pass-through 1."""
    out: dict[tuple[str, int], float] = {}
    months = sorted({t for _, t in values})
    for s in cat.skus:
        rows = cost_rows(s, tier_map[s.sku], ev)
        total = sum(a for _, a, _ in rows)
        for t in months:
            # The review in force: reviews every REVIEW_EVERY months, counted back from the
            # first planned month (fixed_months 3 is a multiple of 3).
            r = PLAN_START + (t - PLAN_START) // REVIEW_EVERY * REVIEW_EVERY
            at = max(m for m in months if m <= r) if r >= months[0] else months[0]
            moved = sum(a / total * (values[(i, at)] / values[(i, HIST_END)] - 1)
                        for _, a, i in rows if i)
            out[(s.sku, t)] = 1 + moved
    return out


def write_folder(cat: Catalog, out_dir: str, rng: random.Random, months: int,
                 transactional: bool, args_line: str) -> dict:
    ev = event_index(cat)
    o = Out(out_dir)
    counts: dict[str, int] = {}
    try:
        # products
        f, w = o.csv("products.csv", ["sku", "family", "name", "unit"])
        for s in cat.skus:
            w.writerow([s.sku, s.family, s.name, s.unit])
        f.close()
        counts["products.csv"] = len(cat.skus)

        # lines
        f, w = o.csv("lines.csv", ["line", "shifts_per_day", "hours_per_shift", "days_per_week", "oee",
                                   "operators_per_shift"])
        ops: dict[str, int] = {}
        for s in cat.skus:
            ops[s.line] = max(ops.get(s.line, 0), sum(x[2] for x in s.routing) + 1)
        for ln in cat.lines:
            w.writerow([ln["line"], ln["shifts_per_day"], ln["hours_per_shift"], ln["days_per_week"],
                        num(ln["oee"]), ops.get(ln["line"], 1)])
        f.close()
        counts["lines.csv"] = len(cat.lines)

        # routings
        f, w = o.csv("routings.csv", ["sku", "line", "station", "cycle_seconds", "operators"])
        n = 0
        for s in cat.skus:
            for st, c, op in s.routing:
                w.writerow([s.sku, s.line, st, num(c), op])
                n += 1
        f.close()
        counts["routings.csv"] = n

        # calendar
        f, w = o.csv("calendar.csv", ["line", "date", "hours", "reason"])
        for row in sorted(cat.calendar, key=lambda r: (r[1], r[0] != "*", r[0])):
            w.writerow([row[0], row[1], num(row[2]), row[3]])
        f.close()
        counts["calendar.csv"] = len(cat.calendar)

        # events
        f, w = o.csv("events.csv", ["sku", "month", "kind", "value", "note"])
        for sku, m, kind, value, note in cat.events:
            w.writerow([sku, month_str(m), kind, num(value), note])
        f.close()
        counts["events.csv"] = len(cat.events)

        # bom: finished skus, then sub-assemblies
        f, w = o.csv("bom.csv", ["sku", "material", "qty_per"])
        n = 0
        for s in cat.skus:
            for m, q in s.bom:
                w.writerow([s.sku, m, num(q)])
                n += 1
        for sa, comps in cat.sub_bom.items():
            for m, q in comps:
                w.writerow([sa, m, num(q)])
                n += 1
        f.close()
        counts["bom.csv"] = n

        # materials: on hand and open orders sized from the expected usage
        material_costs(cat, rng)
        use = usage(cat, ev)
        f, w = o.csv("materials.csv", ["material", "lead_time_days", "moq", "order_multiple", "unit_cost",
                                       "on_hand", "on_order", "on_order_month", "safety_stock"])
        for name, m in cat.materials.items():
            u = use.get(name, 0.0)
            on_hand = int(round(u * m["cover"]))
            if m["sub"]:
                on_order, oo_month = "", ""
            elif m["oo"] is not None and u > 0:
                on_order = lot(u * rng.uniform(1.0, 2.0), m["moq"], m["mult"])
                oo_month = month_str(START + m["oo"])
            else:
                on_order, oo_month = "", ""
            ss = m["ss"]
            if ss == -1:
                ss = nice(max(1.0, u * 0.3))
            w.writerow([name, m["lead"], m["moq"], m["mult"], num(m["cost"], 3), on_hand, on_order,
                        oo_month, "" if ss is None else ss])
        f.close()
        counts["materials.csv"] = len(cat.materials)

        # price tiers, from the expected 12-month volume
        f, w = o.csv("price_tiers.csv", ["sku", "min_qty", "unit_price", "basis", "currency"])
        n = 0
        tier_map: dict[str, list[tuple[int, float]]] = {}
        for s in cat.skus:
            annual = sum(expected(s, t, ev) for t in range(START, START + HORIZON))
            tier_map[s.sku] = tiers(s, annual, rng)
            for b, p in tier_map[s.sku]:
                w.writerow([s.sku, b, f"{p:.2f}", s.basis, "USD"])
                n += 1
        f.close()
        counts["price_tiers.csv"] = n

        # demand history, streamed
        first_m = HIST_END - months + 1
        # order lines come from their own stream, so that --transactional sums to the same months
        orders = random.Random(rng.getrandbits(64))
        f, w = o.csv("demand.csv", ["sku", "date" if transactional else "month", "quantity"])
        n = 0
        hist: dict[tuple[str, int], int] = {}
        for s in cat.skus:
            if s.new is not None:
                continue
            start = max(first_m, s.first if s.first is not None else first_m)
            for t in range(start, HIST_END + 1):
                if s.intermittent is not None:
                    p, lump = s.intermittent
                    qv = int(round(lump * rng.uniform(0.3, 1.7))) if rng.random() < p else 0
                else:
                    val = expected(s, t) * max(0.0, 1 + rng.gauss(0, s.cv))
                    qv = int(round(val))
                hist[(s.sku, t)] = qv
                if qv == 0 and t not in (start, HIST_END) and rng.random() < 0.5:
                    continue  # a missing month inside the span is zero demand
                if not transactional:
                    w.writerow([s.sku, month_str(t), qv])
                    n += 1
                    continue
                days = weekdays(t)
                if qv == 0:
                    w.writerow([s.sku, days[-1], 0])
                    n += 1
                    continue
                k = min(qv, max(1, int(math.log2(1 + qv / 40)) + orders.randint(0, 2)))
                cuts = sorted(orders.sample(range(1, qv), k - 1)) if k > 1 else []
                parts = [b - a for a, b in zip([0] + cuts, cuts + [qv])]
                dates = sorted(orders.choices(days, k=k))
                for day, part in zip(dates, parts):
                    w.writerow([s.sku, day, part])
                    n += 1
        f.close()
        counts["demand.csv"] = n

        # deliveries: their own stream, drawn after everything else, so the other files stay
        # exactly as they were before deliveries.csv existed
        delivery_rng = random.Random(rng.getrandbits(64))
        factors = None
        if cat.index_linked:
            # index-linked prices (the demo only): a stream of their own, drawn after the
            # deliveries', so that every other file stays as it was before these two existed;
            # the prices paid in deliveries.csv follow the indices
            values = index_values(first_m, random.Random(rng.getrandbits(64)))
            factors = price_factors(cat, tier_map, ev, values)
        counts["deliveries.csv"] = write_deliveries(o, cat, hist, tier_map, delivery_rng, factors)
        if cat.index_linked:
            counts["cost_breakdown.csv"] = write_cost_breakdown(o, cat, tier_map, ev)
            counts["indices.csv"] = write_indices(o, values)
        else:
            o.stale += ["cost_breakdown.csv", "indices.csv"]  # left out: remove an earlier run's
        o.text("scorecard.toml", SCORECARD_TOML)
        counts["scorecard.toml"] = 1

        # finished goods and open orders: a stream of their own, drawn last, so that every other
        # file stays as it was before these two existed
        counts.update(write_stock(o, cat, ev, use, random.Random(rng.getrandbits(64))))

        fences = (
            "# Time fences agreed with the contract manufacturer, counted from the start month\n"
            "# (1 = the first planned month): month 1 is frozen, months 2-3 may move 10 % and\n"
            "# months 4-6 25 % from last month's plan; later months are free.\n"
            "[[fences]]\nmonths = [1, 1]\nmax_change = 0.0\n\n"
            "[[fences]]\nmonths = [2, 3]\nmax_change = 0.10\n\n"
            "[[fences]]\nmonths = [4, 6]\nmax_change = 0.25\n"
        )
        o.text("planner.toml",
               "# planner settings for this planning folder (generated by data/generate.py)\n"
               f"horizon = {HORIZON}\n"
               "levels = [80, 95]\n"
               "service_level = 0.95\n"
               "po_notice_days = 30\n\n" + fences + (REVIEW_TOML if cat.index_linked else ""))
        counts["planner.toml"] = 1
        o.text(MARKER, "This folder was written by data/generate.py; it may overwrite it.\n"
                       f"arguments: {args_line}\n")
        o.commit()
    except BaseException:
        o.abort()
        raise
    return counts


def write_stock(o: Out, cat: Catalog, ev: dict, use: dict, rng: random.Random) -> dict:
    """inventory.csv (finished goods: a week to three of the first month's demand) and
    open_orders.csv: the purchase orders last months' releases became (one per month the lead
    time spans, this month and the next (none past 60 days of lead time), the month of materials.csv's own on_order left out)
    and a production order due in the first month for every third sku."""
    counts = {}
    f, w = o.csv("inventory.csv", ["sku", "on_hand"])
    n = 0
    for s in cat.skus:
        if s.new is not None:
            continue
        w.writerow([s.sku, int(round(expected(s, START, ev) * rng.uniform(0.25, 0.75)))])
        n += 1
    f.close()
    counts["inventory.csv"] = n
    f, w = o.csv("open_orders.csv", ["item", "quantity", "due_month", "po"])
    n = 0
    po = 4500100
    for name, m in cat.materials.items():
        u = use.get(name, 0.0)
        if u <= 0:
            continue
        # the firm months only (this month and the next; none for a lead time over 60 days,
        # whose orders materials.csv's on_order holds): long-lead materials keep their pre-buys
        for t in range(0, min(0 if m["lead"] > 60 else 2, -(-m["lead"] // 30))):
            if m["oo"] == t:
                continue
            w.writerow([name, lot(u * rng.uniform(0.9, 1.2), m["moq"], m["mult"]), month_str(START + t),
                        f"PO-{po}"])
            po += 1
            n += 1
    for i, s in enumerate(cat.skus):
        if s.new is None and i % 3 == 0:
            q = int(round(expected(s, START, ev) * rng.uniform(0.3, 0.6)))
            w.writerow([s.sku, q, month_str(START), f"MO-{po}"])
            po += 1
            n += 1
    f.close()
    counts["open_orders.csv"] = n
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (new, empty, or a previous output)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skus", type=int, help="number of skus (default: the curated ~30-sku demo)")
    ap.add_argument("--lines", type=int, help="number of assembly lines (default: demo's 3)")
    ap.add_argument("--materials", type=int, help="number of materials incl. sub-assemblies (default: demo's ~47)")
    ap.add_argument("--months", type=int, default=36, help="months of history ending 2026-10 (default 36)")
    ap.add_argument("--transactional", action="store_true",
                    help="write demand.csv as dated order lines (sku,date,quantity)")
    a = ap.parse_args(argv)
    if not 1 <= a.months <= 240:
        ap.error("--months must be between 1 and 240")
    scaled = a.skus is not None or a.lines is not None or a.materials is not None
    if scaled:
        n_skus = a.skus if a.skus is not None else 30
        n_lines = a.lines if a.lines is not None else max(3, n_skus // 200)
        n_mat = a.materials if a.materials is not None else max(40, n_skus // 2)
        if n_skus < 1 or n_lines < 1:
            ap.error("--skus and --lines must be at least 1")
        if n_mat < 30:
            ap.error("--materials must be at least 30")
    check_out_dir(a.out)
    rng = random.Random(a.seed)
    if scaled:
        cat = build_scaled(rng, n_skus, n_lines, n_mat)
    else:
        cat = build_demo(rng)
    args_line = f"--seed {a.seed} --months {a.months}"
    if scaled:
        args_line += f" --skus {n_skus} --lines {n_lines} --materials {n_mat}"
    if a.transactional:
        args_line += " --transactional"
    counts = write_folder(cat, a.out, rng, a.months, a.transactional, args_line)
    print(f"wrote {a.out} ({args_line}):")
    for name in FILES:
        if name in counts:
            print(f"  {name:18s} {counts[name]:>9d} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
