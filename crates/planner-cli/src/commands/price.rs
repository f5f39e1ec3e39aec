//! `planner price`: what the planned volume buys at the contract manufacturer's price tiers.

use planner_core::pricing;
use planner_core::scenario::pricing_part;

use super::Context;
use crate::cli::PriceArgs;
use crate::load;
use crate::write::outdir::OutputFiles;
use crate::write::{num, tables, Guard};

/// Runs `planner price`.
pub fn run(args: &PriceArgs, ctx: &Context) -> anyhow::Result<()> {
    let folder =
        load::folder_or_first_error_needing(&args.input.data, args.input.demand.is_none())?;
    folder.require("price_tiers.csv", "price")?;
    let mut guard = Guard::new(&folder.inputs);
    if let Some(d) = &args.input.demand {
        guard.protect(d);
    }
    // Held to the end of the run: the folder's lock, when it is planner's.
    let _files = match &args.out {
        Some(out) => Some(OutputFiles::begin(out, &mut guard)?),
        None => None,
    };
    // Every input is read before anything is written: no partial output on a bad file. The
    // folder's cost_breakdown.csv and indices.csv come in `folder.input`; with them the pricing
    // part projects the index-linked prices too.
    let demand = super::production_plan(&folder, args.input.demand.as_deref(), ctx)?;
    let Some(plan) = pricing_part(&folder.input, &demand)? else {
        anyhow::bail!("{}: price_tiers.csv lists no tier", folder.dir.display());
    };
    let table = tables::pricing(&plan, &demand.levels);
    let dir = args
        .out
        .as_deref()
        .and_then(std::path::Path::parent)
        .map_or_else(
            || std::path::PathBuf::from("."),
            std::path::Path::to_path_buf,
        );
    let sizing = (args.out.is_some() && !plan.sizing.is_empty())
        .then(|| (dir.join("order_sizing.csv"), tables::order_sizing(&plan)));
    let projection = plan.projection.as_ref().map(|spend| {
        (
            dir.join("price_projection.csv"),
            tables::price_projection(spend, tables::currency(&plan)),
        )
    });
    // The files beside --out, checked before the first is written.
    if let Some(out) = &args.out {
        let vetted: Vec<(&std::path::Path, &[String])> = sizing
            .iter()
            .chain(projection.iter())
            .map(|(p, t)| (p.as_path(), t.header.as_slice()))
            .collect();
        guard.vet_beside(out, &vetted)?;
    }
    super::emit(&guard, args.out.as_deref(), &table)?;
    summarize(&plan, ctx);
    ctx.say_findings(&planner_core::findings::find(
        &planner_core::findings::Sources {
            pricing: Some(&plan),
            ..Default::default()
        },
    ));
    if let Some((path, table)) = &sizing {
        guard.table(path, table)?;
    }
    if let (Some(spend), Some((path, table))) = (&plan.projection, &projection) {
        guard.table(path, table)?;
        let base: f64 = spend.iter().map(|s| s.spend - s.change_vs_base).sum();
        let total = plan.projected_spend().unwrap_or(0.0);
        let range = plan
            .projected_spend_range
            .last()
            .map(|(l, lo, hi)| format!(" ({l} % range {} to {})", num(*lo, 0), num(*hi, 0)))
            .unwrap_or_default();
        ctx.say(format!(
            "  index-linked prices: spend {}{range} against {} at the tier prices -> {}",
            num(total, 0),
            num(base, 0),
            path.display()
        ));
    }
    Ok(())
}

/// How the indices are carried over the horizon, one line each: values given ahead in
/// indices.csv, or held flat at the last value.
fn outlook(plan: &pricing::PricingPlan, ctx: &Context) {
    for o in &plan.index_outlook {
        ctx.say(format!("  index outlook {}", o.sentence()));
    }
}

/// The terminal summary's figures: the spend and how the indices are carried (the findings
/// themselves: [`Context::say_findings`]).
pub fn summarize(plan: &pricing::PricingPlan, ctx: &Context) {
    ctx.say(format!(
        "pricing: {} rows, total spend {}",
        plan.rows.len(),
        num(plan.total_spend(), 0)
    ));
    outlook(plan, ctx);
}
