//! The monthly cycle through the binary, three simulated months: publish, roll, review every
//! vintage from the archive.

use std::path::Path;

use super::{demo, run, stderr, Csv};

/// A copy of the demo whose history stops at `last` (a `YYYY-MM`), with no pinned start: the plan
/// starts the month after the history.
pub(super) fn demo_until(dir: &Path, last: &str) {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(demo()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let demand = std::fs::read_to_string(demo().join("demand.csv")).unwrap();
    let mut kept: Vec<&str> = vec![demand.lines().next().unwrap()];
    kept.extend(demand.lines().skip(1).filter(|l| {
        let month = l.split(',').nth(1).unwrap_or("");
        month <= last
    }));
    std::fs::write(dir.join("demand.csv"), kept.join("\n") + "\n").unwrap();
    let toml = std::fs::read_to_string(demo().join("planner.toml")).unwrap();
    let toml: String = toml
        .lines()
        .filter(|l| !l.starts_with("start ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("planner.toml"), toml).unwrap();
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stderr(&o)
}

#[test]
fn three_months_publish_roll_and_review_every_vintage() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    // Month 1: history to 2026-08, the plan from 2026-09, published.
    demo_until(&f, "2026-08");
    let said = ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish"],
    );
    assert!(
        said.contains("published 2026-09 as shared with the CM"),
        "{said}"
    );
    let v1 = f.join("archive/2026-09");
    for file in [
        "forecast.csv",
        "statistical.csv",
        "planner.toml",
        "events.csv",
        ".planner-vintage",
    ] {
        assert!(v1.join(file).is_file(), "{file} filed");
    }
    assert_eq!(
        std::fs::read(v1.join("forecast.csv")).unwrap(),
        std::fs::read(root.path().join("m1/forecast.csv")).unwrap(),
        "the archive holds the forecast as shared"
    );
    // The statistical forecast is the one before the planner's events: the demo's launch and
    // promotion change some skus, so the two files differ.
    assert_ne!(
        std::fs::read(v1.join("forecast.csv")).unwrap(),
        std::fs::read(v1.join("statistical.csv")).unwrap()
    );
    // Published once: again is an error, --replace files it again.
    let o = run(
        root.path(),
        &["plan", "--data", fs, "--out", "m1b", "--publish"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "archive/2026-09: 2026-09 is already published: a shared forecast is never overwritten"
        ),
        "{}",
        stderr(&o)
    );
    ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--out",
            "m1c",
            "--publish",
            "--replace",
            "--quiet",
        ],
    );

    // Month 2: September's actuals arrive; the plan rolls to 2026-10 and reviews September's
    // vintage without being told where it is.
    demo_until(&f, "2026-09");
    let said = ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m2", "--publish"],
    );
    assert!(
        said.contains("plan: ") && said.contains("months from 2026-10"),
        "{said}"
    );
    assert!(
        said.contains("reviewed against 1 published month in archive/ (the latest: 2026-09)"),
        "{said}"
    );
    assert!(root.path().join("m2/review_accuracy.csv").is_file());
    // The fences were held against September's publication: month 1 (2026-10) is frozen at the
    // published quantity, every hold listed with the units it moved.
    assert!(
        said.contains("sku-months held against the 2026-09 publication"),
        "{said}"
    );
    let holds = std::fs::read_to_string(root.path().join("m2/fence_holds.csv")).unwrap();
    let published = std::fs::read_to_string(f.join("archive/2026-09/forecast.csv")).unwrap();
    let current = std::fs::read_to_string(root.path().join("m2/forecast.csv")).unwrap();
    let point = |text: &str, sku: &str, month: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(&format!("{sku},{month},")))
            .map(|l| l.split(',').nth(2).unwrap().to_string())
            .unwrap()
    };
    let report = std::fs::read_to_string(root.path().join("m2/report.html")).unwrap();
    assert!(
        report.contains("<section id=\"fences\">")
            && report.contains("held against the forecast published for 2026-09"),
        "the report lists the holds"
    );
    // The holds are findings to decide on: the headline card counts them, the terminal and the
    // report list them in the same words, with the forecast they kept out.
    let n_holds = holds.lines().count() - 1;
    assert!(
        report.contains(&format!(
            "<div class=\"label\">fence holds</div><div class=\"value warn\">{n_holds}</div>"
        )),
        "the fence holds card"
    );
    let hold_line = said
        .lines()
        .find(|l| l.starts_with("    fence hold "))
        .unwrap_or_else(|| panic!("a hold among the findings: {said}"));
    let text = hold_line.trim_start().trim_start_matches("fence hold ");
    assert!(
        text.contains("the plan before the fences, ") && text.contains(" units "),
        "{text}"
    );
    assert!(report.contains(&format!("<span class=\"tag\">fence hold</span> {text}")));
    let frozen: Vec<&str> = holds.lines().filter(|l| l.ends_with(",frozen")).collect();
    assert!(!frozen.is_empty(), "{holds}");
    for l in &frozen {
        let sku = l.split(',').next().unwrap();
        assert!(l.contains(",2026-10,1,0,"), "{l}");
        assert_eq!(
            point(&current, sku, "2026-10"),
            point(&published, sku, "2026-10"),
            "{l}"
        );
    }
    // The statistical forecast is the models' own, before the fences: every frozen month of a
    // sku without events shows the forecast the hold kept out (fence_holds.csv's unconstrained).
    let statistical = std::fs::read_to_string(root.path().join("m2/statistical.csv")).unwrap();
    let events = std::fs::read_to_string(f.join("events.csv")).unwrap();
    let header: Vec<&str> = holds.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut checked = 0;
    for l in &frozen {
        let cells: Vec<&str> = l.split(',').collect();
        let sku = cells[0];
        if events.lines().any(|e| e.starts_with(&format!("{sku},"))) {
            continue;
        }
        let model: f64 = point(&statistical, sku, "2026-10").parse().unwrap();
        let unconstrained: f64 = cells[col("unconstrained")].parse().unwrap();
        assert!((model - unconstrained).abs() < 0.01, "{l}: {model}");
        checked += 1;
    }
    assert!(checked > 0, "a frozen sku without events: {holds}");
    // `planner review` and `planner scenario` hold the same fences: the review's forecast.csv
    // (next month's --previous) and the scenarios' base are the plan as shared.
    let said = ok(root.path(), &["review", "--data", fs, "--out", "r2"]);
    assert!(
        said.contains("fences: ") && said.contains("held against the 2026-09 publication"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("r2/forecast.csv")).unwrap(),
        current
    );
    assert_eq!(
        std::fs::read_to_string(root.path().join("r2/fence_holds.csv")).unwrap(),
        holds
    );
    let scenarios = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo-scenarios.toml")
        .canonicalize()
        .unwrap();
    let said = ok(
        root.path(),
        &[
            "scenario",
            "--data",
            fs,
            "--scenarios",
            scenarios.to_str().unwrap(),
            "--paths",
            "0",
            "--out",
            "s2",
        ],
    );
    assert!(
        said.contains("held against the 2026-09 publication"),
        "{said}"
    );
    let base = std::fs::read_to_string(root.path().join("s2/base/forecast.csv")).unwrap();
    for l in &frozen {
        let sku = l.split(',').next().unwrap();
        assert_eq!(
            point(&base, sku, "2026-10"),
            point(&published, sku, "2026-10"),
            "{l}"
        );
    }
    // --no-fences shows the plan as forecast, and says so.
    let said = ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m2free", "--no-fences"],
    );
    assert!(said.contains("fences: not held (--no-fences)"), "{said}");
    assert!(!root.path().join("m2free/fence_holds.csv").exists());

    // Month 3: October's actuals; `planner review` alone reads both vintages: September's
    // forecast of October is lag 2, October's is lag 1.
    demo_until(&f, "2026-10");
    ok(
        root.path(),
        &["review", "--data", fs, "--out", "r3", "--quiet"],
    );
    let acc = std::fs::read_to_string(root.path().join("r3/review_accuracy.csv")).unwrap();
    let lags: std::collections::BTreeSet<&str> = acc
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(lags.contains("1") && lags.contains("2"), "lags {lags:?}");
    // Value added, naive -> statistical -> final, from the vintages' statistical.csv: the two
    // steps add up to the whole, and the statistical WAPE is the one of the errors by hand.
    let acc = Csv::read(&root.path().join("r3/review_accuracy.csv"));
    let errors = Csv::read(&root.path().join("r3/review_errors.csv"));
    for r in acc.rows.iter().filter(|r| acc.get(r, "scope") == "total") {
        let lag = acc.get(r, "lag");
        let (mut abs, mut actual) = (0.0, 0.0);
        for e in errors.rows.iter().filter(|e| errors.get(e, "lag") == lag) {
            abs += (errors.num(e, "statistical") - errors.num(e, "actual")).abs();
            actual += errors.num(e, "actual");
        }
        let st = acc.num(r, "statistical_wape_pct");
        assert!((st - 100.0 * abs / actual).abs() < 0.06, "lag {lag}: {st}");
        let split = acc.num(r, "fva_statistical_pct") + acc.num(r, "fva_final_pct");
        assert!((split - acc.num(r, "fva_pct")).abs() < 0.03, "lag {lag}");
    }
    // The waterfall: the total's forecast of a month by each vintage, against the actual.
    let wf = Csv::read(&root.path().join("r3/review_waterfall.csv"));
    let oct: Vec<_> = wf
        .rows
        .iter()
        .filter(|r| wf.get(r, "scope") == "total" && wf.get(r, "month") == "2026-10")
        .map(|r| {
            (
                wf.get(r, "vintage").to_string(),
                wf.get(r, "lag").to_string(),
            )
        })
        .collect();
    assert_eq!(
        oct,
        [
            ("2026-09".to_string(), "2".to_string()),
            ("2026-10".to_string(), "1".to_string())
        ]
    );
    assert!(root
        .path()
        .join("r3/review_charts/value_added.svg")
        .is_file());

    // An agreed change passes the frozen month; one outside the fences is an error naming its
    // line.
    std::fs::write(
        f.join("changes.csv"),
        "sku,month,quantity,note\nBTL-500-BLK,2026-11,1234,agreed with the CM on the 3rd\n",
    )
    .unwrap();
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m3", "--quiet"],
    );
    let holds = std::fs::read_to_string(root.path().join("m3/fence_holds.csv")).unwrap();
    assert!(
        holds
            .lines()
            .any(|l| l.starts_with("BTL-500-BLK,2026-11,1,0,")
                && l.contains(",1234,")
                && l.ends_with(",agreed")),
        "{holds}"
    );
    let fc = std::fs::read_to_string(root.path().join("m3/forecast.csv")).unwrap();
    assert!(
        fc.contains("\nBTL-500-BLK,2026-11,1234,"),
        "the agreed quantity is the plan"
    );
    std::fs::write(
        f.join("changes.csv"),
        "sku,month,quantity\nBTL-500-BLK,2026-12,900\nBTL-500-BLK,2027-09,900\n",
    )
    .unwrap();
    let o = run(root.path(), &["plan", "--data", fs, "--out", "m3b"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "changes.csv:3: column month: 2027-09 is outside the time fences of this plan (fenced months: 2026-11 to 2027-04)"
        ),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(f.join("changes.csv")).unwrap();

    // A folder in the archive that is not planner's is an error naming it.
    std::fs::create_dir_all(f.join("archive/2026-07")).unwrap();
    let o = run(root.path(), &["review", "--data", fs, "--out", "r4"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("archive/2026-07: is not planner's"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir(f.join("archive/2026-07")).unwrap();
    std::fs::create_dir_all(f.join("archive/notes")).unwrap();
    let o = run(root.path(), &["review", "--data", fs, "--out", "r5"]);
    assert!(
        stderr(&o).contains("archive/notes: is not a published month"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir(f.join("archive/notes")).unwrap();
    // A vintage whose two files are of different plans is an error naming the file.
    let stat = f.join("archive/2026-09/statistical.csv");
    let text = std::fs::read_to_string(&stat).unwrap();
    let line = text.lines().nth(1).unwrap().to_string();
    let sku = line.split(',').next().unwrap();
    std::fs::write(
        &stat,
        text.replace(&line, &line.replacen(sku, "GHOST-1", 1)),
    )
    .unwrap();
    let o = run(root.path(), &["review", "--data", fs, "--out", "r6"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "archive/2026-09/statistical.csv: sku \"GHOST-1\" is not in the vintage's forecast.csv"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn review_without_previous_needs_a_published_month() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    demo_until(&f, "2026-10");
    let o = run(
        root.path(),
        &["review", "--data", f.to_str().unwrap(), "--out", "r"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("no --previous given and archive/ holds no month published before 2026-11"),
        "{}",
        stderr(&o)
    );
    // The built-in demo is no folder to publish into.
    let o = run(root.path(), &["plan", "--publish"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--publish files the forecast in a planning folder's archive/"));
}

#[test]
fn validate_reads_the_archive_as_plan_does() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    demo_until(&f, "2026-08");
    std::fs::create_dir(f.join("archive")).unwrap();
    std::fs::write(f.join("archive/README.txt"), "notes\n").unwrap();
    let o = run(root.path(), &["validate", "--data", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("error: archive/README.txt: is not a published month"),
        "{}",
        stderr(&o)
    );
}

/// A published forecast damaged after filing is an error of `validate` (it said "no errors"),
/// and `plan` names it as the archive's, not as a `--previous` nobody gave.
#[test]
fn a_damaged_published_forecast_is_named_by_validate_and_plan() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    demo_until(&f, "2026-08");
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-09");
    let filed = f.join("archive/2026-09/forecast.csv");
    let text = std::fs::read_to_string(&filed).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    cells[2] = "lots";
    lines[1] = cells.join(",");
    std::fs::write(&filed, lines.join("\n") + "\n").unwrap();
    let o = run(root.path(), &["validate", "--data", fs]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error: archive/2026-09: forecast.csv:2: column forecast:"),
        "{}",
        stderr(&o)
    );
    let o = run(root.path(), &["plan", "--data", fs, "--out", "m2"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("archive/2026-09/forecast.csv (a published month of the archive): ")
            && !err.contains("--previous"),
        "{err}"
    );
}

/// Reviewed against an older `--previous` than the archive's last month, the run says its fence
/// breaks are against that older forecast (the fences are held to the archive's last month).
#[test]
fn an_older_previous_is_said_to_be_what_the_review_compares_with() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    demo_until(&f, "2026-08");
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-09");
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m2", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-10");
    let older = f.join("archive/2026-09/forecast.csv");
    let said = ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--previous",
            older.to_str().unwrap(),
            "--out",
            "m3",
        ],
    );
    assert!(
        said.contains(
            "warning: the review compares this plan with the --previous forecast from 2026-09, \
             the time fences were held against the 2026-10 publication"
        ),
        "{said}"
    );
    // The latest publication as --previous is what the fences hold to: nothing to say.
    let latest = f.join("archive/2026-10/forecast.csv");
    let said = ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--previous",
            latest.to_str().unwrap(),
            "--out",
            "m4",
        ],
    );
    assert!(!said.contains("the review compares"), "{said}");
}

/// A sku shared last month and no longer planned (its history gone from demand.csv) is said:
/// nothing holds its fenced months.
#[test]
fn a_published_sku_no_longer_planned_is_said() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    demo_until(&f, "2026-08");
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-09");
    let demand = std::fs::read_to_string(f.join("demand.csv")).unwrap();
    let kept: Vec<&str> = demand
        .lines()
        .filter(|l| !l.starts_with("BTL-1000-BLK,"))
        .collect();
    std::fs::write(f.join("demand.csv"), kept.join("\n") + "\n").unwrap();
    let said = ok(root.path(), &["plan", "--data", fs, "--out", "m2"]);
    assert!(
        said.contains(
            "warning: 1 sku of the 2026-09 publication is no longer planned (BTL-1000-BLK): \
             nothing holds its fenced months, so the CM sees it drop to 0 there; keep its \
             history in demand.csv while the fences run, or tell the CM"
        ),
        "{said}"
    );
    // With every sku still planned, nothing is said.
    demo_until(&f, "2026-09");
    let said = ok(root.path(), &["plan", "--data", fs, "--out", "m3"]);
    assert!(!said.contains("no longer planned"), "{said}");
}

/// A sku the last publication did not have (its history added since) is said when it has
/// demand in fenced months: the fences do not hold it and the review counts those months as
/// breaks. The units said are its forecast over the demo's six fenced months.
#[test]
fn a_new_sku_in_fenced_months_is_said() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    demo_until(&f, "2026-08");
    let demand = std::fs::read_to_string(f.join("demand.csv")).unwrap();
    let without: Vec<&str> = demand
        .lines()
        .filter(|l| !l.starts_with("BTL-1000-BLK,"))
        .collect();
    std::fs::write(f.join("demand.csv"), without.join("\n") + "\n").unwrap();
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-09");
    let said = ok(root.path(), &["plan", "--data", fs, "--out", "m2"]);
    let fc = rows(&root.path().join("m2/forecast.csv"));
    let fenced: Vec<f64> = fc
        .iter()
        .filter(|((sku, _), _)| sku == "BTL-1000-BLK")
        .take(6)
        .map(|(_, v)| v[0])
        .collect();
    assert_eq!(fenced.len(), 6);
    assert!((1..=6).all(|k| demo_limit(k).is_some()) && demo_limit(7).is_none());
    let units: f64 = fenced.iter().sum();
    let line = said
        .lines()
        .find(|l| l.contains("new since the 2026-09 publication"))
        .unwrap_or_else(|| panic!("{said}"));
    let (head, tail) = line
        .split_once(" units in ")
        .unwrap_or_else(|| panic!("{line}"));
    assert!(
        head.starts_with("warning: 1 sku new since the 2026-09 publication (BTL-1000-BLK) has "),
        "{line}"
    );
    let said_units: f64 = head
        .rsplit(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!((said_units - units).abs() <= 3.0, "{line}: {units}");
    assert_eq!(
        tail,
        "6 fenced sku-months: a fence holds a published quantity, so it is not held, and the \
         review counts it as fence breaks; agree it with the CM (changes.csv) or start it after \
         the fences"
    );
    // The review counts it: its six months are among the breaks.
    let breaks = std::fs::read_to_string(root.path().join("m2/review_changes.csv")).unwrap();
    let header: Vec<&str> = breaks.lines().next().unwrap().split(',').collect();
    let excess = header.iter().position(|&c| c == "excess").unwrap();
    let new_breaks = breaks
        .lines()
        .filter(|l| l.starts_with("BTL-1000-BLK,"))
        .filter(|l| !l.split(',').nth(excess).unwrap_or("").is_empty())
        .count();
    assert_eq!(new_breaks, 6, "{breaks}");
    // Once a publication has it, the next month says nothing.
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m3", "--publish", "--quiet"],
    );
    demo_until(&f, "2026-10");
    let said = ok(root.path(), &["plan", "--data", fs, "--out", "m4"]);
    assert!(!said.contains("new since"), "{said}");
}

/// The point and the 95 % range of each sku and month of a forecast.csv.
fn rows(path: &Path) -> std::collections::BTreeMap<(String, String), [f64; 3]> {
    let f = Csv::read(path);
    f.rows
        .iter()
        .map(|r| {
            (
                (f.get(r, "sku").to_string(), f.get(r, "month").to_string()),
                [f.num(r, "forecast"), f.num(r, "lo_95"), f.num(r, "hi_95")],
            )
        })
        .collect()
}

/// The fence limit of the demo's planner.toml for fence month `k` (from 1): 0, 10 %, 25 %, free.
fn demo_limit(k: usize) -> Option<f64> {
    match k {
        1 => Some(0.0),
        2 | 3 => Some(0.10),
        4..=6 => Some(0.25),
        _ => None,
    }
}

#[test]
fn the_second_month_holds_the_archive_whatever_previous_says() {
    let root = tempfile::tempdir().unwrap();
    let f = root.path().join("folder");
    let fs = f.to_str().unwrap();
    demo_until(&f, "2026-08");
    ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m1", "--publish", "--quiet"],
    );
    let published = rows(&f.join("archive/2026-09/forecast.csv"));
    let key = |sku: &str, month: &str| (sku.to_string(), month.to_string());
    // September's actuals; two changes the CM agreed to, far beyond the frozen month 1 and
    // the 10 % of month 2.
    demo_until(&f, "2026-09");
    let p1 = published[&key("BTL-500-BLK", "2026-10")][0];
    let p2 = published[&key("BTL-500-BLK", "2026-11")][0];
    let (a1, a2) = ((3.0 * p1).round(), (2.0 * p2).round());
    std::fs::write(
        f.join("changes.csv"),
        format!("sku,month,quantity\nBTL-500-BLK,2026-10,{a1}\nBTL-500-BLK,2026-11,{a2}\n"),
    )
    .unwrap();
    // Reviewed against an explicit --previous (the README's monthly pack), published: the
    // fences are held against the archive all the same.
    let previous = f.join("archive/2026-09/forecast.csv");
    let said = ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--previous",
            previous.to_str().unwrap(),
            "--out",
            "m2",
            "--publish",
        ],
    );
    assert!(
        said.contains("sku-months held against the 2026-09 publication")
            && said.contains(" 2 agreed changes)"),
        "{said}"
    );
    let holds = Csv::read(&root.path().join("m2/fence_holds.csv"));
    assert!(holds.rows.len() > 2, "{:?}", holds.rows);
    let filed = rows(&f.join("archive/2026-10/forecast.csv"));
    assert_eq!(filed, rows(&root.path().join("m2/forecast.csv")));
    assert_eq!(filed[&key("BTL-500-BLK", "2026-10")][0], a1);
    assert_eq!(filed[&key("BTL-500-BLK", "2026-11")][0], a2);
    // Every sku-month of a published sku is within its fence of September's forecast, or
    // agreed: nothing beyond the fences was filed.
    let agreed = [key("BTL-500-BLK", "2026-10"), key("BTL-500-BLK", "2026-11")];
    for ((sku, month), [q, _, _]) in &filed {
        let k = 1 + [
            "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03",
        ]
        .iter()
        .position(|m| m == month)
        .unwrap_or(99);
        let (Some(x), Some(p)) = (demo_limit(k), published.get(&key(sku, month))) else {
            continue;
        };
        if agreed.contains(&key(sku, month)) {
            continue;
        }
        assert!(
            (q - p[0]).abs() <= x * p[0] + 0.011,
            "{sku} {month}: {q} against the published {}",
            p[0]
        );
    }
    // The agreed changes are no fence breaks: not in review_fences.csv, not among the
    // findings, and the agreed-change finding says they pass.
    let breaks = Csv::read(&root.path().join("m2/review_fences.csv"));
    assert!(
        !breaks
            .rows
            .iter()
            .any(|r| breaks.get(r, "sku") == "BTL-500-BLK"
                && ["2026-10", "2026-11"].contains(&breaks.get(r, "month"))),
        "{:?}",
        breaks.rows
    );
    assert!(!said.contains("fence break BTL-500-BLK 2026-1"), "{said}");
    // review_changes.csv marks them agreed, and no violation; nothing else is marked agreed.
    let changes = Csv::read(&root.path().join("m2/review_changes.csv"));
    let marked: Vec<(&str, &str, &str)> = changes
        .rows
        .iter()
        .filter(|r| changes.get(r, "agreed") == "yes")
        .map(|r| {
            (
                changes.get(r, "sku"),
                changes.get(r, "month"),
                changes.get(r, "violation"),
            )
        })
        .collect();
    assert_eq!(
        marked,
        [
            ("BTL-500-BLK", "2026-10", "no"),
            ("BTL-500-BLK", "2026-11", "no")
        ]
    );
    assert!(
        said.contains(&format!(
            "BTL-500-BLK 2026-10 (month 1): the agreed {} passes the fences",
            a1 as u64
        )),
        "{said}"
    );
    // A held month's range follows the held figure: the unheld plan's range scaled by held
    // over unconstrained (the unheld plan is the same forecast with --no-fences).
    ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--out",
            "free",
            "--no-fences",
            "--quiet",
        ],
    );
    let free = rows(&root.path().join("free/forecast.csv"));
    let mut scaled = 0;
    for r in &holds.rows {
        let k = key(holds.get(r, "sku"), holds.get(r, "month"));
        let (held, unconstrained) = (holds.num(r, "held"), holds.num(r, "unconstrained"));
        if unconstrained < 1.0 {
            continue;
        }
        let ratio = held / unconstrained;
        let [point, lo, hi] = filed[&k];
        let [_, free_lo, free_hi] = free[&k];
        assert!((point - held).abs() < 0.006, "{k:?}");
        // forecast.csv's 2 decimals: each figure within 0.005, the ratio within its share.
        let err = 0.005 / held.max(0.01) + 0.005 / unconstrained;
        let tol = |x: f64| 0.011 + 0.005 * ratio + x * ratio * err;
        assert!(
            (lo - free_lo * ratio).abs() <= tol(free_lo),
            "{k:?}: lo {lo}"
        );
        assert!(
            (hi - free_hi * ratio).abs() <= tol(free_hi),
            "{k:?}: hi {hi}, unheld {free_hi}, x {ratio}"
        );
        scaled += 1;
    }
    assert!(scaled > 2, "{:?}", holds.rows);
    // `planner review --previous` holds the archive's fences as `plan` does.
    let said = ok(
        root.path(),
        &[
            "review",
            "--data",
            fs,
            "--previous",
            previous.to_str().unwrap(),
            "--out",
            "r2",
        ],
    );
    assert!(
        said.contains("held against the 2026-09 publication"),
        "{said}"
    );
    assert_eq!(
        rows(&root.path().join("r2/forecast.csv")),
        rows(&root.path().join("m2/forecast.csv"))
    );

    // The month again without --replace: refused before anything is planned; a new --out is
    // not made, the previous set of m2 stays as it was.
    let before = std::fs::read(root.path().join("m2/forecast.csv")).unwrap();
    for out in ["m2", "m2z"] {
        let o = run(
            root.path(),
            &["plan", "--data", fs, "--out", out, "--publish"],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains(
                "error: archive/2026-10: 2026-10 is already published: a shared forecast is never \
                 overwritten (`--replace` files this one instead); nothing was planned or written"
            ),
            "{}",
            stderr(&o)
        );
    }
    assert!(!root.path().join("m2z").exists());
    assert_eq!(
        std::fs::read(root.path().join("m2/forecast.csv")).unwrap(),
        before
    );

    // Published unheld (--no-fences --replace): filed, with a warning counting the breaks sent
    // to the CM, counted here by hand against September's forecast.
    let said = ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--out",
            "m2nf",
            "--publish",
            "--replace",
            "--no-fences",
        ],
    );
    let unheld = rows(&f.join("archive/2026-10/forecast.csv"));
    assert_eq!(unheld, free);
    let (mut n, mut excess) = (0, 0.0);
    for ((sku, month), [q, _, _]) in &unheld {
        let k = 1 + [
            "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03",
        ]
        .iter()
        .position(|m| m == month)
        .unwrap_or(99);
        let (Some(x), Some(p)) = (demo_limit(k), published.get(&key(sku, month))) else {
            continue;
        };
        let beyond = (q - p[0]).abs() - x * p[0];
        if beyond > 0.01 {
            n += 1;
            excess += beyond;
        }
    }
    assert!(n > 10, "{n}");
    let warning = said
        .lines()
        .find(|l| l.starts_with("warning: --no-fences: published without the time fences: "))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        warning.contains(&format!(": {n} sku-months of ")),
        "{warning}"
    );
    let beyond: f64 = warning
        .split("beyond their fences against the 2026-09 publication, ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{warning}"));
    // forecast.csv's 2 decimals against the plan's own figures: within a unit.
    assert!((beyond - excess).abs() <= 1.0, "{warning}: {excess}");
    // A frozen month's break is worded as frozen.
    assert!(said.contains(", frozen): "), "{said}");
    assert!(!said.contains("within 0 %"), "{said}");
    let report = std::fs::read_to_string(root.path().join("m2nf/report.html")).unwrap();
    assert!(
        report.contains("(month 1, frozen): "),
        "the report's fence breaks"
    );
    assert!(!report.contains("within 0 %"));

    // September replaced while October rests on it: a warning names October.
    demo_until(&f, "2026-08");
    let said = ok(
        root.path(),
        &[
            "plan",
            "--data",
            fs,
            "--out",
            "m1r",
            "--publish",
            "--replace",
        ],
    );
    assert!(
        said.contains(
            "warning: archive/2026-09 replaced, but 2026-10 was published after it: it held its \
             time fences against the 2026-09 forecast as it was, not this one"
        ),
        "{said}"
    );
    // A month filed for the first time before months already published: they rest on
    // another forecast, and the warning says so.
    demo_until(&f, "2026-07");
    let said = ok(
        root.path(),
        &["plan", "--data", fs, "--out", "m0", "--publish", "--quiet"],
    );
    assert!(
        said.contains(
            "warning: archive/2026-08 filed, but 2026-09, 2026-10 were published after it: they \
             held their time fences against an earlier month's forecast, not this one"
        ),
        "{said}"
    );
}
