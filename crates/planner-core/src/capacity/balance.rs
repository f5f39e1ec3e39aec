//! Line balancing: each sku's bottleneck station, balance efficiency and idle time per unit.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{CapacityError, Line, RoutingStep};

/// How well one sku's stations are balanced on its line.
///
/// # Formula
/// With station cycle times `c_1 .. c_n` (seconds per unit):
///
/// - bottleneck `b = max c_i` (the contract's "largest station `cycle_seconds`"; on a tie the
///   station listed first in `routings.csv`),
/// - total work `W = sum c_i`,
/// - balance efficiency `W / (n * b)` (1 = perfectly balanced),
/// - idle time per unit `n * b - W` (seconds the other stations wait on the bottleneck).
///
/// Example: stations 40, 60 and 50 s: `b = 60`, `W = 150`, efficiency `150 / 180 = 0.833`, idle
/// `180 - 150 = 30` s per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineBalance {
    /// The line.
    pub line: String,
    /// The sku.
    pub sku: String,
    /// The station with the largest cycle time.
    pub bottleneck_station: String,
    /// The bottleneck's cycle time in seconds.
    pub bottleneck_seconds: f64,
    /// Sum of the station cycle times: the work content of one unit, in seconds.
    pub total_work_seconds: f64,
    /// Number of stations on the routing.
    pub stations: usize,
    /// `total_work_seconds / (stations * bottleneck_seconds)`.
    pub balance_efficiency: f64,
    /// `stations * bottleneck_seconds - total_work_seconds`.
    pub idle_seconds_per_unit: f64,
}

impl LineBalance {
    /// The stations (operators working at once) a takt time calls for when the line builds only
    /// this sku: `ceil(total_work_seconds / takt_seconds)`; `None` for a takt that is not above 0.
    ///
    /// # Formula
    /// The contract's operators-needed formula for one sku; see [`super::line_months`].
    pub fn stations_for_takt(&self, takt_seconds: f64) -> Option<u32> {
        (takt_seconds > 0.0).then(|| ceil_count(self.total_work_seconds / takt_seconds))
    }
}

/// `ceil(x)` forgiving rounding noise of one part in a billion, so `3.000_000_000_1` is 3; any
/// `x > 0` needs at least 1.
pub(crate) fn ceil_count(x: f64) -> u32 {
    let c = (x - 1e-9 * x.abs().max(1.0)).ceil();
    if x <= 0.0 || x.is_nan() {
        0
    } else if c <= 1.0 {
        1
    } else if c >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        c as u32
    }
}

/// One sku's routing, resolved against the lines.
#[derive(Debug, Clone)]
pub(crate) struct Route<'a> {
    /// The sku.
    pub(crate) sku: &'a str,
    /// Index of its line in the `lines` slice.
    pub(crate) line: usize,
    /// Station names and cycle seconds in routing order.
    pub(crate) stations: Vec<(&'a str, f64)>,
    /// Labour content of one unit: the sum of `cycle_seconds * operators` over the stations (1
    /// operator unless the routing says otherwise).
    pub(crate) labour: f64,
}

impl Route<'_> {
    /// The largest cycle time and the first station that has it.
    pub(crate) fn bottleneck(&self) -> (&str, f64) {
        let mut best = self.stations[0];
        for &s in &self.stations[1..] {
            if s.1 > best.1 {
                best = s;
            }
        }
        best
    }

    /// Sum of the station cycle times.
    pub(crate) fn work(&self) -> f64 {
        self.stations.iter().map(|s| s.1).sum()
    }
}

/// Labour seconds of one unit at a station: `cycle_seconds * operators`, 1 operator unless
/// `routings.csv` says otherwise.
fn labour_of(step: &RoutingStep) -> f64 {
    step.cycle_seconds * step.operators.unwrap_or(1.0)
}

/// Every routed sku with its line, in order of first appearance in `routings`.
#[derive(Debug, Clone)]
pub(crate) struct Routes<'a> {
    /// The routes.
    pub(crate) routes: Vec<Route<'a>>,
    /// Sku to index in `routes`.
    pub(crate) by_sku: HashMap<&'a str, usize>,
}

/// Resolves the routings against the lines.
///
/// # Errors
/// [`CapacityError::UnknownLine`] for a routing naming a line not in `lines`;
/// [`CapacityError::TwoLines`] for a sku routed on two lines.
pub(crate) fn resolve<'a>(
    lines: &'a [Line],
    routings: &'a [RoutingStep],
) -> Result<Routes<'a>, CapacityError> {
    let mut line_index: HashMap<&str, usize> = HashMap::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        line_index.entry(l.line.as_str()).or_insert(i);
    }
    let mut routes: Vec<Route<'a>> = Vec::new();
    let mut by_sku: HashMap<&'a str, usize> = HashMap::new();
    for step in routings {
        let Some(&line) = line_index.get(step.line.as_str()) else {
            return Err(CapacityError::UnknownLine {
                sku: step.sku.clone(),
                line: step.line.clone(),
            });
        };
        match by_sku.get(step.sku.as_str()) {
            Some(&i) => {
                let route = &mut routes[i];
                if route.line != line {
                    return Err(CapacityError::TwoLines {
                        sku: step.sku.clone(),
                        first: lines[route.line].line.clone(),
                        second: step.line.clone(),
                    });
                }
                route.stations.push((&step.station, step.cycle_seconds));
                route.labour += labour_of(step);
            }
            None => {
                by_sku.insert(&step.sku, routes.len());
                routes.push(Route {
                    sku: &step.sku,
                    line,
                    stations: vec![(&step.station, step.cycle_seconds)],
                    labour: labour_of(step),
                });
            }
        }
    }
    Ok(Routes { routes, by_sku })
}

/// The balance of every routed sku, in order of first appearance in `routings`.
///
/// # Errors
/// [`CapacityError::UnknownLine`] for a routing naming a line not in `lines`;
/// [`CapacityError::TwoLines`] for a sku routed on two lines.
///
/// # Examples
/// ```
/// use planner_core::capacity::{balance, Line, LineSpec, RoutingStep};
///
/// let lines = [Line::new("L1", LineSpec { shifts_per_day: 2.0, oee: 0.8, ..LineSpec::default() })?];
/// let routings = [
///     RoutingStep::new("A", "L1", "frame", 40.0, None)?,
///     RoutingStep::new("A", "L1", "wire", 60.0, None)?,
///     RoutingStep::new("A", "L1", "test", 50.0, None)?,
/// ];
/// let b = &balance(&lines, &routings)?[0];
/// assert_eq!((b.bottleneck_station.as_str(), b.bottleneck_seconds), ("wire", 60.0));
/// assert_eq!(b.idle_seconds_per_unit, 30.0);
/// # Ok::<(), planner_core::Error>(())
/// ```
pub fn balance(
    lines: &[Line],
    routings: &[RoutingStep],
) -> Result<Vec<LineBalance>, CapacityError> {
    let routes = resolve(lines, routings)?;
    Ok(routes.routes.iter().map(|r| balance_of(lines, r)).collect())
}

/// The balance of one resolved route.
pub(crate) fn balance_of(lines: &[Line], r: &Route<'_>) -> LineBalance {
    let (station, b) = r.bottleneck();
    let work = r.work();
    let n = r.stations.len();
    let span = n as f64 * b;
    LineBalance {
        line: lines[r.line].line.clone(),
        sku: r.sku.to_string(),
        bottleneck_station: station.to_string(),
        bottleneck_seconds: b,
        total_work_seconds: work,
        stations: n,
        balance_efficiency: work / span,
        idle_seconds_per_unit: span - work,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{line, step};
    use super::*;

    #[test]
    fn balance_of_two_skus_by_hand() {
        let lines = [line("L1", 2.0, 0.8)];
        let routings = [
            step("A", "L1", "frame", 40.0),
            step("A", "L1", "wire", 60.0),
            step("B", "L1", "frame", 30.0),
            step("A", "L1", "test", 50.0),
            step("B", "L1", "pack", 90.0),
        ];
        let b = balance(&lines, &routings).unwrap();
        // A: 40 + 60 + 50 = 150 s of work, bottleneck 60 s at "wire", 3 stations:
        // efficiency 150 / (3 * 60) = 0.8333, idle 180 - 150 = 30 s per unit.
        assert_eq!(b[0].sku, "A");
        assert_eq!(b[0].bottleneck_station, "wire");
        assert_eq!(b[0].total_work_seconds, 150.0);
        assert_eq!(b[0].stations, 3);
        assert!((b[0].balance_efficiency - 150.0 / 180.0).abs() < 1e-12);
        assert_eq!(b[0].idle_seconds_per_unit, 30.0);
        // B: 30 + 90 = 120 s, bottleneck 90 s: efficiency 120 / 180 = 0.6667, idle 60 s.
        assert_eq!(b[1].bottleneck_station, "pack");
        assert!((b[1].balance_efficiency - 120.0 / 180.0).abs() < 1e-12);
        assert_eq!(b[1].idle_seconds_per_unit, 60.0);
        // Takt 118.08 s: A alone needs ceil(150 / 118.08) = 2 operators; takt 50 s: 3.
        assert_eq!(b[0].stations_for_takt(118.08), Some(2));
        assert_eq!(b[0].stations_for_takt(50.0), Some(3));
        assert_eq!(b[0].stations_for_takt(0.0), None);
    }

    #[test]
    fn a_tie_names_the_first_station() {
        let lines = [line("L1", 1.0, 1.0)];
        let routings = [step("A", "L1", "s1", 30.0), step("A", "L1", "s2", 30.0)];
        let b = balance(&lines, &routings).unwrap();
        assert_eq!(b[0].bottleneck_station, "s1");
        assert_eq!(b[0].balance_efficiency, 1.0);
        assert_eq!(b[0].idle_seconds_per_unit, 0.0);
    }

    #[test]
    fn unknown_lines_and_two_lines_are_errors() {
        let lines = [line("L1", 1.0, 1.0), line("L2", 1.0, 1.0)];
        let e = balance(&lines, &[step("A", "L9", "s", 1.0)]).unwrap_err();
        assert_eq!(
            e,
            CapacityError::UnknownLine {
                sku: "A".into(),
                line: "L9".into()
            }
        );
        let e = balance(
            &lines,
            &[step("A", "L1", "s", 1.0), step("A", "L2", "t", 1.0)],
        )
        .unwrap_err();
        assert_eq!(
            e,
            CapacityError::TwoLines {
                sku: "A".into(),
                first: "L1".into(),
                second: "L2".into()
            }
        );
    }

    #[test]
    fn ceil_forgives_rounding_noise() {
        assert_eq!(ceil_count(3.000_000_000_01), 3);
        assert_eq!(ceil_count(3.001), 4);
        assert_eq!(ceil_count(0.0), 0);
        assert_eq!(ceil_count(1e-12), 1);
        assert_eq!(ceil_count(0.2), 1);
    }
}
