//! `planner capacity`: capacity.csv, the build plan and the recommendations.

use std::path::{Path, PathBuf};

use planner_core::findings::Sources;
use planner_core::scenario::{capacity_part, CapacityResult};

use super::Context;
use crate::cli::CapacityArgs;
use crate::load;
use crate::write::outdir::OutputFiles;
use crate::write::{num, tables, Guard};

/// Writes capacity.csv, line_balance.csv, build_plan.csv, line_plan.csv and
/// recommendations.csv into `dir`.
pub fn write_all(guard: &Guard, dir: &Path, run: &CapacityResult) -> anyhow::Result<()> {
    guard.table(
        &dir.join("capacity.csv"),
        &tables::capacity(&run.line_months),
    )?;
    for (name, table) in others(run) {
        guard.table(&dir.join(name), &table)?;
    }
    Ok(())
}

/// The tables written beside capacity.csv.
fn others(run: &CapacityResult) -> [(&'static str, tables::Table); 4] {
    [
        ("line_balance.csv", tables::line_balance(&run.line_months)),
        ("build_plan.csv", tables::build_plan(&run.build)),
        ("line_plan.csv", tables::line_plan(&run.build)),
        (
            "recommendations.csv",
            tables::recommendations(&run.recommendations),
        ),
    ]
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
    // The files beside --out, checked before the first is written.
    let beside = args.out.as_ref().map(|out| {
        let dir = out
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        others(&run).map(|(name, table)| (dir.join(name), table))
    });
    if let (Some(out), Some(beside)) = (&args.out, &beside) {
        let vetted: Vec<(&Path, &[String])> = beside
            .iter()
            .map(|(p, t)| (p.as_path(), t.header.as_slice()))
            .collect();
        guard.vet_beside(out, &vetted)?;
    }
    super::emit(
        &guard,
        args.out.as_deref(),
        &tables::capacity(&run.line_months),
    )?;
    for (path, table) in beside.iter().flatten() {
        guard.table(path, table)?;
    }
    summarize(&run, ctx);
    // Without pricing the capacity findings rank by units at risk (`planner plan` values them).
    ctx.say_findings(&planner_core::findings::find(&Sources {
        capacity: Some(&run),
        ..Sources::default()
    }));
    Ok(())
}

/// The terminal summary's figures: line-months overloaded or at risk, the build plan's costs or
/// the demand it cannot meet (the findings themselves: [`Context::say_findings`]).
pub fn summarize(run: &CapacityResult, ctx: &Context) {
    ctx.say(format!(
        "capacity: {} line-months, {} overloaded or at risk",
        run.line_months.rows.len(),
        run.line_months.at_risk().count()
    ));
    if run.build.unmet.is_empty() {
        ctx.say(format!(
            "  build plan: all demand met; overtime cost {}, holding cost {}",
            num(run.build.costs.overtime, 0),
            num(run.build.costs.holding, 0)
        ));
    } else {
        ctx.say(format!(
            "  build plan: {} units of demand cannot be met",
            num(run.build.unmet_units(), 0)
        ));
    }
}
