//! Recommendations a planner can act on, read off the capacity figures.

use serde::{Deserialize, Serialize};

use super::{CapacityPlan, CapacityRow, CapacitySettings, Line};
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

impl CapacityRow {
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

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn units(x: f64) -> String {
    format!("{x:.0}")
}

/// Recommendations for every line-month of a capacity plan, in the order of its rows.
///
/// # Formula
/// For a line with `s` shifts of `h` hours, available hours `A`, required hours `R` (at the
/// forecast) and utilization `u = R / A`:
///
/// - `u > 1` and `R - A <= max_overtime_share * A`: [`RecommendationKind::Overtime`] of `R - A`
///   hours;
/// - `u > 1` beyond the overtime limit: [`RecommendationKind::ExtraShift`] to
///   `n = ceil(s * u)` shifts when `n * h <= 24`, otherwise [`RecommendationKind::SecondLine`]
///   for the hours above 24 hours a day (also when the line has no hours but has demand);
/// - `u <= 1` but `p_over_capacity >= 25 %` ([`RISK_FROM`]): [`RecommendationKind::Overtime`]
///   held in reserve, sized to the first upper bound that overloads;
/// - `operators_needed > operators_per_shift` (when `lines.csv` gives it):
///   [`RecommendationKind::MoreOperators`];
/// - `u < 50 %` ([`IDLE_BELOW`]): [`RecommendationKind::IdleCapacity`], with the idle hours.
///
/// Rows whose line is not in `lines` get no recommendation.
pub fn recommend(
    plan: &CapacityPlan,
    lines: &[Line],
    settings: &CapacitySettings,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    for row in &plan.rows {
        if let Some(line) = lines.iter().find(|l| l.line == row.line) {
            recommend_row(row, line, settings, &mut out);
        }
    }
    out
}

fn recommend_row(
    row: &CapacityRow,
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
    match row.utilization {
        None if row.demand_units > 0.0 => push(
            RecommendationKind::SecondLine,
            format!(
                "no working hours but {} units ({r:.1} h) demanded; schedule working days or \
                 move the demand to another line",
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
                         shifts a day instead of {shifts}",
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
                         second line",
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
    use super::super::{plan, Calendar, RoutingStep};
    use super::*;
    use crate::forecast::{Forecast, Interval, Level};
    use crate::plan::{z_two_sided, DemandPlan, SkuPlan};

    /// L1: 1 shift of 8 h, Monday to Friday, 2 operators; February 2027 = 160 h.
    /// Sku A: one station of 3600 s (1 h per unit, OEE 1).
    fn run(q: f64, sd: Option<f64>) -> Vec<Recommendation> {
        let lines = [Line::new("L1", 1.0, 8.0, 5.0, 1.0, Some(2.0)).unwrap()];
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
        let p = plan(&lines, &routings, &Calendar::default(), &demand).unwrap();
        recommend(&p, &lines, &CapacitySettings::default())
    }

    fn kinds(r: &[Recommendation]) -> Vec<RecommendationKind> {
        r.iter().map(|r| r.kind).collect()
    }

    #[test]
    fn thresholds_by_hand() {
        use RecommendationKind::*;
        // 170 h of 160: 10 h over, within 15 % = 24 h: overtime. Takt 160 * 3600 / 170 =
        // 3388 s for 3600 s of work: 2 operators, as staffed.
        let r = run(170.0, None);
        assert_eq!(kinds(&r), vec![Overtime]);
        assert_eq!(
            r[0].message,
            "L1, 2027-02: 106 % loaded; 10.0 h of overtime covers it (limit 15 % = 24.0 h)"
        );
        // 200 h: 40 h over, beyond 24 h: ceil(1 * 1.25) = 2 shifts of 8 h.
        let r = run(200.0, None);
        assert_eq!(kinds(&r), vec![ExtraShift]);
        assert!(
            r[0].message.contains("run 2 shifts a day instead of 1"),
            "{}",
            r[0].message
        );
        // 480 h: 3 shifts of 8 h = 24 h a day, still an extra shift; takt 160 * 3600 / 480 =
        // 1200 s for 3600 s of work: 3 operators, 2 staffed.
        assert_eq!(kinds(&run(480.0, None)), vec![ExtraShift, MoreOperators]);
        // 500 h: 4 shifts of 8 h do not fit a day; 24 h a day gives 480 h: 20 h short.
        let r = run(500.0, None);
        assert_eq!(kinds(&r), vec![SecondLine, MoreOperators]);
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
        let lines = [Line::new("L2", 1.0, 8.0, 5.0, 1.0, None).unwrap()];
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
        let p = plan(&lines, &routings, &Calendar::default(), &demand).unwrap();
        // 137.6 / 160 = 86 %; (137.6 + 32.0) / 160 = 106 %; P(Z > 22.4 / 25 = 0.896) = 19 %.
        assert_eq!(
            p.rows[0].headline(),
            "L2, 2027-02: 86 % loaded at the forecast, 106 % at the 80 % upper bound, \
             19 % chance of overload"
        );
    }
}
