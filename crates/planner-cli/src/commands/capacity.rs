//! `planner capacity`: capacity.csv, the build plan and the recommendations.

use std::path::{Path, PathBuf};

use planner_core::capacity;
use planner_core::scenario::{capacity_part, CapacityResult};

use super::Context;
use crate::cli::CapacityArgs;
use crate::load;
use crate::write::outdir::OutputFiles;
use crate::write::{num, tables, Guard};

/// Writes capacity.csv, line_balance.csv, build_plan.csv, line_plan.csv and
/// recommendations.csv into `dir`.
pub fn write_all(guard: &Guard, dir: &Path, run: &CapacityResult) -> anyhow::Result<()> {
    guard.table(&dir.join("capacity.csv"), &tables::capacity(&run.plan))?;
    write_others(guard, dir, run)
}

fn write_others(guard: &Guard, dir: &Path, run: &CapacityResult) -> anyhow::Result<()> {
    guard.table(
        &dir.join("line_balance.csv"),
        &tables::line_balance(&run.plan),
    )?;
    guard.table(&dir.join("build_plan.csv"), &tables::build_plan(&run.build))?;
    guard.table(&dir.join("line_plan.csv"), &tables::line_plan(&run.build))?;
    guard.table(
        &dir.join("recommendations.csv"),
        &tables::recommendations(&run.recommendations),
    )?;
    Ok(())
}

/// Runs `planner capacity`.
pub fn run(args: &CapacityArgs, ctx: &Context) -> anyhow::Result<()> {
    let folder =
        load::folder_or_first_error_needing(&args.input.data, args.input.demand.is_none())?;
    folder.require("lines.csv", "capacity")?;
    folder.require("routings.csv", "capacity")?;
    let mut guard = Guard::new(&folder.inputs);
    if let Some(d) = &args.input.demand {
        guard.protect(d);
    }
    // Held to the end of the run: the folder's lock, when it is planner's.
    let _files = match &args.out {
        Some(out) => Some(OutputFiles::begin(out, &mut guard)?),
        None => None,
    };
    let demand = super::production_plan(&folder, args.input.demand.as_deref(), ctx)?;
    let Some(run) = capacity_part(&folder.input, &demand)? else {
        anyhow::bail!(
            "{}: lines.csv and routings.csv list no line to plan",
            folder.dir.display()
        );
    };
    super::emit(&guard, args.out.as_deref(), &tables::capacity(&run.plan))?;
    if let Some(out) = &args.out {
        let dir = out
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        write_others(&guard, &dir, &run)?;
    }
    summarize(&run, ctx);
    Ok(())
}

/// The terminal summary: overloaded line-months, unmet demand, recommendations.
pub fn summarize(run: &CapacityResult, ctx: &Context) {
    let risky: Vec<_> = run
        .plan
        .rows
        .iter()
        .filter(|r| {
            r.utilization.is_some_and(|u| u > 1.0)
                || r.p_over_capacity.is_some_and(|p| p >= capacity::RISK_FROM)
        })
        .collect();
    ctx.say(format!(
        "capacity: {} line-months, {} overloaded or at risk",
        run.plan.rows.len(),
        risky.len()
    ));
    for r in risky.iter().take(8) {
        ctx.say(format!("  {}", r.headline()));
    }
    if run.build.unmet.is_empty() {
        ctx.say(format!(
            "  build plan: all demand met; overtime cost {}, holding cost {}",
            num(run.build.costs.overtime, 0),
            num(run.build.costs.holding, 0)
        ));
    } else {
        let total: f64 = run.build.unmet.iter().map(|u| u.quantity).sum();
        ctx.say(format!(
            "  build plan: {} units of demand cannot be met:",
            num(total, 0)
        ));
        for u in run.build.unmet.iter().take(5) {
            ctx.say(format!(
                "    {} {} {}: {} units short",
                u.line,
                u.sku,
                u.month,
                num(u.quantity, 0)
            ));
        }
    }
    for r in run.recommendations.iter().take(8) {
        ctx.say(format!("  {}", r.message));
    }
    if !run.plan.unrouted.is_empty() {
        ctx.say(format!(
            "  note: {} skus have demand but no routing: {}",
            run.plan.unrouted.len(),
            run.plan.unrouted.join(", ")
        ));
    }
}
