//! The scorecard's outputs: `scorecard.csv` (month × family, a total row per month),
//! `scorecard_lines.csv` (every PO line and how it was judged), `scorecard_misses.csv` (every
//! target missed) and a trend chart per metric with its target line (SVG and PNG).

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;

use planner_core::scorecard::{Metric, Scorecard, ALL};

use super::charts::{chart, err, mesh_labels, palette, titled, Chart, Draw, FONT};
use super::num;
use super::tables::{Cell, Rows, Table};

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

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
            Cell::text(&l.po),
            Cell::text(&l.sku),
            Cell::text(&l.family),
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

/// A value as the terminal summary shows it: shares in percent, PPM as a whole number.
pub fn show(metric: Metric, v: f64) -> String {
    if metric.is_share() {
        format!("{} %", num(v * 100.0, 1))
    } else {
        num(v, 0)
    }
}

/// A gap as the terminal summary shows it: percentage points for shares.
pub fn show_gap(metric: Metric, gap: f64) -> String {
    if metric.is_share() {
        let points = num(gap * 100.0, 1);
        let unit = if points == "1" { "point" } else { "points" };
        format!("{points} {unit}")
    } else {
        num(gap, 0)
    }
}

// ---------------------------------------------------------------------------------------------
// Charts

const WIDTH: u32 = 960;
/// The legend panel on the right.
const LEGEND_WIDTH: u32 = 170;
const HEIGHT: u32 = 400;
const TOTAL: RGBColor = RGBColor(37, 99, 235);
const TARGET: RGBColor = RGBColor(220, 38, 38);
const FAMILIES: [RGBColor; 6] = [
    RGBColor(124, 58, 237),
    RGBColor(217, 119, 6),
    RGBColor(5, 150, 105),
    RGBColor(219, 39, 119),
    RGBColor(8, 145, 178),
    RGBColor(101, 163, 13),
];

/// The data of one chart: a series per family (thin) and the total (thick), in display units.
struct Trend {
    title: String,
    unit: &'static str,
    months: Vec<String>,
    series: Vec<(String, Vec<Option<f64>>)>,
    total: Vec<Option<f64>>,
    /// Target lines (two for the price tolerance band).
    targets: Vec<f64>,
}

impl Draw for Trend {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()> {
        root.fill(&WHITE).map_err(err)?;
        // The legend has its own panel on the right, so it never hides a month.
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let values = self
            .series
            .iter()
            .flat_map(|s| s.1.iter())
            .chain(self.total.iter())
            .flatten()
            .copied()
            .chain(self.targets.iter().copied())
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let pad = ((hi - lo) * 0.08).max(0.5);
        // Counts and shares never go below zero: no negative axis under them.
        let ylo = if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        };
        let yhi = hi + pad;
        let n = self.months.len().max(1);
        let mut chart = titled(&plot, &self.title, 60, -0.5..(n as f64 - 0.5), ylo..yhi)?;
        let months = &self.months;
        let fmt_x = |x: &f64| {
            let r = x.round();
            if (x - r).abs() < 1e-6 && r >= 0.0 {
                months.get(r as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let fmt_y = |y: &f64| num(*y, 1);
        // The shared mesh, with faint minor grid lines of its own.
        mesh_labels(&mut chart)
            .light_line_style(palette::GRID.mix(0.5))
            .x_labels(n + 1)
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .y_desc(self.unit)
            .disable_x_mesh()
            .draw()
            .map_err(err)?;

        // (label, colour, width, dashed) of each legend entry.
        let mut entries: Vec<(String, RGBColor, u32, bool)> = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            chart
                .draw_series(DashedLineSeries::new(
                    [(-0.5, *t), (n as f64 - 0.5, *t)],
                    8,
                    5,
                    TARGET.stroke_width(2),
                ))
                .map_err(err)?;
            if i == 0 {
                entries.push(("target".into(), TARGET, 2, true));
            }
        }
        let runs = |v: &[Option<f64>]| -> Vec<Vec<(f64, f64)>> {
            // Runs of consecutive months with a value, so gaps stay gaps.
            let mut runs = vec![Vec::new()];
            for (t, x) in v.iter().enumerate() {
                match x {
                    Some(x) => runs.last_mut().expect("a run").push((t as f64, *x)),
                    None => runs.push(Vec::new()),
                }
            }
            runs.retain(|r| !r.is_empty());
            runs
        };
        let mut line = |values: &[Option<f64>], colour: RGBColor, width: u32, dot: u32| {
            for run in runs(values) {
                chart
                    .draw_series(LineSeries::new(run.clone(), colour.stroke_width(width)))
                    .map_err(err)?;
                chart
                    .draw_series(
                        run.into_iter()
                            .map(|p| Circle::new(p, dot, colour.filled())),
                    )
                    .map_err(err)?;
            }
            Ok::<(), anyhow::Error>(())
        };
        for (i, (family, values)) in self.series.iter().enumerate() {
            let colour = FAMILIES[i % FAMILIES.len()];
            line(values, colour, 1, 2)?;
            entries.push((family.clone(), colour, 1, false));
        }
        line(&self.total, TOTAL, 3, 3)?;
        entries.push(("all families".into(), TOTAL, 3, false));

        let font = (FONT, 13).into_font().color(&palette::TEXT);
        for (i, (label, colour, width, dashed)) in entries.iter().enumerate() {
            let y = 60 + 22 * i as i32;
            let style = colour.stroke_width(*width);
            if *dashed {
                for x in [8, 18] {
                    legend
                        .draw(&PathElement::new(vec![(x, y), (x + 6, y)], style))
                        .map_err(err)?;
                }
            } else {
                legend
                    .draw(&PathElement::new(vec![(8, y), (26, y)], style))
                    .map_err(err)?;
            }
            let text: String = label.chars().take(22).collect();
            legend
                .draw(&Text::new(text, (34, y - 7), font.clone()))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// A trend chart per metric with any value, each with its target line: on-time delivery, PPM,
/// first-pass yield, price vs quote (the tolerance band) and, when scored, forecast WAPE (its
/// target line only when one is set).
///
/// # Errors
/// When plotters cannot draw (it does not for finite numbers).
pub fn charts(card: &Scorecard) -> anyhow::Result<Vec<Chart>> {
    let t = &card.targets;
    let months: Vec<String> = card.months.iter().map(ToString::to_string).collect();
    let mut out = Vec::new();
    for metric in Metric::ALL {
        if !card.rows.iter().any(|r| r.value(metric).is_some()) {
            continue;
        }
        let scale = if metric.is_share() { 100.0 } else { 1.0 };
        let at = |family: &str| -> Vec<Option<f64>> {
            card.months
                .iter()
                .map(|m| {
                    card.rows
                        .iter()
                        .find(|r| r.month == *m && r.family == family)
                        .and_then(|r| r.value(metric))
                        .map(|v| v * scale)
                })
                .collect()
        };
        let mut by_family: BTreeMap<&str, Vec<Option<f64>>> = BTreeMap::new();
        for f in card.families() {
            by_family.insert(f, at(f));
        }
        let (title, unit, targets) = match metric {
            Metric::Otd => (
                format!(
                    "On-time delivery: PO lines within {} days of due (target {} %)",
                    card.grace_days,
                    num(t.otd * 100.0, 1)
                ),
                "% of PO lines",
                vec![t.otd * 100.0],
            ),
            Metric::Ppm => (
                format!(
                    "Defects: rejected parts per million (target at most {})",
                    num(t.ppm, 0)
                ),
                "PPM",
                vec![t.ppm],
            ),
            Metric::Fpy => (
                format!("First-pass yield (target {} %)", num(t.fpy * 100.0, 1)),
                "% of units received",
                vec![t.fpy * 100.0],
            ),
            Metric::Price => (
                format!(
                    "Price paid vs quoted tier price{} (tolerance ±{} %)",
                    if card.index_linked {
                        ", index-linked"
                    } else {
                        ""
                    },
                    num(t.price_tolerance * 100.0, 1)
                ),
                "% over quote",
                vec![t.price_tolerance * 100.0, -t.price_tolerance * 100.0],
            ),
            Metric::Wape => (
                match t.wape {
                    Some(w) => format!(
                        "Forecast error, WAPE (target at most {} %)",
                        num(w * 100.0, 1)
                    ),
                    None => "Forecast error, WAPE (no target set)".to_string(),
                },
                "% of actual demand",
                t.wape.map(|w| vec![w * 100.0]).unwrap_or_default(),
            ),
        };
        let trend = Trend {
            title,
            unit,
            months: months.clone(),
            series: by_family
                .into_iter()
                .map(|(f, v)| (f.to_string(), v))
                .collect(),
            total: at(ALL),
            targets,
        };
        let stem = format!("scorecard_{}", metric.as_str());
        out.push(chart(&stem, &trend.title, &trend, (WIDTH, HEIGHT))?);
    }
    Ok(out)
}
