//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use planner_core::scenario;

use super::{Context, Stopwatch};
use crate::cli::PlanArgs;
use crate::load;
use crate::write::outdir::OutputSet;
use crate::write::tables::Table;
use crate::write::{charts, report, review_tables, sections, tables, xlsx, Guard};

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
    let mut clock = Stopwatch::start();
    let dir = args.data.clone().unwrap_or_else(demo_folder);
    let folder = load::folder_or_first_error(&dir)?;
    let mut guard = Guard::new(&folder.inputs);
    let previous = super::review::read_previous(&args.previous, &mut guard)?;
    let deliveries = super::scorecard::Inputs::read(&folder, &mut guard)?;
    let set = OutputSet::begin(&args.out, &dir, &mut guard)?;
    clock.lap("load");
    let input = &folder.input;
    let bar = ctx.progress(input.history.len(), "forecasting");
    let forecast = scenario::forecast_part(input, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    clock.lap("forecast");
    let capacity = scenario::capacity_part(input, &forecast.plan)?;
    clock.lap("capacity");
    let materials = scenario::materials_part(input, &forecast.plan)?;
    clock.lap("materials");
    let pricing = scenario::pricing_part(input, &forecast.plan)?;
    clock.lap("pricing");
    let plan = scenario::Plan {
        forecast,
        capacity,
        materials,
        pricing,
    };
    let out = &args.out;

    // Every table once: the CSV files, the sheets of plan.xlsx and the tables of the report.
    let mut all: Vec<(&str, Table)> = vec![("forecast.csv", tables::forecast(&plan.forecast.plan))];
    if let Some(c) = &plan.capacity {
        all.extend([
            ("capacity.csv", tables::capacity(&c.plan)),
            ("line_balance.csv", tables::line_balance(&c.plan)),
            ("build_plan.csv", tables::build_plan(&c.build)),
            ("line_plan.csv", tables::line_plan(&c.build)),
            (
                "recommendations.csv",
                tables::recommendations(&c.recommendations),
            ),
        ]);
    }
    if let Some(m) = &plan.materials {
        all.extend([
            ("material_plan.csv", tables::material_plan(m)),
            ("prebuy.csv", tables::prebuy(m)),
            ("past_due.csv", tables::past_due(m)),
        ]);
    }
    if let Some(p) = &plan.pricing {
        all.push((
            "pricing.csv",
            tables::pricing(p, &plan.forecast.plan.levels),
        ));
    }
    // The monthly review against last month's forecast, and the scorecard when the folder has
    // deliveries: their CSV files next to the plan's, their sheets after the plan's.
    let review = if previous.is_empty() {
        None
    } else {
        Some(super::review::compare(
            input,
            &previous,
            &plan.forecast.plan,
        )?)
    };
    let review_tables = review.as_ref().map(review_tables::all).unwrap_or_default();
    let baseline = review
        .as_ref()
        .and_then(|r| previous.iter().find(|p| p.start == r.baseline));
    let card = deliveries
        .as_ref()
        .map(|d| d.score(&folder, baseline, None))
        .transpose()?;
    clock.lap("review");

    let mut written: Vec<String> = Vec::new();
    for (stem, table) in &review_tables {
        guard.table(&out.join(format!("{stem}.csv")), table)?;
        written.push(format!("{stem}.csv"));
    }
    let (card_tables, card_charts) = match &card {
        Some(c) => {
            let (t, ch) = super::scorecard::write_all(&guard, out, c)?;
            written.extend(t.iter().map(|(stem, _)| format!("{stem}.csv")));
            (t, ch)
        }
        None => Default::default(),
    };
    for (name, table) in &all {
        guard.table(&out.join(name), table)?;
        written.push(name.to_string());
    }
    clock.lap("csv");
    guard.write(&out.join("plan.json"), |w| {
        serde_json::to_writer_pretty(w, &plan)?;
        Ok(())
    })?;
    written.push("plan.json".into());
    clock.lap("json");

    // The workbook and the charts are independent: draw while the workbook is written.
    let attention = attention_table(&plan);
    let (xlsx, charts) = rayon::join(
        || {
            let mut sheets: Vec<(&str, &Table)> = vec![("attention", &attention)];
            sheets.extend(all.iter().map(|(n, t)| (n.trim_end_matches(".csv"), t)));
            sheets.extend(review_tables.iter().map(|(n, t)| (*n, t)));
            // Every delivery line is in scorecard_lines.csv; the workbook keeps the scorecard.
            sheets.extend(
                card_tables
                    .iter()
                    .filter(|(n, _)| *n != "scorecard_lines")
                    .map(|(n, t)| (*n, t)),
            );
            xlsx::write(&guard, &out.join("plan.xlsx"), &sheets)
        },
        || {
            charts::charts(
                &plan,
                &folder.input.history,
                &folder.input.routings,
                baseline,
                charts::DEFAULT_TOP,
            )
        },
    );
    xlsx?;
    written.push("plan.xlsx".into());
    let charts = charts?;
    clock.lap("xlsx+charts");
    let chart_files = charts.write(&guard, &out.join("charts"))?;
    let order = [
        "recommendations.csv",
        "capacity.csv",
        "past_due.csv",
        "prebuy.csv",
        "pricing.csv",
        "forecast.csv",
        "material_plan.csv",
        "build_plan.csv",
        "line_plan.csv",
        "line_balance.csv",
    ];
    let mut shown: Vec<(&str, &Table)> = order
        .iter()
        .filter_map(|o| all.iter().find(|(n, _)| n == o).map(|(n, t)| (*n, t)))
        .collect();
    shown.extend(
        all.iter()
            .filter(|(n, _)| !order.contains(n))
            .map(|(n, t)| (*n, t)),
    );
    let mut extra = Vec::new();
    if let Some(r) = &review {
        extra.push(sections::review(r, &review_tables, &[], "charts"));
    }
    if let Some(c) = &card {
        extra.push(sections::scorecard(
            c,
            baseline.is_some(),
            &card_tables,
            &card_charts,
            "charts",
        ));
    }
    report::write(
        &guard,
        &out.join("report.html"),
        &plan,
        &charts,
        &shown,
        &dir,
        extra,
    )?;
    written.push("report.html".into());
    clock.lap("report");
    written.push(format!(
        "charts/ ({} files)",
        chart_files + 2 * card_charts.len()
    ));
    set.commit()?;

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
    ctx.say(format!("  {}", charts.sku_note()));
    if plan.capacity.is_some() {
        ctx.say(format!("  {}", charts.line_note()));
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
    if let Some(r) = &review {
        super::review::summarize(r, ctx);
    }
    if let Some(c) = &card {
        super::scorecard::summarize(c, baseline.is_some(), ctx);
    }
    Ok(())
}

/// The attention list as a table: the first sheet of plan.xlsx.
fn attention_table(plan: &planner_core::scenario::Plan) -> Table {
    Table {
        header: vec!["what".into(), "severity".into(), "message".into()],
        rows: report::attention(plan)
            .into_iter()
            .map(|a| vec![a.tag.to_string(), a.severity.to_string(), a.text])
            .collect(),
    }
}
