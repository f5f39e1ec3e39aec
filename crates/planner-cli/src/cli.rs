//! The command line: clap derive types only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Supply planning with a contract manufacturer: forecasts with confidence ranges, line
/// capacity, material pre-buys and volume-price tiers from a folder of CSV files.
#[derive(Debug, Parser)]
#[command(name = "planner", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads (default: every core). Results do not depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no terminal summary.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forecast every sku of a demand history, with confidence ranges (forecast.csv).
    Forecast(ForecastArgs),
    /// Line capacity, takt time and the capacity-constrained build plan (capacity.csv).
    Capacity(CapacityArgs),
    /// BOM explosion, the MRP record and the pre-buy plan (material_plan.csv, prebuy.csv).
    Materials(MaterialsArgs),
    /// What the planned volume buys at the price tiers (pricing.csv).
    Price(PriceArgs),
    /// The whole plan in one run: every output of the folder.
    Plan(PlanArgs),
    /// The monthly forecast review against last month's forecast.
    Review(ReviewArgs),
    /// What-if scenarios side by side.
    Scenario(ScenarioArgs),
    /// The partnership scorecard: on-time delivery, quality, cost stability and forecast
    /// accuracy, month by month against targets (scorecard.csv).
    Scorecard(ScorecardArgs),
    /// Check every file of a planning folder and list every problem.
    Validate(ValidateArgs),
}

/// `planner forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// The demand history (sku, month or date, quantity). Default: DIR/demand.csv with --data.
    #[arg(long, value_name = "FILE", required_unless_present = "data")]
    pub history: Option<PathBuf>,
    /// A planning folder: its demand.csv, events.csv and planner.toml are used.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Months to forecast, 1 to 36 (default 12 or planner.toml's horizon).
    #[arg(long, value_name = "N")]
    pub horizon: Option<u32>,
    /// Confidence level in percent; repeat for several (default 80 and 95).
    #[arg(long = "level", value_name = "L")]
    pub levels: Vec<f64>,
    /// auto, naive, snaive, ma, ets, theta, otheta, croston, sba, tsb or ensemble.
    #[arg(long, value_name = "M")]
    pub method: Option<String>,
    /// Planner events (sku, month, kind, value) applied on top of the forecast.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// First month to forecast, YYYY-MM (default: the month after the last history month).
    #[arg(long, value_name = "YYYY-MM")]
    pub start: Option<String>,
    /// Where to write forecast.csv (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also run a rolling-origin backtest and write its accuracy (backtest.csv beside --out, or
    /// standard error).
    #[arg(long)]
    pub backtest: bool,
    /// Forecast origins of the backtest.
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub origins: usize,
}

/// Where a command's demand plan comes from.
#[derive(Debug, Args)]
pub struct DemandArgs {
    /// The planning folder.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// A forecast.csv (its ranges are used) or a plain sku,month,quantity plan. Default: the
    /// folder's demand.csv is forecast first.
    #[arg(long, value_name = "FILE")]
    pub demand: Option<PathBuf>,
}

/// `planner capacity`.
#[derive(Debug, Args)]
pub struct CapacityArgs {
    /// Folder and demand plan.
    #[command(flatten)]
    pub input: DemandArgs,
    /// Where to write capacity.csv (default: standard output). build_plan.csv and
    /// line_balance.csv are written beside it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `planner materials`.
#[derive(Debug, Args)]
pub struct MaterialsArgs {
    /// Folder and demand plan.
    #[command(flatten)]
    pub input: DemandArgs,
    /// Folder for material_plan.csv and prebuy.csv.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

/// `planner price`.
#[derive(Debug, Args)]
pub struct PriceArgs {
    /// Folder and demand plan.
    #[command(flatten)]
    pub input: DemandArgs,
    /// Where to write pricing.csv (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `planner plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The planning folder (default: the demo folder data/demo).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Last month's forecast.csv: adds the monthly review (accuracy, changes, time fences) to the
    /// report and the workbook, and last month's forecast as a dashed line to the fan charts.
    /// Repeat with older ones for lag-k accuracy; the latest is "last month's".
    #[arg(long, value_name = "FILE")]
    pub previous: Vec<PathBuf>,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

/// `planner review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// This month's planning folder.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Last month's forecast.csv; repeat with older ones for lag-k accuracy (the latest is the
    /// plan the changes and time fences are measured against).
    #[arg(long, value_name = "FILE", required = true)]
    pub previous: Vec<PathBuf>,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

/// `planner scenario`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// The base planning folder.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// A TOML file of named scenarios.
    #[arg(long, value_name = "FILE")]
    pub scenarios: PathBuf,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Monte Carlo demand paths per plan (0 = no Monte Carlo).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub paths: usize,
    /// Seed of the Monte Carlo paths: the same seed gives the same figures.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Correlation of a sku's demand errors in consecutive months, 0 to 1 (AR(1)).
    #[arg(long, value_name = "RHO", default_value_t = 0.5)]
    pub month_correlation: f64,
    /// Correlation of two skus' demand errors in the same month, 0 to 1: a market-wide shock
    /// that moves every sku together (0 = skus independent).
    #[arg(long, value_name = "C", default_value_t = 0.0)]
    pub sku_correlation: f64,
}

/// `planner validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The planning folder.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
}

/// `planner scorecard`.
#[derive(Debug, Args)]
pub struct ScorecardArgs {
    /// The planning folder: its deliveries.csv, and scorecard.toml, products.csv,
    /// price_tiers.csv and demand.csv when present.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// An earlier forecast.csv (or sku,month,quantity plan) to score against demand.csv.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Draw the scorecard up as of this date (default: scorecard.toml's as_of, else the last day
    /// of the month of the latest delivery).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<planner_core::time::Date>,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}
