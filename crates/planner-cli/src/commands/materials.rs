//! `planner materials`: material_plan.csv, prebuy.csv and past_due.csv.

use std::path::Path;

use planner_core::materials::MaterialPlan;
use planner_core::scenario::materials_part;

use super::Context;
use crate::cli::MaterialsArgs;
use crate::load;
use crate::write::outdir::OutputSet;
use crate::write::{num, tables, Guard};

/// Writes material_plan.csv, prebuy.csv and past_due.csv into `dir`.
pub fn write_all(guard: &Guard, dir: &Path, plan: &MaterialPlan) -> anyhow::Result<()> {
    guard.table(&dir.join("material_plan.csv"), &tables::material_plan(plan))?;
    // CSV only: money needs no currency here.
    guard.table(&dir.join("prebuy.csv"), &tables::prebuy(plan, None))?;
    guard.table(&dir.join("past_due.csv"), &tables::past_due(plan, None))?;
    Ok(())
}

/// Runs `planner materials`.
pub fn run(args: &MaterialsArgs, ctx: &Context) -> anyhow::Result<()> {
    let folder =
        load::folder_or_first_error_needing(&args.input.data, args.input.demand.is_none())?;
    folder.require("bom.csv", "materials")?;
    folder.require("materials.csv", "materials")?;
    let mut guard = Guard::new(&folder.inputs);
    if let Some(d) = &args.input.demand {
        guard.protect(d);
    }
    let set = OutputSet::begin(&args.out, &folder.dir, &mut guard)?;
    let demand = super::production_plan(&folder, args.input.demand.as_deref(), ctx)?;
    let Some(plan) = materials_part(&folder.input, &demand)? else {
        anyhow::bail!(
            "{}: materials.csv lists no material to plan",
            folder.dir.display()
        );
    };
    write_all(&guard, &args.out, &plan)?;
    set.commit()?;
    ctx.say(format!(
        "materials: material_plan.csv, prebuy.csv, past_due.csv -> {}",
        args.out.display()
    ));
    summarize(&plan, ctx);
    ctx.say_findings(&planner_core::findings::find(
        &planner_core::findings::Sources {
            materials: Some(&plan),
            ..Default::default()
        },
    ));
    Ok(())
}

/// The terminal summary's figures: past-due releases, pre-buys and the cash they tie up (the
/// findings themselves: [`Context::say_findings`]).
pub fn summarize(plan: &MaterialPlan, ctx: &Context) {
    let s = plan.summary();
    ctx.say(format!(
        "materials: {} planned; {} past-due releases worth {} ({} more top up safety stock only, worth {}); {} pre-buys tie up {} (at risk at the lower bound: {})",
        s.materials,
        s.past_due_count,
        num(s.past_due_value, 0),
        s.top_up_count,
        num(s.top_up_value, 0),
        s.prebuy_count,
        num(s.prebuy_cash, 0),
        num(s.prebuy_value_at_risk, 0)
    ));
}
