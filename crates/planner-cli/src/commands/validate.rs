//! `planner validate`: every problem of a planning folder at once.

use std::process::ExitCode;

use crate::cli::ValidateArgs;
use crate::load;

/// Runs `planner validate`: lists every error and warning of the folder's files (those of
/// `planner scorecard` included); exit code 1 when there is an error.
#[allow(clippy::print_stderr, clippy::print_stdout)]
pub fn run(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let (folder, mut problems) = load::folder(&args.data);
    // The scorecard's inputs, read only by `planner scorecard`: checked here so that a bad
    // deliveries.csv or scorecard.toml shows before the month's scorecard is due.
    let scorecard = if args.data.is_dir() {
        load::deliveries::check_folder(&args.data, &mut problems)
    } else {
        Default::default()
    };
    // changes.csv, checked against the plan it changes: its skus and the fenced months.
    let changes = match load::table_file(&args.data, "changes.csv") {
        Ok(c) => c,
        Err(e) => {
            problems.error(e);
            None
        }
    };
    let mut changes_read = None;
    if let (Some(f), Some(changes)) = (&folder, &changes) {
        // The skus and months `planner plan` checks it against (`PlanInput::grid`).
        if let Ok(grid) = f.input.grid() {
            let skus: std::collections::HashSet<&str> =
                grid.skus.iter().map(String::as_str).collect();
            let fenced = f.input.settings.fenced_months(grid.start);
            load::check_changes(changes, &skus, &fenced, &mut problems);
            changes_read = Some(load::file_name(changes));
        }
    }
    // The folder's overrides.xlsx: its cells, and the month it was made for.
    let overrides = args.data.join(load::overrides::FOLDER_FILE);
    let mut overrides_read = None;
    if args.data.is_dir() && overrides.symlink_metadata().is_ok() {
        match load::overrides::read(&overrides) {
            Ok(o) => {
                let start = folder
                    .as_ref()
                    .and_then(|f| f.input.settings.first_month(&f.input.history));
                match start {
                    Some(s) if s != o.start => problems.error(load::LoadError::file(
                        &o.file,
                        format!(
                            "was made for another plan: its first planned month is {}, this \
                             plan's is {s}; edit this run's plan.xlsx instead",
                            o.start
                        ),
                    )),
                    _ => overrides_read = Some(o.file),
                }
            }
            Err(e) => problems.error(e),
        }
    }
    // The archive of published months, read as `planner plan` and `planner review` read it: a
    // folder in archive/ that is not a published month is an error here too.
    if let Some(start) = folder
        .as_ref()
        .and_then(|f| f.input.settings.first_month(&f.input.history))
    {
        match crate::archive::before(&args.data, start) {
            Err(e) => {
                // The message names the folder of the archive it is about.
                let text = format!("{e:#}");
                let (file, why) = text.split_once(": ").unwrap_or(("archive", &text));
                problems.error(load::LoadError::file(file, why));
            }
            // Each published forecast, read as `planner plan` reads it to hold the fences.
            Ok(vintages) => {
                for v in &vintages {
                    if let Err(e) = load::demand_plan(&v.forecast()) {
                        problems.error(load::LoadError::file(
                            &format!("archive/{}", v.month),
                            format!("{e:#}"),
                        ));
                    }
                }
            }
        }
    }
    // Open orders outside the plan's months, and events that fall outside them: said as the
    // commands say them.
    if let (Some(f), true) = (&folder, problems.errors.is_empty()) {
        if let Ok(grid) = f.input.grid() {
            for w in super::orders_outside(f, grid.start, grid.horizon) {
                problems.warn(w);
            }
            let last = grid.last();
            let outside = f
                .input
                .events
                .iter()
                .filter(|e| {
                    let to_end = matches!(
                        e.kind,
                        planner_core::events::EventKind::Launch
                            | planner_core::events::EventKind::Discontinue
                    );
                    e.month > last || (!to_end && e.last() < grid.start)
                })
                .count();
            if outside > 0 {
                problems.warn(format!(
                    "events.csv: {outside} event{} outside the plan's months {}..{last}: {} \
                     nothing (the run lists each)",
                    if outside == 1 { "" } else { "s" },
                    grid.start,
                    if outside == 1 {
                        "it changes"
                    } else {
                        "they change"
                    }
                ));
            }
        }
    }
    // A receipt dated after the plan's last month (a year typo) would move the scorecard into
    // the future: an error here as in `planner scorecard`, unless scorecard.toml sets as_of.
    if let Some(f) = &folder {
        let as_of = scorecard.settings.as_ref().and_then(|s| s.as_of);
        if let (None, Some(last)) = (as_of, f.input.settings.last_month(&f.input.history)) {
            if let Some(why) = super::scorecard::receipt_after(&scorecard.rows, last) {
                problems.error(load::LoadError::file("deliveries.csv", why));
            }
        }
    }
    problems.doubts_as_errors();
    for w in &problems.warnings {
        eprintln!("warning: {w}");
    }
    for e in &problems.errors {
        eprintln!("error: {e}");
    }
    if !problems.errors.is_empty() {
        eprintln!(
            "{}: {} error{} found",
            args.data.display(),
            problems.errors.len(),
            if problems.errors.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }
    let Some(f) = folder else {
        return Ok(ExitCode::from(1));
    };
    let mut files: Vec<String> = load::FILES
        .iter()
        .filter(|n| f.has(n))
        .map(|n| f.shown(n))
        .collect();
    files.extend(scorecard.files);
    files.extend(changes_read);
    files.extend(overrides_read);
    files.sort_unstable();
    let found = match problems.warnings.len() {
        0 => "no problems found".to_string(),
        1 => "no errors, 1 warning above,".to_string(),
        n => format!("no errors, {n} warnings above,"),
    };
    println!(
        "{}: {found} in {} files ({}): {} skus, {} lines, {} materials, {} events",
        args.data.display(),
        files.len(),
        files.join(", "),
        f.input.history.len(),
        f.input.lines.len(),
        f.input.materials.len(),
        f.input.events.len()
    );
    Ok(ExitCode::SUCCESS)
}
