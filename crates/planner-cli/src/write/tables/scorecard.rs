//! The scorecard's tables: `scorecard.csv` (month × family, a total row per month),
//! `scorecard_lines.csv` (every PO line and how it was judged) and `scorecard_misses.csv` (every
//! target missed); its trend charts are [`crate::write::charts::scorecard`].

use planner_core::scorecard::Scorecard;

use super::{header, Cell, Rows, Table};

/// The columns of `scorecard.csv`.
pub const COLUMNS: [&str; 31] = [
    "month",
    "family",
    "lines",
    "on_time_lines",
    "early_lines",
    "late_lines",
    "open_lines",
    "otd_lines",
    "units_due",
    "on_time_units",
    "otd_units",
    "avg_days_late",
    "max_days_late",
    "received",
    "rejected",
    "reworked",
    "fpy",
    "ppm",
    "priced_units",
    "price_paid",
    "price_quoted",
    "price_variance",
    "forecast",
    "actual",
    "wape",
    "bias",
    "otd_target",
    "ppm_target",
    "fpy_target",
    "price_tolerance",
    "missed",
];

/// `scorecard.csv`: one row per month and family, then the month's total (`(all)`).
pub fn scorecard(card: &Scorecard) -> Table {
    let t = &card.targets;
    let rows = card
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::month(r.month),
                Cell::text(&r.family),
                Cell::size(r.lines),
                Cell::size(r.on_time_lines),
                Cell::size(r.early_lines),
                Cell::size(r.late_lines),
                Cell::size(r.open_lines),
                Cell::ratio(r.otd_lines, 4),
                Cell::count(r.units_due, 2),
                Cell::count(r.on_time_units, 2),
                Cell::ratio(r.otd_units, 4),
                Cell::number(r.avg_days_late, 1),
                Cell::opt_int(r.max_days_late),
                Cell::count(r.received, 2),
                Cell::count(r.rejected, 2),
                Cell::count(r.reworked, 2),
                Cell::ratio(r.fpy, 4),
                Cell::number(r.ppm, 0),
                Cell::count(r.priced_units, 2),
                Cell::money(r.price_paid, 4, None),
                Cell::money(r.price_quoted, 4, None),
                Cell::ratio(r.price_variance, 4),
                Cell::count(r.forecast, 2),
                Cell::count(r.actual, 2),
                Cell::ratio(r.wape, 4),
                Cell::ratio(r.bias, 4),
                Cell::ratio(t.otd, 4),
                Cell::number(t.ppm, 2),
                Cell::ratio(t.fpy, 4),
                Cell::ratio(t.price_tolerance, 4),
                Cell::text(
                    r.missed
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
            ]
        })
        .collect();
    Table::new(header(&COLUMNS), rows)
}

/// `scorecard_lines.csv`: every PO line due in the trend window and how it was judged.
pub fn lines_rows(card: &Scorecard) -> Rows<'_> {
    let rows = card.lines.iter().map(|l| {
        vec![
            Cell::text(&*l.po),
            Cell::text(&*l.sku),
            Cell::text(&*l.family),
            Cell::date(l.due),
            Cell::date(l.completed),
            Cell::count(l.quantity, 2),
            Cell::count(l.delivered, 2),
            Cell::count(l.on_time_units, 2),
            Cell::size(l.rows),
            Cell::text(l.status.as_str()),
            Cell::opt_int(l.days_from_due),
        ]
    });
    Rows::new(
        header(&[
            "po",
            "sku",
            "family",
            "due_date",
            "completed_date",
            "quantity",
            "delivered",
            "on_time_units",
            "rows",
            "status",
            "days_from_due",
        ]),
        rows,
    )
}

/// `scorecard_misses.csv`: every target missed, by month and family.
pub fn misses(card: &Scorecard) -> Table {
    let rows = card
        .misses
        .iter()
        .map(|m| {
            let value = |x: f64| {
                if m.metric.is_share() {
                    Cell::ratio(x, 4)
                } else {
                    Cell::number(x, 0)
                }
            };
            vec![
                Cell::month(m.month),
                Cell::text(&m.family),
                Cell::text(m.metric.as_str()),
                value(m.value),
                value(m.target),
                value(m.gap),
            ]
        })
        .collect();
    Table::new(
        header(&["month", "family", "metric", "value", "target", "gap"]),
        rows,
    )
}
