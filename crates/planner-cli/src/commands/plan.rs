//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use super::Context;
use crate::cli::PlanArgs;
use crate::load;
use crate::write::Guard;

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
    let run = super::forecast_folder(&folder, ctx)?;
    let out = &args.out;
    guard.table(
        &out.join("forecast.csv"),
        &crate::write::tables::forecast(&run.plan),
    )?;
    ctx.say(format!(
        "plan: {} -> {}: forecast.csv ({} skus x {} months from {})",
        dir.display(),
        out.display(),
        run.plan.skus.len(),
        run.plan.horizon,
        run.plan.start
    ));
    Ok(())
}
