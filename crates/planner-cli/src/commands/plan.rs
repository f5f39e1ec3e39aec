//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use planner_core::scenario;

use super::Context;
use crate::cli::PlanArgs;
use crate::load;
use crate::write::{tables, Guard};

/// The demo folder: `data/demo` under the working directory, else the one this binary was built
/// from.
pub fn demo_folder() -> PathBuf {
    let here = PathBuf::from("data/demo");
    if here.join("demand.csv").is_file() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo"))
}

/// Runs `planner plan`.
pub fn run(args: &PlanArgs, ctx: &Context) -> anyhow::Result<()> {
    let dir = args.data.clone().unwrap_or_else(demo_folder);
    let folder = load::folder_or_first_error(&dir)?;
    let guard = Guard::new(&folder.inputs);
    let bar = ctx.progress(folder.input.history.len(), "forecasting");
    let plan = scenario::run(&folder.input, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    let out = &args.out;
    let mut written = vec!["forecast.csv"];
    guard.table(
        &out.join("forecast.csv"),
        &tables::forecast(&plan.forecast.plan),
    )?;
    if let Some(c) = &plan.capacity {
        super::capacity::write_all(&guard, out, c)?;
        written.extend([
            "capacity.csv",
            "line_balance.csv",
            "build_plan.csv",
            "line_plan.csv",
            "recommendations.csv",
        ]);
    }
    if let Some(m) = &plan.materials {
        super::materials::write_all(&guard, out, m)?;
        written.extend(["material_plan.csv", "prebuy.csv", "past_due.csv"]);
    }
    if let Some(p) = &plan.pricing {
        guard.table(
            &out.join("pricing.csv"),
            &tables::pricing(p, &plan.forecast.plan.levels),
        )?;
        written.push("pricing.csv");
    }
    guard.write(&out.join("plan.json"), |w| {
        serde_json::to_writer_pretty(w, &plan)?;
        Ok(())
    })?;
    written.push("plan.json");

    let fc = &plan.forecast.plan;
    ctx.say(format!(
        "plan: {} -> {}: {} skus x {} months from {}",
        dir.display(),
        out.display(),
        fc.skus.len(),
        fc.horizon,
        fc.start
    ));
    ctx.say(format!("  wrote {}", written.join(", ")));
    for e in &plan.forecast.ignored_events {
        ctx.say(format!(
            "  note: events.csv: {} {} {} for sku {} does not apply (outside the horizon or no such sku)",
            e.kind, e.value, e.month, e.sku
        ));
    }
    if let Some(c) = &plan.capacity {
        super::capacity::summarize(c, ctx);
    }
    if let Some(m) = &plan.materials {
        super::materials::summarize(m, ctx);
    }
    if let Some(p) = &plan.pricing {
        super::price::summarize(p, ctx);
    }
    Ok(())
}
