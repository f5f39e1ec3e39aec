//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use planner_core::scenario;

use super::{Context, Stopwatch};
use crate::cli::PlanArgs;
use crate::load;
use crate::write::outdir::OutputSet;
use crate::write::tables::Table;
use crate::write::{self, charts, report, review_tables, sections, tables, xlsx, Guard};

/// The folder `planner plan` plans without `--data`, and how the summary names it.
struct Source {
    /// The folder read.
    dir: PathBuf,
    /// How messages name it.
    label: String,
    /// The built-in demo, written to a temporary folder for the run.
    _demo: Option<tempfile::TempDir>,
}

/// `--data DIR` when given; else the current folder when it holds a demand file; else the demo
/// built into the binary (see [`crate::demo`]).
fn source(data: Option<&PathBuf>, ctx: &Context) -> anyhow::Result<Source> {
    if let Some(dir) = data {
        return Ok(Source {
            dir: dir.clone(),
            label: dir.display().to_string(),
            _demo: None,
        });
    }
    let here = PathBuf::from(".");
    if ["demand.csv", "demand.xlsx"]
        .iter()
        .any(|f| here.join(f).symlink_metadata().is_ok())
    {
        ctx.say("plan: no --data given: planning the current folder, which holds a demand file");
        return Ok(Source {
            dir: here,
            label: ".".into(),
            _demo: None,
        });
    }
    let tmp = tempfile::Builder::new().prefix("planner-demo-").tempdir()?;
    let dir = tmp.path().join("demo");
    crate::demo::write(&dir)?;
    ctx.say(
        "plan: no --data given and no demand file here: planning the built-in demo folder \
         (`planner demo --out DIR` writes it out to edit)",
    );
    Ok(Source {
        dir,
        label: "the built-in demo".into(),
        _demo: Some(tmp),
    })
}

/// Runs `planner plan`.
pub fn run(args: &PlanArgs, ctx: &Context) -> anyhow::Result<()> {
    let mut clock = Stopwatch::start();
    let source = source(args.data.as_ref(), ctx)?;
    let dir = &source.dir;
    let folder = load::folder_or_first_error(dir)?;
    let mut guard = Guard::new(&folder.inputs);
    if args.publish && source._demo.is_some() {
        anyhow::bail!(
            "--publish files the forecast in a planning folder's archive/: the built-in demo is \
             not one (`planner demo --out DIR` writes it out, then `planner plan --data DIR \
             --publish`)"
        );
    }
    // Without --previous, the months published before this one are last month's forecasts.
    let vintages = match folder.input.settings.first_month(&folder.input.history) {
        Some(start) if args.previous.is_empty() => crate::archive::before(dir, start)?,
        _ => Vec::new(),
    };
    let archived: Vec<PathBuf> = vintages.iter().map(|v| v.forecast()).collect();
    let previous_paths = if args.previous.is_empty() {
        &archived
    } else {
        &args.previous
    };
    let previous = super::review::read_previous(previous_paths, &mut guard, &folder.input.history)?;
    crate::archive::check_months(&vintages, &previous)?;
    let deliveries = super::scorecard::Inputs::read(&folder, &mut guard)?;
    let overrides = load::overrides::file(args.overrides.as_deref(), dir, &mut guard)?;
    let set = OutputSet::begin(&args.out, dir, &mut guard)?;
    clock.lap("load");
    let input = &folder.input;
    let bar = ctx.progress(input.history.len(), "forecasting");
    let mut forecast = scenario::forecast_part(input, &|n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    // Overrides handed back in a plan.xlsx: forecast again with them as override events; the
    // plan without them is what the workbook's edits are told from.
    let (overridden, with_overrides) =
        load::overrides::apply(overrides.as_ref(), input, &forecast)?;
    let input = with_overrides.as_ref().unwrap_or(input);
    let mut base = match &with_overrides {
        Some(i) => {
            Some(std::mem::replace(&mut forecast, scenario::forecast_part(i, &|_| {})?).plan)
        }
        None => None,
    };
    // The CM's time fences, held against the last published month unless --no-fences.
    let held_against = vintages.last().zip(previous.last());
    let holds = match held_against {
        Some((_, last)) if !args.no_fences => {
            let fc = &forecast.plan;
            let fenced = input.settings.fenced_months(fc.start);
            let agreed = if let Some(changes) = load::table_file(dir, "changes.csv")? {
                guard.protect(&changes);
                let skus: std::collections::HashSet<&str> =
                    fc.skus.iter().map(|s| s.sku.as_str()).collect();
                load::changes_file(&changes, &skus, &fenced)?
            } else {
                Vec::new()
            };
            if let Some(b) = base.as_mut() {
                planner_core::review::hold_fences(b, last, &input.settings.fences, &agreed);
            }
            planner_core::review::hold_fences(
                &mut forecast.plan,
                last,
                &input.settings.fences,
                &agreed,
            )
        }
        _ => Vec::new(),
    };
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
    let mut all: Vec<(&str, Table)> = vec![
        ("forecast.csv", tables::forecast(&plan.forecast.plan)),
        ("families.csv", tables::families(&plan.forecast.plan)),
    ];
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
    if held_against.is_some() && !args.no_fences {
        guard.table(&out.join("fence_holds.csv"), &tables::fence_holds(&holds))?;
        written.push("fence_holds.csv".into());
    }
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
    let fc = &plan.forecast.plan;
    let override_sheets = write::overrides::tables(fc, base.as_ref().unwrap_or(fc));
    let (xlsx, charts) = rayon::join(
        || {
            let mut sheets: Vec<(&str, &Table)> = vec![("attention", &attention)];
            sheets.extend(all.iter().map(|(n, t)| (n.trim_end_matches(".csv"), t)));
            sheets.extend(override_sheets.iter().map(|(n, t)| (*n, t)));
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
        "families.csv",
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
    let holds_table = tables::fence_holds(&holds);
    if let (Some((v, _)), false) = (held_against, args.no_fences) {
        let moved: f64 = holds.iter().map(|h| h.moved.abs()).sum();
        extra.push(report::Section {
            id: "fences".into(),
            title: "Time fences held".into(),
            blocks: vec![
                report::Block::Note(format!(
                    "{} sku-months held against the forecast published for {} (frozen months keep \
                     the published quantity, limited ones are clamped, changes.csv rows pass), \
                     {} units moved in all; fence_holds.csv lists every one with the forecast \
                     before the hold.",
                    holds.len(),
                    v.month,
                    crate::write::num(moved, 0)
                )),
                report::Block::Table("fence_holds.csv".into(), &holds_table),
            ],
        });
    }
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
        &source.label,
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
    let published = if args.publish {
        let mut inputs = Vec::new();
        for f in ["planner.toml", "events.csv", "changes.csv"] {
            if let Ok(Some(at)) = load::table_file(dir, f) {
                inputs.push(at);
            }
        }
        inputs.extend(overrides.clone()); // the overrides workbook used, as it was handed back
        let forecast_table = &all[0].1;
        let statistical = tables::forecast(&plan.forecast.statistical());
        let at = crate::archive::publish(
            dir,
            &crate::archive::Publication {
                month: fc.start,
                forecast: forecast_table,
                statistical: &statistical,
                inputs,
            },
            args.replace,
        )?;
        Some(at)
    } else {
        None
    };
    ctx.say(format!(
        "plan: {} -> {}: {} skus x {} months from {}",
        source.label,
        out.display(),
        fc.skus.len(),
        fc.horizon,
        fc.start
    ));
    ctx.say(format!("  wrote {}", written.join(", ")));
    if let Some(at) = &published {
        ctx.say(format!(
            "  published {} as shared with the CM: {} (forecast.csv, statistical.csv and the settings used)",
            fc.start,
            at.display()
        ));
    }
    if let Some((v, _)) = held_against {
        if args.no_fences {
            ctx.say(format!(
                "  fences: not held (--no-fences): the plan as forecast, against the {} publication",
                v.month
            ));
        } else {
            let count = |k| holds.iter().filter(|h| h.kind == k).count();
            use planner_core::review::HoldKind;
            let moved: f64 = holds.iter().map(|h| h.moved.abs()).sum();
            ctx.say(format!(
                "  fences: {} sku-months held against the {} publication ({} frozen, {} clamped, {} agreed changes), {} units moved (fence_holds.csv)",
                holds.len(),
                v.month,
                count(HoldKind::Frozen),
                count(HoldKind::Clamped),
                count(HoldKind::Agreed),
                crate::write::num(moved, 0)
            ));
        }
    }
    if !archived.is_empty() {
        ctx.say(format!(
            "  reviewed against {} published month{} in archive/ (the latest: {})",
            archived.len(),
            if archived.len() == 1 { "" } else { "s" },
            previous
                .last()
                .map(|p| p.start.to_string())
                .unwrap_or_default()
        ));
    }
    if let Some(o) = &overridden {
        ctx.say(format!("  {}", o.summary));
    }
    ctx.say(format!("  uncertainty: {}", fc.dependence.describe()));
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
            .chain([vec![
                "uncertainty model".to_string(),
                "info".to_string(),
                plan.forecast.plan.dependence.describe(),
            ]])
            .collect(),
    }
}
