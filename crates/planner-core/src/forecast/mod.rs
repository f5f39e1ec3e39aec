//! Statistical demand forecasts with confidence ranges.
//!
//! The engine works on one series at a time (`&[f64]`, one value per month, oldest first) and
//! returns a point forecast with lower and upper bounds per requested [`Level`].
//!
//! Main entry points: [`forecast_series`] (one history, one [`Method`], with [`Method::Auto`]
//! choosing per series), [`classify`] (Syntetos–Boylan demand patterns), [`accuracy`] and
//! [`backtest`] (rolling-origin evaluation against seasonal naive). Each method is also a
//! [`Forecaster`] settings struct: [`Naive`], [`SeasonalNaive`], [`MovingAverage`], [`Ets`],
//! [`Theta`], [`DynamicTheta`], [`Arima`], [`Intermittent`].
//!
//! ```
//! use planner_core::forecast::{forecast_series, Level, Method};
//! let history = [12.0, 15.0, 14.0, 18.0, 17.0, 21.0, 19.0, 23.0, 22.0, 26.0];
//! let levels = [Level::new(80.0)?, Level::new(95.0)?];
//! let fc = forecast_series(&history, 6, &levels, Method::Auto, 12)?;
//! assert_eq!(fc.forecast.point.len(), 6);
//! assert!(fc.forecast.intervals[1].hi[0] >= fc.forecast.intervals[0].hi[0]);
//! # Ok::<(), planner_core::forecast::ForecastError>(())
//! ```

mod accuracy;
mod arima;
mod croston;
mod dotm;
mod ets;
mod quantile;
mod select;
mod simple;
mod theta;
pub(crate) mod util;

pub use accuracy::{accuracy, backtest, Accuracy, Backtest, OriginResult};
pub use arima::{Arima, ArimaOrder, FittedArima};
pub use croston::{FittedIntermittent, Intermittent, IntermittentKind};
pub use dotm::{DynamicTheta, FittedDynamicTheta};
pub use ets::{ErrorType, Ets, EtsParams, EtsSpec, FittedEts, SeasonType, TrendType};
pub use quantile::{cumulative_quantiles, levels_for, Quantile};
pub use select::{classify, fit_method, forecast_series, DemandPattern, Method, SeriesForecast};
pub use simple::{FittedSimple, MovingAverage, Naive, SeasonalNaive};
pub use theta::{FittedTheta, Theta};

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A confidence level in percent, strictly between 0 and 100 (for example 80 or 95).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Level(f64);

impl Level {
    /// A level in percent.
    ///
    /// # Errors
    /// [`ForecastError::InvalidLevel`] unless `0 < percent < 100`.
    pub fn new(percent: f64) -> Result<Self, ForecastError> {
        if percent.is_finite() && percent > 0.0 && percent < 100.0 {
            Ok(Self(percent))
        } else {
            Err(ForecastError::InvalidLevel(percent))
        }
    }

    /// The level in percent, for example `80.0`.
    pub fn percent(self) -> f64 {
        self.0
    }

    /// The level as a probability, for example `0.8`.
    pub fn fraction(self) -> f64 {
        self.0 / 100.0
    }

    /// The column suffix used in `forecast.csv`: `80` for 80 %, `97.5` for 97.5 %.
    pub fn label(self) -> String {
        format!("{}", self.0)
    }
}

impl TryFrom<f64> for Level {
    type Error = ForecastError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Level> for f64 {
    fn from(level: Level) -> f64 {
        level.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The lower and upper bounds of one confidence level, one value per forecast month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The confidence level of these bounds.
    pub level: Level,
    /// Lower bounds, one per month.
    pub lo: Vec<f64>,
    /// Upper bounds, one per month.
    pub hi: Vec<f64>,
}

/// A point forecast with its confidence ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// The point forecast, one value per month.
    pub point: Vec<f64>,
    /// One interval per requested level, in the order the levels were requested.
    pub intervals: Vec<Interval>,
}

impl Forecast {
    /// Sets month `t`'s point forecast to `value` (an override, or a quantity the time fences
    /// held or the CM agreed), its bounds following it: scaled by `value / point` when the
    /// point was above 0, shifted by `value` when it was 0, and kept around the new point and
    /// at 0 or more. A month set far below a large forecast does not keep that forecast's width.
    ///
    /// # Panics
    /// When `t` is past the forecast's months.
    pub fn set_point(&mut self, t: usize, value: f64) {
        let point = self.point[t];
        self.point[t] = value;
        let ratio = (point > 0.0).then(|| value / point);
        for iv in &mut self.intervals {
            let (lo, hi) = match ratio {
                Some(r) => (iv.lo[t] * r, iv.hi[t] * r),
                None => (iv.lo[t] + value - point, iv.hi[t] + value - point),
            };
            iv.lo[t] = lo.max(0.0).min(value);
            iv.hi[t] = hi.max(value);
        }
    }
}

/// Fits a forecasting method to one history.
pub trait Forecaster {
    /// The fitted model.
    type Fitted: FittedForecaster;
    /// Fits the method to `history` (one value per month, oldest first).
    ///
    /// # Errors
    /// [`ForecastError::TooShort`] when the method needs more months.
    fn fit(&self, history: &[f64]) -> Result<Self::Fitted, ForecastError>;
}

/// A fitted model: owns its state, never borrows the history.
pub trait FittedForecaster: fmt::Debug + Send + Sync {
    /// The model's name, written to the `model` column (for example `ETS(A,Ad,M)`).
    fn name(&self) -> Cow<'static, str>;
    /// Forecasts `horizon` months ahead with bounds at each level. Cannot fail.
    fn predict(&self, horizon: usize, levels: &[Level]) -> Forecast;
}

/// Errors of the forecast engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The history is shorter than the method needs.
    #[error("{got} months of history, {method} needs at least {need}")]
    TooShort {
        /// The method.
        method: &'static str,
        /// Months given.
        got: usize,
        /// Months needed.
        need: usize,
    },
    /// A confidence level outside (0, 100).
    #[error("level {0} is not a percentage strictly between 0 and 100")]
    InvalidLevel(f64),
    /// A quantile probability outside (0, 1).
    #[error("quantile {0} is not a probability strictly between 0 and 1")]
    InvalidQuantile(f64),
    /// A history value that is negative, infinite or NaN.
    #[error("history value {value} at position {index} is not a non-negative number")]
    InvalidValue {
        /// Position in the history (0 = oldest).
        index: usize,
        /// The value.
        value: f64,
    },
    /// An unknown method name.
    #[error("unknown method {0:?}")]
    UnknownMethod(String),
}
