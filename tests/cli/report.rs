//! `planner plan`'s workbook, charts and report through the real binary on the demo folder, and
//! the report rendered by headless Chromium.

use super::*;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Last month's plan (the demo folder without its last month of demand, starting a month
/// earlier) and then this month's, `planner plan --data data/demo --previous LAST/forecast.csv
/// --out OUT`, shared by the tests of this module.
fn demo_out() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("report-demo-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("temp dir");
        let last = dir.path().join("last-month");
        std::fs::create_dir(&last).unwrap();
        for e in std::fs::read_dir(demo()).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), last.join(e.file_name())).unwrap();
        }
        let demand = std::fs::read_to_string(demo().join("demand.csv")).unwrap();
        let kept: Vec<&str> = demand
            .lines()
            .filter(|l| !l.contains(",2026-10,"))
            .collect();
        assert!(kept.len() < demand.lines().count(), "the demo ends 2026-10");
        std::fs::write(last.join("demand.csv"), kept.join("\n") + "\n").unwrap();
        // planner.toml pins no start: the copy plans from the month after its history, 2026-10.
        assert!(!std::fs::read_to_string(demo().join("planner.toml"))
            .unwrap()
            .contains("start ="));
        let previous = dir.path().join("previous");
        let o = run(
            dir.path(),
            &[
                "plan",
                "--data",
                last.to_str().unwrap(),
                "--out",
                previous.to_str().unwrap(),
                "--quiet",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

        let out = dir.path().join("out");
        let o = run(
            dir.path(),
            &[
                "plan",
                "--data",
                demo().to_str().unwrap(),
                "--previous",
                previous.join("forecast.csv").to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("review: this month's plan from 2026-11 against the forecast of 2026-10"),
            "{err}"
        );
        assert!(err.contains("scorecard as of"), "{err}");
        std::fs::write(dir.path().join("plan.stderr"), &err).unwrap();
        dir
    })
    .path()
}

/// What `planner plan` said on the demo with last month's forecast.
fn demo_err() -> String {
    std::fs::read_to_string(demo_out().join("plan.stderr")).unwrap()
}

/// Charts of the scorecard: the demo's deliveries score on-time delivery, PPM, first-pass
/// yield, price and (with last month's forecast) WAPE.
const SCORECARD_CHARTS: usize = 5;

fn out(name: &str) -> PathBuf {
    demo_out().join("out").join(name)
}

/// The demo folder's lines.
fn demo_lines() -> Vec<String> {
    std::fs::read_to_string(demo().join("lines.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_output_of_the_plan_is_written() {
    for f in [
        "forecast.csv",
        "capacity.csv",
        "line_balance.csv",
        "build_plan.csv",
        "line_plan.csv",
        "recommendations.csv",
        "material_plan.csv",
        "prebuy.csv",
        "past_due.csv",
        "pricing.csv",
        "plan.json",
        "plan.xlsx",
        "report.html",
        "charts/material_exposure.png",
        "charts/material_exposure.svg",
        "review_accuracy.csv",
        "review_changes.csv",
        "review_fences.csv",
        "scorecard.csv",
        "scorecard_misses.csv",
        "charts/scorecard_otd.png",
        "charts/scorecard_otd.svg",
    ] {
        let meta = std::fs::metadata(out(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(meta.len() > 0, "{f} is empty");
    }
    for line in demo_lines() {
        assert!(
            out(&format!("charts/capacity_{line}.png")).is_file(),
            "{line}"
        );
        assert!(
            out(&format!("charts/capacity_{line}.svg")).is_file(),
            "{line}"
        );
    }
    // The demo has more skus than the default 20 charted: exactly 20 fan charts.
    let fans = std::fs::read_dir(out("charts"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("fan_") && n.ends_with(".png")
        })
        .count();
    assert_eq!(fans, 20);
    // No temporary file is left behind.
    for e in std::fs::read_dir(out("charts"))
        .unwrap()
        .chain(std::fs::read_dir(out("")).unwrap())
    {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.starts_with(".planner-"), "{n}");
    }
}

#[test]
fn charts_are_real_png_and_svg() {
    let png = std::fs::read(out("charts/material_exposure.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 10_000, "{} bytes", png.len());
    let svg = std::fs::read_to_string(out("charts/material_exposure.svg")).unwrap();
    assert!(svg.contains("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.contains("Pre-buy exposure"));
}

#[test]
fn the_workbook_has_a_sheet_per_table_with_numbers_as_numbers() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(out("plan.xlsx")).expect("plan.xlsx opens");
    let names = wb.sheet_names();
    for s in [
        "attention",
        "forecast",
        "capacity",
        "material_plan",
        "prebuy",
        "past_due",
        "pricing",
        "recommendations",
        "review_accuracy",
        "review_changes",
        "scorecard",
    ] {
        assert!(names.iter().any(|n| n == s), "{s} missing from {names:?}");
    }
    // The first sheet is the condensed findings, in the terminal's words and order.
    assert_eq!(names.first().map(String::as_str), Some("attention"));
    let att = wb.worksheet_range("attention").expect("attention sheet");
    let head: Vec<String> = (0..11)
        .map(|c| att.get((0, c)).map(ToString::to_string).unwrap_or_default())
        .collect();
    assert_eq!(
        head,
        [
            "rank",
            "severity",
            "kind",
            "finding",
            "value",
            "currency",
            "units",
            "skus",
            "lines",
            "materials",
            "months"
        ]
    );
    let err = demo_err();
    let said: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("attention: "))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.starts_with("    "))
        .collect();
    assert_eq!(
        // Less the header and the two notes under the list (money, the uncertainty model).
        att.height() - 3,
        said.len(),
        "one row per line of the terminal's list"
    );
    for (r, line) in said.iter().enumerate() {
        let finding = att.get((r + 1, 3)).map(ToString::to_string).unwrap();
        assert!(
            line.ends_with(&finding),
            "row {}: {finding} vs {line}",
            r + 1
        );
    }
    let fc = wb.worksheet_range("forecast").expect("forecast sheet");
    assert_eq!(fc.get((0, 0)), Some(&Data::String("sku".into())));
    assert_eq!(fc.get((0, 2)), Some(&Data::String("forecast".into())));
    assert!(
        matches!(fc.get((1, 2)), Some(Data::Float(_))),
        "{:?}",
        fc.get((1, 2))
    );
    assert!(
        matches!(fc.get((1, 1)), Some(Data::DateTime(_))),
        "the month is a date: {:?}",
        fc.get((1, 1))
    );
    let csv_rows = std::fs::read_to_string(out("forecast.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(fc.height(), csv_rows);
}

#[test]
fn the_report_is_self_contained_and_has_every_section() {
    let html = std::fs::read_to_string(out("report.html")).unwrap();
    let lower = html.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "@import",
        "<script src",
        "<link ",
    ] {
        assert!(!lower.contains(bad), "report.html references {bad}");
    }
    // The report leads with what needs a decision; the long tables come last.
    let order = [
        "headline",
        "decisions",
        "charts",
        "segments",
        "families",
        "review",
        "scorecard",
        "tables",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|id| {
            html.find(&format!("<section id=\"{id}\">"))
                .unwrap_or_else(|| panic!("section {id}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    // No table before the decisions: the first table element follows them.
    assert!(html.find("<table>").unwrap() > at[1]);
    // Every table of the plan, the review and the scorecard is behind a collapsed summary; the
    // one left open is the small ABC×XYZ count matrix of the segments section.
    let tables = html.matches("<table>").count();
    assert_eq!(html.matches("<details><summary>").count() + 1, tables);
    assert!(html.contains("<details><summary>capacity.csv: 36 rows</summary>"));
    // The headline cards: the review's WAPE and the fence breaks.
    assert!(html.contains("<div class=\"label\">WAPE, lag 1</div>"));
    assert!(html.contains("<div class=\"label\">fence breaks</div>"));
    // ... built once: the review section shows the same two cards, word for word.
    let card = |section: &str, label: &str| {
        let s = &html[html.find(&format!("<section id=\"{section}\">")).unwrap()..];
        let s = &s[..s.find("</section>").unwrap()];
        let at = s
            .find(&format!(
                "<div class=\"card\"><div class=\"label\">{label}</div>"
            ))
            .unwrap_or_else(|| panic!("{section}: no {label} card"));
        s[at..at + s[at..].find("</div></div>").unwrap()].to_string()
    };
    for label in ["WAPE, lag 1", "fence breaks"] {
        assert_eq!(card("headline", label), card("review", label));
    }
    // The decisions: fence breaks, actuals outside their range, changes, pre-buys and overloads,
    // each with its value at stake, listed in the same words as the terminal summary.
    let decisions = &html[at[1]..at[2]];
    for tag in [
        "fence break",
        "missed range",
        "change",
        "pre-buy",
        "overload",
    ] {
        assert!(
            decisions.contains(&format!("<span class=\"tag\">{tag}</span>")),
            "{tag}"
        );
    }
    assert!(decisions.contains("<span class=\"stake\">"));
    let err = demo_err();
    let first = decisions
        .split("<span class=\"tag\">overload</span> ")
        .nth(1)
        .and_then(|s| s.split(" <span class=\"stake\">").next())
        .expect("an overload");
    assert!(
        err.contains(&format!("    overload {first}\n")),
        "{first}\n{err}"
    );
    for h in [
        "Headline figures",
        "Needs a decision",
        "Charts",
        "Tables",
        "forecast.csv",
        "capacity.csv",
        "Monthly review",
        "review_fences.csv",
        "Partnership scorecard",
        "scorecard.csv",
    ] {
        assert!(html.contains(h), "{h}");
    }
    // 20 fan charts, one per family (3), one per line, the exposure chart and the scorecard's,
    // all inline.
    let svgs = html.matches("<svg").count();
    assert_eq!(svgs, 20 + 3 + demo_lines().len() + 1 + SCORECARD_CHARTS);
    // Last month's forecast is drawn dashed on the fan charts: their legends say so.
    let fan = std::fs::read_to_string(out("charts/fan_BTL-500-BLK.svg")).unwrap();
    assert!(fan.contains("last month"), "the fan chart's legend");
    assert!(html.contains("20 of 33 skus charted"), "the choice is said");
}

/// The Chromium binary: /usr/bin/chromium (or `$CHROMIUM`). The tests install nothing: `.ci/run`
/// installs Chromium on CI, and sets `PLANNER_BROWSER_TESTS=1` so that a missing browser fails
/// there; elsewhere the browser test says it was skipped and how to run it (README.md).
fn chromium() -> Option<PathBuf> {
    let bin = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if bin.exists() {
        return Some(bin);
    }
    let required = std::env::var_os("PLANNER_BROWSER_TESTS").is_some_and(|v| v == "1");
    assert!(
        !required,
        "{} is missing and PLANNER_BROWSER_TESTS=1: install Chromium (`apt-get install chromium`, \
         as .ci/run does) or set CHROMIUM to its path",
        bin.display()
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "SKIPPED: the browser test needs Chromium at {} (apt-get install chromium, or set \
             CHROMIUM); .ci/run installs it and runs it",
            bin.display()
        );
    }
    None
}

/// Runs headless Chromium on `args` with a fresh profile; returns stdout, failing after 3 minutes.
fn headless(args: &[String]) -> Option<String> {
    let bin = chromium()?;
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args);
    // Files, not pipes: a DOM larger than a pipe's buffer would block Chromium while we wait.
    let out_path = profile.path().join("stdout.txt");
    let err_path = profile.path().join("stderr.txt");
    cmd.stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = cmd.spawn().expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        if child.try_wait().expect("chromium runs").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 3 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = child.wait().expect("chromium exits");
    let err = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}): {err}");
    Some(std::fs::read_to_string(&out_path).expect("chromium's output"))
}

fn report_url() -> String {
    format!(
        "file://{}",
        std::fs::canonicalize(out("report.html")).unwrap().display()
    )
}

#[test]
fn chromium_renders_the_report() {
    let Some(dom) = headless(&["--dump-dom".to_string(), report_url()]) else {
        return; // skipped, and said so: no Chromium outside CI
    };
    for h in [
        "<h2>Headline figures</h2>",
        "<h2>Needs a decision</h2>",
        "<h2>Charts</h2>",
        "<h2>Tables</h2>",
        "<h2>Monthly review</h2>",
        "<h2>Partnership scorecard</h2>",
    ] {
        assert!(dom.contains(h), "{h} missing from the rendered DOM");
    }
    // As parsed, the decisions come before the charts, and the tables last, collapsed.
    let at = |h: &str| dom.find(h).unwrap();
    assert!(at("<h2>Needs a decision</h2>") < at("<h2>Charts</h2>"));
    assert!(at("<h2>Partnership scorecard</h2>") < at("<h2>Tables</h2>"));
    assert!(!dom.contains("<details open"), "every table collapsed");
    // The parser kept every inline chart as an SVG element, with its text.
    assert_eq!(
        dom.matches("<svg").count(),
        20 + 3 + demo_lines().len() + 1 + SCORECARD_CHARTS
    );
    assert!(dom.contains("Pre-buy exposure"));

    let shot = demo_out().join("report.png");
    headless(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=1280,2400".to_string(),
        report_url(),
    ]);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // A blank or error page compresses to a few kilobytes; the report does not.
    assert!(png.len() > 100_000, "screenshot of {} bytes", png.len());

    // Printed, the collapsed tables stay collapsed: a few pages, not fifty.
    let pdf_path = demo_out().join("report.pdf");
    headless(&[
        "--no-pdf-header-footer".to_string(),
        format!("--print-to-pdf={}", pdf_path.display()),
        report_url(),
    ]);
    let pdf = std::fs::read(&pdf_path).expect("a PDF");
    assert_eq!(&pdf[..5], b"%PDF-");
    let pages = pdf_pages(&pdf);
    assert!(
        (3..=10).contains(&pages),
        "the report prints as {pages} pages"
    );
}

/// The page count of a PDF: its page tree's `/Count` (the largest, the root's).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Count ")
        .filter_map(|(i, m)| {
            let digits: String = text[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .max()
        .expect("a page tree")
}
