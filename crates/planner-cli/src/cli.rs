//! The command line: clap derive types only.

use std::path::PathBuf;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand};
use planner_core::time::Month;

/// Supply planning with a contract manufacturer: forecasts with confidence ranges, line
/// capacity, material pre-buys and volume-price tiers from a folder of CSV files.
#[derive(Debug, Parser)]
#[command(name = "planner", version, about, long_about = None, after_help = MAIN_EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Worker threads, 1 to 1024 (default: every core). Results do not depend on it.
    #[arg(long, global = true, value_name = "N",
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub threads: Option<usize>,
    /// No progress bar and no terminal summary.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Forecast every sku of a demand history, with confidence ranges (forecast.csv).
    #[command(after_help = FORECAST_EXAMPLES)]
    Forecast(ForecastArgs),
    /// Line capacity, takt time and the capacity-constrained build plan (capacity.csv).
    #[command(after_help = CAPACITY_EXAMPLES)]
    Capacity(CapacityArgs),
    /// BOM explosion, the MRP record and the pre-buy plan (material_plan.csv, prebuy.csv).
    #[command(after_help = MATERIALS_EXAMPLES)]
    Materials(MaterialsArgs),
    /// What the planned volume buys at the price tiers (pricing.csv).
    #[command(after_help = PRICE_EXAMPLES)]
    Price(PriceArgs),
    /// The whole plan in one run: every output of the folder.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// The monthly forecast review against last month's forecast.
    #[command(after_help = REVIEW_EXAMPLES)]
    Review(ReviewArgs),
    /// What-if scenarios side by side.
    #[command(after_help = SCENARIO_EXAMPLES)]
    Scenario(ScenarioArgs),
    /// The partnership scorecard: on-time delivery, quality, cost stability and forecast
    /// accuracy, month by month against targets (scorecard.csv).
    #[command(after_help = SCORECARD_EXAMPLES)]
    Scorecard(ScorecardArgs),
    /// Check every file of a planning folder and list every problem.
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Write the demo planning folder built into planner into a new folder, to edit or copy.
    #[command(after_help = DEMO_EXAMPLES)]
    Demo(DemoArgs),
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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36))]
    pub horizon: Option<u32>,
    /// Confidence level in percent, above 0 and below 100; repeat for several (default 80 and
    /// 95, or planner.toml's levels).
    #[arg(long = "level", value_name = "L", value_parser = parse_level)]
    pub levels: Vec<f64>,
    /// auto, naive, snaive, ma, ets, theta, otheta, dotm, arima, croston, sba, tsb or ensemble
    /// (default auto, or planner.toml's method).
    #[arg(long, value_name = "M", value_parser = parse_method)]
    pub method: Option<String>,
    /// Quantiles to write as q_P columns, comma separated probabilities strictly between 0 and
    /// 1, for example 0.1,0.5,0.9 (q_10, q_50, q_90); read from the same calibrated ranges.
    #[arg(long, value_name = "P,P,...", value_parser = parse_quantiles)]
    pub quantiles: Option<QuantileList>,
    /// Planner events (sku, month, kind, value) applied on top of the forecast.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// First month to forecast, YYYY-MM (default: the month after the last history month).
    /// History at or after it is an error.
    #[arg(long, value_name = "YYYY-MM")]
    pub start: Option<Month>,
    /// Where to write forecast.csv (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also run a rolling-origin backtest and write its accuracy (backtest.csv beside --out, or
    /// standard error).
    #[arg(long)]
    pub backtest: bool,
    /// Forecast origins of the backtest, 1 to 60.
    #[arg(long, value_name = "N", default_value_t = 6,
          value_parser = RangedU64ValueParser::<usize>::new().range(1..=60))]
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
    /// The planning folder (default: the current folder when it holds demand.csv, else the
    /// demo folder built into planner; the run says which).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Last month's forecast.csv: adds the monthly review (accuracy, changes, time fences) to the
    /// report and the workbook, and last month's forecast as a dashed line to the fan charts.
    /// Repeat with older ones for lag-k accuracy; the latest is "last month's". Default: every
    /// month published in the folder's archive/ before this plan's first month. The time fences
    /// are held against the archive's last month whatever --previous says.
    #[arg(long, value_name = "FILE")]
    pub previous: Vec<PathBuf>,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// File this forecast as the one shared with the CM: DIR/archive/YYYY-MM/ (forecast.csv as
    /// shared, statistical.csv before events, the settings and events used).
    #[arg(long)]
    pub publish: bool,
    /// With --publish: file over a month already published.
    #[arg(long, requires = "publish")]
    pub replace: bool,
    /// Plan without holding the time fences against the last published month (by default
    /// frozen months keep the published quantity and limited ones are clamped; changes.csv
    /// rows pass). With --publish the plan is filed unheld, with a warning counting the
    /// sku-months beyond the fences.
    #[arg(long)]
    pub no_fences: bool,
    /// The skus to draw fan charts of: value classes (A, B, C), variability classes (X, Y, Z),
    /// both (AX ... CZ) or skus, separated by commas (`--charts A`, `--charts AX,BX`,
    /// `--charts BTL-500-BLK,BTL-750-BLK`; `sku:NAME` for a sku named like a class); at most
    /// 100 charts, the largest by value first. Default: the top skus by volume, range and
    /// overloaded lines (see segments.csv for the classes).
    #[arg(long, value_name = "LIST")]
    pub charts: Option<String>,
    /// A plan.xlsx whose `overrides` sheet you edited: each cell changed from the number planner
    /// wrote becomes an override of that sku and month (blank or left alone: none). Default:
    /// the folder's overrides.xlsx when there is one.
    #[arg(long, value_name = "FILE.xlsx")]
    pub overrides: Option<PathBuf>,
}

/// `planner review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// This month's planning folder.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Last month's forecast.csv; repeat with older ones for lag-k accuracy (the latest is the
    /// plan the changes and time fences are measured against). Default: every month published
    /// in the folder's archive/ (planner plan --publish) before this month's plan.
    #[arg(long, value_name = "FILE")]
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
    /// Monte Carlo demand paths per plan, 0 to 1,000,000 (0 = no Monte Carlo).
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = RangedU64ValueParser::<usize>::new().range(0..=1_000_000))]
    pub paths: usize,
    /// Seed of the Monte Carlo paths: the same seed gives the same figures.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Correlation of a sku's demand errors in consecutive months, 0 to 1 (AR(1)). Default: the
    /// plan's uncertainty model (estimated, or planner.toml's `[uncertainty]`).
    #[arg(long, value_name = "RHO", value_parser = parse_share)]
    pub month_correlation: Option<f64>,
    /// Correlation of two skus' demand errors in the same month, 0 to 1: a market-wide shock
    /// that moves every sku together. Default: the plan's uncertainty model.
    #[arg(long, value_name = "C", value_parser = parse_share)]
    pub sku_correlation: Option<f64>,
    /// Correlation of two skus of one family in the same month, 0 to 1 (at least
    /// --sku-correlation). Default: --sku-correlation when that is given, else the plan's
    /// uncertainty model.
    #[arg(long, value_name = "C", value_parser = parse_share)]
    pub family_correlation: Option<f64>,
}

impl Cli {
    /// Checks what one option's parser cannot: `--family-correlation` below `--sku-correlation`
    /// (two skus of one family move together at least as much as any two). A usage error, as
    /// clap's own: printed with the usage, exit code 2.
    pub fn check(&self) -> Result<(), clap::Error> {
        use clap::CommandFactory;
        if let Command::Scenario(a) = &self.command {
            if let (Some(f), Some(c)) = (a.family_correlation, a.sku_correlation) {
                if f < c {
                    let mut cmd = Cli::command();
                    let sub = cmd
                        .find_subcommand_mut("scenario")
                        .expect("the scenario subcommand");
                    return Err(sub.error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!(
                            "--family-correlation {f} is below --sku-correlation {c}: two skus \
                             of one family are correlated at least as any two skus are; give a \
                             family correlation of {c} or more"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
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

/// `planner demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to write: it must not exist yet, or be empty.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// A confidence level in percent: above 0, below 100.
fn parse_level(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number (expected a percent such as 80)"))?;
    if v > 0.0 && v < 100.0 {
        Ok(v)
    } else {
        Err(format!(
            "{s} is not a level: expected a percent above 0 and below 100"
        ))
    }
}

/// The probabilities of `--quantiles`, ascending, without duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileList(pub Vec<planner_core::forecast::Quantile>);

/// `--quantiles 0.1,0.5,0.9`: each a probability strictly between 0 and 1, none twice, so
/// that a bad value is a usage error naming it.
fn parse_quantiles(s: &str) -> Result<QuantileList, String> {
    use planner_core::forecast::Quantile;
    let mut out: Vec<Quantile> = Vec::new();
    for part in s.split(',') {
        let t = part.trim();
        let p: f64 = t.parse().map_err(|_| {
            format!("{t:?} is not a number (expected a probability above 0 and below 1)")
        })?;
        let q = Quantile::new(p).map_err(|_| {
            format!("{t} is not a quantile: expected a probability above 0 and below 1")
        })?;
        if out.iter().any(|o| o.label() == q.label()) {
            return Err(format!("{t} is given twice"));
        }
        out.push(q);
    }
    out.sort_by(|a, b| a.probability().total_cmp(&b.probability()));
    Ok(QuantileList(out))
}

/// A forecast method's name, checked here so that a typo is a usage error.
fn parse_method(s: &str) -> Result<String, String> {
    use planner_core::forecast::Method;
    s.parse::<Method>().map(|_| s.to_string()).map_err(|e| {
        format!(
            "{e}: expected one of {}",
            Method::ALL.map(|m| m.as_str()).join(", ")
        )
    })
}

/// A share from 0 to 1 (a correlation).
fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number (expected 0 to 1)"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} is out of range: expected 0 to 1"))
    }
}

const MAIN_EXAMPLES: &str = "\
Examples:
  planner plan                                  # the built-in demo (or the current folder), into out/
  planner validate --data my-folder             # every problem of a folder, with file and line
  planner plan --data my-folder --out plan-2026-11
  planner demo --out my-folder                  # the demo folder, to edit into your own";

const FORECAST_EXAMPLES: &str = "\
Examples:
  planner forecast --history data/demo/demand.csv --out out/forecast.csv --backtest
  planner forecast --data data/demo --horizon 18 --level 90
  planner forecast --history demand.csv --method ets > forecast.csv";

const CAPACITY_EXAMPLES: &str = "\
Examples:
  planner capacity --data data/demo --out out/capacity.csv
  planner capacity --data cm-folder --demand brand-forecast.csv --out out/capacity.csv";

const MATERIALS_EXAMPLES: &str = "\
Examples:
  planner materials --data data/demo --out out
  planner materials --data cm-folder --demand brand-forecast.csv --out out";

const PRICE_EXAMPLES: &str = "\
Examples:
  planner price --data data/demo --out out/pricing.csv
  planner price --data data/demo --demand out/forecast.csv";

const PLAN_EXAMPLES: &str = "\
Examples:
  planner plan                                  # the current folder, else the built-in demo
  planner plan --data data/demo --out out
  planner plan --data my-folder --publish --out out   # and file it in my-folder/archive/
  planner plan --data my-folder --previous last-month/forecast.csv --out out";

const REVIEW_EXAMPLES: &str = "\
Examples:
  planner review --data my-folder --out review   # every month published in my-folder/archive/
  planner review --data my-folder --previous 2026-10/forecast.csv --out review
  planner review --data my-folder --previous 2026-10/forecast.csv --previous 2026-09/forecast.csv --out review";

const SCENARIO_EXAMPLES: &str = "\
Examples:
  planner scenario --data data/demo --scenarios data/demo-scenarios.toml --out scenarios
  planner scenario --data data/demo --scenarios data/demo-scenarios.toml --paths 0 --out scenarios";

const SCORECARD_EXAMPLES: &str = "\
Examples:
  planner scorecard --data data/demo --out scorecard
  planner scorecard --data data/demo --as-of 2026-09-30 --out scorecard";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  planner validate --data data/demo
  planner validate --data my-folder             # exit 1 and every problem when there are any";

const DEMO_EXAMPLES: &str = "\
Examples:
  planner demo --out my-folder                  # then: planner plan --data my-folder";
