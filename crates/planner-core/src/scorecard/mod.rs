//! The partnership scorecard: on-time delivery, quality and cost stability of the contract
//! manufacturer, and the brand's forecast accuracy, month by month against agreed targets.
//!
//! - [`Delivery`]: a row of `deliveries.csv`; rows with the same `po`, `sku` and due date make
//!   one [`PoLine`] (partial deliveries), judged on the as-of date ([`LineStatus`]).
//! - [`ScorecardSettings`] and [`Targets`]: `scorecard.toml`, with the agreed targets.
//! - [`score`]: the [`Scorecard`], one [`ScorecardRow`] per month and family plus a total row
//!   ([`ALL`]) per month, and every [`Miss`] of a target.
//!
//! # Definitions
//! - **On-time delivery** (`otd_lines`): PO lines due in the month whose last unit arrived by the
//!   due date plus `grace_days`, over the PO lines due in the month that can be judged. A line
//!   delivered early is on time. A line delivered in parts is on time only if every part arrived
//!   in time. `otd_units`: units that arrived in time over the units of those lines.
//! - **Open lines**: a line with units still open is late (`open_late`) once its grace window
//!   has ended before the as-of date, with its lateness counted to the as-of date; until then it
//!   is `open` and left out of the on-time shares (counted in `open_lines`). The as-of date is
//!   `as_of` in scorecard.toml, else the last day of the month of the latest delivered date in
//!   the file. A delivery dated after the as-of date counts as open.
//! - **Lateness**: days from the due date to the last delivery (or to the as-of date for a line
//!   open past due), averaged (`avg_days_late`) and maximised (`max_days_late`) over the late
//!   lines of the month.
//! - **Quality**, counted in the month the units were received: first-pass yield `fpy = (received
//!   − rejected − reworked) / received`; `ppm = rejected / received × 1 000 000`.
//! - **Cost stability**, in the month received, over rows with a `unit_price`: `price_paid` and
//!   `price_quoted` are unit prices weighted by quantity; the quoted price of a row is found as
//!   `pricing.csv` finds it ([`IndexLink`], the shared quote basis): the sku's all-units tier
//!   price ([`TierSchedule`]) for the volume of the 12-month pricing year holding the month
//!   received (years counted from the first planned month, forward and back; the demand history
//!   of its months, annualised like a partial period when the history ends inside it) on the
//!   `annual` basis, or for its PO line's quantity on the `order` basis; with
//!   [`score_index_linked`] that tier price moves with the sku's indexed cost components under
//!   the review calendar. `price_variance = price_paid / price_quoted − 1`.
//! - **Forecast accuracy**, when a previous forecast is given, for the months it covers that have
//!   actuals in the demand history, over the skus it forecast: `wape = Σ |forecast − actual| /
//!   Σ actual`, `bias = Σ (forecast − actual) / Σ actual` (positive = over-forecast).
//!
//! # Example, worked by hand
//! PO 1 for sku A, due 2026-10-05, 100 units: 60 arrive on 2026-10-06 (within the 2-day grace)
//! and 40 on 2026-10-12 (5 days late). The line is late (7 days after due), 60 of its 100 units
//! were on time. PO 2 for A, due 2026-10-20, arrives early on 2026-10-15, 200 units, 1 rejected
//! and 3 reworked. October: 1 of 2 lines on time (50 %), 260 of 300 units (86.7 %); 300 units
//! received, FPY = 296 / 300 = 98.67 %, PPM = 1 / 300 × 10⁶ = 3 333.
//!
//! ```
//! use planner_core::demand::DemandHistory;
//! use planner_core::scorecard::{score, Delivery, ScorecardSettings, ALL};
//!
//! let d = |s: &str| s.parse().unwrap();
//! let deliveries = vec![
//!     Delivery::new("PO1", "A", d("2026-10-05"), Some(d("2026-10-06")), 60.0)?,
//!     Delivery::new("PO1", "A", d("2026-10-05"), Some(d("2026-10-12")), 40.0)?,
//!     Delivery::new("PO2", "A", d("2026-10-20"), Some(d("2026-10-15")), 200.0)?.with_quality(1.0, 3.0)?,
//! ];
//! let card = score(&deliveries, &[], &[], &DemandHistory::default(), None, &ScorecardSettings::default())?;
//! let total = card.rows.iter().find(|r| r.family == ALL).unwrap();
//! assert_eq!(total.otd_lines, Some(0.5));
//! assert_eq!(total.max_days_late, Some(7));
//! assert!((total.otd_units.unwrap() - 260.0 / 300.0).abs() < 1e-12);
//! assert!((total.ppm.unwrap() - 1e6 / 300.0).abs() < 1e-9);
//! assert!((total.fpy.unwrap() - 296.0 / 300.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod delivery;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use delivery::{Delivery, LineStatus, PoLine};
pub use settings::{ScorecardSettings, Targets};

use crate::demand::{DemandHistory, Product};
use crate::demand_plan::DemandPlan;
use crate::pricing::{Basis, IndexLink, PriceTier, PricingError, TierSchedule};
use crate::time::{Date, Month};
use crate::FieldError;

/// The family name of the total row of each month.
pub const ALL: &str = "(all)";

/// Tolerance with which a value meets its target (shares like 19/20 are not exact).
const MEET_TOLERANCE: f64 = 1e-9;

/// Errors of the scorecard.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScorecardError {
    /// There is no delivery to score.
    #[error("no deliveries to score")]
    NoDeliveries,
    /// A setting is out of range.
    #[error("scorecard setting {}: {}", .0.field, .0.reason)]
    Settings(FieldError),
    /// A sku's price tiers are inconsistent.
    #[error(transparent)]
    Pricing(#[from] PricingError),
}

/// A scored metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// On-time delivery, share of PO lines.
    Otd,
    /// Rejected parts per million.
    Ppm,
    /// First-pass yield.
    Fpy,
    /// Price paid against the quoted tier price.
    Price,
    /// Forecast WAPE.
    Wape,
}

impl Metric {
    /// Every metric, in the order of the scorecard.
    pub const ALL: [Metric; 5] = [
        Metric::Otd,
        Metric::Ppm,
        Metric::Fpy,
        Metric::Price,
        Metric::Wape,
    ];

    /// The short name used in files (`otd`, `ppm`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Otd => "otd",
            Self::Ppm => "ppm",
            Self::Fpy => "fpy",
            Self::Price => "price",
            Self::Wape => "wape",
        }
    }

    /// A planner's name for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Otd => "on-time delivery",
            Self::Ppm => "defects (PPM)",
            Self::Fpy => "first-pass yield",
            Self::Price => "price vs quote",
            Self::Wape => "forecast error (WAPE)",
        }
    }

    /// True when the metric is a share (shown in percent).
    pub fn is_share(self) -> bool {
        !matches!(self, Self::Ppm)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One target missed in one month by one family (or by all, [`ALL`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// The month.
    pub month: Month,
    /// The family, or [`ALL`].
    pub family: String,
    /// The metric.
    pub metric: Metric,
    /// Its value (for `price`, the signed variance).
    pub value: f64,
    /// The target (for `price`, the tolerance).
    pub target: f64,
    /// By how much it was missed, always positive, in the metric's unit.
    pub gap: f64,
}

/// One month of one family (or of all, [`ALL`]): the columns of `scorecard.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorecardRow {
    /// The month.
    pub month: Month,
    /// The family, or [`ALL`] for the month's total.
    pub family: String,
    /// PO lines due in the month that can be judged (all but open lines not yet due).
    pub lines: usize,
    /// Of those, lines on time (early included).
    pub on_time_lines: usize,
    /// Of those, lines delivered before the due date.
    pub early_lines: usize,
    /// Of those, late lines (open past due included).
    pub late_lines: usize,
    /// PO lines due in the month still open and within their grace window (not judged).
    pub open_lines: usize,
    /// `on_time_lines / lines`.
    pub otd_lines: Option<f64>,
    /// Units of the judged lines.
    pub units_due: f64,
    /// Of those, units received by the due date plus the grace window.
    pub on_time_units: f64,
    /// `on_time_units / units_due`.
    pub otd_units: Option<f64>,
    /// Mean days from due date to delivery (or to the as-of date) over the late lines.
    pub avg_days_late: Option<f64>,
    /// Most days late.
    pub max_days_late: Option<i64>,
    /// Units received in the month.
    pub received: f64,
    /// Of those, rejected.
    pub rejected: f64,
    /// Of those, reworked.
    pub reworked: f64,
    /// First-pass yield: `(received − rejected − reworked) / received`.
    pub fpy: Option<f64>,
    /// Rejected parts per million received.
    pub ppm: Option<f64>,
    /// Units received in the month with a price paid and a quoted tier price.
    pub priced_units: f64,
    /// Mean unit price paid over those units.
    pub price_paid: Option<f64>,
    /// Mean quoted tier price over those units.
    pub price_quoted: Option<f64>,
    /// `price_paid / price_quoted − 1`.
    pub price_variance: Option<f64>,
    /// The previous forecast of the month (over the skus it forecast).
    pub forecast: Option<f64>,
    /// The actual demand of those skus.
    pub actual: Option<f64>,
    /// `Σ |forecast − actual| / Σ actual`.
    pub wape: Option<f64>,
    /// `Σ (forecast − actual) / Σ actual`, positive = over-forecast.
    pub bias: Option<f64>,
    /// The targets this row misses.
    pub missed: Vec<Metric>,
}

impl ScorecardRow {
    /// The value of a metric (for `price`, the variance).
    pub fn value(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Otd => self.otd_lines,
            Metric::Ppm => self.ppm,
            Metric::Fpy => self.fpy,
            Metric::Price => self.price_variance,
            Metric::Wape => self.wape,
        }
    }

    /// True for a month's total row.
    pub fn is_total(&self) -> bool {
        self.family == ALL
    }
}

/// The scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// The date the scorecard is drawn up on.
    pub as_of: Date,
    /// The months of the trend, oldest first.
    pub months: Vec<Month>,
    /// Per month: each family's row (sorted by family), then the total row.
    pub rows: Vec<ScorecardRow>,
    /// The PO lines due in those months, sorted by due date, po and sku.
    pub lines: Vec<PoLine>,
    /// Every target missed, in row order.
    pub misses: Vec<Miss>,
    /// The targets judged against.
    pub targets: Targets,
    /// The grace window in days.
    pub grace_days: u32,
    /// PO lines due after the as-of month (not scored).
    pub future_lines: usize,
    /// PO lines due before the trend window (not shown).
    pub earlier_lines: usize,
    /// Skus with a price paid but no price tiers: their prices are not compared.
    pub skus_without_tiers: Vec<String>,
    /// True when any row compares prices.
    pub priced: bool,
    /// True when a previous forecast was given and scored.
    pub forecast_scored: bool,
    /// True when quotes follow the skus' indexed cost components ([`score_index_linked`]).
    #[serde(default)]
    pub index_linked: bool,
}

impl Scorecard {
    /// The total row of each month.
    pub fn totals(&self) -> impl Iterator<Item = &ScorecardRow> {
        self.rows.iter().filter(|r| r.is_total())
    }

    /// The PO lines due in the trend window: those of [`Scorecard::lines`], counted from the
    /// months' totals (each line is judged, or open, in the month it is due), so that the count
    /// stays once a caller that has written the lines out lets them go.
    pub fn line_count(&self) -> usize {
        self.totals().map(|r| r.lines + r.open_lines).sum()
    }

    /// The families, sorted.
    pub fn families(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .rows
            .iter()
            .filter(|r| !r.is_total())
            .map(|r| r.family.as_str())
            .collect();
        set.into_iter().collect()
    }
}

/// Running sums of one month and family.
#[derive(Debug, Default, Clone)]
struct Acc {
    lines: usize,
    on_time_lines: usize,
    early_lines: usize,
    late_lines: usize,
    open_lines: usize,
    units_due: f64,
    on_time_units: f64,
    days_late_sum: f64,
    max_days_late: Option<i64>,
    received: f64,
    rejected: f64,
    reworked: f64,
    priced_units: f64,
    paid: f64,
    quoted: f64,
    forecast: Option<f64>,
    actual: f64,
    abs_error: f64,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

impl Acc {
    fn add_line(&mut self, line: &PoLine) {
        if line.status == LineStatus::Open {
            self.open_lines += 1;
            return;
        }
        self.lines += 1;
        self.units_due += line.quantity;
        self.on_time_units += line.on_time_units;
        if line.status.on_time() {
            self.on_time_lines += 1;
        }
        if line.status == LineStatus::Early {
            self.early_lines += 1;
        }
        if line.status.late() {
            self.late_lines += 1;
            let days = line.days_from_due.unwrap_or(0);
            self.days_late_sum += days as f64;
            self.max_days_late = Some(self.max_days_late.map_or(days, |m| m.max(days)));
        }
    }

    fn row(&self, month: Month, family: &str) -> ScorecardRow {
        let forecast = self.forecast;
        let has_fc = forecast.is_some();
        ScorecardRow {
            month,
            family: family.to_string(),
            lines: self.lines,
            on_time_lines: self.on_time_lines,
            early_lines: self.early_lines,
            late_lines: self.late_lines,
            open_lines: self.open_lines,
            otd_lines: ratio(self.on_time_lines as f64, self.lines as f64),
            units_due: self.units_due,
            on_time_units: self.on_time_units,
            otd_units: ratio(self.on_time_units, self.units_due),
            avg_days_late: ratio(self.days_late_sum, self.late_lines as f64),
            max_days_late: self.max_days_late,
            received: self.received,
            rejected: self.rejected,
            reworked: self.reworked,
            fpy: ratio(self.received - self.rejected - self.reworked, self.received),
            ppm: ratio(self.rejected * 1e6, self.received),
            priced_units: self.priced_units,
            price_paid: ratio(self.paid, self.priced_units),
            price_quoted: ratio(self.quoted, self.priced_units),
            price_variance: ratio(self.paid, self.quoted).map(|r| r - 1.0),
            forecast,
            actual: has_fc.then_some(self.actual),
            wape: if has_fc {
                ratio(self.abs_error, self.actual)
            } else {
                None
            },
            bias: forecast.and_then(|f| ratio(f - self.actual, self.actual)),
            missed: Vec::new(),
        }
    }
}

/// A sku's family in `families` (`products.csv`), else the sku itself.
fn family_name<'a>(families: &HashMap<&'a str, &'a str>, sku: &'a str) -> &'a str {
    families.get(sku).copied().unwrap_or(sku)
}

/// Adds to the totals of `family` and of [`ALL`] in `month`.
fn add<'a>(
    acc: &mut BTreeMap<(Month, &'a str), Acc>,
    month: Month,
    family: &'a str,
    f: &dyn Fn(&mut Acc),
) {
    f(acc.entry((month, family)).or_default());
    f(acc.entry((month, ALL)).or_default());
}

/// The last day of a month.
fn month_end(m: Month) -> Date {
    m.next().first_day().plus_days(-1)
}

/// The PO lines of a scorecard's window, and what the rows need of the lines outside it.
struct Lines {
    /// The lines due in the window, sorted by due date, po and sku.
    lines: Vec<PoLine>,
    /// For each delivery row, its line's quantity (the basis of a per-order tier).
    line_qty: Vec<f64>,
    /// Lines due after the window.
    future: usize,
    /// Lines due before the window.
    earlier: usize,
}

/// Groups rows into PO lines and judges each on `as_of`: the rows sorted once by (due, po,
/// sku), each run of one key a line; ties keep the file's order, so a line's sums are taken in
/// the order of its rows. Only the lines due from `first` to `last` are made.
fn po_lines(
    deliveries: &[Delivery],
    family_of: &dyn Fn(&Arc<str>) -> Arc<str>,
    as_of: Date,
    grace_days: u32,
    (first, last): (Month, Month),
) -> Lines {
    let key = |i: usize| {
        let d = &deliveries[i];
        (d.due, &d.po, &d.sku)
    };
    let mut order: Vec<usize> = (0..deliveries.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
    let mut out = Lines {
        lines: Vec::new(),
        line_qty: vec![0.0; deliveries.len()],
        future: 0,
        earlier: 0,
    };
    for run in order.chunk_by(|&a, &b| key(a) == key(b)) {
        let rows = || run.iter().map(|&i| &deliveries[i]);
        let quantity: f64 = rows().map(|d| d.quantity).sum();
        for &i in run {
            out.line_qty[i] = quantity;
        }
        let (due, po, sku) = key(run[0]);
        if due.month() > last {
            out.future += 1;
            continue;
        }
        if due.month() < first {
            out.earlier += 1;
            continue;
        }
        let deadline = due.plus_days(i64::from(grace_days));
        let received = |d: &Delivery| d.delivered.filter(|&at| at <= as_of);
        let delivered: f64 = rows()
            .filter(|d| received(d).is_some())
            .map(|d| d.quantity)
            .sum();
        let on_time_units: f64 = rows()
            .filter(|d| received(d).is_some_and(|at| at <= deadline))
            .map(|d| d.quantity)
            .sum();
        let open = rows().any(|d| received(d).is_none());
        let completed = if open {
            None
        } else {
            rows().filter_map(received).max()
        };
        let (status, days_from_due) = match completed {
            Some(at) if at < due => (LineStatus::Early, Some(due.days_until(at))),
            Some(at) if at <= deadline => (LineStatus::OnTime, Some(due.days_until(at))),
            Some(at) => (LineStatus::Late, Some(due.days_until(at))),
            None if as_of > deadline => (LineStatus::OpenLate, Some(due.days_until(as_of))),
            None => (LineStatus::Open, None),
        };
        out.lines.push(PoLine {
            po: po.clone(),
            sku: sku.clone(),
            family: family_of(sku),
            due,
            quantity,
            delivered,
            on_time_units,
            completed,
            rows: run.len(),
            status,
            days_from_due,
        });
    }
    out
}

/// A sku's annual-basis volume for the pricing year from `first`: its demand over the year's
/// months, as `pricing.csv` prices a year. Months after the history's last month are not known
/// yet: the known months' volume is annualised (`× 12 / known`), as a partial pricing period's
/// run rate is; a year with no known month has volume 0.
/// `last` is the history's last month (looked up once by the caller: it scans every sku).
fn year_volume(history: &DemandHistory, last: Option<Month>, sku: &str, first: Month) -> f64 {
    let Some(last) = last else {
        return 0.0;
    };
    let known = (first.months_until(last) + 1).clamp(0, 12);
    if known == 0 {
        return 0.0;
    }
    let sum: f64 = history.get(sku).map_or(0.0, |h| {
        (0..known)
            .filter_map(|k| {
                let t = h.start.months_until(first.plus(k));
                usize::try_from(t).ok().and_then(|t| h.quantities.get(t))
            })
            .sum()
    });
    sum * 12.0 / known as f64
}

/// Scores the contract manufacturer's deliveries (and, with `previous`, the brand's forecast)
/// month by month and family by family against the targets of `settings`. See the module
/// documentation for every definition.
///
/// `products` gives each sku's family (a sku missing there is its own family); `tiers` and
/// `history` give the quoted price of rows with a `unit_price`, with pricing years counted from
/// the month after the history's last month (the default first planned month); `previous` is
/// an earlier forecast scored against `history`.
///
/// # Errors
/// [`ScorecardError::NoDeliveries`] for no rows, [`ScorecardError::Settings`] for a setting out
/// of range, [`ScorecardError::Pricing`] for inconsistent tiers of a priced sku.
pub fn score(
    deliveries: &[Delivery],
    products: &[Product],
    tiers: &[PriceTier],
    history: &DemandHistory,
    previous: Option<&DemandPlan>,
    settings: &ScorecardSettings,
) -> Result<Scorecard, ScorecardError> {
    score_index_linked(
        deliveries,
        products,
        tiers,
        history,
        previous,
        settings,
        &IndexLink::default(),
    )
}

/// The anchor of the pricing years: the link's first planned month, else the month after the
/// history's last month, else the month after the as-of date.
fn anchor_of(link: &IndexLink, history: &DemandHistory, as_of: Date) -> Month {
    link.anchor()
        .or_else(|| history.last_month().map(Month::next))
        .unwrap_or_else(|| as_of.month().next())
}

/// [`score`] on a quote basis: a row's quoted price is its tier price, on the pricing years
/// counted from [`IndexLink::anchor`], times [`IndexLink::factor`] of its sku in the month
/// received, so an index move the contract passes on at its reviews is not counted as a price
/// variance.
///
/// # Errors
/// As [`score`].
pub fn score_index_linked(
    deliveries: &[Delivery],
    products: &[Product],
    tiers: &[PriceTier],
    history: &DemandHistory,
    previous: Option<&DemandPlan>,
    settings: &ScorecardSettings,
    link: &IndexLink,
) -> Result<Scorecard, ScorecardError> {
    settings.check().map_err(ScorecardError::Settings)?;
    if deliveries.is_empty() {
        return Err(ScorecardError::NoDeliveries);
    }
    let families: HashMap<&str, &str> = products
        .iter()
        .map(|p| (p.sku.as_str(), p.family.as_str()))
        .collect();
    // One shared string a family for the PO lines; a sku without a family is its own.
    let family_names: HashMap<&str, Arc<str>> =
        families.values().map(|&f| (f, Arc::from(f))).collect();
    let family_of = |sku: &Arc<str>| -> Arc<str> {
        families
            .get(&**sku)
            .map_or_else(|| sku.clone(), |f| family_names[f].clone())
    };
    let as_of = settings.as_of.unwrap_or_else(|| {
        let latest = deliveries
            .iter()
            .filter_map(|d| d.delivered)
            .max()
            .unwrap_or_else(|| deliveries.iter().map(|d| d.due).max().expect("not empty"));
        month_end(latest.month())
    });
    let last = as_of.month();
    let first = last.plus(1 - settings.months as i32);
    let anchor = anchor_of(link, history, as_of);
    let history_last = history.last_month();
    let in_window = |m: Month| m >= first && m <= last;

    // Keyed by borrowed names (a family of products.csv, a sku, ALL): no allocation per row.
    let mut acc: BTreeMap<(Month, &str), Acc> = BTreeMap::new();
    let family_in = |sku| family_name(&families, sku);

    // Delivery: PO lines in the month they were due.
    let Lines {
        lines,
        line_qty,
        future: future_lines,
        earlier: earlier_lines,
    } = po_lines(
        deliveries,
        &family_of,
        as_of,
        settings.grace_days,
        (first, last),
    );
    for l in &lines {
        add(&mut acc, l.due.month(), &l.family, &|a| a.add_line(l));
    }

    // Quality and price: units in the month they were received.
    let tiers_of = TierSchedule::group(tiers);
    let mut schedules: HashMap<&str, Option<TierSchedule>> = HashMap::new();
    let mut without_tiers: BTreeSet<&str> = BTreeSet::new();
    let mut priced = false;
    for (i, d) in deliveries.iter().enumerate() {
        let Some(at) = d.delivered.filter(|&at| at <= as_of) else {
            continue;
        };
        let month = at.month();
        if !in_window(month) {
            continue;
        }
        let family = family_in(&*d.sku);
        add(&mut acc, month, family, &|a| {
            a.received += d.quantity;
            a.rejected += d.rejected;
            a.reworked += d.reworked;
        });
        let Some(paid) = d.unit_price else { continue };
        if !schedules.contains_key(&*d.sku) {
            let s = match tiers_of.get(&*d.sku) {
                Some(mine) => Some(TierSchedule::new(&d.sku, mine)?),
                None => None,
            };
            schedules.insert(&d.sku, s);
        }
        let Some(schedule) = schedules[&*d.sku].as_ref() else {
            without_tiers.insert(&d.sku);
            continue;
        };
        let volume = match schedule.basis() {
            Basis::Annual => year_volume(
                history,
                history_last,
                &d.sku,
                IndexLink::pricing_year(anchor, month),
            ),
            Basis::Order => line_qty[i],
        };
        let quoted = schedule.unit_price(volume) * link.factor(&d.sku, month);
        priced = true;
        add(&mut acc, month, family, &|a| {
            a.priced_units += d.quantity;
            a.paid += d.quantity * paid;
            a.quoted += d.quantity * quoted;
        });
    }

    // Forecast accuracy: the previous forecast against the actuals of the months it covers.
    let mut forecast_scored = false;
    if let (Some(plan), Some(last_actual)) = (previous, history.last_month()) {
        for sku in &plan.skus {
            let family = family_in(&sku.sku);
            for (t, month) in plan.months().enumerate() {
                if !in_window(month) || month > last_actual {
                    continue;
                }
                let f = sku.forecast.point.get(t).copied().unwrap_or(0.0);
                let a = history
                    .get(&sku.sku)
                    .and_then(|h| {
                        usize::try_from(h.start.months_until(month))
                            .ok()
                            .and_then(|i| h.quantities.get(i).copied())
                    })
                    .unwrap_or(0.0);
                forecast_scored = true;
                add(&mut acc, month, family, &|acc| {
                    acc.forecast = Some(acc.forecast.unwrap_or(0.0) + f);
                    acc.actual += a;
                    acc.abs_error += (f - a).abs();
                });
            }
        }
    }

    // Rows: from the first month with data in the window to the as-of month.
    let start = acc.keys().map(|(m, _)| *m).min().unwrap_or(last).max(first);
    let months: Vec<Month> = (0..=start.months_until(last))
        .map(|k| start.plus(k))
        .collect();
    let targets = settings.targets.clone();
    let mut rows = Vec::new();
    let mut misses = Vec::new();
    for &month in &months {
        let mut keys: Vec<&str> = acc
            .range((month, "")..)
            .take_while(|((m, _), _)| *m == month)
            .map(|((_, f), _)| *f)
            .filter(|f| *f != ALL)
            .collect();
        keys.sort_unstable();
        let empty = Acc::default();
        let mut month_rows: Vec<ScorecardRow> = keys
            .into_iter()
            .map(|f| acc[&(month, f)].row(month, f))
            .collect();
        month_rows.push(acc.get(&(month, ALL)).unwrap_or(&empty).row(month, ALL));
        for row in &mut month_rows {
            for metric in Metric::ALL {
                if let Some(miss) = judge(row, metric, &targets) {
                    row.missed.push(metric);
                    misses.push(miss);
                }
            }
        }
        rows.extend(month_rows);
    }
    Ok(Scorecard {
        as_of,
        months,
        rows,
        lines,
        misses,
        targets,
        grace_days: settings.grace_days,
        future_lines,
        earlier_lines,
        skus_without_tiers: without_tiers.into_iter().map(str::to_string).collect(),
        priced,
        forecast_scored,
        index_linked: !link.is_empty(),
    })
}

/// The miss of `metric` in `row`, if it misses its target.
fn judge(row: &ScorecardRow, metric: Metric, t: &Targets) -> Option<Miss> {
    let value = row.value(metric)?;
    let (target, gap) = match metric {
        Metric::Otd => (t.otd, t.otd - value),
        Metric::Fpy => (t.fpy, t.fpy - value),
        Metric::Ppm => (t.ppm, value - t.ppm),
        Metric::Price => (t.price_tolerance, value.abs() - t.price_tolerance),
        Metric::Wape => {
            let w = t.wape?;
            (w, value - w)
        }
    };
    let tolerance = if metric == Metric::Ppm {
        1e-6
    } else {
        MEET_TOLERANCE
    };
    (gap > tolerance).then(|| Miss {
        month: row.month,
        family: row.family.clone(),
        metric,
        value,
        target,
        gap,
    })
}
