//! docs/files.md against the product: its commands run as written, every CSV file they write has
//! an entry in its reference of output files, and every column of each file's header is named in
//! that entry (and every column the entries name is written).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{doc_commands, planner, repo_markdown, stderr, Csv};

/// The entries of docs/files.md's reference: the text under each heading `### `NAME.csv``, up to
/// the next heading (headings inside code blocks are not headings).
fn entries(doc: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            current = line
                .strip_prefix("### `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name.to_string())
                .filter(|name| name.ends_with(".csv"));
            if let Some(name) = &current {
                assert!(
                    !out.contains_key(name),
                    "docs/files.md: two entries for {name}"
                );
                out.insert(name.clone(), String::new());
            }
            continue;
        }
        if let Some(name) = &current {
            let text = out.get_mut(name).expect("the entry was inserted");
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

/// The columns an entry names: the names in backticks in the first cell of each row of its
/// tables headed `| column |`.
fn documented_columns(entry: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_table = false;
    for line in entry.lines() {
        let t = line.trim();
        if !t.starts_with('|') {
            in_table = false;
            continue;
        }
        let first = t.trim_matches('|').split('|').next().unwrap_or("").trim();
        if first == "column" {
            in_table = true;
            continue;
        }
        if !in_table || first.starts_with("---") {
            continue;
        }
        for (i, part) in first.split('`').enumerate() {
            if i % 2 == 1 {
                out.insert(part.to_string());
            }
        }
    }
    out
}

/// A header's column as the reference names it: a level of planner.toml's `levels` as a suffix
/// (`lo_80`, `inside_95_pct`) becomes `_L`; a scenario's own columns become `<scenario>` and
/// `<scenario>_vs_base`.
fn pattern(column: &str, levels: &[String], scenarios: &BTreeSet<String>) -> String {
    if scenarios.contains(column) {
        return "<scenario>".into();
    }
    if let Some(s) = column.strip_suffix("_vs_base") {
        if scenarios.contains(s) {
            return "<scenario>_vs_base".into();
        }
    }
    // A quantile column of `--quantiles`: `q_10`, `q_90`.
    if column
        .strip_prefix("q_")
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return "q_P".into();
    }
    let parts: Vec<&str> = column.split('_').collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i > 0 && levels.iter().any(|l| l == p) {
                "L"
            } else {
                p
            }
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// The levels of a planning folder's planner.toml (`levels = [80, 95]`).
fn levels(data: &Path) -> Vec<String> {
    let toml = std::fs::read_to_string(data.join("planner.toml")).unwrap();
    let line = toml
        .lines()
        .find(|l| l.trim_start().starts_with("levels"))
        .expect("the demo's planner.toml sets its levels");
    let list = line
        .split_once('[')
        .and_then(|(_, r)| r.split_once(']'))
        .map(|(l, _)| l)
        .expect("levels = [...]");
    let levels: Vec<String> = list.split(',').map(|l| l.trim().to_string()).collect();
    assert!(!levels.is_empty() && levels.iter().all(|l| l.parse::<f64>().is_ok()));
    levels
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// Runs `command` (as written: `planner` and its arguments split at spaces) in `dir`.
fn run_as_written(dir: &Path, command: &str) {
    assert!(
        !command.contains(['<', '>', '|', '$', '"', '\'']) && !command.contains(" DIR"),
        "docs/files.md: a command must run as written, without placeholders, quotes or \
         redirection (or say `# not run: why`): {command}"
    );
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let o = planner().current_dir(dir).args(&args).output().unwrap();
    assert!(
        o.status.success(),
        "docs/files.md command failed: {command}\n{}",
        stderr(&o)
    );
}

/// Adds the month after the last one of `demand.csv` (`sku,month,quantity`): each sku's last
/// month of demand plus 10 % and 5 units, as next month's actuals.
fn add_next_month(demand: &Path) -> String {
    let text = std::fs::read_to_string(demand).unwrap();
    let csv = Csv::read(demand);
    assert_eq!(
        csv.header,
        ["sku", "month", "quantity"],
        "the demo's demand.csv"
    );
    let last = csv
        .rows
        .iter()
        .map(|r| csv.get(r, "month").to_string())
        .max()
        .unwrap();
    let (y, m) = last.split_once('-').unwrap();
    let (y, m): (u32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    let next = if m == 12 {
        format!("{}-01", y + 1)
    } else {
        format!("{y}-{:02}", m + 1)
    };
    let mut text = text;
    for r in csv.rows.iter().filter(|r| csv.get(r, "month") == last) {
        let q = csv.num(r, "quantity");
        text.push_str(&format!(
            "{},{next},{}\n",
            csv.get(r, "sku"),
            (q * 1.1).round() + 5.0
        ));
    }
    std::fs::write(demand, text).unwrap();
    next
}

#[test]
fn files_md_lists_every_column_of_every_output_file_and_its_commands_run() {
    let doc = repo_markdown("docs/files.md");
    let commands = doc_commands(&doc, &["sh", "text", "console", ""]);
    assert!(
        commands.len() >= 9,
        "docs/files.md shows the commands behind its files: {commands:?}"
    );
    assert_eq!(
        commands[0].command, "planner demo --out demo",
        "the examples start by writing the demo folder they run on"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut not_run = Vec::new();
    for c in &commands {
        if let Some(why) = c.comment.strip_prefix("not run:") {
            assert!(
                why.split_whitespace().count() >= 3,
                "docs/files.md: say why a command is not run: {c:?}"
            );
            not_run.push(c.command.clone());
            continue;
        }
        run_as_written(dir.path(), &c.command);
    }
    // The one the doc cannot run as written: a plan the month after a publication, which holds
    // the fences (fence_holds.csv) and reviews the published month; run here once the month's
    // actuals are in.
    let next_plan = "planner plan --data demo --out next";
    assert!(
        not_run.iter().any(|c| c == next_plan),
        "docs/files.md shows `{next_plan}`, the plan of the month after the publication: {not_run:?}"
    );
    let demo = dir.path().join("demo");
    let next_month = add_next_month(&demo.join("demand.csv"));
    run_as_written(dir.path(), next_plan);
    let holds = Csv::read(&dir.path().join("next/fence_holds.csv"));
    assert!(!holds.rows.is_empty(), "the fences held sku-months");
    let review = Csv::read(&dir.path().join("next/review_errors.csv"));
    assert!(
        review
            .rows
            .iter()
            .any(|r| review.get(r, "month") == next_month),
        "the plan reviewed the published month"
    );

    let levels = levels(&demo);
    let scenarios: BTreeSet<String> = std::fs::read_dir(dir.path().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "base")
        .collect();
    assert!(scenarios.len() >= 2, "the demo's scenarios: {scenarios:?}");

    let entries = entries(&doc);
    // The columns each file name is written with, over every run.
    let mut written: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // What disagrees, each with the files it was found in.
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in files_under(dir.path()) {
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let rel = path.strip_prefix(dir.path()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if rel.starts_with("demo") {
            if !rel.starts_with("demo/archive") {
                continue; // the planning folder's own files: inputs
            }
            if demo.join(&name).is_file() && name != "forecast.csv" && name != "statistical.csv" {
                // The inputs filed with a vintage (events.csv, changes.csv), as they were.
                assert_eq!(
                    std::fs::read(&path).unwrap(),
                    std::fs::read(demo.join(&name)).unwrap(),
                    "{} is a copy of the input",
                    rel.display()
                );
                continue;
            }
        }
        let header = Csv::read(&path).header;
        let Some(entry) = entries.get(&name) else {
            problems
                .entry(format!("{name}: no entry `### `{name}`` in docs/files.md"))
                .or_default()
                .push(rel.display().to_string());
            continue;
        };
        let named = documented_columns(entry);
        for column in &header {
            let p = pattern(column, &levels, &scenarios);
            if !named.contains(&p) {
                problems
                    .entry(format!(
                        "{name}: column {column} (as `{p}`) is not in its entry's column table"
                    ))
                    .or_default()
                    .push(rel.display().to_string());
            }
            written.entry(name.clone()).or_default().insert(p);
        }
        written.entry(name).or_default();
    }
    // And the other way: no entry for a file nothing writes, no column nothing writes.
    for (name, entry) in &entries {
        let Some(columns) = written.get(name) else {
            problems
                .entry(format!(
                    "{name}: has an entry in docs/files.md but the commands wrote no such file"
                ))
                .or_default();
            continue;
        };
        for c in documented_columns(entry) {
            if !columns.contains(&c) {
                problems
                    .entry(format!(
                        "{name}: its entry in docs/files.md names `{c}`, which no {name} written has"
                    ))
                    .or_default();
            }
        }
    }
    let problems: Vec<String> = problems
        .into_iter()
        .map(|(what, files)| match files.as_slice() {
            [] => what,
            [one] => format!("{what} ({one})"),
            [one, rest @ ..] => format!("{what} ({one} and {} more)", rest.len()),
        })
        .collect();
    assert!(
        problems.is_empty(),
        "docs/files.md and the outputs disagree:\n{}",
        problems.join("\n")
    );
    assert!(
        written.len() >= 33,
        "every output file was written: {:?}",
        written.keys()
    );
}

#[test]
fn the_column_patterns_match_levels_and_scenarios() {
    let levels = ["80".to_string(), "95".to_string()];
    let scenarios: BTreeSet<String> = ["peak-plus-20".to_string()].into();
    let p = |c: &str| pattern(c, &levels, &scenarios);
    assert_eq!(p("lo_80"), "lo_L");
    assert_eq!(p("inside_95_pct"), "inside_L_pct");
    assert_eq!(p("demand_units_hi_95"), "demand_units_hi_L");
    assert_eq!(p("spend_p95"), "spend_p95");
    assert_eq!(p("q_10"), "q_P");
    assert_eq!(p("80"), "80");
    assert_eq!(p("peak-plus-20"), "<scenario>");
    assert_eq!(p("peak-plus-20_vs_base"), "<scenario>_vs_base");
    assert_eq!(p("base"), "base");
    let entry = "text `not_a_column`\n\n| column | meaning |\n|---|---|\n| `a`, `b_L` | x `c` |\n\nafter\n| x |\n| `d` |\n";
    assert_eq!(
        documented_columns(entry),
        ["a".to_string(), "b_L".to_string()].into()
    );
}

/// The anchors of a Markdown file's headings, as GitHub makes them: lower case, spaces to `-`,
/// punctuation but `-` and `_` dropped.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        out.insert(
            title
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect(),
        );
    }
    out
}

#[test]
fn the_links_of_files_md_lead_to_headings() {
    let doc = repo_markdown("docs/files.md");
    let own = anchors(&doc);
    let scenarios = anchors(&repo_markdown("docs/scenarios.md"));
    let mut links = 0;
    for (i, part) in doc.split("](").enumerate().skip(1) {
        let target = part.split(')').next().unwrap_or("");
        let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
        let known = match file {
            "" => &own,
            "scenarios.md" => &scenarios,
            _ => continue,
        };
        links += 1;
        assert!(
            anchor.is_empty() || known.contains(anchor),
            "docs/files.md link {i}: ({target}) leads to no heading"
        );
    }
    assert!(links >= 40, "the reference links its entries: {links}");
    assert!(
        own.contains("forecastcsv") && own.contains("the-monthly-cycle-archive-fences-changescsv")
    );
}
