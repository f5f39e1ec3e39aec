//! Planning settings (`planner.toml`).

use serde::{Deserialize, Serialize};

use crate::capacity::CapacitySettings;
use crate::demand::DemandHistory;
use crate::field::FieldError;
use crate::forecast::{Level, Method};
use crate::pricing::PricingSettings;
use crate::review::ReviewSettings;
pub use crate::review::{ReviewThresholds, TimeFence};
use crate::segments::SegmentSettings;
use crate::time::Month;
use crate::uncertainty::UncertaintySettings;

/// Settings of a planning run; every field is optional in `planner.toml`.
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `start` | the month after the last history month | a `YYYY-MM` month |
/// | `horizon` | 12 | 1 to 36 months |
/// | `levels` | `[80, 95]` | percentages strictly between 0 and 100 |
/// | `service_level` | 0.95 | 0.5 to 1, 1 excluded ([`crate::materials::check_service_level`]) |
/// | `service_measure` | `cycle` | `cycle` or `fill_rate` |
/// | `po_notice_days` | 30 | 0 or more days |
/// | `fences` | none | time fences, see [`TimeFence`] |
/// | `forecast` | see [`ForecastSettings`] | |
/// | `capacity` | see [`CapacitySettings`] | |
/// | `pricing` | see [`PricingSettings`] | |
/// | `review` | see [`ReviewThresholds`] | |
/// | `uncertainty` | estimated, see [`UncertaintySettings`] | correlations |
/// | `segments` | see [`SegmentSettings`] | ABC/XYZ thresholds |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct Settings {
    /// First planned month.
    pub start: Option<Month>,
    /// Months planned.
    pub horizon: u32,
    /// Confidence levels of the forecast ranges, in percent.
    pub levels: Vec<Level>,
    /// Service level for safety stock (by default the probability of no stock-out over a lead
    /// time and review period; see `service_measure`).
    pub service_level: f64,
    /// What `service_level` measures: `cycle` (default) or `fill_rate`.
    pub service_measure: crate::materials::ServiceMeasure,
    /// The brand's urgent-order notice in days: materials with longer lead times are pre-bought.
    pub po_notice_days: u32,
    /// Time fences agreed with the contract manufacturer.
    pub fences: Vec<TimeFence>,
    /// Forecast settings.
    pub forecast: ForecastSettings,
    /// Capacity and build-plan settings.
    pub capacity: CapacitySettings,
    /// Pricing settings.
    pub pricing: PricingSettings,
    /// Thresholds of the monthly forecast review (`planner review`).
    pub review: ReviewThresholds,
    /// Correlations of forecast errors that replace their estimates
    /// ([`crate::uncertainty::estimate`]).
    pub uncertainty: UncertaintySettings,
    /// ABC/XYZ segmentation thresholds ([`crate::segments`]).
    pub segments: SegmentSettings,
}

crate::field::checked_serde!(Settings, check);

impl Default for Settings {
    fn default() -> Self {
        Self {
            start: None,
            horizon: 12,
            levels: vec![
                Level::new(80.0).expect("valid"),
                Level::new(95.0).expect("valid"),
            ],
            service_level: 0.95,
            service_measure: crate::materials::ServiceMeasure::Cycle,
            po_notice_days: 30,
            fences: Vec::new(),
            forecast: ForecastSettings::default(),
            capacity: CapacitySettings::default(),
            pricing: PricingSettings::default(),
            review: ReviewThresholds::default(),
            uncertainty: UncertaintySettings::default(),
            segments: SegmentSettings::default(),
        }
    }
}

impl Settings {
    /// Checks the ranges of the table above, naming the first key out of range.
    ///
    /// # Errors
    /// [`FieldError`] with the key and the value.
    pub fn check(&self) -> Result<(), FieldError> {
        if !(1..=36).contains(&self.horizon) {
            return Err(FieldError::new(
                "horizon",
                format!("{} is not between 1 and 36", self.horizon),
            ));
        }
        if self.levels.is_empty() {
            return Err(FieldError::new("levels", "needs at least one level"));
        }
        crate::materials::check_service_level(self.service_level)?;
        for fence in &self.fences {
            fence.check()?;
        }
        self.forecast.check()?;
        self.capacity.check()?;
        self.pricing.check()?;
        self.review.check()?;
        self.uncertainty.check()?;
        self.segments.check()?;
        Ok(())
    }

    /// The levels sorted from narrowest to widest, without duplicates.
    pub fn sorted_levels(&self) -> Vec<Level> {
        let mut levels = self.levels.clone();
        levels.sort_by(|a, b| a.percent().total_cmp(&b.percent()));
        levels.dedup();
        levels
    }

    /// The first planned month: [`Settings::start`], else the month after the last month of
    /// `history`; `None` with neither.
    pub fn first_month(&self, history: &DemandHistory) -> Option<Month> {
        self.start.or_else(|| history.last_month().map(Month::next))
    }

    /// The last planned month: [`Settings::first_month`] plus [`Settings::horizon`] less one.
    ///
    /// ```
    /// use planner_core::demand::DemandHistory;
    /// use planner_core::time::Month;
    /// use planner_core::Settings;
    ///
    /// let m = |s: &str| s.parse::<Month>().unwrap();
    /// let history = DemandHistory::from_records(vec![("A", m("2026-10"), 5.0)]).unwrap();
    /// let settings = Settings { horizon: 12, ..Settings::default() };
    /// assert_eq!(settings.first_month(&history), Some(m("2026-11")));
    /// assert_eq!(settings.last_month(&history), Some(m("2027-10")));
    /// ```
    pub fn last_month(&self, history: &DemandHistory) -> Option<Month> {
        self.first_month(history)
            .map(|first| first.plus(self.horizon as i32 - 1))
    }

    /// The months of a plan from `start` over [`Settings::horizon`] that a time fence covers
    /// (the months a change needs the contract manufacturer's agreement for).
    pub fn fenced_months(&self, start: Month) -> Vec<Month> {
        (0..self.horizon)
            .filter(|t| crate::review::fence_limit(&self.fences, t + 1).is_some())
            .map(|t| start.plus(t as i32))
            .collect()
    }

    /// Checks a pinned [`Settings::start`] against the history: a plan starts after its
    /// history, so history records at or after a pinned start are an error (they would be left
    /// out of the fit in silence), naming the month the plan would start from without the pin.
    ///
    /// # Errors
    /// A [`FieldError`] on `start` that counts the records at or after it.
    pub fn check_start(&self, history: &DemandHistory) -> Result<(), FieldError> {
        let (Some(start), Some(last)) = (self.start, history.last_month()) else {
            return Ok(());
        };
        if start > last {
            return Ok(());
        }
        let records: usize = history
            .series()
            .iter()
            .map(|s| {
                let first_at = s.start.months_until(start).max(0) as usize;
                s.quantities.len().saturating_sub(first_at)
            })
            .sum();
        Err(FieldError::new(
            "start",
            format!(
                "{start} is not after the history: {records} sku-month{} of history at or after it \
                 (the history runs to {last}); remove start to plan from {}, or set it later",
                if records == 1 { "" } else { "s" },
                last.next()
            ),
        ))
    }
}

/// Forecast settings (`[forecast]` in planner.toml).
///
/// | Name | Default | Range |
/// |---|---|---|
/// | `method` | `auto` | a method name, see [`Method`] |
/// | `season` | 12 | months in a seasonal cycle, 1 (none) to 24 |
/// | `launch_cv` | 0.35 | coefficient of variation of a `launch` event's units, 0 or more |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default, deny_unknown_fields)]
pub struct ForecastSettings {
    /// The forecasting method.
    pub method: Method,
    /// Months in a seasonal cycle.
    pub season: usize,
    /// Uncertainty of launch volumes: their standard deviation as a share of the units planned.
    pub launch_cv: f64,
}

crate::field::checked_serde!(ForecastSettings, check);

impl Default for ForecastSettings {
    fn default() -> Self {
        Self {
            method: Method::Auto,
            season: 12,
            launch_cv: 0.35,
        }
    }
}

impl ForecastSettings {
    fn check(&self) -> Result<(), FieldError> {
        if !(1..=24).contains(&self.season) {
            return Err(FieldError::new(
                "forecast.season",
                format!("{} is not between 1 and 24", self.season),
            ));
        }
        crate::field::non_negative("forecast.launch_cv", self.launch_cv)?;
        Ok(())
    }
}

impl From<&Settings> for ReviewSettings {
    /// `season` from `[forecast]`, `alarm` and `tolerance` from `[review]`.
    fn from(s: &Settings) -> Self {
        Self {
            season: s.forecast.season,
            alarm: s.review.tracking_signal_alarm,
            tolerance: s.review.fence_tolerance,
        }
    }
}
