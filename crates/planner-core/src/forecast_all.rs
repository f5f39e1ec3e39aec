//! Forecasting every sku of a history, with planner events layered on top.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::demand::DemandHistory;
use crate::demand_plan::{z_two_sided, DemandPlan, SkuPlan};
use crate::events::{Event, EventKind};
use crate::forecast::{forecast_series, DemandPattern, Forecast, Interval, Level};
use crate::settings::Settings;
use crate::time::Month;
use crate::Error;

/// One sku's forecast: sku, model, demand pattern (none without history), forecast.
type SkuResult = (String, String, Option<DemandPattern>, Forecast);

/// The demand plan of every sku, and what the planner should know about how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastRun {
    /// The forecasts, one per sku, over the planned months (`plan` in JSON written before
    /// 2026-12 is read too).
    #[serde(alias = "plan")]
    pub demand: DemandPlan,
    /// Each sku's demand pattern (none for a launch without history).
    pub patterns: BTreeMap<String, DemandPattern>,
    /// Events that did not apply (outside the horizon, or a sku with neither history nor launch).
    pub ignored_events: Vec<Event>,
    /// The statistical forecast of each sku that events, overrides or time fences changed, as it
    /// was before them (a launch without history: zero); [`ForecastRun::statistical`] puts the
    /// plan together.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_events: Vec<SkuPlan>,
    /// What the input's overrides did, when it has any ([`crate::scenario::PlanInput::overrides`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Overridden>,
}

/// What a plan's overrides did ([`crate::scenario::PlanInput::overrides`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overridden {
    /// The cells overridden.
    pub cells: usize,
    /// The `override` events of the input in those cells, which gave way to them.
    pub replaced: usize,
    /// The plan as it is without the overrides (with every other event, and its time fences
    /// held): what a next round of overrides is told from.
    pub without: DemandPlan,
}

impl ForecastRun {
    /// The statistical forecast: the plan before the planner's events, overrides and the time
    /// fences (what the models alone said), for the archive and the review's value added.
    pub fn statistical(&self) -> DemandPlan {
        let mut plan = self.demand.clone();
        for b in &self.before_events {
            if let Some(s) = plan.get_mut(&b.sku) {
                *s = b.clone();
            }
        }
        plan
    }
}

/// Forecasts every sku of `history` from `settings.start` (default: the month after the last
/// history month) over `settings.horizon` months, then applies `events`.
///
/// History at or after the start month is left out, so a forecast can be remade as of an
/// earlier month. A sku whose history stops before the start month (a gap) is forecast across the
/// gap. Skus run in parallel; the result does not depend on the number of threads. `progress` is
/// called once per sku done.
///
/// Events, in this order for each sku and month:
/// 1. `launch`: from its month on, the baseline is the event's units, with a normal uncertainty of
///    standard deviation `launch_cv` times the units (truncated at zero); before it, zero. A sku
///    with no history needs a launch to be planned.
/// 2. `override`: sets the point forecast; the bounds are scaled by the same ratio (shifted when
///    the point was zero; [`Forecast::set_point`](crate::forecast::Forecast::set_point)).
/// 3. `multiplier`: multiplies the point and both bounds (several in a month multiply).
/// 4. `add`: adds units to the point and both bounds.
/// 5. `discontinue`: from its month on, the point and both bounds are 0.
///
/// An event with a range of months ([`Event::to`]) applies to each month of the range within the
/// horizon (`launch` and `discontinue` run from their month to the end of the horizon, and one
/// dated before the start covers the whole horizon). A `family:NAME` event must first be made
/// one per sku with [`crate::events::expand_family`].
///
/// # Errors
/// [`Error::Forecast`] naming the sku when its history cannot be forecast, [`Error::Field`] when
/// there is neither history nor a launch to plan from.
pub fn forecast_all(
    history: &DemandHistory,
    events: &[Event],
    settings: &Settings,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ForecastRun, Error> {
    Ok(statistical(history, settings, progress)?.with_events(events, settings.forecast.launch_cv))
}

/// The models' forecast of every sku, before any event: what [`forecast_all`] layers the events
/// on ([`Statistical::with_events`]). Made once, it gives several plans that differ only in their
/// events (the plan with a workbook's overrides and the plan without them) without forecasting
/// again.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statistical {
    start: Month,
    horizon: usize,
    levels: Vec<Level>,
    /// Model name and forecast per sku.
    by_sku: BTreeMap<String, (String, Forecast)>,
    patterns: BTreeMap<String, DemandPattern>,
}

/// Forecasts every sku of `history` as [`forecast_all`] does, without events.
///
/// # Errors
/// As [`forecast_all`].
pub(crate) fn statistical(
    history: &DemandHistory,
    settings: &Settings,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Statistical, Error> {
    let levels = settings.sorted_levels();
    let horizon = settings.horizon as usize;
    let fs = &settings.forecast;
    let start = match settings.first_month(history) {
        Some(s) => s,
        None => {
            return Err(crate::FieldError::new(
                "start",
                "no demand history and no start month: nothing to plan from",
            )
            .into())
        }
    };
    let results: Vec<Result<SkuResult, Error>> = history
        .series()
        .par_iter()
        .map(|s| {
            let before = s
                .start
                .months_until(start)
                .clamp(0, s.quantities.len() as i32) as usize;
            let past = &s.quantities[..before];
            let out = if past.is_empty() {
                // No history before the start month: zero baseline, events may launch it.
                (
                    s.sku.clone(),
                    NO_HISTORY.to_string(),
                    None,
                    zero_forecast(horizon, &levels),
                )
            } else {
                let gap = s.start.plus(before as i32).months_until(start).max(0) as usize;
                let f = forecast_series(past, gap + horizon, &levels, fs.method, fs.season)
                    .map_err(|source| Error::Forecast {
                        sku: s.sku.clone(),
                        source,
                    })?;
                (
                    s.sku.clone(),
                    f.model,
                    Some(f.pattern),
                    drop_first(f.forecast, gap),
                )
            };
            progress(1);
            Ok(out)
        })
        .collect();

    let mut by_sku: BTreeMap<String, (String, Forecast)> = BTreeMap::new();
    let mut patterns = BTreeMap::new();
    for r in results {
        let (sku, model, pattern, forecast) = r?;
        if let Some(p) = pattern {
            patterns.insert(sku.clone(), p);
        }
        by_sku.insert(sku, (model, forecast));
    }
    Ok(Statistical {
        start,
        horizon,
        levels,
        by_sku,
        patterns,
    })
}

/// True when `e` falls within the `horizon` months from `start` (a `launch` or `discontinue` from
/// its month on, a month or range of the others anywhere inside it).
pub(crate) fn in_horizon(e: &Event, start: Month, horizon: usize) -> bool {
    let (t0, t1) = (start.months_until(e.month), start.months_until(e.last()));
    let to_end = matches!(e.kind, EventKind::Launch | EventKind::Discontinue);
    t0 < horizon as i32 && (to_end || t1 >= 0)
}

/// The model name of a sku planned without history.
const NO_HISTORY: &str = "None (no history)";

impl Statistical {
    /// The plan: these forecasts with `events` applied in the order [`forecast_all`] gives
    /// (`launch_cv`: the relative uncertainty of a launch's units).
    pub(crate) fn with_events(self, events: &[Event], launch_cv: f64) -> ForecastRun {
        let Statistical {
            start,
            horizon,
            levels,
            mut by_sku,
            patterns,
        } = self;
        // Skus without history that a launch plans: their other events apply after the launch,
        // as on any sku.
        let launched: std::collections::BTreeSet<&str> = events
            .iter()
            .filter(|e| e.kind == EventKind::Launch && in_horizon(e, start, horizon))
            .map(|e| e.sku.as_str())
            .collect();
        // Events, grouped by sku.
        let mut ignored = Vec::new();
        let mut per_sku: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
        for e in events {
            if !in_horizon(e, start, horizon)
                || (!by_sku.contains_key(&e.sku) && !launched.contains(e.sku.as_str()))
            {
                ignored.push(e.clone());
                continue;
            }
            per_sku.entry(&e.sku).or_default().push(e);
        }
        let mut before_events = Vec::new();
        for (sku, evs) in per_sku {
            let entry = by_sku
                .entry(sku.to_string())
                .or_insert_with(|| (NO_HISTORY.to_string(), zero_forecast(horizon, &levels)));
            before_events.push(SkuPlan {
                sku: sku.to_string(),
                model: entry.0.clone(),
                forecast: entry.1.clone(),
            });
            apply_events(entry, &evs, start, horizon, launch_cv);
        }

        let skus = by_sku
            .into_iter()
            .map(|(sku, (model, forecast))| SkuPlan {
                sku,
                model,
                forecast,
            })
            .collect();
        ForecastRun {
            demand: DemandPlan {
                start,
                horizon,
                levels,
                skus,
                dependence: Default::default(),
            },
            patterns,
            ignored_events: ignored,
            before_events,
            overrides: None,
        }
    }
}

fn zero_forecast(horizon: usize, levels: &[Level]) -> Forecast {
    Forecast {
        point: vec![0.0; horizon],
        intervals: levels
            .iter()
            .map(|&level| Interval {
                level,
                lo: vec![0.0; horizon],
                hi: vec![0.0; horizon],
            })
            .collect(),
    }
}

fn drop_first(mut f: Forecast, n: usize) -> Forecast {
    if n > 0 {
        f.point.drain(..n);
        for i in &mut f.intervals {
            i.lo.drain(..n);
            i.hi.drain(..n);
        }
    }
    f
}

fn apply_events(
    entry: &mut (String, Forecast),
    events: &[&Event],
    start: Month,
    horizon: usize,
    launch_cv: f64,
) {
    let (model, f) = entry;
    let month_index = |m: Month| start.months_until(m);
    // Each kind applied, with the months (indices) it touched.
    let mut kinds: Vec<(EventKind, Vec<usize>)> = Vec::new();
    for kind in [
        EventKind::Launch,
        EventKind::Override,
        EventKind::Multiplier,
        EventKind::Add,
        EventKind::Discontinue,
    ] {
        for e in events.iter().filter(|e| e.kind == kind) {
            let t0 = month_index(e.month).max(0) as usize;
            let months: Vec<usize> = if matches!(kind, EventKind::Launch | EventKind::Discontinue) {
                (t0..horizon).collect()
            } else {
                let t1 = (month_index(e.last()).max(0) as usize).min(horizon.saturating_sub(1));
                (t0..=t1).collect()
            };
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, touched)) => touched.extend(&months),
                None => kinds.push((kind, months.clone())),
            }
            for t in months {
                match kind {
                    EventKind::Launch => {
                        f.point[t] = e.value;
                        for i in &mut f.intervals {
                            let half = z_two_sided(i.level) * launch_cv * e.value;
                            i.lo[t] = (e.value - half).max(0.0);
                            i.hi[t] = e.value + half;
                        }
                    }
                    EventKind::Override => f.set_point(t, e.value),
                    EventKind::Multiplier => {
                        f.point[t] *= e.value;
                        for i in &mut f.intervals {
                            i.lo[t] *= e.value;
                            i.hi[t] *= e.value;
                        }
                    }
                    EventKind::Add => {
                        f.point[t] += e.value;
                        for i in &mut f.intervals {
                            i.lo[t] += e.value;
                            i.hi[t] += e.value;
                        }
                    }
                    EventKind::Discontinue => {
                        f.point[t] = 0.0;
                        for i in &mut f.intervals {
                            i.lo[t] = 0.0;
                            i.hi[t] = 0.0;
                        }
                    }
                }
            }
        }
    }
    if kinds.iter().any(|(k, _)| *k == EventKind::Launch) && model.starts_with("None") {
        *model = "Launch".to_string();
    }
    let others: Vec<String> = kinds
        .iter_mut()
        .filter(|(k, _)| !(*k == EventKind::Launch && model == "Launch"))
        .map(|(k, touched)| format!("{k} {}", month_runs(start, touched)))
        .collect();
    if !others.is_empty() {
        *model = format!("{model} + {}", others.join("; "));
    }
}

/// The months `touched` (indices from `start`, in any order, repeats allowed) as runs:
/// `2026-11..2027-01, 2027-04`.
fn month_runs(start: Month, touched: &mut Vec<usize>) -> String {
    touched.sort_unstable();
    touched.dedup();
    let at = |t: usize| start.plus(t as i32);
    let runs: Vec<String> = touched
        .chunk_by(|a, b| *b == a + 1)
        .map(|run| match run {
            [t] => at(*t).to_string(),
            _ => format!("{}..{}", at(run[0]), at(run[run.len() - 1])),
        })
        .collect();
    runs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn history() -> DemandHistory {
        let mut records = Vec::new();
        for i in 0..24 {
            records.push(("A", m("2025-01").plus(i), 100.0));
        }
        DemandHistory::from_records(records).unwrap()
    }

    #[test]
    fn events_move_the_point_and_the_bounds_together() {
        let settings = Settings {
            horizon: 4,
            forecast: crate::settings::ForecastSettings {
                method: crate::forecast::Method::Naive,
                ..Default::default()
            },
            ..Settings::default()
        };
        let ev = |kind, month: &str, value| Event::new("A", m(month), kind, value, None).unwrap();
        let events = vec![
            ev(EventKind::Multiplier, "2027-01", 1.5),
            ev(EventKind::Add, "2027-02", 20.0),
            ev(EventKind::Override, "2027-03", 50.0),
            ev(EventKind::Launch, "2027-02", 10.0),
            Event::new("NEW", m("2027-02"), EventKind::Launch, 40.0, None).unwrap(),
            ev(EventKind::Add, "2030-01", 1.0),
        ];
        let base = forecast_all(&history(), &[], &settings, &|_| {}).unwrap();
        let run = forecast_all(&history(), &events, &settings, &|_| {}).unwrap();
        assert_eq!(run.demand.start, m("2027-01"));
        let b = base.demand.get("A").unwrap();
        let a = run.demand.get("A").unwrap();
        // Naive: 100 every month.
        assert_eq!(b.forecast.point, vec![100.0; 4]);
        // Month 1: x1.5 of point and bounds.
        assert_eq!(a.forecast.point[0], 150.0);
        assert!((a.forecast.intervals[0].hi[0] - 1.5 * b.forecast.intervals[0].hi[0]).abs() < 1e-9);
        // Month 2: launch sets 10, then +20.
        assert_eq!(a.forecast.point[1], 30.0);
        // Month 3: override 50 after the launch's 10: bounds x5.
        assert_eq!(a.forecast.point[2], 50.0);
        assert_eq!(a.forecast.point[3], 10.0);
        assert!(
            a.model.ends_with(
                "+ launch 2027-02..2027-04; override 2027-03; multiplier 2027-01; add 2027-02"
            ),
            "{}",
            a.model
        );
        // A new sku launched from month 2.
        let n = run.demand.get("NEW").unwrap();
        assert_eq!(n.model, "Launch");
        assert_eq!(n.forecast.point, vec![0.0, 40.0, 40.0, 40.0]);
        let i95 = &n.forecast.intervals[1];
        assert!((i95.hi[1] - (40.0 + 1.959_964 * 0.35 * 40.0)).abs() < 1e-3);
        assert_eq!(run.ignored_events.len(), 1);
        for s in &run.demand.skus {
            for i in &s.forecast.intervals {
                for t in 0..4 {
                    assert!(i.lo[t] <= s.forecast.point[t] && s.forecast.point[t] <= i.hi[t]);
                    assert!(i.lo[t] >= 0.0);
                }
            }
        }
    }

    #[test]
    fn a_launched_sku_takes_its_other_events_after_the_launch() {
        let settings = Settings {
            horizon: 5,
            forecast: crate::settings::ForecastSettings {
                method: crate::forecast::Method::Naive,
                ..Default::default()
            },
            ..Settings::default()
        };
        let ev = |sku: &str, kind, month: &str, value| {
            Event::new(sku, m(month), kind, value, None).unwrap()
        };
        // Given out of kind order: they apply launch, override, multiplier, add, discontinue.
        let events = vec![
            ev("NEW", EventKind::Discontinue, "2027-05", 0.0),
            ev("NEW", EventKind::Add, "2027-04", 5.0),
            ev("NEW", EventKind::Multiplier, "2027-04", 1.5),
            ev("NEW", EventKind::Override, "2027-03", 60.0),
            ev("NEW", EventKind::Override, "2027-04", 60.0),
            ev("NEW", EventKind::Launch, "2027-02", 40.0),
            // A launch after the horizon plans nothing: its sku's events do not apply.
            ev("LATE", EventKind::Launch, "2030-01", 10.0),
            ev("LATE", EventKind::Override, "2027-02", 10.0),
        ];
        let run = forecast_all(&history(), &events, &settings, &|_| {}).unwrap();
        let n = run.demand.get("NEW").unwrap();
        // 0 before the launch; 40; overridden to 60; 60 x 1.5 + 5 = 95; discontinued.
        assert_eq!(n.forecast.point, vec![0.0, 40.0, 60.0, 95.0, 0.0]);
        assert_eq!(
            n.model,
            "Launch + override 2027-03..2027-04; multiplier 2027-04; add 2027-04; discontinue 2027-05"
        );
        // The launch's 95 % bound 40 + 1.959964 x 0.35 x 40 = 67.4395, scaled by 60 / 40 in
        // month 3; in month 4 scaled, times 1.5, plus 5.
        let i95 = &n.forecast.intervals[1];
        assert!((i95.hi[1] - 67.4395).abs() < 1e-3, "{}", i95.hi[1]);
        assert!((i95.hi[2] - 101.1593).abs() < 1e-3, "{}", i95.hi[2]);
        assert!(
            (i95.hi[3] - (101.1593 * 1.5 + 5.0)).abs() < 1e-3,
            "{}",
            i95.hi[3]
        );
        assert_eq!((i95.lo[4], i95.hi[4]), (0.0, 0.0));
        assert!(run.demand.get("LATE").is_none());
        let ignored: Vec<(&str, EventKind)> = run
            .ignored_events
            .iter()
            .map(|e| (e.sku.as_str(), e.kind))
            .collect();
        assert_eq!(
            ignored,
            vec![("LATE", EventKind::Launch), ("LATE", EventKind::Override)]
        );
        // Before the launch it was zero: what the events changed it from.
        let before = run.before_events.iter().find(|b| b.sku == "NEW").unwrap();
        assert_eq!(before.forecast.point, vec![0.0; 5]);
    }

    #[test]
    fn touched_months_are_named_as_runs() {
        let start = m("2026-11");
        assert_eq!(
            month_runs(start, &mut vec![5, 0, 1, 2, 1, 8, 6]),
            "2026-11..2027-01, 2027-04..2027-05, 2027-07"
        );
        assert_eq!(month_runs(start, &mut vec![3]), "2027-02");
    }

    #[test]
    fn a_range_covers_exactly_its_months_and_discontinue_zeroes_the_rest() {
        let settings = Settings {
            horizon: 6,
            forecast: crate::settings::ForecastSettings {
                method: crate::forecast::Method::Naive,
                ..Default::default()
            },
            ..Settings::default()
        };
        let events = vec![
            // 2026-12..2027-02 starts before the plan (2027-01): months 1 and 2 only.
            Event::new("A", m("2026-12"), EventKind::Multiplier, 2.0, None)
                .unwrap()
                .through(m("2027-02"))
                .unwrap(),
            Event::new("A", m("2027-03"), EventKind::Add, 5.0, None)
                .unwrap()
                .through(m("2027-04"))
                .unwrap(),
            Event::new("A", m("2027-05"), EventKind::Discontinue, 0.0, None).unwrap(),
            Event::new("A", m("2027-06"), EventKind::Add, 7.0, None).unwrap(),
        ];
        let run = forecast_all(&history(), &events, &settings, &|_| {}).unwrap();
        let a = run.demand.get("A").unwrap();
        assert_eq!(a.forecast.point, vec![200.0, 200.0, 105.0, 105.0, 0.0, 0.0]);
        for i in &a.forecast.intervals {
            assert_eq!(&i.lo[4..], &[0.0, 0.0]);
            assert_eq!(&i.hi[4..], &[0.0, 0.0]);
            assert!(i.lo[3] <= 105.0 && i.hi[3] >= 105.0);
        }
        // The model names each kind with the months it touched, runs joined.
        assert!(
            a.model.ends_with(
                "+ multiplier 2027-01..2027-02; add 2027-03..2027-04, 2027-06; \
                 discontinue 2027-05..2027-06"
            ),
            "{}",
            a.model
        );
        assert!(run.ignored_events.is_empty());
        // Entirely before the plan: ignored; a discontinue before it: the whole horizon is 0.
        let early = vec![
            Event::new("A", m("2026-10"), EventKind::Add, 1.0, None)
                .unwrap()
                .through(m("2026-12"))
                .unwrap(),
            Event::new("A", m("2026-06"), EventKind::Discontinue, 0.0, None).unwrap(),
        ];
        let run = forecast_all(&history(), &early, &settings, &|_| {}).unwrap();
        assert_eq!(run.ignored_events.len(), 1);
        assert_eq!(run.demand.get("A").unwrap().forecast.point, vec![0.0; 6]);
    }

    #[test]
    fn a_start_inside_the_history_forecasts_as_of_then_and_a_gap_is_bridged() {
        let settings = Settings {
            start: Some(m("2026-01")),
            horizon: 3,
            ..Settings::default()
        };
        let run = forecast_all(&history(), &[], &settings, &|_| {}).unwrap();
        assert_eq!(run.demand.start, m("2026-01"));
        assert_eq!(run.demand.get("A").unwrap().forecast.point.len(), 3);
        let later = Settings {
            start: Some(m("2027-06")),
            ..settings
        };
        let run = forecast_all(&history(), &[], &later, &|_| {}).unwrap();
        assert_eq!(run.demand.get("A").unwrap().forecast.point.len(), 3);
    }
}
