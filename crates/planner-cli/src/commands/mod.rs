//! One module per subcommand: `run(&args, &ctx)` loads, calls the core, writes.

pub mod capacity;
pub mod forecast;
pub mod materials;
pub mod plan;
pub mod price;
pub mod review;
pub mod scenario;
pub mod scorecard;
pub mod validate;

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use planner_core::findings::Findings;
use planner_core::time::Month;
use planner_core::{DemandPlan, ForecastRun};

use crate::load::{self, Folder};
use crate::write::findings;

/// What every command shares.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// No progress bar and no terminal summary.
    pub quiet: bool,
}

impl Context {
    /// A progress bar over `len` items, shown only on a terminal, for long runs and not quiet.
    pub fn progress(&self, len: usize, what: &str) -> ProgressBar {
        if self.quiet || len < 500 || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar
    }

    /// One bar over the `len` stages of a long command, on a terminal only and not quiet (as
    /// [`Context::progress`]): the stage under way by name, the stages done and the time so far,
    /// ticking on its own while a stage runs. [`Stages::next`] moves it on.
    pub fn stages(&self, len: usize, first: &str) -> Stages {
        if self.quiet || !std::io::stderr().is_terminal() {
            return Stages(ProgressBar::hidden());
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:<24} [{bar:20}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(first.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Stages(bar)
    }

    /// Prints a terminal summary line (to stderr, so stdout stays a clean CSV).
    #[allow(clippy::print_stderr)]
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// Prints the ranked findings' terminal summary ([`findings::terminal`]), unless quiet.
    pub fn say_findings(&self, found: &Findings) {
        for line in findings::terminal(found) {
            self.say(line);
        }
    }
}

/// The bar of [`Context::stages`]; cleared when dropped.
#[derive(Debug)]
pub struct Stages(ProgressBar);

impl Stages {
    /// Ends a stage and names the next.
    pub fn next(&self, what: &str) {
        self.0.inc(1);
        self.0.set_message(what.to_string());
    }
}

impl Drop for Stages {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// Stage timings on stderr when the environment sets `PLANNER_TIMINGS` (for benchmarks): each
/// [`Stopwatch::lap`] prints the stage's name, the seconds since the previous lap and, on Linux,
/// the CPU seconds the process spent in it (every thread; steadier than the wall time on a
/// shared machine).
#[derive(Debug)]
pub struct Stopwatch {
    on: bool,
    start: std::time::Instant,
    last: std::time::Instant,
    last_cpu: Option<f64>,
    /// CPU seconds of stages run on another thread during the current one ([`Stopwatch::aside`]):
    /// left out of the current stage's.
    aside_cpu: f64,
}

/// The CPU seconds (user and system, every thread) the process has used, from
/// `/proc/self/stat`; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    stat_cpu_seconds("/proc/self/stat")
}

/// The CPU seconds the calling thread has used, from `/proc/thread-self/stat`; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    stat_cpu_seconds("/proc/thread-self/stat")
}

fn stat_cpu_seconds(file: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(file).ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces):
    // utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ').skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The time of a stage run aside ([`Stopwatch::aside`]): its wall and CPU seconds, `None`
/// when timings are off.
pub struct Aside(Option<(std::time::Duration, Option<f64>)>);

impl Stopwatch {
    /// Starts timing; silent unless `PLANNER_TIMINGS` is set.
    pub fn start() -> Self {
        let now = std::time::Instant::now();
        let on = std::env::var_os("PLANNER_TIMINGS").is_some();
        Self {
            on,
            start: now,
            last: now,
            last_cpu: if on { cpu_seconds() } else { None },
            aside_cpu: 0.0,
        }
    }

    /// Times `f`, a stage run on a thread of its own while the current stage runs on others
    /// (plan.json while the workbooks are made): its line gives its own wall time and its
    /// thread's CPU time, marked `overlapped`, and the current stage's CPU time leaves that
    /// out, so the stages' CPU times still add up to the process's. Its wall time is inside
    /// the current stage's.
    pub fn aside<T>(&self, f: impl FnOnce() -> T) -> (T, Aside) {
        if !self.on {
            return (f(), Aside(None));
        }
        let (start, cpu) = (std::time::Instant::now(), thread_cpu_seconds());
        let out = f();
        let cpu = match (thread_cpu_seconds(), cpu) {
            (Some(after), Some(before)) => Some(after - before),
            _ => None,
        };
        (out, Aside(Some((start.elapsed(), cpu))))
    }

    /// Says the time of a stage [`Stopwatch::aside`] ran, during the stage the next
    /// [`Stopwatch::lap`] ends.
    #[allow(clippy::print_stderr)]
    pub fn aside_lap(&mut self, stage: &str, aside: Aside, during: &str) {
        let Aside(Some((wall, cpu))) = aside else {
            return;
        };
        let used = cpu.map_or_else(String::new, |c| format!("  cpu {c:.2} s"));
        self.aside_cpu += cpu.unwrap_or(0.0);
        eprintln!(
            "timing: {stage:<12} {:>7.3} s  (overlapped, during {during}){used}",
            wall.as_secs_f64()
        );
    }

    /// Ends a stage.
    #[allow(clippy::print_stderr)]
    pub fn lap(&mut self, stage: &str) {
        let now = std::time::Instant::now();
        if self.on {
            let cpu = cpu_seconds();
            let used = match (cpu, self.last_cpu) {
                (Some(now), Some(before)) => {
                    format!("  cpu {:.2} s", (now - before - self.aside_cpu).max(0.0))
                }
                _ => String::new(),
            };
            self.aside_cpu = 0.0;
            eprintln!(
                "timing: {stage:<12} {:>7.3} s  (total {:.3} s){used}",
                (now - self.last).as_secs_f64(),
                (now - self.start).as_secs_f64()
            );
            self.last_cpu = cpu;
        }
        self.last = now;
    }
}

/// The changes inside the fences the contract manufacturer agreed to (the folder's changes.csv),
/// checked against the plan's skus and fenced months; none without the file.
///
/// # Errors
/// A row of changes.csv for a sku or month outside the plan's fences, naming its line.
pub fn agreed_changes(
    folder: &Folder,
    grid: &planner_core::scenario::Grid,
    guard: &mut crate::write::Guard,
) -> anyhow::Result<Vec<planner_core::review::AgreedChange>> {
    let Some(changes) = load::table_file(&folder.dir, "changes.csv")? else {
        return Ok(Vec::new());
    };
    guard.protect(&changes);
    let skus: std::collections::HashSet<&str> = grid.skus.iter().map(String::as_str).collect();
    let fenced = folder.input.settings.fenced_months(grid.start);
    load::changes_file(&changes, &skus, &fenced)
}

/// changes.csv when the plan holds no time fence (nothing published before it, or
/// `--no-fences`): checked as [`agreed_changes`] checks it, kept from being written over, and
/// said to be unused, `why`.
///
/// # Errors
/// A changes.csv that cannot be read or has a bad row.
#[allow(clippy::print_stderr)]
pub fn unused_changes(
    folder: &Folder,
    grid: &planner_core::scenario::Grid,
    guard: &mut crate::write::Guard,
    why: &str,
) -> anyhow::Result<()> {
    if !agreed_changes(folder, grid, guard)?.is_empty() {
        eprintln!(
            "warning: changes.csv: not used: {why}; agreed changes apply only to a plan held to \
             the time fences of a published month"
        );
    }
    Ok(())
}

/// The month last published in the folder's archive before the plan's first month, as the core
/// holds the time fences to it ([`planner_core::scenario::Published`], with the agreed changes):
/// what `planner review` and `planner scenario` hold their plan to, as `planner plan` does.
/// `None` when nothing was published before.
///
/// # Errors
/// An archive or a vintage that cannot be read, or a bad changes.csv.
pub fn last_published(
    folder: &Folder,
    guard: &mut crate::write::Guard,
) -> anyhow::Result<Option<(crate::archive::Vintage, planner_core::scenario::Published)>> {
    let grid = folder.input.grid()?;
    let Some(vintage) = crate::archive::before(&folder.dir, grid.start)?.pop() else {
        return Ok(None);
    };
    let plan = review::read_previous(&[vintage.forecast()], guard, &folder.input.history)?
        .pop()
        .expect("one file read");
    let agreed = agreed_changes(folder, &grid, guard)?;
    Ok(Some((
        vintage,
        planner_core::scenario::Published { plan, agreed },
    )))
}

/// The terminal's line on the time fences held against a publication.
pub fn say_holds(holds: &[planner_core::review::FenceHold], month: Month, ctx: &Context) {
    use planner_core::review::HoldKind;
    let count = |k| holds.iter().filter(|h| h.kind == k).count();
    let moved: f64 = holds.iter().map(|h| h.moved.abs()).sum();
    ctx.say(format!(
        "  fences: {} sku-months held against the {month} publication ({} frozen, {} clamped, {} agreed changes), {} units moved (fence_holds.csv)",
        holds.len(),
        count(HoldKind::Frozen),
        count(HoldKind::Clamped),
        count(HoldKind::Agreed),
        crate::write::num(moved, 0)
    ));
}

/// Forecasts the folder's history with its events and settings.
pub fn forecast_folder(folder: &Folder, ctx: &Context) -> anyhow::Result<ForecastRun> {
    let bar = ctx.progress(folder.input.history.len(), "forecasting");
    let run = planner_core::scenario::forecast_part(&folder.input, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    for e in &run.ignored_events {
        ctx.say(format!(
            "note: events.csv: {} {} {} for sku {} does not apply (outside the horizon or no such sku)",
            e.kind, e.value, e.month, e.sku
        ));
    }
    Ok(run)
}

/// The demand plan of a command: `--demand FILE` when given, else the folder's forecast.
pub fn demand_plan(
    folder: &Folder,
    demand: Option<&Path>,
    ctx: &Context,
) -> anyhow::Result<DemandPlan> {
    match demand {
        Some(path) => {
            let mut plan = load::demand_plan(path)?;
            // A given plan has no history to estimate its dependence from: the assumed model,
            // with the folder's families and its [uncertainty] settings.
            plan.dependence = planner_core::uncertainty::Dependence::default()
                .with_families(&folder.input.products);
            planner_core::uncertainty::apply(
                &mut plan.dependence,
                &folder.input.settings.uncertainty,
            );
            Ok(plan)
        }
        None => Ok(forecast_folder(folder, ctx)?.demand),
    }
}

/// What the lines build: [`demand_plan`] netted of the folder's finished goods on hand
/// (inventory.csv) and open production orders (open_orders.csv), as `planner plan` does.
pub fn production_plan(
    folder: &Folder,
    demand: Option<&Path>,
    ctx: &Context,
) -> anyhow::Result<DemandPlan> {
    let plan = demand_plan(folder, demand, ctx)?;
    warn_orders_outside(folder, &plan);
    Ok(planner_core::scenario::production_part(&folder.input, &plan).map_or(plan, |p| p.plan))
}

/// Says how many open orders fall outside the plan's months: those due before its first month
/// are counted as arriving in it (late, not lost); those due after its last are outside the
/// horizon and not counted. Also counts calendar.csv's days outside the plan's months.
#[allow(clippy::print_stderr)]
pub fn warn_orders_outside(folder: &Folder, plan: &DemandPlan) {
    for w in orders_outside(folder, plan.start, plan.horizon) {
        eprintln!("warning: {w}");
    }
}

/// The warnings of [`warn_orders_outside`] for a plan of `horizon` months from `start`
/// (`planner validate` lists them before anything is planned).
pub fn orders_outside(folder: &Folder, start: Month, horizon: usize) -> Vec<String> {
    let last = start.plus(horizon as i32 - 1);
    let orders = &folder.input.open_orders;
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let mut out = Vec::new();
    let late = orders.iter().filter(|o| o.due < start).count();
    if late > 0 {
        out.push(format!(
            "open_orders.csv: {late} order{} due before {start} counted as arriving in \
             {start}: late, not lost (change the due month where it will come later)",
            s(late),
        ));
    }
    let beyond = orders.iter().filter(|o| o.due > last).count();
    if beyond > 0 {
        out.push(format!(
            "open_orders.csv: {beyond} order{} due after {last}, the plan's last month, \
             not counted: they arrive beyond the horizon",
            s(beyond),
        ));
    }
    // materials.csv's own on-order quantity, with its month.
    let late: Vec<&str> = folder
        .input
        .materials
        .iter()
        .filter(|m| m.on_order > 0.0 && m.on_order_month.is_some_and(|at| at < start))
        .map(|m| m.material.as_str())
        .collect();
    if !late.is_empty() {
        out.push(format!(
            "materials.csv: {} material{} on order for a month before {start} counted as \
             arriving in {start}: late, not lost ({})",
            late.len(),
            s(late.len()),
            late.iter()
                .take(5)
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
                + if late.len() > 5 { ", ..." } else { "" }
        ));
    }
    // calendar.csv's days outside the plan's months change no capacity.
    let entries = folder.input.calendar.entries();
    let outside: Vec<planner_core::time::Date> = entries
        .iter()
        .map(|e| e.date)
        .filter(|d| d.month() < start || d.month() > last)
        .collect();
    if let (Some(first), Some(latest)) = (outside.iter().min(), outside.iter().max()) {
        let days = if first == latest {
            first.to_string()
        } else {
            format!("{first}..{latest}")
        };
        out.push(format!(
            "calendar.csv: {} of its {} row{} dated outside the plan's months {start}..{last} \
             ({days}): not used, they change no month's hours",
            outside.len(),
            entries.len(),
            s(entries.len()),
        ));
    }
    out
}

/// Writes a table to `out`, or to standard output when no file is given.
pub fn emit(
    guard: &crate::write::Guard,
    out: Option<&Path>,
    table: &crate::write::tables::Table,
) -> anyhow::Result<()> {
    match out {
        Some(path) => guard.table(path, table),
        None => {
            let stdout = std::io::stdout();
            let write = || -> anyhow::Result<()> {
                let mut w = csv::Writer::from_writer(stdout.lock());
                w.write_record(&table.header)?;
                for r in table.csv_rows() {
                    w.write_record(r)?;
                }
                w.flush()?;
                Ok(())
            };
            write().map_err(|e| anyhow::anyhow!("standard output: cannot write the table: {e}"))
        }
    }
}
