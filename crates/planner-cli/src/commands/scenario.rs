//! `planner scenario`: the base plan and each named scenario side by side, with Monte Carlo
//! risk.
//!
//! Writes into `--out DIR`:
//! - `base/` and `<scenario>/`: each plan's `forecast.csv`, capacity files, material files and
//!   `pricing.csv` (as `planner plan` writes them), and with `--paths N > 0` its Monte Carlo
//!   risk: `risk_capacity.csv`, `risk_materials.csv`, `risk_tiers.csv`, `risk_spend.csv`;
//! - `scenario_comparison.csv`: the figures side by side with the change against the base, and
//!   `scenario_comparison.png`/`.svg`: the same as bars, a panel per figure;
//! - `scenarios.xlsx` (the comparison and every risk table, a sheet each) and `scenarios.html`
//!   (a self-contained page: a card per plan, the chart, the tables).
//!
//! Every scenario is applied and checked before anything is written.

use std::path::Path;
use std::time::Instant;

use planner_core::scenario::{
    self, monte_carlo, summarize, Comparison, MonteCarloSettings, Plan, PlanInput, RiskReport,
};

use super::Context;
use crate::cli::ScenarioArgs;
use crate::load;
use crate::write::charts::scenario::comparison_chart;
use crate::write::outdir::OutputSet;
use crate::write::pages::sections;
use crate::write::pages::{self, Page};
use crate::write::tables::{self, scenario as scenario_tables, Table};
use crate::write::workbooks::xlsx;
use crate::write::{num, Guard};

/// One plan of the run: its name, input, plan and risk.
struct Run {
    name: String,
    input: PlanInput,
    plan: Plan,
    risk: Option<RiskReport>,
}

/// Runs `planner scenario`.
#[allow(clippy::print_stderr)]
pub fn run(args: &ScenarioArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut folder = load::folder_or_first_error(&args.data)?;
    let scenarios = load::scenarios::read(&args.scenarios)?;
    let mut guard = Guard::new(&folder.inputs);
    guard.protect(&args.scenarios);
    // The base is the plan `planner plan` shares: held to the last published month's fences
    // (each scenario then changes that plan as it says).
    let published = super::last_published(&folder, &mut guard)?;
    let held_against = published.as_ref().map(|(v, _)| v.month);
    folder.input.published = published.map(|(_, p)| p);
    let set = OutputSet::begin(&args.out, &args.data, &mut guard)?;

    let bar = ctx.progress(folder.input.history.len(), "forecasting");
    let base = scenario::run(&folder.input, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    // The paths rest on the plan's uncertainty model unless the options say otherwise.
    let mut mc = MonteCarloSettings::of_plan(&base.forecast.demand, args.paths, args.seed);
    if let Some(r) = args.month_correlation {
        mc.month_correlation = r;
    }
    if let Some(c) = args.sku_correlation {
        mc.sku_correlation = c;
        if args.family_correlation.is_none() {
            mc.family_correlation = c;
        }
    }
    if let Some(c) = args.family_correlation {
        // With both options, the usage check said it (`Cli::check`); alone, against the plan's.
        if c < mc.sku_correlation {
            anyhow::bail!(
                "--family-correlation {c} is below the plan's correlation of any two skus, {} \
                 (its uncertainty model): give --sku-correlation {c} or less with it, or a \
                 family correlation of {} or more",
                num(mc.sku_correlation, 2),
                num(mc.sku_correlation, 2)
            );
        }
        mc.family_correlation = c;
    }
    if args.paths > 0 {
        mc.check()
            .map_err(|e| anyhow::anyhow!("--{}: {}", e.field.replace('_', "-"), e.reason))?;
    }

    // Apply every scenario first: a bad one fails the run before any output.
    let mut inputs = Vec::with_capacity(scenarios.file.scenarios.len());
    for s in &scenarios.file.scenarios {
        let input = s
            .apply(&folder.input, &base.forecast.demand)
            .map_err(|e| scenarios.error(&e))?;
        for note in s.clipped(&base.forecast.demand) {
            eprintln!("warning: {}", scenarios.error(&note));
        }
        inputs.push((s.name.clone(), input));
    }
    let mut runs = vec![Run {
        name: "base".into(),
        input: folder.input.clone(),
        plan: base,
        risk: None,
    }];
    for (name, input) in inputs {
        let plan = scenario::run(&input, &|_| {})
            .map_err(|e| anyhow::anyhow!("scenario {name:?}: {e:#}"))?;
        runs.push(Run {
            name,
            input,
            plan,
            risk: None,
        });
    }
    let started = Instant::now();
    if args.paths > 0 {
        for r in &mut runs {
            r.risk = Some(
                monte_carlo(&r.input, &r.plan, &mc)
                    .map_err(|e| anyhow::anyhow!("scenario {:?}: Monte Carlo: {e:#}", r.name))?,
            );
        }
    }
    let mc_seconds = started.elapsed().as_secs_f64();

    let out = &args.out;
    for r in &runs {
        write_plan(&guard, &out.join(&r.name), r)?;
    }
    let comparison = Comparison::new(
        &runs
            .iter()
            .map(|r| (r.name.clone(), summarize(&r.plan, r.risk.as_ref())))
            .collect::<Vec<_>>(),
    );
    let mut tables: Vec<(String, Table)> = vec![(
        "scenario_comparison.csv".into(),
        scenario_tables::comparison(
            &comparison,
            runs.first()
                .and_then(|r| r.plan.pricing.as_ref())
                .and_then(tables::currency),
        ),
    )];
    guard.table(&out.join("scenario_comparison.csv"), &tables[0].1)?;
    for r in &runs {
        if let Some(risk) = &r.risk {
            let currency = r.plan.pricing.as_ref().and_then(tables::currency);
            for (stem, t) in risk_tables(risk, currency) {
                tables.push((format!("{}/{stem}.csv", r.name), t));
            }
        }
    }
    let chart = comparison_chart(&comparison)?;
    chart.write(&guard, out)?;
    let sheets: Vec<(String, &Table)> = tables
        .iter()
        .map(|(n, t)| {
            let n = n.trim_end_matches(".csv");
            // `scenario/risk_capacity`: the table's name whole, the scenario's shortened to fit.
            let name = match n.split_once('/') {
                Some((scenario, table)) => xlsx::fit_name(scenario, table),
                None => n.to_string(),
            };
            (name, t)
        })
        .collect();
    let sheets: Vec<(&str, &Table)> = sheets.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    xlsx::write(&guard, &out.join("scenarios.xlsx"), &sheets)?;
    let descriptions: Vec<String> = std::iter::once("The planning folder as it is".to_string())
        .chain(
            scenarios
                .file
                .scenarios
                .iter()
                .map(|s| s.description.clone().unwrap_or_default()),
        )
        .collect();
    pages::write_page(
        &guard,
        &out.join("scenarios.html"),
        &Page {
            title: format!("Scenarios: {} against the base", runs.len() - 1),
            subtitle: format!(
                "{} with {}{}",
                args.data.display(),
                args.scenarios.display(),
                if args.paths > 0 {
                    format!(
                        "; Monte Carlo {} paths, seed {}, month correlation {}, family correlation {}, sku correlation {}; demand moves every BOM level, and a material's shortage counts only within its lead time plus the review month (later, a re-plan can still order)",
                        args.paths,
                        args.seed,
                        num(mc.month_correlation, 2),
                        num(mc.family_correlation.max(mc.sku_correlation), 2),
                        num(mc.sku_correlation, 2)
                    )
                } else {
                    String::new()
                }
            ),
            sections: vec![sections::scenarios(
                &comparison,
                &descriptions,
                Some(&chart),
                &tables,
            )],
            workbook: "scenarios.xlsx".into(),
            footer: format!(
                "planner {}: each plan's files in full in its folder next to this page.",
                env!("CARGO_PKG_VERSION")
            ),
        },
    )?;
    set.commit()?;

    say_summary(ctx, args, &runs, &comparison, &mc, mc_seconds);
    if let (Some(month), Some(holds)) = (held_against, &runs[0].plan.fence_holds) {
        super::say_holds(holds, month, ctx);
        ctx.say("  (the base holds them; each scenario changes the held plan as it says)");
    }
    Ok(())
}

/// Writes one plan's files into `dir`.
fn write_plan(guard: &Guard, dir: &Path, r: &Run) -> anyhow::Result<()> {
    let plan = &r.plan;
    guard.table(
        &dir.join("forecast.csv"),
        &tables::forecast(&plan.forecast.demand),
    )?;
    if let Some(c) = &plan.capacity {
        super::capacity::write_all(guard, dir, c)?;
    }
    if let Some(m) = &plan.materials {
        super::materials::write_all(guard, dir, m)?;
    }
    if let Some(p) = &plan.pricing {
        guard.table(
            &dir.join("pricing.csv"),
            &tables::pricing(p, &plan.forecast.demand.levels),
        )?;
    }
    if let Some(risk) = &r.risk {
        let currency = plan.pricing.as_ref().and_then(tables::currency);
        for (stem, t) in risk_tables(risk, currency) {
            guard.table(&dir.join(format!("{stem}.csv")), &t)?;
        }
    }
    Ok(())
}

/// The Monte Carlo tables that have rows, by file stem.
fn risk_tables(risk: &RiskReport, currency: Option<&str>) -> Vec<(&'static str, Table)> {
    let mut out = Vec::new();
    if !risk.overload.is_empty() {
        out.push(("risk_capacity", scenario_tables::risk_capacity(risk)));
    }
    if !risk.shortage.is_empty() {
        out.push(("risk_materials", scenario_tables::risk_materials(risk)));
    }
    if !risk.tiers.is_empty() {
        out.push(("risk_tiers", scenario_tables::risk_tiers(risk, currency)));
    }
    if risk.spend.is_some() {
        out.push(("risk_spend", scenario_tables::risk_spend(risk, currency)));
    }
    out
}

/// The terminal summary: one line per plan with the headline figures.
fn say_summary(
    ctx: &Context,
    args: &ScenarioArgs,
    runs: &[Run],
    comparison: &Comparison,
    mc: &MonteCarloSettings,
    mc_seconds: f64,
) {
    ctx.say(format!(
        "scenario: {} + {} scenarios from {} -> {}",
        args.data.display(),
        runs.len() - 1,
        args.scenarios.display(),
        args.out.display()
    ));
    let value = |metric: &str, i: usize| comparison.headline(metric, i);
    for (i, r) in runs.iter().enumerate() {
        let mut parts = Vec::new();
        if let Some(v) = value("peak_utilization", i) {
            parts.push(format!("peak utilization {} %", num(100.0 * v, 0)));
        }
        if let Some(v) = value("unmet_units", i) {
            parts.push(format!("unmet {}", num(v, 0)));
        }
        if let Some(v) = value("overtime_hours", i) {
            parts.push(format!("overtime {} h", num(v, 0)));
        }
        if let Some(v) = value("past_due_releases", i) {
            parts.push(format!("{} past-due releases", num(v, 0)));
        }
        if let Some(v) = value("prebuy_cash", i) {
            parts.push(format!("pre-buy {}", num(v, 0)));
        }
        if let Some(v) = value("spend", i) {
            parts.push(format!("spend {}", num(v, 0)));
        }
        if let Some(v) = value("projected_spend", i) {
            parts.push(format!("index-linked {}", num(v, 0)));
        }
        if let Some(risk) = &r.risk {
            if let Some(s) = risk.spend {
                parts.push(format!("spend p5..p95 {}..{}", num(s.p5, 0), num(s.p95, 0)));
            }
            if let Some(v) = value("p_overload_max", i) {
                parts.push(format!("max P(overload) {} %", num(100.0 * v, 0)));
            }
        }
        ctx.say(format!("  {:<16} {}", r.name, parts.join(", ")));
    }
    if args.paths > 0 {
        ctx.say(format!(
            "  Monte Carlo: {} paths per plan, seed {}, month correlation {}, family correlation {}, sku correlation {} ({:.1} s)",
            args.paths,
            args.seed,
            num(mc.month_correlation, 2),
            num(mc.family_correlation.max(mc.sku_correlation), 2),
            num(mc.sku_correlation, 2),
            mc_seconds
        ));
    }
    ctx.say(format!(
        "  wrote scenario_comparison.csv, scenario_comparison.png/.svg, scenarios.xlsx, scenarios.html and one folder per plan ({})",
        runs.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
}
