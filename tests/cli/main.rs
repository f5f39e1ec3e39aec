//! End-to-end tests: the real `planner` binary on real CSV files, good and broken in the ways
//! spreadsheet exports break. Each asserts the exit code and the exact message.

mod architecture;
mod arithmetic;
mod capacity;
mod cm_pack;
mod cycle;
mod docs;
mod excel_input;
mod files;
mod forecast;
mod inputs;
mod outdir;
mod plan;
mod price;
mod report;
mod review;
mod scenario;
mod scorecard;
mod segments;
mod stock;
mod tour;
mod uncertainty;
mod usage;
mod workbooks;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
fn planner() -> Command {
    Command::new(env!("CARGO_BIN_EXE_planner"))
}

/// Runs the binary in `dir` with `args`.
fn run(dir: &Path, args: &[&str]) -> Output {
    planner()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the planner binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A Markdown file of the repository (`README.md`, `docs/files.md`).
fn repo_markdown(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A `planner ...` command shown in a code block of a Markdown file.
#[derive(Debug)]
struct DocCommand {
    /// The command as written, its trailing comment dropped (`planner plan --data demo`).
    command: String,
    /// The trailing comment after ` #`, trimmed (empty without one).
    comment: String,
}

/// The commands of `markdown`'s code blocks whose info string is one of `fences` (`"sh"`,
/// `"text"`; `""` for a bare fence): their lines that start with `planner ` (or `$ planner `),
/// in order.
fn doc_commands(markdown: &str, fences: &[&str]) -> Vec<DocCommand> {
    let mut out = Vec::new();
    // The info string of the open code block, if any.
    let mut open: Option<&str> = None;
    for line in markdown.lines() {
        let t = line.trim();
        if let Some(info) = t.strip_prefix("```") {
            open = match open {
                None => Some(info.trim()),
                Some(_) => None,
            };
            continue;
        }
        let Some(info) = open else { continue };
        if !fences.contains(&info) {
            continue;
        }
        let t = t.strip_prefix("$ ").unwrap_or(t);
        let (command, comment) = t.split_once(" #").unwrap_or((t, ""));
        let command = command.trim();
        if command.starts_with("planner ") {
            out.push(DocCommand {
                command: command.to_string(),
                comment: comment.trim().to_string(),
            });
        }
    }
    out
}

/// The repository's demo folder.
fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo")
}

/// A small, complete planning folder written by hand: two skus on two lines, a two-level BOM.
fn small_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut demand = String::from("sku,month,quantity\n");
    for i in 0..24 {
        let (y, m) = (2024 + i / 12, i % 12 + 1);
        let season = if m >= 10 { 1.5 } else { 1.0 };
        demand.push_str(&format!(
            "BTL-1,{y}-{m:02},{}\nHSG-1,{y}-{m:02},{}\n",
            (100.0 * season) as i64 + i,
            50 + (i % 3)
        ));
    }
    let files = [
        ("demand.csv", demand.as_str()),
        ("products.csv", "sku,family,name\nBTL-1,bottles,Bottle 500 ml\nHSG-1,housings,Sensor housing\n"),
        (
            "lines.csv",
            "line,shifts_per_day,hours_per_shift,days_per_week,oee\nL1,1,8,5,0.8\nL2,2,8,5,0.75\n",
        ),
        (
            "routings.csv",
            "sku,line,station,cycle_seconds\nBTL-1,L1,weld,30\nBTL-1,L1,pack,20\nHSG-1,L2,mould,60\nHSG-1,L2,test,45\n",
        ),
        ("calendar.csv", "line,date,hours,reason\n*,2026-12-25,0,Christmas\n"),
        (
            "bom.csv",
            "sku,material,qty_per\nBTL-1,SA-LID,1\nSA-LID,RESIN,0.03\nBTL-1,STEEL,0.2\nHSG-1,RESIN,0.1\n",
        ),
        (
            "materials.csv",
            "material,lead_time_days,moq,order_multiple,unit_cost,on_hand\nSA-LID,7,1,1,0.8,50\nRESIN,45,500,25,2.1,300\nSTEEL,60,1000,100,3.5,800\n",
        ),
        (
            "price_tiers.csv",
            "sku,min_qty,unit_price\nBTL-1,0,9.8\nBTL-1,1000,9.4\nHSG-1,0,12\n",
        ),
        ("events.csv", "sku,month,kind,value,note\nBTL-1,2026-02,multiplier,1.3,promo\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}

/// The small folder's calendar moved to Christmas 2025, for a given plan of December 2025
/// (`--demand plan.csv`); the folder's own is Christmas 2026, inside its plan from the history.
fn christmas_2025(dir: &Path) {
    put(
        dir,
        "calendar.csv",
        "line,date,hours,reason\n*,2025-12-25,0,Christmas\n",
    );
}

/// Replaces a file of a folder.
fn put(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

/// A report page is self-contained (nothing fetched from the network) and has `sections` (by
/// id); its workbook opens and has `sheets`.
fn assert_page(html: &Path, sections: &[&str], workbook: &Path, sheets: &[&str]) {
    use calamine::{open_workbook, Reader, Xlsx};
    let page = std::fs::read_to_string(html).unwrap_or_else(|e| panic!("{}: {e}", html.display()));
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", html.display());
    let lower = page.to_ascii_lowercase();
    for bad in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script src",
        "<link ",
    ] {
        assert!(!lower.contains(bad), "{} references {bad}", html.display());
    }
    for id in sections {
        assert!(
            page.contains(&format!("<section id=\"{id}\">")),
            "{}: section {id}",
            html.display()
        );
    }
    let mut wb: Xlsx<_> =
        open_workbook(workbook).unwrap_or_else(|e| panic!("{}: {e}", workbook.display()));
    let names = wb.sheet_names();
    for s in sheets {
        assert!(names.iter().any(|n| n == s), "{s} missing from {names:?}");
        let range = wb.worksheet_range(s).expect("the sheet reads");
        assert!(range.height() > 1, "{s} is empty");
    }
}

/// A CSV file as a header and rows of cells.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Self {
        let mut r =
            csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let header = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        Self { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.col(name)]
    }

    fn num(&self, row: &[String], name: &str) -> f64 {
        self.get(row, name)
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {:?}", self.get(row, name)))
    }
}
