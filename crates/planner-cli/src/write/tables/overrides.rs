//! The `overrides` sheets of `plan.xlsx`: the final point forecast in whole units, skus down and
//! months across, for the planner to edit and hand back (`planner plan --overrides FILE.xlsx`,
//! or saved as the folder's `overrides.xlsx`; read by `load::overrides`).
//!
//! Two sheets: `overrides`, the one to edit, and `overrides_base`, marked not to be edited: the
//! same grid as planner wrote it before any handed-back override (what tells an edited cell
//! from one left alone), the first planned month, a fingerprint of the sku x month grid (what
//! tells a workbook made for another month or plan) and a checksum of its numbers (what tells
//! an edited `overrides_base`).

use planner_core::DemandPlan;

use super::{Cell, Table};

pub use crate::overrides_sheet::{
    fingerprint, numbers_checksum, BASE_SHEET, FINGERPRINT, FROM, MADE_FOR, NUMBERS, SHEET,
};

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
            "{NUMBERS}{}",
            numbers_checksum(base.skus.iter().map(|s| {
                let whole: Vec<f64> = s.forecast.point.iter().map(|v| whole(*v) as f64).collect();
                (s.sku.as_str(), whole)
            }))
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
    fn the_numbers_checksum_changes_with_any_number_and_keeps_the_old_fingerprint() {
        let a = numbers_checksum([("A", vec![1.0, 2.0]), ("B", vec![3.0])]);
        assert_eq!(
            a,
            numbers_checksum([("A", vec![1.0, 2.0]), ("B", vec![3.0])])
        );
        assert_ne!(
            a,
            numbers_checksum([("A", vec![1.0, 5.0]), ("B", vec![3.0])])
        );
        assert_ne!(
            a,
            numbers_checksum([("A", vec![1.0, 2.0]), ("B", vec![3.5])])
        );
        assert_ne!(
            a,
            numbers_checksum([("A", vec![1.0]), ("B", vec![2.0, 3.0])])
        );
        // The grid's fingerprint is FNV-1a of "2026-01\n12\nA\nB\n", as before the checksum.
        let m: Month = "2026-01".parse().unwrap();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in b"2026-01\n12\nA\nB\n" {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        assert_eq!(fingerprint(m, 12, ["A", "B"]), format!("{h:016x}"));
    }

    #[test]
    fn whole_units_round_half_away_from_zero() {
        assert_eq!(whole(12.5), 13);
        assert_eq!(whole(12.49), 12);
        assert_eq!(whole(0.0), 0);
    }
}
