//! The capacity figures of `capacity.csv`: working days, available and required hours,
//! utilization, takt time, operators needed, and the same at the forecast's upper bounds.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::function::erf::erfc;

use super::balance::{balance_of, ceil_count, resolve, LineBalance};
use super::{Calendar, CapacityError, Line, RoutingStep};
use crate::demand_plan::{z_two_sided, DemandPlan, SkuPlan};
use crate::forecast::Level;
use crate::time::Month;
use crate::uncertainty::MonthSpread;

/// The working time of one line in one month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorkingTime {
    /// Days the line works.
    pub working_days: u32,
    /// Hours the line works over those days.
    pub available_hours: f64,
}

/// Working days and available hours of `line` in `month`.
///
/// # Formula
/// For each day of the month, the calendar (a row for the line before a `*` row) wins:
///
/// - the calendar names the day with `hours > 0`: a working day of `hours` hours, whatever its
///   weekday (a Saturday worked on a Monday-to-Friday line counts);
/// - the calendar names the day with 0 hours: not a working day (holiday, shutdown);
/// - otherwise: a working day of `shifts_per_day * hours_per_shift` hours when its weekday
///   (Monday = 0) is below `days_per_week`.
///
/// Example: November 2026 on a Monday-to-Friday line of 2 shifts of 8 hours has 21 weekdays;
/// a holiday on Thursday the 26th and a Saturday worked for 8 hours on the 14th leave 21 working
/// days and `20 * 16 + 8 = 328` hours.
pub fn working_time(line: &Line, calendar: &Calendar, month: Month) -> WorkingTime {
    let normal = line.hours_per_day();
    let mut working_days = 0;
    let mut available_hours = 0.0;
    for date in month.dates() {
        let hours = match calendar.hours(&line.line, date) {
            // A calendar day of 0 hours is not a working day.
            Some(h) if h > 0.0 => h,
            Some(_) => continue,
            // A normal day always is, even on a line whose shifts add up to 0 hours.
            None if date.weekday() < line.days_per_week => normal,
            None => continue,
        };
        working_days += 1;
        available_hours += hours;
    }
    WorkingTime {
        working_days,
        available_hours,
    }
}

/// A line's figures in one month at the upper bound of one confidence level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpperFigures {
    /// The level, for example 80.
    pub level: Level,
    /// Units at the upper bound: the upper quantile of the line's summed demand.
    pub demand_units: f64,
    /// Required hours at the upper bound: the upper quantile of the line's summed required hours.
    pub required_hours: f64,
    /// `required_hours / available_hours`; `None` when the line has no hours.
    pub utilization: Option<f64>,
    /// Operators needed at the upper bound; `None` without hours or demand.
    pub operators_needed: Option<u32>,
}

/// One row of `capacity.csv`: a line in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityRow {
    /// The line.
    pub line: String,
    /// The month.
    pub month: Month,
    /// Working days (see [`working_time`]).
    pub working_days: u32,
    /// Available hours (see [`working_time`]).
    pub available_hours: f64,
    /// Units demanded of the line's skus (point forecast).
    pub demand_units: f64,
    /// Hours the demand takes at the bottleneck, OEE included.
    pub required_hours: f64,
    /// `required_hours / available_hours`; `None` when the line has no hours that month.
    pub utilization: Option<f64>,
    /// `available_hours * 3600 / demand_units`; `None` without demand.
    pub takt_seconds: Option<f64>,
    /// Demand-weighted mean of the skus' bottleneck seconds; `None` without demand.
    pub bottleneck_seconds: Option<f64>,
    /// Labour content: the demand-weighted mean over the skus of the sum of their stations'
    /// `cycle_seconds * operators`; `None` without demand.
    pub labour_content_seconds: Option<f64>,
    /// `ceil(labour_content_seconds / (takt_seconds * oee))`; 0 without demand, `None` with
    /// demand but no hours.
    pub operators_needed: Option<u32>,
    /// The slowest station of the skus with demand this month; `None` without demand.
    pub slowest_station: Option<SlowStation>,
    /// True when that station's `cycle_seconds` is above `takt_seconds`: one unit at a time it
    /// cannot keep the line's pace, whatever the staffing.
    pub bottleneck_above_takt: bool,
    /// The same figures at the upper bound of each level of the demand plan, in its order; empty
    /// for a fixed plan.
    pub upper: Vec<UpperFigures>,
    /// Probability that required hours exceed available hours; `None` for a fixed plan.
    pub p_over_capacity: Option<f64>,
}

/// A station of one sku: the slowest of a line-month ([`CapacityRow::slowest_station`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowStation {
    /// The sku.
    pub sku: String,
    /// The station.
    pub station: String,
    /// Its cycle seconds.
    pub cycle_seconds: f64,
}

/// The capacity plan: `capacity.csv` and what goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPlan {
    /// The levels of the upper figures (empty for a fixed plan).
    pub levels: Vec<Level>,
    /// One row per line (in the order given) and planned month.
    pub rows: Vec<CapacityRow>,
    /// Line balance of every routed sku, in order of first appearance in the routings.
    pub balance: Vec<LineBalance>,
    /// Skus of the demand plan with no routing (sorted); their demand is in no row.
    pub unrouted: Vec<String>,
}

/// Month `t` of a sku's point forecast: missing, negative or not-a-number counts as 0.
pub(crate) fn point_at(sku: &SkuPlan, t: usize) -> f64 {
    match sku.forecast.point.get(t) {
        Some(&q) if q > 0.0 && q.is_finite() => q,
        _ => 0.0,
    }
}

/// The standard deviation of month `t`, as [`SkuPlan::sigma`] gives it, with the widest
/// interval's `z` looked up once per sku; 0 where the plan has no interval for that month.
struct SigmaOf<'a> {
    widest: Option<(&'a [f64], &'a [f64], f64)>,
}

impl<'a> SigmaOf<'a> {
    fn new(sku: &'a SkuPlan, zs: &[(Level, f64)]) -> Self {
        let widest = sku
            .forecast
            .intervals
            .iter()
            .max_by(|a, b| a.level.percent().total_cmp(&b.level.percent()))
            .map(|i| {
                let z = zs
                    .iter()
                    .find(|(l, _)| *l == i.level)
                    .map_or_else(|| z_two_sided(i.level), |(_, z)| *z);
                (i.lo.as_slice(), i.hi.as_slice(), z)
            });
        Self { widest }
    }

    fn at(&self, t: usize) -> f64 {
        match self.widest {
            Some((lo, hi, z)) => match (lo.get(t), hi.get(t)) {
                (Some(lo), Some(hi)) if (hi - lo).is_finite() => ((hi - lo) / (2.0 * z)).max(0.0),
                _ => 0.0,
            },
            None => 0.0,
        }
    }
}

/// `P(X > a)` for `X ~ Normal(mean, sd)`; a point mass when `sd` is 0.
fn p_above(mean: f64, sd: f64, a: f64) -> f64 {
    if sd > 0.0 {
        0.5 * erfc((a - mean) / (sd * std::f64::consts::SQRT_2))
    } else if mean > a {
        1.0
    } else {
        0.0
    }
}

/// Sums over a line's skus in one month.
#[derive(Default)]
struct Sums {
    /// `sum d_i`.
    units: f64,
    /// `sum d_i * b_i` (bottleneck seconds).
    bottleneck: f64,
    /// `sum d_i * w_i` (labour content seconds).
    labour: f64,
    /// The variance of the units' total under the plan's dependence model (`MonthSpread`, from
    /// the skus' `sigma_i`).
    var_units: f64,
    /// The same for the bottleneck seconds (`sigma_i * b_i`).
    var_bottleneck: f64,
    /// The same for the labour content seconds (`sigma_i * w_i`).
    var_labour: f64,
    /// The slowest station of the skus with demand: route index and its bottleneck seconds.
    slowest: Option<(usize, f64)>,
}

/// The capacity figures of every line in every planned month.
///
/// # Formula
/// For line `L` (OEE `oee`) in month `t`, over the skus `i` routed on `L` with point demand
/// `d_i`, bottleneck `b_i` (largest station cycle seconds) and labour content `w_i` (sum of its
/// stations' `cycle_seconds * operators`, a station having 1 operator unless `routings.csv` says
/// otherwise), with `A` the available hours of [`working_time`]:
///
/// - `demand_units = sum d_i`
/// - `required_hours = sum d_i * b_i / 3600 / oee`
/// - `utilization = required_hours / A` (`None` when `A = 0`)
/// - `takt_seconds = A * 3600 / demand_units` (no OEE; `None` without demand)
/// - `bottleneck_seconds = sum d_i * b_i / sum d_i`: the demand-weighted mean bottleneck, the
///   one number that gives `required_hours = demand_units * bottleneck_seconds / 3600 / oee`
/// - `labour_content_seconds = sum d_i * w_i / sum d_i`
/// - `operators_needed = ceil(labour_content_seconds / (takt_seconds * oee))`, forgiving
///   rounding noise of one part in a billion; 0 in a month without demand, `None` with demand
///   but no hours
/// - `slowest_station`: the largest station `cycle_seconds` among the skus with demand that
///   month, and `bottleneck_above_takt` when it exceeds `takt_seconds` (no OEE on either side,
///   as in the takt formula): that station cannot keep the line's pace however it is staffed,
///   short of splitting it or adding a parallel station
///
/// Hand-worked: November 2026, 328 available hours, OEE 0.8; sku A (stations 40, 60, 50 s)
/// 6000 units, sku B (30, 90 s) 4000 units: required `(6000*60 + 4000*90) / 3600 / 0.8 = 250`
/// hours, utilization `250 / 328 = 76.2 %`, takt `328 * 3600 / 10000 = 118.08` s, labour content
/// `(6000*150 + 4000*120) / 10000 = 138` s, operators `ceil(138 / (118.08 * 0.8)) =
/// ceil(1.46) = 2`; the slowest station, B's 90 s, is below takt.
///
/// # Uncertainty
/// When the demand plan has intervals, each sku's month demand is taken as
/// `Normal(d_i, sigma_i)` with `sigma_i` from [`SkuPlan::sigma`] (the widest interval), the
/// skus correlated as the plan's [`crate::uncertainty::Dependence`] says (a common factor per
/// family and one for the portfolio). A line's required hours are then normal with mean
/// `required_hours` and standard deviation `sd(sum sigma_i * b_i) / 3600 / oee` under that model
/// (`sqrt(sum (sigma_i * b_i)^2)` for independent skus; see [`crate::uncertainty::MonthSpread`]),
/// and
/// `p_over_capacity = P(required > A)` (a point mass at the mean when every sigma is 0). The
/// upper figures at level `L` are the upper ends of the two-sided `L` interval of those summed
/// distributions, `mean + z_L * sd` clipped at 0 (`z_80 = 1.2816`), separately for units,
/// required hours and labour content; operators at the bound are
/// `ceil(upper labour seconds / (A * 3600 * oee))`. This is the quantile of the line's total, not
/// the sum of the skus' bounds (which would overstate the spread of a line of many skus), and it
/// agrees with `p_over_capacity`: utilization at the 80 % bound exceeds 100 % exactly when
/// `p_over_capacity` exceeds 10 %.
///
/// A line with no demand in a month gets a row with zero demand. A sku in the demand plan with
/// no routing is listed in [`CapacityPlan::unrouted`].
///
/// # Errors
/// [`CapacityError::UnknownLine`] for a routing naming a line not in `lines`;
/// [`CapacityError::TwoLines`] for a sku routed on two lines.
///
/// # Examples
/// ```
/// use planner_core::capacity::{line_months, Calendar, Line, LineSpec, RoutingStep};
/// use planner_core::forecast::Forecast;
/// use planner_core::{DemandPlan, SkuPlan};
///
/// let lines = [Line::new("L1", LineSpec { oee: 1.0, ..LineSpec::default() })?];
/// let routings = [RoutingStep::new("A", "L1", "assemble", 36.0, None)?];
/// let demand = DemandPlan {
///     start: "2027-02".parse()?,
///     horizon: 1,
///     levels: vec![],
///     skus: vec![SkuPlan {
///         sku: "A".into(),
///         model: "plan".into(),
///         forecast: Forecast { point: vec![8000.0], intervals: vec![] },
///     }],
///     dependence: planner_core::uncertainty::Dependence::independent(),
/// };
/// let capacity = line_months(&lines, &routings, &Calendar::default(), &demand)?;
/// let row = &capacity.rows[0];
/// // February 2027: 20 weekdays of 8 hours = 160 hours; 8000 * 36 s = 80 hours.
/// assert_eq!((row.working_days, row.available_hours), (20, 160.0));
/// assert_eq!(row.required_hours, 80.0);
/// assert_eq!(row.utilization, Some(0.5));
/// assert_eq!(row.takt_seconds, Some(72.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn line_months(
    lines: &[Line],
    routings: &[RoutingStep],
    calendar: &Calendar,
    demand: &DemandPlan,
) -> Result<CapacityPlan, CapacityError> {
    let routes = resolve(lines, routings)?;
    let facts: Vec<(f64, f64)> = routes
        .routes
        .iter()
        .map(|r| (r.bottleneck().1, r.labour))
        .collect();
    let zs: Vec<(Level, f64)> = demand.levels.iter().map(|&l| (l, z_two_sided(l))).collect();
    let uncertain = demand.has_intervals();

    // The skus of each line: (route index, sku in the demand plan, its sigma).
    let mut per_line: Vec<Vec<(usize, &SkuPlan, SigmaOf<'_>)>> =
        (0..lines.len()).map(|_| Vec::new()).collect();
    let mut unrouted = Vec::new();
    for sku in &demand.skus {
        match routes.by_sku.get(sku.sku.as_str()) {
            Some(&r) => {
                per_line[routes.routes[r].line].push((r, sku, SigmaOf::new(sku, &zs)));
            }
            None => unrouted.push(sku.sku.clone()),
        }
    }
    unrouted.sort();
    unrouted.dedup();

    let months: Vec<Month> = demand.months().collect();
    let rows: Vec<Vec<CapacityRow>> = lines
        .par_iter()
        .zip(per_line.par_iter())
        .map(|(line, skus)| {
            let oee = line.oee.get();
            let dep = &demand.dependence;
            let (family, families) =
                dep.family_numbers(skus.iter().map(|(_, sku, _)| sku.sku.as_str()));
            let mut spread = [
                MonthSpread::new(dep, families),
                MonthSpread::new(dep, families),
                MonthSpread::new(dep, families),
            ];
            months
                .iter()
                .enumerate()
                .map(|(t, &month)| {
                    let wt = working_time(line, calendar, month);
                    let mut s = Sums::default();
                    spread.iter_mut().for_each(MonthSpread::clear);
                    for ((r, sku, sigma), &f) in skus.iter().zip(&family) {
                        let (b, w) = facts[*r];
                        let d = point_at(sku, t);
                        s.units += d;
                        s.bottleneck += d * b;
                        s.labour += d * w;
                        if d > 0.0 && s.slowest.is_none_or(|(_, best)| b > best) {
                            s.slowest = Some((*r, b));
                        }
                        if uncertain {
                            let sd = sigma.at(t);
                            spread[0].add(f, sd);
                            spread[1].add(f, sd * b);
                            spread[2].add(f, sd * w);
                        }
                    }
                    if uncertain {
                        s.var_units = spread[0].sd().powi(2);
                        s.var_bottleneck = spread[1].sd().powi(2);
                        s.var_labour = spread[2].sd().powi(2);
                    }
                    let slowest = s.slowest.map(|(r, c)| {
                        let route = &routes.routes[r];
                        SlowStation {
                            sku: route.sku.to_string(),
                            station: route.bottleneck().0.to_string(),
                            cycle_seconds: c,
                        }
                    });
                    row(line, oee, month, wt, &s, slowest, uncertain, &zs)
                })
                .collect()
        })
        .collect();

    let balance = routes.routes.iter().map(|r| balance_of(lines, r)).collect();
    Ok(CapacityPlan {
        levels: demand.levels.clone(),
        rows: rows.into_iter().flatten().collect(),
        balance,
        unrouted,
    })
}

/// One line-month row from its sums (the formulas of [`line_months`]).
#[allow(clippy::too_many_arguments)]
fn row(
    line: &Line,
    oee: f64,
    month: Month,
    wt: WorkingTime,
    s: &Sums,
    slowest_station: Option<SlowStation>,
    uncertain: bool,
    zs: &[(Level, f64)],
) -> CapacityRow {
    let a = wt.available_hours;
    let required_hours = s.bottleneck / 3600.0 / oee;
    let has_demand = s.units > 0.0;
    let utilization = (a > 0.0).then(|| required_hours / a);
    let takt_seconds = has_demand.then(|| a * 3600.0 / s.units);
    let bottleneck_seconds = has_demand.then(|| s.bottleneck / s.units);
    let labour_content_seconds = has_demand.then(|| s.labour / s.units);
    let operators_needed = match (labour_content_seconds, takt_seconds) {
        (Some(w), Some(takt)) if takt > 0.0 => Some(ceil_count(w / (takt * oee))),
        (None, _) => Some(0),
        _ => None,
    };
    let bottleneck_above_takt = match (&slowest_station, takt_seconds) {
        (Some(st), Some(takt)) if takt > 0.0 => st.cycle_seconds > takt * (1.0 + 1e-9),
        _ => false,
    };
    let (upper, p_over_capacity) = if uncertain {
        let sd_units = s.var_units.sqrt();
        let sd_hours = s.var_bottleneck.sqrt() / 3600.0 / oee;
        let sd_labour = s.var_labour.sqrt();
        let upper = zs
            .iter()
            .map(|&(level, z)| {
                let units = (s.units + z * sd_units).max(0.0);
                let hours = (required_hours + z * sd_hours).max(0.0);
                let labour = (s.labour + z * sd_labour).max(0.0);
                UpperFigures {
                    level,
                    demand_units: units,
                    required_hours: hours,
                    utilization: (a > 0.0).then(|| hours / a),
                    operators_needed: if units > 0.0 {
                        (a > 0.0).then(|| ceil_count(labour / (a * 3600.0 * oee)))
                    } else {
                        Some(0)
                    },
                }
            })
            .collect();
        (upper, Some(p_above(required_hours, sd_hours, a)))
    } else {
        (Vec::new(), None)
    };
    CapacityRow {
        line: line.line.clone(),
        month,
        working_days: wt.working_days,
        available_hours: a,
        demand_units: s.units,
        required_hours,
        utilization,
        takt_seconds,
        bottleneck_seconds,
        labour_content_seconds,
        operators_needed,
        slowest_station,
        bottleneck_above_takt,
        upper,
        p_over_capacity,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_close, fixed, line, step};
    use super::super::{CalendarEntry, RoutingStep};
    use super::*;
    use crate::capacity::LineSpec;
    use crate::forecast::{Forecast, Interval};
    use crate::time::Date;
    use proptest::prelude::*;

    /// Tolerance of hand-worked figures.
    const TOL: f64 = 1e-9;

    #[track_caller]
    fn close(got: f64, want: f64) {
        assert_close(got, want, TOL);
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn entry(line: &str, d: &str, hours: f64) -> CalendarEntry {
        CalendarEntry::new(line, date(d), hours, None).unwrap()
    }

    /// A one-month plan with 80 and 95 % intervals of normal shape around the point: sigma per
    /// sku as given.
    fn uncertain(start: &str, skus: &[(&str, f64, f64)]) -> DemandPlan {
        let l80 = Level::new(80.0).unwrap();
        let l95 = Level::new(95.0).unwrap();
        let iv = |level: Level, q: f64, sd: f64| {
            let z = z_two_sided(level);
            Interval {
                level,
                lo: vec![q - z * sd],
                hi: vec![q + z * sd],
            }
        };
        DemandPlan {
            start: start.parse().unwrap(),
            horizon: 1,
            levels: vec![l80, l95],
            skus: skus
                .iter()
                .map(|&(sku, q, sd)| SkuPlan {
                    sku: sku.into(),
                    model: "test".into(),
                    forecast: Forecast {
                        point: vec![q],
                        intervals: vec![iv(l80, q, sd), iv(l95, q, sd)],
                    },
                })
                .collect(),
            dependence: crate::uncertainty::Dependence::independent(),
        }
    }

    /// Simulates a known demand process (normal skus, a common factor per family and for all)
    /// and counts how often the line's required hours exceed the plan's upper figure at 90 %
    /// (its 95th percentile) and its available hours: 5 +- 1 % and `p_over_capacity`.
    #[test]
    fn the_line_bound_holds_its_level_on_a_simulated_process() {
        use crate::demand::Product;
        use crate::rng::PathRng;
        use crate::uncertainty::Dependence;
        let l90 = Level::new(90.0).unwrap();
        let skus: Vec<(String, f64, f64, f64)> = (0..12)
            .map(|i| {
                (
                    format!("S{i:02}"),
                    300.0 + 40.0 * i as f64,
                    60.0 + 5.0 * i as f64,
                    20.0 + 3.0 * i as f64,
                )
            })
            .collect();
        let routings: Vec<RoutingStep> = skus
            .iter()
            .map(|(s, _, _, c)| step(s, "L1", "weld", *c))
            .collect();
        // One 3.6-hour shift, March 2027: 23 weekdays, 82.8 hours, close to the demand's hours
        // so that the chance of overload is far from 0 and 1.
        let lines = vec![Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 1.0,
                hours_per_shift: 3.6,
                days_per_week: 5.0,
                oee: 0.8,
                operators_per_shift: None,
            },
        )
        .unwrap()];
        let products: Vec<Product> = skus
            .iter()
            .enumerate()
            .map(|(i, (s, ..))| {
                Product::new(s, if i < 6 { "F1" } else { "F2" }, None, None).unwrap()
            })
            .collect();
        for (cf, cp) in [(0.0, 0.0), (0.5, 0.2), (0.8, 0.8)] {
            let mut demand = uncertain(
                "2027-03",
                &skus
                    .iter()
                    .map(|(s, q, sd, _)| (s.as_str(), *q, *sd))
                    .collect::<Vec<_>>(),
            );
            demand.levels.push(l90);
            for sp in &mut demand.skus {
                let (q, sd) = (sp.forecast.point[0], sp.sigma(0).unwrap());
                let z = z_two_sided(l90);
                sp.forecast.intervals.push(Interval {
                    level: l90,
                    lo: vec![q - z * sd],
                    hi: vec![q + z * sd],
                });
            }
            demand.dependence = Dependence::fixed(0.0, cf, cp)
                .unwrap()
                .with_families(&products);
            let p = line_months(&lines, &routings, &Calendar::default(), &demand).unwrap();
            let r = &p.rows[0];
            let bound = r
                .upper
                .iter()
                .find(|u| u.level == l90)
                .unwrap()
                .required_hours;
            let mut rng = PathRng::new(5, 1);
            let (n, mut over_bound, mut over_cap) = (40_000, 0, 0);
            for _ in 0..n {
                let g = rng.normal();
                let f = [rng.normal(), rng.normal()];
                let mut hours = 0.0;
                for (i, (_, q, sd, c)) in skus.iter().enumerate() {
                    let x = cp.sqrt() * g
                        + (cf - cp).sqrt() * f[i / 6]
                        + (1.0f64 - cf).sqrt() * rng.normal();
                    hours += (q + sd * x) * c / 3600.0 / 0.8;
                }
                over_bound += usize::from(hours > bound);
                over_cap += usize::from(hours > r.available_hours);
            }
            let share = over_bound as f64 / n as f64;
            assert!(
                (share - 0.05).abs() < 0.01,
                "c_f {cf}, c_p {cp}: bound exceeded {share}"
            );
            let p_sim = over_cap as f64 / n as f64;
            let p_model = r.p_over_capacity.unwrap();
            assert!(
                (0.1..0.9).contains(&p_model),
                "a test that can fail: {p_model}"
            );
            assert!(
                (p_sim - p_model).abs() < 0.01,
                "c_f {cf}: p_over {p_model} vs simulated {p_sim}"
            );
        }
    }

    fn two_lines() -> Vec<Line> {
        vec![
            Line::new(
                "L1",
                LineSpec {
                    shifts_per_day: 2.0,
                    hours_per_shift: 8.0,
                    days_per_week: 5.0,
                    oee: 0.8,
                    operators_per_shift: Some(6.0),
                },
            )
            .unwrap(),
            line("L2", 1.0, 1.0),
        ]
    }

    #[test]
    fn a_month_with_a_holiday_and_a_saturday_worked() {
        // November 2026 starts on a Sunday: 21 weekdays Monday to Friday.
        // Thursday 26 is a holiday (0 h); Saturday 14 is worked for 8 h through the calendar.
        // Working days: 21 - 1 + 1 = 21. Hours: 20 normal days * 2 * 8 + 8 = 328.
        let cal = Calendar::new(vec![
            entry("*", "2026-11-26", 0.0),
            entry("L1", "2026-11-14", 8.0),
        ]);
        let lines = two_lines();
        let wt = working_time(&lines[0], &cal, "2026-11".parse().unwrap());
        assert_eq!(wt.working_days, 21);
        close(wt.available_hours, 328.0);
        // L2 (1 shift of 8 h) has the holiday but not the Saturday: 20 days, 160 h.
        let wt = working_time(&lines[1], &cal, "2026-11".parse().unwrap());
        assert_eq!((wt.working_days, wt.available_hours), (20, 160.0));
    }

    #[test]
    fn the_contract_arithmetic_by_hand() {
        let cal = Calendar::new(vec![
            entry("*", "2026-11-26", 0.0),
            entry("L1", "2026-11-14", 8.0),
        ]);
        let routings = [
            step("A", "L1", "frame", 40.0),
            step("A", "L1", "wire", 60.0),
            step("A", "L1", "test", 50.0),
            step("B", "L1", "frame", 30.0),
            step("B", "L1", "pack", 90.0),
        ];
        let demand = fixed(
            "2026-11",
            &[("A", &[6000.0]), ("B", &[4000.0]), ("Z", &[5.0])],
        );
        let p = line_months(&two_lines(), &routings, &cal, &demand).unwrap();
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.unrouted, vec!["Z".to_string()]);
        let r = &p.rows[0];
        assert_eq!(
            (r.line.as_str(), r.month.to_string().as_str()),
            ("L1", "2026-11")
        );
        assert_eq!(r.working_days, 21);
        close(r.available_hours, 328.0);
        close(r.demand_units, 10_000.0);
        // Required: (6000 * 60 + 4000 * 90) / 3600 / 0.8 = 720000 / 2880 = 250 h.
        close(r.required_hours, 250.0);
        // Utilization: 250 / 328 = 0.762195...
        close(r.utilization.unwrap(), 250.0 / 328.0);
        // Takt: 328 * 3600 / 10000 = 118.08 s.
        close(r.takt_seconds.unwrap(), 118.08);
        // Bottleneck: (6000 * 60 + 4000 * 90) / 10000 = 72 s, demand-weighted.
        close(r.bottleneck_seconds.unwrap(), 72.0);
        // Work content: (6000 * 150 + 4000 * 120) / 10000 = 138 s; ceil(138 / 118.08) = 2.
        close(r.labour_content_seconds.unwrap(), 138.0);
        // Operators: ceil(138 / (118.08 * 0.8)) = ceil(1.461) = 2.
        assert_eq!(r.operators_needed, Some(2));
        let slow = r.slowest_station.as_ref().unwrap();
        assert_eq!((slow.sku.as_str(), slow.station.as_str()), ("B", "pack"));
        assert!(!r.bottleneck_above_takt);
        assert!(r.upper.is_empty());
        assert_eq!(r.p_over_capacity, None);

        // L2 has no demand: a row with zero demand, 160 hours, nothing undefined but takt.
        let r = &p.rows[1];
        assert_eq!(r.line, "L2");
        assert_eq!((r.working_days, r.available_hours), (20, 160.0));
        assert_eq!((r.demand_units, r.required_hours), (0.0, 0.0));
        assert_eq!(r.utilization, Some(0.0));
        assert_eq!(r.takt_seconds, None);
        assert_eq!(r.bottleneck_seconds, None);
        // No demand: no operators (the contract's 0), no slowest station.
        assert_eq!(r.operators_needed, Some(0));
        assert_eq!(r.slowest_station, None);

        // The balance of both skus comes along.
        assert_eq!(p.balance.len(), 2);
        assert_eq!(p.balance[1].bottleneck_station, "pack");
    }

    #[test]
    fn operators_count_each_station_s_crew_and_the_oee_and_a_slow_station_is_flagged() {
        // L: 1 shift of 8 h, Monday to Friday, OEE 0.8; February 2027: 20 days, 160 h.
        // A: "press" 120 s with 2 operators, "pack" 60 s with 1: labour 2 * 120 + 60 = 300 s.
        // B: one station of 200 s, no demand: neither its labour nor its station counts.
        let lines = [line("L", 1.0, 0.8)];
        let routings = [
            RoutingStep::new("A", "L", "press", 120.0, Some(2.0)).unwrap(),
            RoutingStep::new("A", "L", "pack", 60.0, None).unwrap(),
            RoutingStep::new("B", "L", "cure", 200.0, None).unwrap(),
        ];
        let cal = Calendar::default();
        let run = |q: f64| {
            let demand = fixed("2027-02", &[("A", &[q]), ("B", &[0.0])]);
            line_months(&lines, &routings, &cal, &demand)
                .unwrap()
                .rows
                .remove(0)
        };
        // 4000 units: takt 160 * 3600 / 4000 = 144 s; operators ceil(300 / (144 * 0.8)) =
        // ceil(2.60) = 3 (the cycle seconds alone, 180 / 144, would say 2). Press 120 s < 144 s.
        let r = run(4000.0);
        close(r.takt_seconds.unwrap(), 144.0);
        close(r.labour_content_seconds.unwrap(), 300.0);
        assert_eq!(r.operators_needed, Some(3));
        let slow = r.slowest_station.as_ref().unwrap();
        assert_eq!((slow.sku.as_str(), slow.station.as_str()), ("A", "press"));
        assert_eq!(slow.cycle_seconds, 120.0);
        assert!(!r.bottleneck_above_takt);
        // 5000 units: takt 115.2 s, below the press's 120 s; operators ceil(300 / 92.16) = 4.
        let r = run(5000.0);
        close(r.takt_seconds.unwrap(), 115.2);
        assert_eq!(r.operators_needed, Some(4));
        assert!(r.bottleneck_above_takt);
        // No demand at all: 0 operators, nothing flagged.
        let r = run(0.0);
        assert_eq!(
            (r.operators_needed, r.bottleneck_above_takt),
            (Some(0), false)
        );
    }

    #[test]
    fn lunar_new_year_shutdown_across_a_week_and_a_month_end() {
        // January 2028 starts on a Saturday: 21 weekdays; February 2028 (leap) starts on a
        // Tuesday: 21 weekdays. Shutdown every day from Monday 24 January to Friday 4 February,
        // weekends included: January loses 24-28 and 31 (6 weekdays) = 15 working days;
        // February loses 1-4 (4 weekdays) = 17. Zero-hour weekend rows remove nothing more.
        // L1 works 2 * 8 = 16 h a day: 240 h and 272 h.
        let mut entries = Vec::new();
        let mut d = date("2028-01-24");
        while d <= date("2028-02-04") {
            entries.push(CalendarEntry::new("*", d, 0.0, Some("Lunar New Year".into())).unwrap());
            d = d.plus_days(1);
        }
        let cal = Calendar::new(entries);
        let line = &two_lines()[0];
        let jan = working_time(line, &cal, "2028-01".parse().unwrap());
        let feb = working_time(line, &cal, "2028-02".parse().unwrap());
        assert_eq!((jan.working_days, jan.available_hours), (15, 240.0));
        assert_eq!((feb.working_days, feb.available_hours), (17, 272.0));
        // Without the shutdown: 21 and 21 days.
        let none = Calendar::default();
        assert_eq!(
            working_time(line, &none, "2028-01".parse().unwrap()).working_days,
            21
        );
        assert_eq!(
            working_time(line, &none, "2028-02".parse().unwrap()).working_days,
            21
        );
    }

    #[test]
    fn a_line_row_overrides_the_star_row_and_a_half_day_counts_its_hours() {
        // February 2027: 20 weekdays. `*` shuts Monday 8th, but L1 works it for 4 h; Tuesday 9th
        // is a half day of 4 h for every line. L1: 20 days, 18 * 16 + 4 + 4 = 296 h.
        let cal = Calendar::new(vec![
            entry("*", "2027-02-08", 0.0),
            entry("L1", "2027-02-08", 4.0),
            entry("*", "2027-02-09", 4.0),
        ]);
        let lines = two_lines();
        let wt = working_time(&lines[0], &cal, "2027-02".parse().unwrap());
        assert_eq!((wt.working_days, wt.available_hours), (20, 296.0));
        // L2: the 8th is shut, the 9th has 4 h: 19 days, 18 * 8 + 4 = 148 h.
        let wt = working_time(&lines[1], &cal, "2027-02".parse().unwrap());
        assert_eq!((wt.working_days, wt.available_hours), (19, 148.0));
    }

    #[test]
    fn six_and_seven_day_lines() {
        let six = Line::new(
            "S",
            LineSpec {
                shifts_per_day: 3.0,
                hours_per_shift: 8.0,
                days_per_week: 6.0,
                oee: 1.0,
                operators_per_shift: None,
            },
        )
        .unwrap();
        let seven = Line::new(
            "S",
            LineSpec {
                shifts_per_day: 3.0,
                hours_per_shift: 8.0,
                days_per_week: 7.0,
                oee: 1.0,
                operators_per_shift: None,
            },
        )
        .unwrap();
        let nov: Month = "2026-11".parse().unwrap();
        let cal = Calendar::default();
        assert_eq!(working_time(&six, &cal, nov).working_days, 25);
        assert_eq!(working_time(&seven, &cal, nov).available_hours, 30.0 * 24.0);
    }

    #[test]
    fn no_hours_means_no_utilization_and_a_shut_month_has_no_takt_operators() {
        // A whole month shut: demand but no hours.
        let lines = [Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 1.0,
                hours_per_shift: 8.0,
                days_per_week: 7.0,
                oee: 1.0,
                operators_per_shift: None,
            },
        )
        .unwrap()];
        let cal = Calendar::new(
            "2027-02"
                .parse::<Month>()
                .unwrap()
                .dates()
                .map(|d| CalendarEntry::new("L1", d, 0.0, None).unwrap())
                .collect(),
        );
        let demand = fixed("2027-02", &[("A", &[10.0])]);
        let p = line_months(&lines, &[step("A", "L1", "s", 60.0)], &cal, &demand).unwrap();
        let r = &p.rows[0];
        assert_eq!((r.working_days, r.available_hours), (0, 0.0));
        assert_eq!(r.utilization, None);
        assert_eq!(r.takt_seconds, Some(0.0));
        assert_eq!(r.operators_needed, None);
    }

    #[test]
    fn the_upper_bound_and_the_chance_of_overload_by_hand() {
        // L2: February 2027, 20 days * 8 h = 160 h, OEE 1. Sku A: one station of 60 s.
        // Point 8600 units: 8600 * 60 / 3600 = 143.33 h, 89.6 % loaded.
        // Sigma 1000 units = 16.667 h. At the 80 % bound (z = 1.2816):
        // 143.33 + 1.2816 * 16.667 = 164.69 h = 102.9 %.
        // P(overload) = P(Z > (160 - 143.33) / 16.667 = 1.0) = 0.1587.
        let lines = two_lines();
        let demand = uncertain("2027-02", &[("A", 8600.0, 1000.0)]);
        let p = line_months(
            &lines,
            &[step("A", "L2", "s", 60.0)],
            &Calendar::default(),
            &demand,
        )
        .unwrap();
        let r = &p.rows[1];
        close(r.required_hours, 8600.0 / 60.0);
        let z80 = z_two_sided(Level::new(80.0).unwrap());
        let up = &r.upper[0];
        assert_eq!(up.level.percent(), 80.0);
        close(up.demand_units, 8600.0 + z80 * 1000.0);
        close(up.required_hours, (8600.0 + z80 * 1000.0) / 60.0);
        close(
            up.utilization.unwrap(),
            (8600.0 + z80 * 1000.0) / 60.0 / 160.0,
        );
        assert!((up.utilization.unwrap() - 1.0293).abs() < 1e-4);
        assert!((r.p_over_capacity.unwrap() - 0.158_655).abs() < 1e-6);
        // Operators at the bound: ceil(9881.6 * 60 / (160 * 3600)) = ceil(1.03) = 2.
        assert_eq!(up.operators_needed, Some(2));
        assert_eq!(r.operators_needed, Some(1));
        // A line with no demand under a forecast: no chance of overload.
        assert_eq!(p.rows[0].p_over_capacity, Some(0.0));
    }

    #[test]
    fn skus_add_up_as_independent_normals() {
        // Two skus of sigma 300 and 400 units on L2 (60 s each): the line's sigma is 500 units
        // (not 700), 8.333 h.
        let demand = uncertain("2027-02", &[("A", 4000.0, 300.0), ("B", 5000.0, 400.0)]);
        let routings = [step("A", "L2", "s", 60.0), step("B", "L2", "s", 60.0)];
        let p = line_months(&two_lines(), &routings, &Calendar::default(), &demand).unwrap();
        let r = &p.rows[1];
        let z95 = z_two_sided(Level::new(95.0).unwrap());
        close(r.upper[1].demand_units, 9000.0 + z95 * 500.0);
        close(r.upper[1].required_hours, 150.0 + z95 * 500.0 / 60.0);
        // P(required > 160) = P(Z > (160 - 150) / 8.333 = 1.2).
        assert!((r.p_over_capacity.unwrap() - 0.115_070).abs() < 1e-6);
    }

    #[test]
    fn even_odds_when_expected_hours_equal_available() {
        // 160 h available on L2; 9600 units of 60 s = 160 h.
        let demand = uncertain("2027-02", &[("A", 9600.0, 500.0)]);
        let p = line_months(
            &two_lines(),
            &[step("A", "L2", "s", 60.0)],
            &Calendar::default(),
            &demand,
        )
        .unwrap();
        assert!((p.rows[1].p_over_capacity.unwrap() - 0.5).abs() < 1e-12);
        close(p.rows[1].utilization.unwrap(), 1.0);
    }

    #[test]
    fn errors_name_the_sku_and_line() {
        let demand = fixed("2027-02", &[("A", &[1.0])]);
        let e = line_months(
            &two_lines(),
            &[step("A", "L7", "s", 1.0)],
            &Calendar::default(),
            &demand,
        )
        .unwrap_err();
        assert!(matches!(e, CapacityError::UnknownLine { .. }));
        assert_eq!(
            e.to_string(),
            "sku A: routing names line \"L7\", which is not one of the lines"
        );
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<CapacityPlan>();
        check::<CapacityRow>();
        check::<UpperFigures>();
        check::<WorkingTime>();
    }

    proptest! {
        #[test]
        fn utilization_scales_linearly_with_demand(
            qa in 0.0f64..50_000.0,
            qb in 0.0f64..50_000.0,
            ca in 1.0f64..300.0,
            cb in 1.0f64..300.0,
            k in 0.1f64..10.0,
            oee in 0.3f64..1.0,
        ) {
            let spec = LineSpec { shifts_per_day: 2.0, oee, ..LineSpec::default() };
            let lines = [Line::new("L", spec).unwrap()];
            let routings = [step("A", "L", "s", ca), step("B", "L", "s", cb), step("B", "L", "t", ca)];
            let base = fixed("2027-03", &[("A", &[qa]), ("B", &[qb])]);
            let scaled = fixed("2027-03", &[("A", &[k * qa]), ("B", &[k * qb])]);
            let cal = Calendar::default();
            let r1 = line_months(&lines, &routings, &cal, &base).unwrap().rows.remove(0);
            let r2 = line_months(&lines, &routings, &cal, &scaled).unwrap().rows.remove(0);
            let tol = 1e-9 * r2.required_hours.max(1.0);
            prop_assert!((r2.required_hours - k * r1.required_hours).abs() <= tol);
            let (u1, u2) = (r1.utilization.unwrap(), r2.utilization.unwrap());
            prop_assert!((u2 - k * u1).abs() <= 1e-9 * u2.max(1.0));
            prop_assert_eq!(r1.available_hours, r2.available_hours);
        }

        #[test]
        fn the_chance_of_overload_rises_with_demand(
            q in 0.0f64..20_000.0,
            extra in 0.0f64..5_000.0,
            sd in 1.0f64..3_000.0,
        ) {
            let lines = two_lines();
            let routings = [step("A", "L2", "s", 60.0)];
            let cal = Calendar::default();
            let lo = line_months(&lines, &routings, &cal, &uncertain("2027-02", &[("A", q, sd)])).unwrap();
            let hi = line_months(&lines, &routings, &cal, &uncertain("2027-02", &[("A", q + extra, sd)]))
                .unwrap();
            let (p1, p2) = (lo.rows[1].p_over_capacity.unwrap(), hi.rows[1].p_over_capacity.unwrap());
            prop_assert!((0.0..=1.0).contains(&p1));
            prop_assert!(p2 >= p1 - 1e-15);
            // The bounds are ordered: point <= 80 % <= 95 %.
            let r = &hi.rows[1];
            prop_assert!(r.required_hours <= r.upper[0].required_hours);
            prop_assert!(r.upper[0].required_hours <= r.upper[1].required_hours);
        }
    }
}
