//! The `overrides` sheets of `plan.xlsx`: the final point forecast in whole units, skus down and
//! months across, for the planner to edit and hand back (`planner plan --overrides FILE.xlsx`,
//! or saved as the folder's `overrides.xlsx`; read by `load::overrides`).
//!
//! Two sheets: `overrides`, the one to edit, and `overrides_base`, marked not to be edited: the
//! same grid as planner wrote it before any handed-back override (what tells an edited cell
//! from one left alone), the first planned month and a fingerprint of the sku x month grid (what
//! tells a workbook made for another month or plan).

use planner_core::DemandPlan;

use super::{Cell, Table};

/// The sheet the planner edits.
pub const SHEET: &str = "overrides";

/// The sheet that records what was written and for which plan.
pub const BASE_SHEET: &str = "overrides_base";

/// The column of [`BASE_SHEET`] that says which plan it was made for.
pub const MADE_FOR: &str = "made_for";

/// The prefix of the first planned month in [`MADE_FOR`].
pub const FROM: &str = "from ";

/// The prefix of the grid's fingerprint in [`MADE_FOR`].
pub const FINGERPRINT: &str = "fingerprint ";

/// A fingerprint of a plan's grid: its first month, its number of months and its skus in order
/// (FNV-1a, 64 bits, in hex). Two plans of the same fingerprint have the same cells.
pub fn fingerprint<'a>(
    start: planner_core::time::Month,
    horizon: usize,
    skus: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(format!("{start}\n{horizon}\n").as_bytes());
    for s in skus {
        eat(s.as_bytes());
        eat(b"\n");
    }
    format!("{h:016x}")
}

/// A point forecast in whole units, as the sheets show it.
pub fn whole(v: f64) -> i64 {
    v.round().max(0.0) as i64
}

fn grid(plan: &DemandPlan) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut header = vec!["sku".to_string()];
    header.extend((0..plan.horizon).map(|t| plan.start.plus(t as i32).to_string()));
    let rows = plan
        .skus
        .iter()
        .map(|s| {
            let mut row = vec![Cell::text(&s.sku)];
            row.extend(s.forecast.point.iter().map(|v| Cell::int(whole(*v))));
            row
        })
        .collect();
    (header, rows)
}

/// The two sheets for `plan` (the final forecast, shown to edit) and `base` (the same plan
/// before the overrides handed back to this run: what the edits are told from; `plan` itself
/// when there were none).
pub fn tables(plan: &DemandPlan, base: &DemandPlan) -> [(&'static str, Table); 2] {
    let (header, rows) = grid(plan);
    let shown = Table::new(header, rows);
    let (mut header, mut rows) = grid(base);
    header.push(MADE_FOR.to_string());
    let marks = [
        format!("{FROM}{}", base.start),
        format!(
            "{FINGERPRINT}{}",
            fingerprint(
                base.start,
                base.horizon,
                base.skus.iter().map(|s| s.sku.as_str())
            )
        ),
        format!(
            "planner wrote this sheet: do not edit it; edit the {SHEET} sheet and hand the \
             workbook back with --overrides FILE.xlsx (or save it as the folder's overrides.xlsx)"
        ),
    ];
    let width = header.len();
    while rows.len() < marks.len() {
        rows.push(vec![Cell::Empty; width - 1]);
    }
    for (row, mark) in rows
        .iter_mut()
        .zip(marks.iter().map(Some).chain(std::iter::repeat(None)))
    {
        row.push(Cell::opt_text(mark.cloned()));
    }
    [(SHEET, shown), (BASE_SHEET, Table::new(header, rows))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use planner_core::time::Month;

    #[test]
    fn the_fingerprint_changes_with_the_month_the_horizon_and_the_skus() {
        let m: Month = "2026-01".parse().unwrap();
        let a = fingerprint(m, 12, ["A", "B"]);
        assert_eq!(a.len(), 16);
        assert_eq!(a, fingerprint(m, 12, ["A", "B"]));
        assert_ne!(a, fingerprint(m.next(), 12, ["A", "B"]));
        assert_ne!(a, fingerprint(m, 11, ["A", "B"]));
        assert_ne!(a, fingerprint(m, 12, ["A", "C"]));
        assert_ne!(a, fingerprint(m, 12, ["AB"]));
    }

    #[test]
    fn whole_units_round_half_away_from_zero() {
        assert_eq!(whole(12.5), 13);
        assert_eq!(whole(12.49), 12);
        assert_eq!(whole(0.0), 0);
    }
}
