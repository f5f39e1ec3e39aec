//! `planner plan`: the whole plan in one run.

use std::path::PathBuf;

use anyhow::Context as _;

use planner_core::scenario;

use super::{Context, Stopwatch};
use crate::cli::PlanArgs;
use crate::load;
use crate::write::outdir::OutputSet;
use crate::write::pages::{self, report, sections};
use crate::write::tables::{self, review as review_tables, Cell, Table};
use crate::write::workbooks::{cm_pack, xlsx};
use crate::write::{charts, findings, Guard};

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
    let reading = ctx.stages(1, "reading the folder");
    let dir = &source.dir;
    // deliveries.csv (2 million rows at 100,000 skus) is read while the rest of the folder is;
    // its warnings and errors come after the folder's, as when read after it.
    let (folder, deliveries) = rayon::join(
        || load::folder_or_first_error(dir),
        || super::scorecard::Inputs::read_in(dir),
    );
    let mut folder = folder?;
    let mut guard = Guard::new(&folder.inputs);
    if args.publish && source._demo.is_some() {
        anyhow::bail!(
            "--publish files the forecast in a planning folder's archive/: the built-in demo is \
             not one (`planner demo --out DIR` writes it out, then `planner plan --data DIR \
             --publish`)"
        );
    }
    // The months published before this one: the latest holds the time fences (whatever
    // --previous says: the CM's fences are against what was shared); without --previous they
    // are also the forecasts the plan is reviewed against.
    let published_before = match folder.input.settings.first_month(&folder.input.history) {
        Some(start) => crate::archive::before(dir, start)?,
        None => Vec::new(),
    };
    let from_archive = args.previous.is_empty();
    let vintages: &[crate::archive::Vintage] = if from_archive { &published_before } else { &[] };
    let archived: Vec<PathBuf> = vintages.iter().map(|v| v.forecast()).collect();
    let previous_paths = if from_archive {
        &archived
    } else {
        &args.previous
    };
    let mut previous =
        super::review::read_previous(previous_paths, &mut guard, &folder.input.history)?;
    crate::archive::check_months(vintages, &previous)?;
    let statistical = crate::archive::statistical(vintages, &previous, &mut guard)?;
    let deliveries = super::scorecard::Inputs::finish(deliveries, &mut guard)?;
    let overrides_file = load::overrides::file(args.overrides.as_deref(), dir)?;
    if let Some(f) = &overrides_file {
        guard.protect(f);
    }
    // The months and skus the plan will hold: the overrides workbook and the agreed changes are
    // checked against them before anything is forecast.
    let grid = folder.input.grid()?;
    // A month already published is refused before anything is computed or written: the
    // previous set in --out stays whole.
    if args.publish {
        crate::archive::check_unpublished(dir, grid.start, args.replace)?;
    }
    let overrides = load::overrides::read_for(overrides_file.as_ref(), &grid)?;
    folder.input.overrides = overrides.as_ref().map(|o| o.to_core()).unwrap_or_default();
    // The CM's time fences, held against the last published month unless --no-fences.
    let held_against = published_before.last();
    // The last published forecast: the latest of `previous` when the review reads the archive
    // (lent to the plan's input, given back to the review below), else read from the archive.
    let mut published_plan = match held_against {
        Some(_) if from_archive => previous.pop(),
        Some(v) => {
            let plan =
                super::review::read_previous(&[v.forecast()], &mut guard, &folder.input.history)?;
            crate::archive::check_months(std::slice::from_ref(v), &plan)?;
            plan.into_iter().next()
        }
        None => None,
    };
    // The changes the CM agreed to: lent to the plan's input with the published forecast, then
    // passed to the review (none when nothing is held).
    let mut agreed = Vec::new();
    if held_against.is_some() && !args.no_fences {
        folder.input.published = Some(scenario::Published {
            plan: published_plan
                .take()
                .expect("the archived vintage was read"),
            agreed: super::agreed_changes(&folder, &grid, &mut guard)?,
        });
    } else {
        let why = if args.no_fences {
            "--no-fences holds no time fence".to_string()
        } else {
            format!(
                "nothing was published before {} to hold the time fences against",
                grid.start
            )
        };
        super::unused_changes(&folder, &grid, &mut guard, &why)?;
    }
    let set = OutputSet::begin(&args.out, dir, &mut guard)?;
    clock.lap("load");
    drop(reading);
    let shown = Shown::new(ctx, clock, folder.input.history.len());
    let plan = planner_core::plan_with(&folder.input, &shown);
    let (mut clock, stages) = shown.finish();
    let plan = plan?;
    if let Some(p) = folder.input.published.take() {
        published_plan = Some(p.plan);
        agreed = p.agreed;
    }
    if from_archive {
        previous.extend(published_plan.take());
    }
    // The last published forecast, from the archive: `previous`'s latest, or its own.
    let last_published = published_plan
        .as_ref()
        .or(previous.last().filter(|_| from_archive));
    // The review's fence check is against --previous: say so when that is not what the fences
    // were held to, so its breaks are not read as breaks of what was shared.
    if let (false, Some(v), Some(p), false) =
        (from_archive, held_against, previous.last(), args.no_fences)
    {
        if p.start != v.month {
            warn_review_base(p.start, v.month);
        }
    }
    // Skus shared last month that this plan no longer has: nothing holds their fenced months.
    if let (Some(v), Some(p), false) = (
        held_against,
        last_published,
        folder.input.settings.fences.is_empty(),
    ) {
        warn_dropped(&plan.forecast.demand, p, v.month);
        warn_new_in_fences(&plan.forecast.demand, p, v.month, &folder.input);
    }
    let input = &folder.input;
    super::warn_orders_outside(&folder, &plan.forecast.demand);
    let holds: &[planner_core::review::FenceHold] = plan.fence_holds.as_deref().unwrap_or_default();
    let picked = args
        .charts
        .as_deref()
        .map(|spec| charts::pick_skus(spec, &plan))
        .transpose()?;
    let out = &args.out;

    // The monthly review against last month's forecast, and the scorecard when the folder has
    // deliveries, before the plan's tables: the delivery rows (2 million at 100,000 skus) and
    // the PO lines are let go before the tables are made.
    let review = if previous.is_empty() {
        None
    } else {
        Some(super::review::compare(
            input,
            &previous,
            &statistical,
            &plan.forecast.demand,
            &agreed,
        )?)
    };
    let review_tables = review.as_ref().map(review_tables::all).unwrap_or_default();
    let baseline = review
        .as_ref()
        .and_then(|r| previous.iter().find(|p| p.start == r.baseline));
    let mut card = deliveries
        .as_ref()
        .map(|d| d.score(&folder, baseline, None))
        .transpose()?;
    drop(deliveries);
    let (card_tables, card_charts) = match &card {
        // The workbook leaves scorecard_lines out: the report's first rows are held.
        Some(c) => super::scorecard::write_all(&guard, out, c, pages::TABLE_ROWS)?,
        None => Default::default(),
    };
    // Every PO line is in scorecard_lines.csv now (the card counts them: `line_count`).
    if let Some(c) = &mut card {
        c.lines = Vec::new();
    }
    clock.lap("review");
    stages.next("tables");

    // Every table once, each written to its CSV file as it is made.
    let all = plan_tables(&plan, &guard, out)?;
    let currency = plan.pricing.as_ref().and_then(tables::currency);
    clock.lap("tables");
    stages.next("writing the CSV files");

    let mut written: Vec<String> = Vec::new();
    if held_against.is_some() && !args.no_fences {
        guard.table(&out.join("fence_holds.csv"), &tables::fence_holds(holds))?;
        written.push("fence_holds.csv".into());
    }
    for (stem, table) in &review_tables {
        guard.table(&out.join(format!("{stem}.csv")), table)?;
        written.push(format!("{stem}.csv"));
    }
    written.extend(card_tables.iter().map(|(stem, _)| format!("{stem}.csv")));
    // The plan's tables were written as they were made.
    written.extend(all.iter().map(|(name, _)| name.to_string()));
    clock.lap("csv");
    stages.next("plan.json, workbook, charts");
    // plan.json (3 s on one core at 100,000 skus) is written on a thread of its own while the
    // workbooks and the charts are made (below), which leave a core idle much of their time.
    let write_json = || {
        clock.aside(|| {
            guard.write(&out.join("plan.json"), |w| {
                // Indented for a reader up to PRETTY_JSON_SKUS skus; compact (60 % of the size)
                // for the programs that read a larger one.
                if plan.forecast.demand.skus.len() <= PRETTY_JSON_SKUS {
                    serde_json::to_writer_pretty(w, &plan)?;
                } else {
                    serde_json::to_writer(w, &plan)?;
                }
                Ok(())
            })
        })
    };

    // One ranked list of findings: the terminal, the report and the workbook's first sheet.
    let held = held_against.is_some() && !args.no_fences;
    let findings = planner_core::findings::find(&planner_core::findings::Sources {
        review: review.as_ref(),
        holds,
        ..planner_core::findings::Sources::of_plan(&plan)
    });
    // The workbook and the charts are independent: draw while the workbook is written.
    let fc = &plan.forecast.demand;
    let base = plan.forecast.overrides.as_ref().map_or(fc, |o| &o.without);
    let override_sheets = tables::overrides::tables(fc, base);
    let mut sheets: Vec<(&str, &Table)> = Vec::new();
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
    // A table too long to read in a sheet is in its CSV file only, and the attention sheet
    // says so.
    let (sheets, csv_only) = fit_sheets(sheets);
    let attention = attention_sheet(&findings, &plan, &csv_only);
    // What the brand sends its CM: the forecast as shared, nothing internal.
    let published = match (held_against, last_published, previous.last()) {
        (Some(v), Some(p), _) => {
            Some((format!("{} (archive/{}/forecast.csv)", v.month, v.month), p))
        }
        (_, _, Some(p)) => Some((format!("{} (--previous)", p.start), p)),
        (_, _, None) => None,
    };
    // The two workbooks and the charts are independent: made at once, while plan.json is
    // written.
    let ((json, json_time), ((xlsx, charts), pack)) = std::thread::scope(|s| {
        let json = s.spawn(write_json);
        let rest = rayon::join(
            || {
                rayon::join(
                    || {
                        let mut all_sheets: Vec<(&str, &Table)> = vec![("attention", &attention)];
                        all_sheets.extend(sheets);
                        xlsx::write(&guard, &out.join("plan.xlsx"), &all_sheets)
                    },
                    || {
                        charts::charts(
                            &plan,
                            &folder.input.history,
                            &folder.input.routings,
                            &folder.input.products,
                            baseline,
                            charts::DEFAULT_TOP,
                            picked,
                        )
                    },
                )
            },
            || {
                cm_pack::write(
                    &guard,
                    &out.join("cm_pack.xlsx"),
                    &cm_pack::Pack {
                        plan: &plan,
                        products: &input.products,
                        fences: &input.settings.fences,
                        published,
                        currency,
                        fences_held: !args.no_fences,
                    },
                )
            },
        );
        (
            json.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            rest,
        )
    });
    json?;
    written.push("plan.json".into());
    clock.aside_lap("json", json_time, "xlsx+charts");
    xlsx?;
    written.push("plan.xlsx".into());
    let charts = charts?;
    pack?;
    written.push("cm_pack.xlsx".into());
    clock.lap("xlsx+charts");
    stages.next("report");
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
    let matrix = tables::segment_matrix(&plan.segments);
    extra.push(segments_section(&plan, &matrix));
    if !charts.families.is_empty() {
        extra.push(families_section(&charts));
    }
    let holds_table = tables::fence_holds(holds);
    if let (Some(v), false) = (held_against, args.no_fences) {
        extra.push(fences_section(holds, v.month, &holds_table));
    }
    if let Some(r) = &review {
        extra.push(sections::review(r, &review_tables, &[], "charts", false));
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
    let page = report::render(
        &plan,
        &charts,
        &shown,
        &source.label,
        &report::Decisions {
            findings: &findings,
            review: review.as_ref(),
            holds: held.then_some(holds),
        },
        extra,
    );
    pages::write_html(&guard, &out.join("report.html"), &page)?;
    written.push("report.html".into());
    clock.lap("report");
    drop(stages);
    written.push(format!(
        "charts/ ({} files)",
        chart_files + 2 * card_charts.len()
    ));
    // Filed before the set is committed: a publication that fails leaves the previous set in
    // --out whole.
    let fc = &plan.forecast.demand;
    let published = if args.publish {
        if args.no_fences {
            if let (Some(v), Some(p)) = (held_against, last_published) {
                warn_unheld(fc, p, v.month, input);
            }
        }
        let later = crate::archive::after(dir, fc.start)?;
        let replaced = crate::archive::is_published(dir, fc.start);
        let at = publish(dir, &plan, overrides_file.as_ref(), args.replace)?;
        warn_later(fc.start, &later, replaced);
        Some(at)
    } else {
        None
    };
    set.commit().with_context(|| match &published {
        Some(at) => format!(
            "{} was published ({}), but the plan's files could not be written to {}: run \
             `planner plan` again without --publish to write them",
            fc.start,
            at.display(),
            out.display()
        ),
        None => format!("{}: the plan's files could not be written", out.display()),
    })?;
    ctx.say(format!(
        "plan: {} -> {}: {} skus x {} months from {}",
        source.label,
        out.display(),
        fc.skus.len(),
        fc.horizon,
        fc.start
    ));
    ctx.say(format!("  wrote {}", written.join(", ")));
    if !csv_only.is_empty() {
        let names: Vec<&str> = csv_only.iter().map(|(n, _)| *n).collect();
        ctx.say(format!(
            "  workbook: {} left out of plan.xlsx, over {SHEET_ROWS} rows each: in their CSV files only",
            names.join(", ")
        ));
    }
    if let Some(at) = &published {
        ctx.say(format!(
            "  published {} as shared with the CM: {} (forecast.csv, statistical.csv and the settings used)",
            fc.start,
            at.display()
        ));
    }
    if let Some(v) = held_against {
        if args.no_fences {
            ctx.say(format!(
                "  fences: not held (--no-fences): the plan as forecast, against the {} publication",
                v.month
            ));
        } else {
            super::say_holds(holds, v.month, ctx);
            say_held_overrides(holds, &folder.input.overrides, ctx);
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
    if let Some(o) = &overrides {
        ctx.say(format!("  {}", o.summary(plan.forecast.overrides.as_ref())));
    }
    ctx.say(format!("  uncertainty: {}", fc.dependence.describe()));
    for e in &plan.forecast.ignored_events {
        ctx.say(format!(
            "  note: events.csv: {} {} {} for sku {} does not apply (outside the horizon or no such sku)",
            e.kind,
            e.value,
            match e.to {
                Some(to) => format!("{}..{to}", e.month),
                None => e.month.to_string(),
            },
            e.sku
        ));
    }
    say_parts(&plan, &charts, ctx);
    if let Some(r) = &review {
        super::review::summarize_figures(r, ctx, false);
    }
    ctx.say_findings(&findings);
    if let Some(c) = &card {
        super::scorecard::summarize(c, baseline.is_some(), ctx);
    }
    Ok(())
}

/// The plan's tables (forecast, statistical, families, segments, production, capacity,
/// materials, pricing), each written to its CSV file in `out` as it is made: held are only what
/// the sheets of plan.xlsx and the tables of the report show (a table longer than a sheet is
/// never held whole: its first rows for the report).
fn plan_tables(
    plan: &scenario::Plan,
    guard: &Guard,
    out: &std::path::Path,
) -> anyhow::Result<Vec<(&'static str, Table)>> {
    let currency = plan.pricing.as_ref().and_then(tables::currency);
    let write = |name: &'static str, rows: tables::Rows<'_>| {
        let t = guard.table_rows(&out.join(name), rows, SHEET_ROWS, pages::TABLE_ROWS)?;
        anyhow::Ok((name, t))
    };
    let fc = &plan.forecast.demand;
    // Beside the final forecast, the models' own: before events, overrides and fences.
    let before: std::collections::HashMap<&str, &planner_core::SkuPlan> = plan
        .forecast
        .before_events
        .iter()
        .map(|s| (s.sku.as_str(), s))
        .collect();
    let models_own = fc
        .skus
        .iter()
        .map(|s| before.get(s.sku.as_str()).copied().unwrap_or(s));
    let mut all: Vec<(&str, Table)> = vec![
        write("forecast.csv", tables::forecast_rows(fc, &fc.levels, &[]))?,
        write(
            "statistical.csv",
            tables::forecast_rows_of(fc, models_own, &fc.levels, &[]),
        )?,
        write("families.csv", tables::Rows::from(tables::families(fc)))?,
        write("segments.csv", tables::segments_rows(&plan.segments))?,
    ];
    if let Some(p) = &plan.production {
        all.push(write("production_plan.csv", tables::production_rows(p))?);
    }
    if let Some(c) = &plan.capacity {
        all.push(write(
            "capacity.csv",
            tables::Rows::from(tables::capacity(&c.line_months)),
        )?);
        all.push(write(
            "line_balance.csv",
            tables::line_balance_rows(&c.line_months),
        )?);
        all.push(write("build_plan.csv", tables::build_plan_rows(&c.build))?);
        all.push(write(
            "line_plan.csv",
            tables::Rows::from(tables::line_plan(&c.build)),
        )?);
        all.push(write(
            "recommendations.csv",
            tables::Rows::from(tables::recommendations(&c.recommendations)),
        )?);
    }
    if let Some(m) = &plan.materials {
        all.push(write("material_plan.csv", tables::material_plan_rows(m))?);
        all.push(write(
            "prebuy.csv",
            tables::Rows::from(tables::prebuy(m, currency)),
        )?);
        all.push(write(
            "past_due.csv",
            tables::Rows::from(tables::past_due(m, currency)),
        )?);
    }
    if let Some(p) = &plan.pricing {
        all.push(write("pricing.csv", tables::pricing_rows(p, &fc.levels))?);
    }
    Ok(all)
}

/// The tables that are sheets of plan.xlsx (at most [`SHEET_ROWS`] rows, all held), and those
/// in their CSV files only.
type Sheets<'a> = Vec<(&'a str, &'a Table)>;
fn fit_sheets(sheets: Sheets<'_>) -> (Sheets<'_>, Sheets<'_>) {
    sheets
        .into_iter()
        .partition(|(_, t)| t.omitted == 0 && t.rows.len() <= SHEET_ROWS)
}

/// The attention sheet of plan.xlsx: the findings, then what the amounts and ranges mean (the
/// money, the uncertainty model) and the tables left out of the workbook (`csv_only`).
fn attention_sheet(
    findings: &planner_core::findings::Findings,
    plan: &scenario::Plan,
    csv_only: &[(&str, &Table)],
) -> Table {
    let mut attention = findings::table(findings);
    let notes = [
        ("money", tables::money_note(plan.pricing.as_ref())),
        (
            "uncertainty model",
            plan.forecast.demand.dependence.describe(),
        ),
    ]
    .into_iter()
    .chain(csv_only.iter().map(|(name, t)| {
        (
            "workbook",
            format!(
                "{name}: {} rows, more than a sheet of this workbook holds ({}): in {name}.csv \
                 only",
                crate::write::num(t.row_count() as f64, 0),
                crate::write::num(SHEET_ROWS as f64, 0)
            ),
        )
    }));
    for (kind, text) in notes {
        let mut row = vec![Cell::Empty; attention.header.len()];
        row[1] = Cell::text("note");
        row[2] = Cell::text(kind);
        row[3] = Cell::Text(text);
        attention.rows.push(row);
    }
    attention
}

/// Files the forecast as shared with the CM in the folder's archive (`--publish`): the final
/// and the statistical forecast, and the settings, events, agreed changes and overrides
/// workbook used. Where it was filed.
fn publish(
    dir: &std::path::Path,
    plan: &scenario::Plan,
    overrides_file: Option<&PathBuf>,
    replace: bool,
) -> anyhow::Result<PathBuf> {
    let fc = &plan.forecast.demand;
    let mut inputs = Vec::new();
    for f in ["planner.toml", "events.csv", "changes.csv"] {
        if let Ok(Some(at)) = load::table_file(dir, f) {
            inputs.push(at);
        }
    }
    // The overrides workbook used, as it was handed back.
    inputs.extend(overrides_file.cloned());
    // The plan's tables hold only their first rows at scale: the archive's are made again.
    let forecast = tables::forecast(fc);
    let statistical = tables::forecast(&plan.forecast.statistical());
    crate::archive::publish(
        dir,
        &crate::archive::Publication {
            month: fc.start,
            forecast: &forecast,
            statistical: &statistical,
            inputs,
        },
        replace,
    )
}

/// Says how many months of the overrides workbook the fences held back (frozen or clamped):
/// the overrides line counted them among the overrides applied.
fn say_held_overrides(
    holds: &[planner_core::review::FenceHold],
    overrides: &[planner_core::events::Override],
    ctx: &Context,
) {
    use planner_core::review::HoldKind;
    if overrides.is_empty() {
        return;
    }
    let typed: std::collections::HashSet<(&str, planner_core::time::Month)> = overrides
        .iter()
        .map(|o| (o.sku.as_str(), o.month))
        .collect();
    let held: Vec<&planner_core::review::FenceHold> = holds
        .iter()
        .filter(|h| h.kind != HoldKind::Agreed && typed.contains(&(h.sku.as_str(), h.month)))
        .collect();
    if let Some(first) = held.first() {
        let n = held.len();
        ctx.say(format!(
            "  of them {n} month{} of the overrides workbook, held back by the fences (first: {} \
             {}, typed {}, kept at {}): a change inside the fences goes to changes.csv once the \
             CM agrees to it",
            if n == 1 { "" } else { "s" },
            first.sku,
            first.month,
            crate::write::num(first.unconstrained, 0),
            crate::write::num(first.held, 0),
        ));
    }
}

/// Says which skus of the publication of `month` (`published`) this plan (`fc`) no longer
/// has: they are not held (nothing is planned for them) and the review counts their fenced
/// months as breaks down to 0.
#[allow(clippy::print_stderr)]
fn warn_dropped(
    fc: &planner_core::DemandPlan,
    published: &planner_core::DemandPlan,
    month: planner_core::time::Month,
) {
    let gone: Vec<&str> = published
        .skus
        .iter()
        .filter(|s| fc.get(&s.sku).is_none() && s.forecast.point.iter().any(|&q| q > 0.0))
        .map(|s| s.sku.as_str())
        .collect();
    if gone.is_empty() {
        return;
    }
    let n = gone.len();
    let shown = gone.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    eprintln!(
        "warning: {n} sku{} of the {month} publication {} no longer planned ({shown}{}): nothing \
         holds {} fenced months, so the CM sees {} drop to 0 there; keep {} history in \
         demand.csv while the fences run, or tell the CM",
        if n == 1 { "" } else { "s" },
        if n == 1 { "is" } else { "are" },
        if n > 5 { ", ..." } else { "" },
        if n == 1 { "its" } else { "their" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "its" } else { "their" },
    );
}

/// Says which skus this plan (`fc`) has that the publication of `month` (`published`) did not,
/// with demand in fenced months both cover: a fence holds a published quantity, so they are
/// not held, and the review counts those months as breaks up from 0.
#[allow(clippy::print_stderr)]
fn warn_new_in_fences(
    fc: &planner_core::DemandPlan,
    published: &planner_core::DemandPlan,
    month: planner_core::time::Month,
    input: &scenario::PlanInput,
) {
    let tolerance = planner_core::review::ReviewSettings::from(&input.settings).tolerance;
    let breaks =
        planner_core::review::new_sku_breaks(fc, published, &input.settings.fences, tolerance);
    let mut skus: Vec<&str> = breaks.iter().map(|b| b.sku.as_str()).collect();
    skus.dedup();
    if skus.is_empty() {
        return;
    }
    let units: f64 = breaks.iter().map(|b| b.current).sum();
    let n = skus.len();
    let shown = skus.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    eprintln!(
        "warning: {n} sku{} new since the {month} publication ({shown}{}) {} {} units in \
         {} fenced sku-months: a fence holds a published quantity, so {} not held, and the \
         review counts {} as fence breaks; agree {} with the CM (changes.csv) or start {} after \
         the fences",
        if n == 1 { "" } else { "s" },
        if n > 5 { ", ..." } else { "" },
        if n == 1 { "has" } else { "have" },
        crate::write::num(units, 0),
        breaks.len(),
        if n == 1 { "it is" } else { "they are" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
        if n == 1 { "it" } else { "them" },
    );
}

/// Says that the review compares against a `--previous` forecast starting `reviewed` while the
/// fences were held against the publication of `held`.
#[allow(clippy::print_stderr)]
fn warn_review_base(reviewed: planner_core::time::Month, held: planner_core::time::Month) {
    eprintln!(
        "warning: the review compares this plan with the --previous forecast from {reviewed}, \
         the time fences were held against the {held} publication: its fence breaks are changes \
         against the forecast from {reviewed}, not breaks of what was shared in {held} (leave out \
         --previous to review against the archive)"
    );
}

/// `--publish --no-fences` against a published month: a warning counting the sku-months of the
/// forecast filed (`fc`) beyond the time fences against the last publication (`published`, of
/// `month`), the breaks the CM is about to receive.
#[allow(clippy::print_stderr)]
fn warn_unheld(
    fc: &planner_core::DemandPlan,
    published: &planner_core::DemandPlan,
    month: planner_core::time::Month,
    input: &scenario::PlanInput,
) {
    let tolerance = planner_core::review::ReviewSettings::from(&input.settings).tolerance;
    let breaks =
        planner_core::review::fence_breaks(fc, published, &input.settings.fences, tolerance);
    if breaks.violations == 0 {
        return;
    }
    eprintln!(
        "warning: --no-fences: published without the time fences: {} sku-months of {} skus \
         beyond their fences against the {month} publication, {} units beyond ({} units \
         changed; of skus in both, the review also counts skus new or dropped since); the CM is \
         sent changes it did not agree to (changes.csv lists the agreed ones; without \
         --no-fences the plan is held)",
        breaks.violations,
        breaks.skus,
        crate::write::num(breaks.excess, 0),
        crate::write::num(breaks.changed, 0),
    );
}

/// A month published (`replaced`, with `--replace`, or filed for the first time) before months
/// already in the archive: a warning naming the later months, whose fences and reviews were
/// held against another forecast than the one now filed.
#[allow(clippy::print_stderr)]
fn warn_later(
    month: planner_core::time::Month,
    later: &[planner_core::time::Month],
    replaced: bool,
) {
    if later.is_empty() {
        return;
    }
    let names: Vec<String> = later.iter().map(ToString::to_string).collect();
    eprintln!(
        "warning: archive/{month} {}, but {} {} published after it: {} held {} time \
         fences against {}, not this one (publish {} again with --replace to rest on it)",
        if replaced { "replaced" } else { "filed" },
        names.join(", "),
        if later.len() == 1 { "was" } else { "were" },
        if later.len() == 1 { "it" } else { "they" },
        if later.len() == 1 { "its" } else { "their" },
        if replaced {
            format!("the {month} forecast as it was")
        } else {
            "an earlier month's forecast".to_string()
        },
        if later.len() == 1 { "it" } else { "them" },
    );
}

/// The terminal summary's lines on each part of the plan: segments, charts, production,
/// capacity, materials, pricing, and the parts not planned with the files they need.
fn say_parts(plan: &scenario::Plan, charts: &charts::ChartSet, ctx: &Context) {
    ctx.say(format!("  {}", segments_note(&plan.segments)));
    ctx.say(format!("  {}", charts.sku_note()));
    if !charts.families.is_empty() {
        ctx.say(format!("  {}", charts.family_note()));
    }
    if plan.capacity.is_some() {
        ctx.say(format!("  {}", charts.line_note()));
    }
    if let Some(p) = &plan.production {
        let demand: f64 = p.rows.iter().map(|r| r.demand).sum();
        let built: f64 = p.rows.iter().map(|r| r.production).sum();
        ctx.say(format!(
            "production: {} units to build for {} of demand: {} of finished goods on hand used, {} on open production orders (production_plan.csv)",
            crate::write::num(built, 0),
            crate::write::num(demand, 0),
            crate::write::num(p.on_hand_used, 0),
            crate::write::num(p.receipts, 0),
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
    // A part left out is said, with the files it needs: never a plan silently without it.
    for (part, planned, needs) in [
        (
            "capacity",
            plan.capacity.is_some(),
            "lines.csv and routings.csv",
        ),
        (
            "materials",
            plan.materials.is_some(),
            "bom.csv and materials.csv",
        ),
        ("pricing", plan.pricing.is_some(), "price_tiers.csv"),
    ] {
        if !planned {
            ctx.say(format!(
                "{part}: not planned: the folder has no {needs} (or they list nothing)"
            ));
        }
    }
}

/// The report's `families` section: each family's fan chart.
fn families_section(charts: &charts::ChartSet) -> pages::Section<'_> {
    let mut blocks = vec![pages::Block::Note(format!(
        "{}. Each family's total: its history, the sum of its skus' forecasts and the ranges \
             of that total under the uncertainty model (families.csv has the whole horizon's).",
        charts.family_note()
    ))];
    blocks.extend(
        charts
            .families
            .iter()
            .map(|c| pages::Block::Figure(c, "charts")),
    );
    pages::Section {
        id: "families".into(),
        title: "Families".into(),
        blocks,
    }
}

/// The report's `fences` section: the holds against the publication of `month`.
fn fences_section<'a>(
    holds: &[planner_core::review::FenceHold],
    month: planner_core::time::Month,
    table: &'a Table,
) -> pages::Section<'a> {
    let moved: f64 = holds.iter().map(|h| h.moved.abs()).sum();
    pages::Section {
        id: "fences".into(),
        title: "Time fences held".into(),
        blocks: vec![
            pages::Block::Note(format!(
                "{} sku-months held against the forecast published for {month} (frozen months \
                 keep the published quantity, limited ones are clamped, changes.csv rows pass), \
                 {} units moved in all; fence_holds.csv lists every one with the forecast \
                 before the hold.",
                holds.len(),
                crate::write::num(moved, 0)
            )),
            pages::Block::collapsed_table("fence_holds.csv".into(), table),
        ],
    }
}

/// How `planner plan` shows the core's progress ([`planner_core::Observer`]): the forecast's bar
/// over the skus, then one bar over the later stages (the core's, then the writing), and each
/// stage's time for `PLANNER_TIMINGS`.
struct Shown<'a> {
    ctx: &'a Context,
    skus: indicatif::ProgressBar,
    stages: std::sync::Mutex<Option<super::Stages>>,
    clock: std::sync::Mutex<Stopwatch>,
}

/// The stages of `planner plan` after the forecast, for the stage bar: the core's, then its five
/// (review, tables, CSV, JSON with the workbooks and charts, report).
const STAGES_AFTER_FORECAST: usize = planner_core::Stage::ALL.len() - 1 + 5;

impl<'a> Shown<'a> {
    fn new(ctx: &'a Context, clock: Stopwatch, skus: usize) -> Self {
        Self {
            ctx,
            skus: ctx.progress(skus, "forecasting"),
            stages: std::sync::Mutex::new(None),
            clock: std::sync::Mutex::new(clock),
        }
    }

    /// The stopwatch and the stage bar, to go on with the writing.
    fn finish(self) -> (Stopwatch, super::Stages) {
        self.skus.finish_and_clear();
        let clock = self.clock.into_inner().unwrap_or_else(|e| e.into_inner());
        let stages = self.stages.into_inner().unwrap_or_else(|e| e.into_inner());
        let stages = stages.unwrap_or_else(|| {
            self.ctx
                .stages(STAGES_AFTER_FORECAST, "review and scorecard")
        });
        (clock, stages)
    }
}

impl planner_core::Observer for Shown<'_> {
    fn skus_done(&self, n: usize) {
        self.skus.inc(n as u64);
    }

    fn stage_done(&self, stage: planner_core::Stage, _elapsed: std::time::Duration) {
        use planner_core::Stage;
        self.clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .lap(&stage.to_string());
        let next = Stage::ALL
            .iter()
            .position(|s| *s == stage)
            .and_then(|i| Stage::ALL.get(i + 1))
            .map_or_else(|| "review and scorecard".to_string(), ToString::to_string);
        let mut stages = self.stages.lock().unwrap_or_else(|e| e.into_inner());
        match stages.as_ref() {
            Some(bar) => bar.next(&next),
            None => {
                self.skus.finish_and_clear();
                *stages = Some(self.ctx.stages(STAGES_AFTER_FORECAST, &next));
            }
        }
    }
}

/// One sentence on the ABC/XYZ segmentation, saying how the skus were valued.
fn segments_note(s: &planner_core::segments::Segmentation) -> String {
    use planner_core::segments::ValueClass;
    let m = s.matrix();
    let count = |c: ValueClass| m[c as usize].iter().sum::<usize>();
    let valued = match (s.unpriced, s.rows.len()) {
        (0, _) => "at tier prices".to_string(),
        (u, n) if u == n => "in units (no price tiers)".to_string(),
        (u, _) => format!(
            "at tier prices; {u} sku{} without price tiers valued at 1 per unit",
            if u == 1 { "" } else { "s" }
        ),
    };
    format!(
        "segments: {} A, {} B, {} C skus (A up to {} % of the value of the first {} months, B to {} %), valued {valued} (segments.csv)",
        count(ValueClass::A),
        count(ValueClass::B),
        count(ValueClass::C),
        crate::write::num(s.settings.a_share * 100.0, 1),
        s.value_months,
        crate::write::num(s.settings.b_share * 100.0, 1),
    )
}

/// The report's `segments` section: the ABC×XYZ count matrix and how it was made.
fn segments_section<'a>(plan: &scenario::Plan, matrix: &'a Table) -> pages::Section<'a> {
    let s = &plan.segments;
    let st = &s.settings;
    pages::Section {
        id: "segments".into(),
        title: "ABC/XYZ segments".into(),
        blocks: vec![
            pages::Block::Note(format!(
                "{}. XYZ: the coefficient of variation of the last {} months of history (at \
                 least {}): X up to {}, Y up to {}, Z above, and intermittent demand is Z. \
                 `planner plan --charts AX` charts a class; every sku's classes are in \
                 segments.csv.",
                segments_note(s),
                st.cv_months,
                st.cv_min_months,
                crate::write::num(st.x_cv, 2),
                crate::write::num(st.y_cv, 2),
            )),
            pages::Block::Table("ABC×XYZ".into(), matrix),
        ],
    }
}

/// The most skus for which plan.json is indented; a larger plan's is compact JSON.
pub const PRETTY_JSON_SKUS: usize = 20_000;

/// The most rows a table of `planner plan` has to be a sheet of plan.xlsx: longer tables (the
/// sku-month tables of a portfolio of about 8,300 skus or more, with 12 planned months) are in
/// their CSV files only, and the attention sheet says so. A sheet is for reading and
/// filtering: past 100,000 rows a planner filters the CSV file in a tool made for it, and the
/// rows not held save memory and the workbook's time at 100,000 skus (docs/scale.md).
pub const SHEET_ROWS: usize = 100_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_longer_than_a_sheet_is_in_its_csv_file_only() {
        let rows = |n: usize| Table::new(vec!["n".into()], vec![vec![Cell::size(1)]; n]);
        let full = rows(SHEET_ROWS);
        let over = rows(SHEET_ROWS + 1);
        // Written as it was made: its first rows held, the rest counted.
        let mut made = rows(25);
        made.omitted = SHEET_ROWS;
        let (sheets, csv_only) =
            fit_sheets(vec![("full", &full), ("over", &over), ("made", &made)]);
        fn names<'a>(v: &Sheets<'a>) -> Vec<&'a str> {
            v.iter().map(|(n, _)| *n).collect()
        }
        assert_eq!(names(&sheets), ["full"]);
        assert_eq!(names(&csv_only), ["over", "made"]);
        assert_eq!(SHEET_ROWS, 100_000, "docs/files.md states the cap");
    }
}
