//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use planner_core::scenario;

use super::{Context, Stopwatch};
use crate::cli::PlanArgs;
use crate::load;
use crate::write::tables::Table;
use crate::write::{charts, report, tables, xlsx, Guard};

/// The demo folder: `data/demo` under the working directory, else the one this binary was built
/// from.
pub fn demo_folder() -> PathBuf {
    let here = PathBuf::from("data/demo");
    if here.join("demand.csv").is_file() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo"))
}

/// The files [`super::capacity::write_all`] writes.
const CAPACITY_FILES: [&str; 5] = [
    "capacity.csv",
    "line_balance.csv",
    "build_plan.csv",
    "line_plan.csv",
    "recommendations.csv",
];

/// Runs `planner plan`.
pub fn run(args: &PlanArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut clock = Stopwatch::start();
    let dir = args.data.clone().unwrap_or_else(demo_folder);
    let folder = load::folder_or_first_error(&dir)?;
    let guard = Guard::new(&folder.inputs);
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
    let mut written: Vec<&str> = Vec::new();
    if let Some(c) = &plan.capacity {
        super::capacity::write_all(&guard, out, c)?;
    }
    for (name, table) in &all {
        if plan.capacity.is_none() || !CAPACITY_FILES.contains(name) {
            guard.table(&out.join(name), table)?;
        }
        written.push(name);
    }
    clock.lap("csv");
    guard.write(&out.join("plan.json"), |w| {
        serde_json::to_writer_pretty(w, &plan)?;
        Ok(())
    })?;
    written.push("plan.json");
    clock.lap("json");

    // The workbook and the charts are independent: draw while the workbook is written.
    let attention = attention_table(&plan);
    let (xlsx, charts) = rayon::join(
        || {
            let mut sheets: Vec<(&str, &Table)> = vec![("attention", &attention)];
            sheets.extend(all.iter().map(|(n, t)| (n.trim_end_matches(".csv"), t)));
            xlsx::write(&guard, &out.join("plan.xlsx"), &sheets)
        },
        || {
            charts::charts(
                &plan,
                &folder.input.history,
                &folder.input.routings,
                None,
                charts::DEFAULT_TOP,
            )
        },
    );
    xlsx?;
    written.push("plan.xlsx");
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
    report::write(
        &guard,
        &out.join("report.html"),
        &plan,
        &charts,
        &shown,
        &dir,
    )?;
    written.push("report.html");
    clock.lap("report");
    let charts_note = format!("charts/ ({chart_files} files)");
    written.push(&charts_note);

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
