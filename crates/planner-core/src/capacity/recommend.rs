//! Recommendations a planner can act on, read off the capacity figures.

use serde::{Deserialize, Serialize};

use super::{BuildPlan, CapacityPlan, CapacityRow, CapacitySettings, Line};
use crate::time::Month;

/// Utilization below which a line-month is reported as idle capacity.
pub const IDLE_BELOW: f64 = 0.5;

/// Chance of overload from which a line-month that fits at the forecast still gets an overtime
/// recommendation (overtime held in reserve).
pub const RISK_FROM: f64 = 0.25;

/// What a recommendation asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecommendationKind {
    /// Run more shifts per day.
    ExtraShift,
    /// Work overtime hours (or hold them in reserve).
    Overtime,
    /// Staff more operators per shift.
    MoreOperators,
    /// Move demand to a second line: this one cannot make it even at 24 hours a day.
    SecondLine,
    /// The line is lightly loaded: room for other work.
    IdleCapacity,
    /// The month is overloaded but the build plan covers it with units built in earlier months:
    /// nothing to add, keep to the build plan.
    BuildAhead,
    /// A station is slower than the takt time: split its work or add a parallel station.
    StationAboveTakt,
}

/// One recommendation for a line in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The line.
    pub line: String,
    /// The month.
    pub month: Month,
    /// What to do.
    pub kind: RecommendationKind,
    /// The recommendation in words, with its figures.
    pub message: String,
}

/// A line's busiest month: its highest utilization at the forecast ([`CapacityPlan::peaks`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    /// The line.
    pub line: String,
    /// Its busiest month (the first of equals).
    pub month: Month,
    /// Its utilization that month (1 = 100 %).
    pub utilization: f64,
}

/// Units of a line-month beyond its available hours ([`CapacityRow::units_at_risk`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitsAtRisk {
    /// The units.
    pub units: f64,
    /// The upper bound they are counted at; `None` at the forecast.
    pub level: Option<crate::forecast::Level>,
}

impl CapacityRow {
    /// True when the forecast needs more hours than the line has: utilization above 100 %.
    pub fn is_overloaded(&self) -> bool {
        self.utilization.is_some_and(|u| u > 1.0)
    }

    /// True when the line-month is overloaded at the forecast, or its chance of overload is
    /// [`RISK_FROM`] or more: the line-months the summary, the report and the chart selection
    /// call "overloaded or at risk".
    pub fn is_at_risk(&self) -> bool {
        self.is_overloaded() || self.p_over_capacity.is_some_and(|p| p >= RISK_FROM)
    }

    /// The units beyond the available hours of an at-risk line-month ([`Self::is_at_risk`]).
    ///
    /// # Formula
    /// At utilization `u > 1` the hours cover `1 / u` of the demand `D`: `D * (u - 1) / u`
    /// units are beyond them. Overloaded at the forecast: that of the forecast's units; at risk
    /// only: that of the first upper bound whose utilization is above 1 (its units, its
    /// utilization). `None` when the line-month is not at risk, or no bound overloads.
    pub fn units_at_risk(&self) -> Option<UnitsAtRisk> {
        let beyond = |d: f64, u: f64| d * (u - 1.0) / u;
        if !self.is_at_risk() {
            return None;
        }
        match self.utilization {
            Some(u) if u > 1.0 => Some(UnitsAtRisk {
                units: beyond(self.demand_units, u),
                level: None,
            }),
            _ => self.upper.iter().find_map(|up| {
                up.utilization.filter(|u| *u > 1.0).map(|u| UnitsAtRisk {
                    units: beyond(up.demand_units, u),
                    level: Some(up.level),
                })
            }),
        }
    }

    /// The row in one sentence, for the terminal summary: `L2, 2027-02: 86 % loaded at the
    /// forecast, 104 % at the 80 % upper bound, 31 % chance of overload`.
    pub fn headline(&self) -> String {
        let mut s = format!("{}, {}: ", self.line, self.month);
        match self.utilization {
            Some(u) => s.push_str(&format!("{} loaded at the forecast", pct(u))),
            None => s.push_str(&format!(
                "no working hours, {} units demanded",
                units(self.demand_units)
            )),
        }
        for up in &self.upper {
            if let Some(u) = up.utilization {
                s.push_str(&format!(", {} at the {} % upper bound", pct(u), up.level));
            }
        }
        if let Some(p) = self.p_over_capacity {
            s.push_str(&format!(", {} chance of overload", pct(p)));
        }
        s
    }
}

impl CapacityPlan {
    /// The rows overloaded or at risk ([`CapacityRow::is_at_risk`]), in row order.
    pub fn at_risk(&self) -> impl Iterator<Item = &CapacityRow> {
        self.rows.iter().filter(|r| r.is_at_risk())
    }

    /// Each line's busiest month at the forecast, lines in the order of the rows; a line with
    /// no hours in any month has none.
    pub fn peaks(&self) -> Vec<Peak> {
        let mut out: Vec<Peak> = Vec::new();
        for r in &self.rows {
            let Some(u) = r.utilization else { continue };
            match out.iter_mut().find(|p| p.line == r.line) {
                Some(p) if u > p.utilization => {
                    p.utilization = u;
                    p.month = r.month;
                }
                Some(_) => {}
                None => out.push(Peak {
                    line: r.line.clone(),
                    month: r.month,
                    utilization: u,
                }),
            }
        }
        out
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn units(x: f64) -> String {
    format!("{x:.0}")
}

/// Recommendations for every line-month of a capacity plan, in the order of its rows, read
/// together with the build plan made from the same demand.
///
/// # Formula
/// For a line with `s` shifts of `h` hours, available hours `A`, required hours `R` (at the
/// forecast) and utilization `u = R / A`:
///
/// - `u > 1` and the build plan meets the month's demand (no shortfall on the line that month):
///   [`RecommendationKind::BuildAhead`] when it does so without overtime (the units built ahead
///   in earlier months are drawn down), else [`RecommendationKind::Overtime`] of the build
///   plan's overtime hours that month;
/// - `u > 1`, the build plan short, and `R - A <= max_overtime_share * A`:
///   [`RecommendationKind::Overtime`] of `R - A` hours;
/// - `u > 1`, the build plan short, beyond the overtime limit:
///   [`RecommendationKind::ExtraShift`] to `n = ceil(s * u)` shifts when `n * h <= 24`,
///   otherwise [`RecommendationKind::SecondLine`] for the hours above 24 hours a day (also when
///   the line has no hours but has demand); both say how many units the build plan leaves short;
/// - `u <= 1` but `p_over_capacity >= 25 %` ([`RISK_FROM`]): [`RecommendationKind::Overtime`]
///   held in reserve, sized to the first upper bound that overloads;
/// - `operators_needed > operators_per_shift` (when `lines.csv` gives it):
///   [`RecommendationKind::MoreOperators`];
/// - `u < 50 %` ([`IDLE_BELOW`]): [`RecommendationKind::IdleCapacity`], with the idle hours;
/// - [`CapacityRow::bottleneck_above_takt`]: [`RecommendationKind::StationAboveTakt`], naming
///   the station.
///
/// Rows whose line is not in `lines` get no recommendation.
pub fn recommend(
    plan: &CapacityPlan,
    build: &BuildPlan,
    lines: &[Line],
    settings: &CapacitySettings,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let index = BuiltIndex::of(build);
    let by_line: std::collections::HashMap<&str, &Line> =
        lines.iter().rev().map(|l| (l.line.as_str(), l)).collect();
    for row in &plan.rows {
        if let Some(line) = by_line.get(row.line.as_str()) {
            let built = index.built(build, row);
            recommend_row(row, &built, line, settings, &mut out);
        }
    }
    out
}

/// What the build plan does on a row's line in its month.
#[derive(Debug, Default)]
struct Built {
    /// True when the build plan has the line-month.
    known: bool,
    /// Units of demand it leaves unmet.
    short: f64,
    /// Overtime hours it works.
    overtime: f64,
    /// Units built ahead that it draws down: pre-built stock at the end of the month before less
    /// that at the end of this month.
    drawn: f64,
}

/// The build plan summed by line and month in one pass over its rows (so that the
/// recommendations cost one pass, not one per line-month).
struct BuiltIndex<'a> {
    /// The first line-month of each (line, month), as an index into `line_months`.
    line_month: std::collections::HashMap<(&'a str, Month), usize>,
    /// Shortfall and pre-built stock summed over each (line, month)'s rows, in row order.
    sums: std::collections::HashMap<(&'a str, Month), (f64, f64)>,
}

impl<'a> BuiltIndex<'a> {
    fn of(build: &'a BuildPlan) -> Self {
        let mut line_month = std::collections::HashMap::new();
        for (i, m) in build.line_months.iter().enumerate() {
            line_month.entry((m.line.as_str(), m.month)).or_insert(i);
        }
        let mut sums = std::collections::HashMap::<_, (f64, f64)>::new();
        for r in &build.rows {
            let s = sums.entry((r.line.as_str(), r.month)).or_default();
            s.0 += r.shortfall;
            s.1 += r.prebuild_inventory;
        }
        Self { line_month, sums }
    }

    fn built(&self, build: &BuildPlan, row: &CapacityRow) -> Built {
        let Some(&lm) = self.line_month.get(&(row.line.as_str(), row.month)) else {
            return Built::default();
        };
        let lm = &build.line_months[lm];
        let at = |m: Month| {
            self.sums
                .get(&(row.line.as_str(), m))
                .copied()
                .unwrap_or_default()
        };
        let (short, stock_now) = at(row.month);
        let (_, stock_before) = at(row.month.plus(-1));
        Built {
            known: true,
            short,
            overtime: lm.overtime_hours,
            drawn: (stock_before - stock_now).max(0.0),
        }
    }
}

impl Built {
    /// True when the build plan meets the month's demand.
    fn covers(&self) -> bool {
        self.known && self.short < 0.5
    }
}

fn recommend_row(
    row: &CapacityRow,
    built: &Built,
    line: &Line,
    settings: &CapacitySettings,
    out: &mut Vec<Recommendation>,
) {
    let mut push = |kind, message: String| {
        out.push(Recommendation {
            line: row.line.clone(),
            month: row.month,
            kind,
            message: format!("{}, {}: {message}", row.line, row.month),
        });
    };
    let a = row.available_hours;
    let r = row.required_hours;
    let short_note = if built.known && built.short >= 0.5 {
        format!("; the build plan leaves {} units short", units(built.short))
    } else {
        String::new()
    };
    match row.utilization {
        Some(u) if u > 1.0 && built.covers() => {
            let limit = settings.max_overtime_share * a;
            let ahead = if built.drawn >= 0.5 {
                format!("{} units built ahead in earlier months", units(built.drawn))
            } else {
                String::new()
            };
            if built.overtime < 0.05 {
                push(
                    RecommendationKind::BuildAhead,
                    format!(
                        "{} loaded, {:.1} h over; the build plan covers it with {ahead}: no \
                         overtime or extra shift needed",
                        pct(u),
                        r - a
                    ),
                );
            } else {
                let and = if ahead.is_empty() {
                    String::new()
                } else {
                    format!(" and {ahead}")
                };
                push(
                    RecommendationKind::Overtime,
                    format!(
                        "{} loaded; the build plan covers it with {:.1} h of overtime{and} \
                         (limit {} = {limit:.1} h)",
                        pct(u),
                        built.overtime,
                        pct(settings.max_overtime_share)
                    ),
                );
            }
        }
        None if row.demand_units > 0.0 => push(
            RecommendationKind::SecondLine,
            format!(
                "no working hours but {} units ({r:.1} h) demanded; schedule working days or \
                 move the demand to another line{short_note}",
                units(row.demand_units)
            ),
        ),
        Some(u) if u > 1.0 => {
            let extra = r - a;
            let limit = settings.max_overtime_share * a;
            let shifts = line.shifts_per_day;
            let needed = (shifts * u - 1e-9).ceil();
            if extra <= limit {
                push(
                    RecommendationKind::Overtime,
                    format!(
                        "{} loaded; {extra:.1} h of overtime covers it (limit {} = {limit:.1} h)",
                        pct(u),
                        pct(settings.max_overtime_share)
                    ),
                );
            } else if shifts > 0.0 && needed * line.hours_per_shift <= 24.0 {
                push(
                    RecommendationKind::ExtraShift,
                    format!(
                        "{} loaded, {extra:.1} h over, more than {} overtime allows; run {needed} \
                         shifts a day instead of {shifts}{short_note}",
                        pct(u),
                        pct(settings.max_overtime_share)
                    ),
                );
            } else {
                let most = if shifts > 0.0 {
                    a * 24.0 / (shifts * line.hours_per_shift)
                } else {
                    a
                };
                push(
                    RecommendationKind::SecondLine,
                    format!(
                        "{} loaded; even 24 h a day leaves {:.1} h short; move demand to a \
                         second line{short_note}",
                        pct(u),
                        (r - most).max(0.0)
                    ),
                );
            }
        }
        Some(u) => {
            if let Some(p) = row.p_over_capacity.filter(|&p| p >= RISK_FROM) {
                let reserve = row
                    .upper
                    .iter()
                    .find(|up| up.required_hours > a)
                    .map(|up| {
                        format!(
                            "; hold {:.1} h of overtime in reserve for the {} % upper bound",
                            up.required_hours - a,
                            up.level
                        )
                    })
                    .unwrap_or_default();
                push(
                    RecommendationKind::Overtime,
                    format!(
                        "{} loaded at the forecast but {} chance of overload{reserve}",
                        pct(u),
                        pct(p)
                    ),
                );
            }
            if u < IDLE_BELOW {
                push(
                    RecommendationKind::IdleCapacity,
                    format!("only {} loaded: {:.1} h of {a:.1} h idle", pct(u), a - r),
                );
            }
        }
        None => {}
    }
    if let (true, Some(st), Some(takt)) = (
        row.bottleneck_above_takt,
        &row.slowest_station,
        row.takt_seconds,
    ) {
        push(
            RecommendationKind::StationAboveTakt,
            format!(
                "station {} of {} takes {:.1} s a unit, above the takt of {takt:.1} s; split its \
                 work or add a parallel station",
                st.station, st.sku, st.cycle_seconds
            ),
        );
    }
    if let (Some(n), Some(staffed)) = (row.operators_needed, line.operators_per_shift) {
        if f64::from(n) > staffed {
            push(
                RecommendationKind::MoreOperators,
                format!(
                    "takt {:.1} s calls for {n} operators per shift, {staffed} staffed",
                    row.takt_seconds.unwrap_or(0.0)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::line;
    use super::super::{build_plan, line_months, Calendar, RoutingStep};
    use super::*;
    use crate::capacity::LineSpec;
    use crate::demand_plan::{z_two_sided, DemandPlan, SkuPlan};
    use crate::forecast::{Forecast, Interval, Level};

    /// L1: 1 shift of 8 h, Monday to Friday, 2 operators; February 2027 = 160 h.
    /// Sku A: one station of 3600 s (1 h per unit, OEE 1).
    fn run(q: f64, sd: Option<f64>) -> Vec<Recommendation> {
        let lines = [Line::new(
            "L1",
            LineSpec {
                shifts_per_day: 1.0,
                hours_per_shift: 8.0,
                days_per_week: 5.0,
                oee: 1.0,
                operators_per_shift: Some(2.0),
            },
        )
        .unwrap()];
        let routings = [RoutingStep::new("A", "L1", "s", 3600.0, None).unwrap()];
        let l80 = Level::new(80.0).unwrap();
        let intervals = sd
            .map(|sd| {
                let z = z_two_sided(l80);
                vec![Interval {
                    level: l80,
                    lo: vec![q - z * sd],
                    hi: vec![q + z * sd],
                }]
            })
            .unwrap_or_default();
        let demand = DemandPlan {
            start: "2027-02".parse().unwrap(),
            horizon: 1,
            levels: if sd.is_some() { vec![l80] } else { vec![] },
            skus: vec![SkuPlan {
                sku: "A".into(),
                model: "test".into(),
                forecast: Forecast {
                    point: vec![q],
                    intervals,
                },
            }],
            dependence: crate::uncertainty::Dependence::independent(),
        };
        let p = line_months(&lines, &routings, &Calendar::default(), &demand).unwrap();
        let s = CapacitySettings::default();
        let b = build_plan(&lines, &routings, &Calendar::default(), &demand, &s).unwrap();
        recommend(&p, &b, &lines, &s)
    }

    fn kinds(r: &[Recommendation]) -> Vec<RecommendationKind> {
        r.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn thresholds_by_hand() {
        use RecommendationKind::*;
        // 170 h of 160: 10 h over, within 15 % = 24 h: overtime. Takt 160 * 3600 / 170 =
        // 3388 s for 3600 s of work: 2 operators, as staffed. The one station, 3600 s, is slower
        // than that takt. The build plan (one month, nothing to build ahead in) loses the 10
        // units, at 50 each cheaper than 60 an overtime hour.
        let r = run(170.0, None);
        assert_eq!(kinds(&r), vec![Overtime, StationAboveTakt]);
        assert_eq!(
            r[0].message,
            "L1, 2027-02: 106 % loaded; 10.0 h of overtime covers it (limit 15 % = 24.0 h)"
        );
        // 200 h: 40 h over, beyond 24 h: ceil(1 * 1.25) = 2 shifts of 8 h.
        let r = run(200.0, None);
        assert_eq!(kinds(&r), vec![ExtraShift, StationAboveTakt]);
        assert_eq!(
            r[0].message,
            "L1, 2027-02: 125 % loaded, 40.0 h over, more than 15 % overtime allows; run 2 shifts \
             a day instead of 1; the build plan leaves 40 units short"
        );
        // Takt 160 * 3600 / 200 = 2880 s.
        assert_eq!(
            r[1].message,
            "L1, 2027-02: station s of A takes 3600.0 s a unit, above the takt of 2880.0 s; \
             split its work or add a parallel station"
        );
        // 480 h: 3 shifts of 8 h = 24 h a day, still an extra shift; takt 160 * 3600 / 480 =
        // 1200 s for 3600 s of work: 3 operators, 2 staffed.
        assert_eq!(
            kinds(&run(480.0, None)),
            vec![ExtraShift, StationAboveTakt, MoreOperators]
        );
        // 500 h: 4 shifts of 8 h do not fit a day; 24 h a day gives 480 h: 20 h short.
        let r = run(500.0, None);
        assert_eq!(kinds(&r), vec![SecondLine, StationAboveTakt, MoreOperators]);
        assert!(r[0].message.contains("20.0 h short"), "{}", r[0].message);
        // 64 h of 160: 40 % loaded, 96 h idle.
        let r = run(64.0, None);
        assert_eq!(kinds(&r), vec![IdleCapacity]);
        assert_eq!(
            r[0].message,
            "L1, 2027-02: only 40 % loaded: 96.0 h of 160.0 h idle"
        );
        // 100 h: nothing to say.
        assert!(run(100.0, None).is_empty());
    }

    #[test]
    fn a_month_the_build_plan_covers_by_building_ahead_needs_no_extra_shift() {
        use RecommendationKind::*;
        // L1: 1 shift of 8 h, OEE 1; February 2027 160 h, March 184 h (23 weekdays). Sku A: two
        // stations of 1800 s: 0.5 h a unit at the bottleneck.
        // Demand 200 in February (100 h), 480 in March (240 h): March is 130 % loaded, 56 h over,
        // beyond the 15 % overtime limit (27.6 h), which alone would call for a second shift.
        // The build plan builds 112 units (56 h) ahead in February's 60 spare hours at 0.25 a
        // unit-month, cheaper than overtime at 60 an hour (30 a unit): March is covered.
        let lines = [line("L1", 1.0, 1.0)];
        let routings = [
            RoutingStep::new("A", "L1", "s1", 1800.0, None).unwrap(),
            RoutingStep::new("A", "L1", "s2", 1800.0, None).unwrap(),
        ];
        let demand = DemandPlan {
            start: "2027-02".parse().unwrap(),
            horizon: 2,
            levels: vec![],
            skus: vec![SkuPlan {
                sku: "A".into(),
                model: "test".into(),
                forecast: Forecast {
                    point: vec![200.0, 480.0],
                    intervals: vec![],
                },
            }],
            dependence: crate::uncertainty::Dependence::independent(),
        };
        let s = CapacitySettings::default();
        let cal = Calendar::default();
        let p = line_months(&lines, &routings, &cal, &demand).unwrap();
        let b = build_plan(&lines, &routings, &cal, &demand, &s).unwrap();
        assert!((b.rows[0].prebuild_inventory - 112.0).abs() < 1e-6);
        let r = recommend(&p, &b, &lines, &s);
        // March's takt 184 * 3600 / 480 = 1380 s is below the 1800 s stations.
        assert_eq!(kinds(&r), vec![BuildAhead, StationAboveTakt]);
        assert_eq!(r[0].month.to_string(), "2027-03");
        assert_eq!(
            r[0].message,
            "L1, 2027-03: 130 % loaded, 56.0 h over; the build plan covers it with 112 units \
             built ahead in earlier months: no overtime or extra shift needed"
        );
    }

    #[test]
    fn risk_of_overload_holds_overtime_in_reserve() {
        // 150 h expected, sigma 20 h: P(> 160) = P(Z > 0.5) = 31 %; the 80 % bound is
        // 150 + 1.2816 * 20 = 175.6 h: 15.6 h of overtime in reserve.
        let r = run(150.0, Some(20.0));
        assert_eq!(kinds(&r), vec![RecommendationKind::Overtime]);
        assert_eq!(
            r[0].message,
            "L1, 2027-02: 94 % loaded at the forecast but 31 % chance of overload; hold 15.6 h \
             of overtime in reserve for the 80 % upper bound"
        );
    }

    #[test]
    fn the_headline_reads_like_a_planner_says_it() {
        let lines = [line("L2", 1.0, 1.0)];
        let routings = [RoutingStep::new("A", "L2", "s", 3600.0, None).unwrap()];
        let l80 = Level::new(80.0).unwrap();
        let z = z_two_sided(l80);
        let demand = DemandPlan {
            start: "2027-02".parse().unwrap(),
            horizon: 1,
            levels: vec![l80],
            skus: vec![SkuPlan {
                sku: "A".into(),
                model: "test".into(),
                forecast: Forecast {
                    point: vec![137.6],
                    intervals: vec![Interval {
                        level: l80,
                        lo: vec![137.6 - z * 25.0],
                        hi: vec![137.6 + z * 25.0],
                    }],
                },
            }],
            dependence: crate::uncertainty::Dependence::independent(),
        };
        let p = line_months(&lines, &routings, &Calendar::default(), &demand).unwrap();
        // 137.6 / 160 = 86 %; (137.6 + 32.0) / 160 = 106 %; P(Z > 22.4 / 25 = 0.896) = 19 %.
        assert_eq!(
            p.rows[0].headline(),
            "L2, 2027-02: 86 % loaded at the forecast, 106 % at the 80 % upper bound, \
             19 % chance of overload"
        );
    }
}
