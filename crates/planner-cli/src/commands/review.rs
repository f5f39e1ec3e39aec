//! `planner review`: the monthly forecast review pack.
//!
//! Forecasts this month's folder (whose `demand.csv` now holds the actuals that arrived since last
//! month), then compares with the earlier `forecast.csv` files given with `--previous`: accuracy
//! of each against the actuals at its lags, the change from the latest one and its time fences.
//!
//! Writes to `--out`: `review_accuracy.csv`, `review_changes.csv`, `review_fences.csv`,
//! `review_fence_summary.csv`, `review_family_changes.csv`, `review_errors.csv`, `review.json`,
//! `review.xlsx` (one sheet per table), fan charts with last month's forecast overlaid under
//! `review_charts/`, `review.html` (a self-contained page: the figures, what needs attention, the
//! charts and the tables) and this month's `forecast.csv` (next month's `--previous`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use planner_core::review::{self, Review, ReviewSettings, Scope};
use planner_core::scenario::PlanInput;
use planner_core::DemandPlan;

use super::Context;
use crate::cli::ReviewArgs;
use crate::load;
use crate::write::charts::{self, Chart};
use crate::write::outdir::OutputSet;
use crate::write::pages::sections::{self, fence_words, pct, signed};
use crate::write::pages::{self, Page};
use crate::write::workbooks::xlsx;
use crate::write::{num, tables, Guard};

/// Skus charted in the review: the largest changes, the fence violations and the alarms.
const CHARTED: usize = 12;

/// Runs `planner review`.
pub fn run(args: &ReviewArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut folder = load::folder_or_first_error(&args.data)?;
    let mut guard = Guard::new(&folder.inputs);
    // Without --previous: every month published in the archive before this one.
    let vintages = if args.previous.is_empty() {
        let start = folder
            .input
            .settings
            .first_month(&folder.input.history)
            .ok_or_else(|| anyhow::anyhow!("demand.csv: no history to review against"))?;
        let v = crate::archive::before(&args.data, start)?;
        if v.is_empty() {
            anyhow::bail!(
                "{}: no --previous given and archive/ holds no month published before {start}: \
                 publish each month's plan with `planner plan --publish`, or give --previous FILE",
                args.data.display()
            );
        }
        v
    } else {
        Vec::new()
    };
    let paths: Vec<PathBuf> = if args.previous.is_empty() {
        vintages.iter().map(|v| v.forecast()).collect()
    } else {
        args.previous.clone()
    };
    let previous = read_previous(&paths, &mut guard, &folder.input.history)?;
    crate::archive::check_months(&vintages, &previous)?;
    let statistical = crate::archive::statistical(&vintages, &previous, &mut guard)?;
    // A --previous file inside --out is refused here: the new set would replace it.
    // With a published month, the plan reviewed is the one `planner plan` shares: held to the
    // last published month's time fences, whatever --previous says.
    let held_to = if let (Some(v), Some(last)) = (vintages.last(), previous.last()) {
        let grid = folder.input.grid()?;
        let agreed = super::agreed_changes(&folder, &grid, &mut guard)?;
        folder.input.published = Some(planner_core::scenario::Published {
            plan: last.clone(),
            agreed,
        });
        Some(v.month)
    } else {
        super::last_published(&folder, &mut guard)?.map(|(v, published)| {
            folder.input.published = Some(published);
            v.month
        })
    };
    let agreed = folder
        .input
        .published
        .as_ref()
        .map(|p| p.agreed.clone())
        .unwrap_or_default();
    let set = OutputSet::begin(&args.out, &args.data, &mut guard)?;
    let mut run = super::forecast_folder(&folder, ctx)?;
    let holds = planner_core::scenario::fences_part(&folder.input, &mut run);
    let input = &folder.input;
    let review = compare(input, &previous, &statistical, &run.demand, &agreed)?;

    let out = &args.out;
    let mut written: Vec<String> = Vec::new();
    if let Some(h) = &holds {
        guard.table(&out.join("fence_holds.csv"), &tables::fence_holds(h))?;
        written.push("fence_holds.csv".into());
    }
    let tables = tables::review::all(&review);
    for (stem, table) in &tables {
        guard.table(&out.join(format!("{stem}.csv")), table)?;
        written.push(format!("{stem}.csv"));
    }
    guard.write(&out.join("review.json"), |w| {
        serde_json::to_writer_pretty(w, &review)?;
        Ok(())
    })?;
    written.push("review.json".into());
    let sheets: Vec<(&str, &tables::Table)> = tables.iter().map(|(s, t)| (*s, t)).collect();
    xlsx::write(&guard, &out.join("review.xlsx"), &sheets)?;
    written.push("review.xlsx".into());
    let baseline = previous
        .iter()
        .find(|p| p.start == review.baseline)
        .expect("the baseline is one of the previous plans");
    let charts = write_charts(&guard, out, &review, &run.demand, baseline, input)?;
    if !charts.is_empty() {
        written.push(format!("{} charts in review_charts/", charts.len()));
    }
    pages::write_page(
        &guard,
        &out.join("review.html"),
        &Page {
            title: format!("Forecast review, plan from {}", review.start),
            subtitle: format!(
                "{} against the forecast made for {}",
                args.data.display(),
                review.baseline
            ),
            sections: vec![sections::review(&review, &tables, &charts, "review_charts", true)],
            workbook: "review.xlsx".into(),
            footer: format!(
                "planner {}: every table in full in the CSV files and review.xlsx next to this page; the whole review in review.json.",
                env!("CARGO_PKG_VERSION")
            ),
        },
    )?;
    written.push("review.html".into());
    guard.table(&out.join("forecast.csv"), &tables::forecast(&run.demand))?;
    written.push("forecast.csv (next month's --previous)".into());
    set.commit()?;

    summarize(&review, ctx);
    if let (Some(h), Some(month)) = (&holds, held_to) {
        super::say_holds(h, month, ctx);
    }
    ctx.say(format!(
        "  wrote to {}: {}",
        out.display(),
        written.join(", ")
    ));
    Ok(())
}

/// Reads the `--previous` forecasts and keeps `guard` from writing over them.
///
/// # Errors
/// The first problem of a file, naming it.
///
/// A forecast is made from history before its first month: a file whose first month is at or
/// before the first month of `history` (the demand history itself, given by mistake, would
/// score 0 % error at every lag) is refused.
pub fn read_previous(
    paths: &[PathBuf],
    guard: &mut Guard,
    history: &planner_core::demand::DemandHistory,
) -> anyhow::Result<Vec<DemandPlan>> {
    let first = history.series().iter().map(|s| s.start).min();
    let mut previous = Vec::with_capacity(paths.len());
    for path in paths {
        guard.protect(path);
        let what = previous_source(path);
        let plan = load::demand_plan(path).with_context(|| what.clone())?;
        if let Some(first) = first.filter(|f| plan.start <= *f) {
            anyhow::bail!(
                "{what}: starts {}, at or before the first month of the demand history \
                 ({first}): a forecast starts after the history it was made from; is this the \
                 history itself? Give last month's forecast.csv",
                plan.start
            );
        }
        previous.push(plan);
    }
    Ok(previous)
}

/// How an earlier forecast is named in a message: `--previous FILE` when the user gave it, the
/// file and "published" when it is a month of the folder's archive (`archive/MONTH/`).
pub fn previous_source(path: &std::path::Path) -> String {
    let archived = path
        .parent()
        .and_then(std::path::Path::parent)
        .and_then(std::path::Path::file_name)
        .is_some_and(|n| n == "archive");
    if archived {
        format!("{} (a published month of the archive)", path.display())
    } else {
        format!("--previous {}", path.display())
    }
}

/// The review of this month's `plan` against the `previous` forecasts (and the `statistical`
/// forecasts of the same vintages, from the archive), with the folder's history, products, time
/// fences and `[review]` settings; the changes the CM `agreed` to (changes.csv, when the plan
/// was held) pass the fences ([`Review::pass_agreed`]).
///
/// # Errors
/// When the plans cannot be compared (no previous plan, a horizon that does not overlap).
pub fn compare(
    input: &PlanInput,
    previous: &[DemandPlan],
    statistical: &[DemandPlan],
    plan: &DemandPlan,
    agreed: &[review::AgreedChange],
) -> anyhow::Result<Review> {
    let mut r = review::compare_with_statistical(
        previous,
        statistical,
        plan,
        &input.history,
        &input.products,
        &input.settings.fences,
        &ReviewSettings::from(&input.settings),
    )?;
    r.pass_agreed(agreed);
    Ok(r)
}

/// The skus worth a chart: alarms, the largest fence violations, then the largest changes.
fn charted_skus(review: &Review) -> Vec<String> {
    let mut skus: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if skus.len() < CHARTED && !skus.iter().any(|x| x == s) {
            skus.push(s.to_string());
        }
    };
    for r in review.alarms() {
        add(&r.key);
    }
    let mut v: Vec<_> = review.violations.iter().collect();
    v.sort_by(|a, b| b.excess.total_cmp(&a.excess));
    for x in v {
        add(&x.sku);
    }
    for c in review.largest_changes(CHARTED) {
        add(&c.sku);
    }
    skus
}

fn write_charts(
    guard: &Guard,
    out: &Path,
    review: &Review,
    plan: &DemandPlan,
    baseline: &DemandPlan,
    input: &PlanInput,
) -> anyhow::Result<Vec<Chart>> {
    let dir = out.join("review_charts");
    let mut out = Vec::new();
    if let Some(c) = value_added_chart(review)? {
        c.write(guard, &dir)?;
        out.push(c);
    }
    for sku in charted_skus(review) {
        if let Some(c) = charts::fan_chart(&sku, plan, &input.history, Some(baseline))? {
            c.write(guard, &dir)?;
            out.push(c);
        }
    }
    Ok(out)
}

/// The value added step by step, when the vintages have statistical forecasts: per lag (the
/// first three), the total's WAPE of seasonal naive, the statistical forecast and the final one.
fn value_added_chart(review: &Review) -> anyhow::Result<Option<Chart>> {
    let panels: Vec<(String, Vec<Option<f64>>)> = review
        .accuracy
        .iter()
        .filter(|r| r.scope == Scope::Total && r.lag <= 3 && r.statistical_wape.is_some())
        .map(|r| {
            (
                format!(
                    "Lag {}: WAPE, {} month{}",
                    r.lag,
                    r.months,
                    if r.months == 1 { "" } else { "s" }
                ),
                vec![r.snaive_wape, r.statistical_wape, r.wape],
            )
        })
        .collect();
    if panels.is_empty() {
        return Ok(None);
    }
    Ok(Some(charts::scenario::share_panels(
        "value_added",
        "Forecast value added: seasonal naive, statistical, final (lower WAPE is better)",
        &["seasonal naive", "statistical", "final"],
        panels,
    )?))
}

/// The terminal summary: accuracy, the five largest changes, fence violations, alarms, notes.
pub fn summarize(review: &Review, ctx: &Context) {
    summarize_figures(review, ctx, true);
}

/// The review's figures: accuracy per lag, the fences' totals; with `items` also the five
/// largest changes, the largest fence violations, the alarms and the notes (`planner plan`
/// lists those among its findings instead).
pub fn summarize_figures(review: &Review, ctx: &Context, items: bool) {
    let vintages: Vec<String> = review.vintages.iter().map(ToString::to_string).collect();
    ctx.say(format!(
        "review: this month's plan from {} against the forecast of {}{}; actuals through {}",
        review.start,
        review.baseline,
        if vintages.len() > 1 {
            format!(" (accuracy also of {})", vintages.join(", "))
        } else {
            String::new()
        },
        review
            .actuals_through
            .map_or_else(|| "none".to_string(), |m| m.to_string())
    ));
    for t in review.accuracy.iter().filter(|r| r.scope == Scope::Total) {
        let cover: Vec<String> = t
            .coverage
            .iter()
            .map(|(l, c)| format!("{} % range held {}", l, pct(Some(*c))))
            .collect();
        ctx.say(format!(
            "  accuracy lag {} ({} sku-months, {}..{}): WAPE {}, bias {} units ({}; + = over-forecast), {}; vs seasonal naive WAPE {} (value added {} points)",
            t.lag,
            t.n,
            t.first,
            t.last,
            pct(t.wape),
            signed(t.bias, 0),
            pct(t.bias_pct),
            if cover.is_empty() { "no ranges".to_string() } else { cover.join(", ") },
            pct(t.snaive_wape),
            t.fva.map_or_else(|| "n/a".to_string(), |f| signed(100.0 * f, 1)),
        ));
        if let (Some(st), Some(models), Some(planner)) =
            (t.statistical_wape, t.fva_statistical, t.fva_final)
        {
            ctx.say(format!(
                "    value added lag {}: seasonal naive {} -> statistical {} ({} points, the models) -> final {} ({} points, the planner's events, overrides and fences)",
                t.lag,
                pct(t.snaive_wape),
                pct(Some(st)),
                signed(100.0 * models, 1),
                pct(t.wape),
                signed(100.0 * planner, 1),
            ));
        }
    }
    if review.changes.is_empty() {
        ctx.say("  no month in common between last month's forecast and this month's plan");
    } else if review.largest_changes(1).is_empty() {
        ctx.say("  no change from last month's forecast in the months both plans cover");
    } else if items {
        ctx.say("  largest changes from last month's forecast:");
        for c in review.largest_changes(5) {
            ctx.say(format!(
                "    {} {} (month {}): {} -> {} ({}{})",
                c.sku,
                c.month,
                c.fence_month,
                num(c.previous, 0),
                num(c.current, 0),
                signed(c.change, 0),
                c.change_pct
                    .map_or_else(String::new, |p| format!(", {} %", signed(100.0 * p, 1))),
            ));
        }
    }
    let t = &review.fence_total;
    if review.fences.is_empty() {
        ctx.say("  time fences: none in planner.toml");
    } else if t.violations == 0 {
        ctx.say("  time fences: every change within its fence");
    } else {
        ctx.say(format!(
            "  time fence violations: {} sku-months of {} skus, {} units involved (+{} / -{}), {} units beyond the fences",
            t.violations,
            t.skus,
            num(t.changed, 0),
            num(t.up, 0),
            num(t.down, 0),
            num(t.excess, 0)
        ));
        for f in review.fences.iter().filter(|f| f.total.violations > 0) {
            let [a, b] = f.months;
            ctx.say(format!(
                "    {} ({}): {} violations, {} units beyond",
                if a == b {
                    format!("month {a}")
                } else {
                    format!("months {a}-{b}")
                },
                fence_words(f.max_change),
                f.total.violations,
                num(f.total.excess, 0)
            ));
        }
        let mut v: Vec<_> = review.violations.iter().collect();
        v.sort_by(|a, b| b.excess.total_cmp(&a.excess));
        if !items {
            v.clear();
        }
        for x in v.iter().take(5) {
            ctx.say(format!(
                "    {} {} (month {}, {}): {} -> {}, {} units beyond",
                x.sku,
                x.month,
                x.fence_month,
                fence_words(x.max_change),
                num(x.previous, 0),
                num(x.current, 0),
                num(x.excess, 0)
            ));
        }
        if v.len() > 5 {
            ctx.say(format!("    ... {} more in review_fences.csv", v.len() - 5));
        }
    }
    let alarms: Vec<String> = review
        .alarms()
        .map(|r| {
            format!(
                "{} (lag {}, TS {})",
                r.key,
                r.lag,
                signed(r.tracking_signal.unwrap_or(0.0), 1)
            )
        })
        .collect();
    if !items {
        return;
    }
    if alarms.is_empty() {
        ctx.say(format!(
            "  tracking signal: no sku beyond +-{} (cumulative error over MAD)",
            num(review.settings.alarm, 2)
        ));
    } else {
        ctx.say(format!(
            "  tracking signal alarms (|TS| > {}; + = over-forecast): {}",
            num(review.settings.alarm, 2),
            alarms.join(", ")
        ));
    }
    for n in &review.notes {
        ctx.say(format!("  note: {n}"));
    }
}
