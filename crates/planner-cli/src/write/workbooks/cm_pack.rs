//! `cm_pack.xlsx`: what the brand sends its contract manufacturer each month, as it is.
//!
//! Sheets, in order:
//! - `cover`: what the pack is: the first planned month and the horizon, units and currency, the
//!   time fences, how the ranges are computed (the dependence model), what the changes are
//!   measured against, and what each sheet holds.
//! - `forecast`: skus down (with their name and unit from products.csv), months across, whole
//!   units (forecast.csv's quantities rounded); under each sku its range at the widest level;
//!   a total with its range, a quantile of the total under the dependence model; each month's
//!   time-fence zone (frozen, limited ±x %, open) named in the second header row and coloured.
//! - `changes`: per sku and month, the quantity published last month, the new one and the
//!   difference, in whole units; one sentence when no month was published before.
//! - `pre-buy`: the materials to buy ahead of orders: quantity, order-by month, cash tied up.
//! - `capacity`: the hours and units asked of each line per month, at the forecast and at the
//!   upper bound of the widest level.
//!
//! Nothing internal: no prices paid, no spend, no scorecard, no expediting or past-due alarms.

use std::collections::HashMap;
use std::path::Path;

use planner_core::demand::Product;
use planner_core::forecast::Level;
use planner_core::review::fence_limit;
use planner_core::scenario::Plan;
use planner_core::settings::TimeFence;
use planner_core::time::Month;
use planner_core::DemandPlan;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::xlsx::{header_format, Formats};
use crate::write::tables::Cell;
use crate::write::{num, Guard};

/// The sheets of the pack, in order.
pub const SHEETS: [&str; 5] = ["cover", "forecast", "changes", "pre-buy", "capacity"];

/// What the pack is made from.
#[derive(Debug)]
pub struct Pack<'a> {
    /// The plan (its forecast after events, overrides and fences: the one shared).
    pub plan: &'a Plan,
    /// The product master, for the skus' names and units.
    pub products: &'a [Product],
    /// The time fences agreed with the contract manufacturer (planner.toml).
    pub fences: &'a [TimeFence],
    /// The last forecast published before this one, and how to name it (`2026-10`).
    pub published: Option<(String, &'a DemandPlan)>,
    /// The currency money is stated in, when the inputs name one.
    pub currency: Option<&'a str>,
    /// Whether the plan held the fences against the published month (not with `--no-fences`).
    pub fences_held: bool,
}

/// A month's time-fence zone, counted from the plan's first month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// The published quantity stands.
    Frozen,
    /// The quantity may move by at most this fraction of the published one.
    Limited(f64),
    /// Free to change.
    Open,
}

impl Zone {
    /// The zone of month `t` of the plan (0 = the first).
    pub fn of(fences: &[TimeFence], t: usize) -> Self {
        match fence_limit(fences, t as u32 + 1) {
            Some(x) if x <= 0.0 => Zone::Frozen,
            Some(x) => Zone::Limited(x),
            None => Zone::Open,
        }
    }

    /// `frozen`, `limited ±10 %`, `open`.
    pub fn name(self) -> String {
        match self {
            Zone::Frozen => "frozen".into(),
            Zone::Limited(x) => format!("limited ±{} %", num(100.0 * x, 1)),
            Zone::Open => "open".into(),
        }
    }

    fn fill(self) -> Color {
        match self {
            Zone::Frozen => Color::RGB(0xF4_CC_CC),
            Zone::Limited(_) => Color::RGB(0xFF_F2_CC),
            Zone::Open => Color::RGB(0xD9_EA_D3),
        }
    }
}

/// Units as the pack shows them: forecast.csv's quantity (2 decimals) rounded to a whole unit.
pub fn whole(x: f64) -> f64 {
    ((x * 100.0).round() / 100.0).round()
}

fn units(x: impl Into<Option<f64>>) -> Cell {
    Cell::count(x.into().map(whole), 0)
}

/// The widest level of a plan (its ranges are shown), `None` for a fixed plan.
fn widest(plan: &DemandPlan) -> Option<Level> {
    plan.levels
        .iter()
        .copied()
        .max_by(|a, b| a.percent().total_cmp(&b.percent()))
}

/// The pack, to be saved.
///
/// # Errors
/// When rust_xlsxwriter rejects a value (it does not for plans of this crate).
fn workbook(pack: &Pack) -> anyhow::Result<Workbook> {
    let mut wb = Workbook::new();
    let mut f = Formats::default();
    let fc = &pack.plan.forecast.demand;
    let zones: Vec<Zone> = (0..fc.horizon).map(|t| Zone::of(pack.fences, t)).collect();
    let names: HashMap<&str, &Product> =
        pack.products.iter().map(|p| (p.sku.as_str(), p)).collect();
    cover(wb.add_worksheet().set_name(SHEETS[0])?, pack, &zones)?;
    forecast(
        wb.add_worksheet_with_constant_memory()
            .set_name(SHEETS[1])?,
        &mut f,
        fc,
        &zones,
        &names,
    )?;
    changes(
        wb.add_worksheet_with_constant_memory()
            .set_name(SHEETS[2])?,
        &mut f,
        pack,
        &zones,
        &names,
    )?;
    prebuy(wb.add_worksheet().set_name(SHEETS[3])?, &mut f, pack)?;
    capacity(
        wb.add_worksheet().set_name(SHEETS[4])?,
        &mut f,
        pack,
        &zones,
    )?;
    Ok(wb)
}

/// Writes `cm_pack.xlsx` atomically, straight to its file.
///
/// # Errors
/// When the file cannot be written.
pub fn write(guard: &Guard, path: &Path, pack: &Pack) -> anyhow::Result<()> {
    let mut wb = workbook(pack)?;
    guard.write(path, |w| Ok(wb.save_to_writer(w)?))
}

/// The time fences in one sentence: `frozen: 2026-11; limited ±10 %: 2026-12 to 2027-01; ...`.
fn fence_text(start: Month, zones: &[Zone]) -> String {
    let mut runs: Vec<(Zone, usize, usize)> = Vec::new();
    for (t, z) in zones.iter().enumerate() {
        match runs.last_mut() {
            Some((last, _, end)) if last == z => *end = t,
            _ => runs.push((*z, t, t)),
        }
    }
    runs.iter()
        .map(|(z, a, b)| {
            let (a, b) = (start.plus(*a as i32), start.plus(*b as i32));
            if a == b {
                format!("{}: {a}", z.name())
            } else {
                format!("{}: {a} to {b}", z.name())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn cover(ws: &mut Worksheet, pack: &Pack, zones: &[Zone]) -> anyhow::Result<()> {
    let fc = &pack.plan.forecast.demand;
    let end = fc.start.plus(fc.horizon.max(1) as i32 - 1);
    let range = match widest(fc) {
        Some(l) => format!(
            "Under each sku, low and high: the {l} % range of each month's demand, from the \
             forecast model's intervals. The total's range is a quantile of the total under \
             the dependence model below, never a sum of the skus' bounds; so are the capacity \
             sheet's upper-bound hours."
        ),
        None => "None: the demand was a fixed plan, without ranges.".into(),
    };
    let currency = match pack.currency {
        Some(c) => format!("{c}: the pre-buy sheet's cash, at the materials' unit costs."),
        None => "Not stated: the planning folder names no currency; amounts are in the \
                 currency of materials.csv's unit costs."
            .into(),
    };
    let changes = match &pack.published {
        Some((label, _)) => format!(
            "Against the forecast published for {label}: per sku and month the quantity \
             published, the new one and the difference."
        ),
        None => "No published month: this is the first forecast shared, nothing to compare.".into(),
    };
    let lines: Vec<(&str, String)> =
        vec![
        ("Forecast", format!("{} to {} ({} months)", fc.start, end, fc.horizon)),
        ("First planned month", fc.start.to_string()),
        (
            "Units",
            "Whole units of each sku's unit (the unit column; products.csv): the forecast's \
             quantities rounded to whole units."
                .into(),
        ),
        ("Currency", currency),
        (
            "Time fences",
            if pack.fences_held || pack.published.is_none() {
                fence_text(fc.start, zones)
            } else {
                format!(
                    "{}. Not held this month (planned with --no-fences): a frozen or limited \
                     month may differ from the published quantity beyond its zone.",
                    fence_text(fc.start, zones)
                )
            },
        ),
        (
            "Zones",
            "frozen: the published quantity stands; limited ±x %: it may move by at most x % of \
             the published quantity; open: free to change. Each month's zone is named and \
             coloured in the forecast sheet's header."
                .into(),
        ),
        ("Ranges", range),
        ("Dependence model", fc.dependence.describe()),
        ("Changes", changes),
        (
            "Sheets",
            "forecast: skus down, months across, with each sku's range; changes: since the last \
             published month; pre-buy: the materials to buy ahead of orders, with the cash tied \
             up; capacity: the hours and units asked of each line per month."
                .into(),
        ),
        (
            "Made by",
            format!("planner {} (`planner plan`)", env!("CARGO_PKG_VERSION")),
        ),
    ];
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 110)?;
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, "Forecast for the contract manufacturer", &title)?;
    for (i, (label, text)) in lines.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_string_with_format(r, 0, *label, &bold)?;
        ws.write_string_with_format(r, 1, text, &wrap)?;
    }
    Ok(())
}

/// The month header cells of a sheet's first row, coloured by zone.
fn month_headers(
    ws: &mut Worksheet,
    first_col: u16,
    start: Month,
    zones: &[Zone],
) -> anyhow::Result<()> {
    for (t, z) in zones.iter().enumerate() {
        let m = start.plus(t as i32);
        let head = Format::new()
            .set_bold()
            .set_background_color(z.fill())
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_num_format("yyyy-mm");
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(m.year() as u16, m.month() as u8, 1)?;
        ws.write_datetime_with_format(0, first_col + t as u16, &date, &head)?;
    }
    Ok(())
}

/// The zone names in the second row, coloured as their months.
fn zone_names(ws: &mut Worksheet, first_col: u16, zones: &[Zone]) -> anyhow::Result<()> {
    for (t, z) in zones.iter().enumerate() {
        let zone = Format::new()
            .set_italic()
            .set_background_color(z.fill())
            .set_align(FormatAlign::Center);
        ws.write_string_with_format(1, first_col + t as u16, z.name(), &zone)?;
    }
    Ok(())
}

fn heads(ws: &mut Worksheet, names: &[&str]) -> anyhow::Result<()> {
    let h = header_format();
    for (c, n) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *n, &h)?;
    }
    Ok(())
}

/// The head of a sheet of one record per row: the columns `widths` wide, a header row of
/// `names`, frozen (set before any cell, as a constant-memory sheet needs).
fn table_head(ws: &mut Worksheet, names: &[&str], widths: &[f64]) -> anyhow::Result<()> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    heads(ws, names)
}

/// A sentence under a sheet's rows, in italics.
fn note(ws: &mut Worksheet, row: u32, text: &str) -> anyhow::Result<()> {
    ws.write_string_with_format(row, 0, text, &Format::new().set_italic())?;
    Ok(())
}

/// The forecast sheet: skus down (with their name and unit), months across, under each sku its
/// range at the widest level, then the total ([`forecast_total`]).
fn forecast(
    ws: &mut Worksheet,
    f: &mut Formats,
    fc: &DemandPlan,
    zones: &[Zone],
    products: &HashMap<&str, &Product>,
) -> anyhow::Result<()> {
    forecast_head(ws, fc.start, zones)?;
    let level = widest(fc);
    let figures: Vec<String> = std::iter::once("forecast".to_string())
        .chain(
            level
                .iter()
                .flat_map(|l| [format!("low {l} %"), format!("high {l} %")]),
        )
        .collect();
    let muted = Format::new().set_font_color(Color::RGB(0x6B_72_80));
    let mut r = 2u32;
    for s in &fc.skus {
        let p = products.get(s.sku.as_str());
        let name = p.and_then(|p| p.name.as_deref()).unwrap_or("");
        let unit = p.and_then(|p| p.unit.as_deref()).unwrap_or("");
        for (k, figure) in figures.iter().enumerate() {
            ws.write_string(r, 0, &s.sku)?;
            ws.write_string(r, 1, name)?;
            ws.write_string(r, 2, unit)?;
            if k == 0 {
                ws.write_string(r, 3, figure)?;
            } else {
                ws.write_string_with_format(r, 3, figure, &muted)?;
            }
            for t in 0..fc.horizon {
                let v = match (k, level) {
                    (0, _) => Some(s.forecast.point[t]),
                    (1, Some(l)) => s.lo(l, t),
                    (_, Some(l)) => s.hi(l, t),
                    _ => None,
                };
                f.write(ws, r, 4 + t as u16, &units(v), false)?;
            }
            r += 1;
        }
    }
    forecast_total(ws, f, fc, &figures, level, r)
}

/// The forecast sheet's head: the columns' widths, two header rows (the months, coloured by
/// zone, then the zones' names) and the panes, before any cell of a constant-memory sheet.
fn forecast_head(ws: &mut Worksheet, start: Month, zones: &[Zone]) -> anyhow::Result<()> {
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 34)?;
    ws.set_column_width(2, 8)?;
    ws.set_column_width(3, 12)?;
    for t in 0..zones.len() {
        ws.set_column_width(4 + t as u16, 13)?;
    }
    ws.set_freeze_panes(2, 4)?;
    ws.set_row_height(0, 30)?;
    heads(ws, &["sku", "name", "unit", "figure"])?;
    month_headers(ws, 4, start, zones)?;
    ws.write_string(1, 3, "zone")?;
    zone_names(ws, 4, zones)
}

/// The forecast sheet's total from row `r`, a row per figure: the sum of the whole units
/// shown, and its range at `level`, a quantile of the total under the dependence model.
fn forecast_total(
    ws: &mut Worksheet,
    f: &mut Formats,
    fc: &DemandPlan,
    figures: &[String],
    level: Option<Level>,
    mut r: u32,
) -> anyhow::Result<()> {
    let bold = Format::new().set_bold();
    for (k, figure) in figures.iter().enumerate() {
        ws.write_string_with_format(r, 0, "total", &bold)?;
        ws.write_string_with_format(r, 3, figure, &bold)?;
        for t in 0..fc.horizon {
            let v = match (k, level) {
                (0, _) => fc.skus.iter().map(|s| whole(s.forecast.point[t])).sum(),
                (_, Some(l)) => {
                    let (lo, hi) = fc.total_of(t..t + 1, |_| Some(1.0)).bounds(l);
                    if k == 1 {
                        lo.max(0.0)
                    } else {
                        hi
                    }
                }
                _ => f64::NAN,
            };
            f.write(ws, r, 4 + t as u16, &units(v), true)?;
        }
        r += 1;
    }
    Ok(())
}

fn changes(
    ws: &mut Worksheet,
    f: &mut Formats,
    pack: &Pack,
    zones: &[Zone],
    products: &HashMap<&str, &Product>,
) -> anyhow::Result<()> {
    let cols = [
        "sku",
        "name",
        "month",
        "zone",
        "published",
        "new",
        "change",
        "change_pct",
    ];
    table_head(ws, &cols, &[16.0, 34.0, 10.0, 16.0, 12.0, 12.0, 12.0, 12.0])?;
    let fc = &pack.plan.forecast.demand;
    let Some((label, published)) = &pack.published else {
        ws.write_string(
            1,
            0,
            "No published month: this is the first forecast shared, nothing to compare.",
        )?;
        return Ok(());
    };
    // The changes the CM agreed to (changes.csv): said in the zone, so that an agreed change
    // in a frozen month does not read as a break.
    let agreed: std::collections::HashSet<(&str, Month)> = pack
        .plan
        .fence_holds
        .iter()
        .flatten()
        .filter(|h| h.kind == planner_core::review::HoldKind::Agreed)
        .map(|h| (h.sku.as_str(), h.month))
        .collect();
    let mut r = 1u32;
    for (sku, now, then) in matched_skus(fc, published) {
        let name = products
            .get(sku)
            .and_then(|p| p.name.as_deref())
            .unwrap_or("");
        for (t, m) in fc.months().enumerate() {
            let old = then.and_then(|i| point(published, i, m));
            let new = now.and_then(|i| point(fc, i, m));
            let zone = if agreed.contains(&(sku, m)) {
                format!("{}, agreed", zones[t].name())
            } else {
                zones[t].name()
            };
            if let Some(row) = change_row(sku, name, m, zone, old, new) {
                f.write_row(ws, r, &row, false)?;
                r += 1;
            }
        }
    }
    ws.autofilter(0, 0, r - 1, cols.len() as u16 - 1)?;
    note(
        ws,
        r + 1,
        &format!(
            "Published: the forecast published for {label}; new: this one; whole units. A sku \
             not in one of the two has no quantity there. A zone marked agreed is a change the \
             CM agreed to (changes.csv)."
        ),
    )
}

/// Each sku of the plan, then each published sku it no longer has, with its index in the plan
/// and in the published forecast.
fn matched_skus<'a>(
    fc: &'a DemandPlan,
    published: &'a DemandPlan,
) -> Vec<(&'a str, Option<usize>, Option<usize>)> {
    let index = |plan: &'a DemandPlan| -> HashMap<&'a str, usize> {
        plan.skus
            .iter()
            .enumerate()
            .map(|(i, s)| (s.sku.as_str(), i))
            .collect()
    };
    let (now_at, then_at) = (index(fc), index(published));
    let planned = fc
        .skus
        .iter()
        .map(|s| (s.sku.as_str(), now_at.get(s.sku.as_str()).copied()));
    let dropped = published
        .skus
        .iter()
        .filter(|s| !now_at.contains_key(s.sku.as_str()))
        .map(|s| (s.sku.as_str(), None));
    planned
        .chain(dropped)
        .map(|(sku, now)| (sku, now, then_at.get(sku).copied()))
        .collect()
}

/// The point forecast of the plan's sku `i` for month `m`, whole units; `None` outside its
/// months.
fn point(plan: &DemandPlan, i: usize, m: Month) -> Option<f64> {
    let t = usize::try_from(plan.start.months_until(m)).ok()?;
    plan.skus[i].forecast.point.get(t).copied().map(whole)
}

/// A row of the changes sheet: the quantity published, the new one, the difference and its
/// share of the published one; `None` when the sku has neither.
fn change_row(
    sku: &str,
    name: &str,
    m: Month,
    zone: String,
    old: Option<f64>,
    new: Option<f64>,
) -> Option<[Cell; 8]> {
    let change = match (old, new) {
        (Some(o), Some(n)) => n - o,
        (Some(o), None) => -o,
        (None, Some(n)) => n,
        (None, None) => return None,
    };
    let pct = old.filter(|o| *o != 0.0).map(|o| change / o);
    Some([
        Cell::text(sku),
        Cell::text(name),
        Cell::month(m),
        Cell::Text(zone),
        units(old),
        units(new),
        units(change),
        Cell::ratio(pct, 4),
    ])
}

fn prebuy(ws: &mut Worksheet, f: &mut Formats, pack: &Pack) -> anyhow::Result<()> {
    let cols = [
        "material",
        "quantity",
        "order_by",
        "lead_time_days",
        "months_covered",
        "cash_tied_up",
    ];
    table_head(ws, &cols, &[18.0, 12.0, 10.0, 12.0, 12.0, 16.0])?;
    let Some(m) = &pack.plan.materials else {
        ws.write_string(
            1,
            0,
            "No materials planned: the folder has no bom.csv or materials.csv.",
        )?;
        return Ok(());
    };
    if m.prebuy.is_empty() {
        ws.write_string(1, 0, "No pre-buy this month.")?;
        return Ok(());
    }
    let cur = pack.currency;
    let mut r = 1u32;
    for p in &m.prebuy {
        let row = [
            Cell::text(&p.material),
            Cell::number(p.quantity, 3),
            Cell::month(p.order_by),
            Cell::int(p.lead_time_days),
            Cell::int(p.window_months),
            Cell::money(p.cash_tied_up, 2, cur),
        ];
        f.write_row(ws, r, &row, false)?;
        r += 1;
    }
    ws.autofilter(0, 0, r - 1, cols.len() as u16 - 1)?;
    let total: f64 = m.prebuy.iter().map(|p| p.cash_tied_up).sum();
    f.write(ws, r, 0, &Cell::text("total"), true)?;
    f.write(ws, r, 5, &Cell::money(total, 2, cur), true)?;
    note(
        ws,
        r + 2,
        "Authorized: buy each material's quantity by its order-by month (in the material's own \
         unit); the cash is what it ties up until the demand draws it down.",
    )
}

fn capacity(
    ws: &mut Worksheet,
    f: &mut Formats,
    pack: &Pack,
    zones: &[Zone],
) -> anyhow::Result<()> {
    let fc = &pack.plan.forecast.demand;
    let level = widest(fc);
    let mut cols: Vec<String> = ["line", "month", "zone", "units", "hours"]
        .map(String::from)
        .to_vec();
    if let Some(l) = level {
        cols.push(format!("units_hi_{}", l.label()));
        cols.push(format!("hours_hi_{}", l.label()));
    }
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    let widths: Vec<f64> = (0..cols.len())
        .map(|c| if c == 0 { 16.0 } else { 13.0 })
        .collect();
    table_head(ws, &names, &widths)?;
    let Some(c) = &pack.plan.capacity else {
        ws.write_string(
            1,
            0,
            "No capacity planned: the folder has no lines.csv or routings.csv.",
        )?;
        return Ok(());
    };
    let mut r = 1u32;
    for row in &c.line_months.rows {
        let t = fc.start.months_until(row.month);
        let zone = usize::try_from(t)
            .ok()
            .and_then(|t| zones.get(t))
            .map_or_else(String::new, |z| z.name());
        let upper = level.and_then(|l| row.upper.iter().find(|u| u.level == l));
        let mut cells = vec![
            Cell::text(&row.line),
            Cell::month(row.month),
            Cell::Text(zone),
            units(row.demand_units),
            Cell::number(row.required_hours, 2),
        ];
        if level.is_some() {
            cells.push(units(upper.map(|u| u.demand_units)));
            cells.push(Cell::number(upper.map(|u| u.required_hours), 2));
        }
        f.write_row(ws, r, &cells, false)?;
        r += 1;
    }
    if r > 1 {
        ws.autofilter(0, 0, r - 1, cols.len() as u16 - 1)?;
    }
    note(
        ws,
        r + 1,
        "Hours: the line hours the units need (their slowest station's cycle time, at the \
         line's OEE); the upper bound's hours are a quantile of the line's load under the \
         dependence model.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fences() -> Vec<TimeFence> {
        vec![
            TimeFence {
                months: [1, 1],
                max_change: 0.0,
            },
            TimeFence {
                months: [2, 3],
                max_change: 0.10,
            },
        ]
    }

    #[test]
    fn zones_follow_the_fences() {
        let f = fences();
        let zones: Vec<String> = (0..5).map(|t| Zone::of(&f, t).name()).collect();
        assert_eq!(
            zones,
            ["frozen", "limited ±10 %", "limited ±10 %", "open", "open"]
        );
        let z: Vec<Zone> = (0..5).map(|t| Zone::of(&f, t)).collect();
        assert_eq!(
            fence_text("2026-11".parse().unwrap(), &z),
            "frozen: 2026-11; limited ±10 %: 2026-12 to 2027-01; open: 2027-02 to 2027-03"
        );
    }

    #[test]
    fn whole_units_round_the_csv_quantity() {
        assert_eq!(whole(12.49), 12.0);
        // forecast.csv says 12.5 for 12.4951: the pack rounds what the file says.
        assert_eq!(whole(12.4951), 13.0);
        assert_eq!(whole(0.0), 0.0);
    }
}
