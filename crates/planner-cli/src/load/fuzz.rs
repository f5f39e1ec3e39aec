//! Property tests of the loaders: arbitrary bytes and mutated copies of the demo's files end in
//! a result or a clean error, never a panic.

use std::path::Path;

use proptest::prelude::*;

use super::error::Problems;
use super::{deliveries, demand, master, plan_file, scenarios};

/// The demo folder's file names, as the mutations start from them (the built-in demo's).
fn demo_names() -> Vec<&'static str> {
    crate::demo::FILES.iter().map(|(name, _)| *name).collect()
}

/// The built-in demo's text of `name`.
fn demo_text(name: &str) -> &'static str {
    crate::demo::FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .expect("a demo file")
}

/// Feeds `path` (named `name`) to the loader of that name; a problem is fine, a panic is not.
fn load_one(path: &Path, name: &str) {
    let mut p = Problems::default();
    match name {
        "demand.csv" => {
            demand::history(path, name, &mut p);
            // Also as a `--demand` plan and a `--previous` forecast.
            let _ = plan_file::demand_plan(path);
        }
        "products.csv" => drop(master::products(path, &mut p)),
        "lines.csv" => drop(master::lines(path, &mut p)),
        "routings.csv" => drop(master::routings(path, &mut p)),
        "calendar.csv" => drop(master::calendar(path, &mut p)),
        "bom.csv" => drop(master::bom(path, &mut p)),
        "materials.csv" => drop(master::materials(path, &mut p)),
        "price_tiers.csv" => drop(master::price_tiers(path, &mut p)),
        "events.csv" => drop(master::events(path, &mut p)),
        "planner.toml" => drop(plan_file::settings(path, &mut p)),
        "cost_breakdown.csv" => drop(master::cost_breakdown(path, &mut p)),
        "indices.csv" => drop(master::indices(path, &mut p)),
        "inventory.csv" => drop(master::inventory(path, &mut p)),
        "open_orders.csv" => drop(master::open_orders(path, &mut p)),
        "deliveries.csv" => drop(deliveries::deliveries(path, name, &mut p)),
        "scorecard.toml" => {
            let _ = deliveries::settings(path);
            let _ = scenarios::read(path);
        }
        other => unreachable!("no loader for {other}"),
    }
    for e in &p.errors {
        let m = e.to_string();
        assert!(m.starts_with(&e.file), "{m}");
        assert!(m.chars().count() < 700, "a message of {} chars", m.len());
    }
}

/// A copy of the demo folder with `name` replaced by `bytes`, loaded whole as `validate` does.
fn load_folder_with(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (f, text) in crate::demo::FILES {
        std::fs::write(dir.path().join(f), text).expect("write the demo");
    }
    std::fs::write(dir.path().join(name), bytes).expect("write the mutant");
    load_one(&dir.path().join(name), name);
    let (_, mut p) = super::folder(dir.path());
    deliveries::check_folder(dir.path(), &mut p);
}

/// One way a file goes wrong, with two numbers that place it.
#[derive(Debug, Clone)]
enum Mutation {
    /// One byte set to a value.
    Flip(usize, u8),
    /// The file cut short.
    Truncate(usize),
    /// A line repeated.
    DuplicateLine(usize),
    /// A line removed.
    DeleteLine(usize),
    /// Two columns swapped on every line.
    SwapColumns(usize, usize),
    /// A few bytes inserted.
    Insert(usize, Vec<u8>),
    /// One cell replaced by a tricky value.
    Cell(usize, usize, &'static str),
}

const TRICKY: [&str; 14] = [
    "",
    " ",
    "-1",
    "NaN",
    "inf",
    "1e309",
    "9999-12",
    "2062-10",
    "0001-01-01",
    "2027-03-09 to 2027-03-13",
    "\"",
    "\u{feff}",
    "é",
    "99999999999999999999",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DeleteLine),
        (0usize..8, 0usize..8).prop_map(|(a, b)| Mutation::SwapColumns(a, b)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::Insert(a, b)),
        (
            any::<usize>(),
            0usize..8,
            proptest::sample::select(TRICKY.to_vec())
        )
            .prop_map(|(a, b, v)| Mutation::Cell(a, b, v)),
    ]
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// The file with `each` applied to the cells of every line (split at commas).
fn map_cells(bytes: &[u8], mut each: impl FnMut(usize, &mut Vec<String>)) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        each(i, &mut cells);
        lines.push(cells.join(","));
    }
    (lines.join("\n") + "\n").into_bytes()
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let n = out.len().max(1);
    match m {
        Mutation::Flip(at, v) => {
            if !out.is_empty() {
                out[at % n] = *v;
            }
        }
        Mutation::Truncate(at) => out.truncate(at % n),
        Mutation::Insert(at, more) => {
            let at = at % n;
            out.splice(at..at, more.iter().copied());
        }
        Mutation::DuplicateLine(i) | Mutation::DeleteLine(i) => {
            let mut lines = lines_of(bytes);
            if !lines.is_empty() {
                let i = i % lines.len();
                if matches!(m, Mutation::DeleteLine(_)) {
                    lines.remove(i);
                } else {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
            }
            out = lines.concat();
        }
        Mutation::SwapColumns(a, b) => {
            out = map_cells(bytes, |_, cells| {
                if *a < cells.len() && *b < cells.len() {
                    cells.swap(*a, *b);
                }
            });
        }
        Mutation::Cell(line, column, value) => {
            let count = String::from_utf8_lossy(bytes).lines().count().max(1);
            let target = line % count;
            out = map_cells(bytes, |i, cells| {
                if i == target && !cells.is_empty() {
                    let c = column % cells.len();
                    cells[c] = (*value).to_string();
                }
            });
        }
    }
    out
}

/// The demo's tables (its CSV files), for their workbook form.
fn table_names() -> Vec<&'static str> {
    demo_names()
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .collect()
}

/// A small real workbook: the demo's `name` (its first 20 lines) as the first sheet.
fn demo_workbook(name: &str) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(demo_text(name).as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .take(20)
        .map(|r| {
            r.expect("the demo is CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    let table = crate::write::tables::Table::new(
        rows[0].clone(),
        rows[1..]
            .iter()
            .map(|r| r.iter().map(crate::write::tables::Cell::text).collect())
            .collect(),
    );
    crate::write::workbooks::xlsx::workbook(&[(name.trim_end_matches(".csv"), &table)])
        .expect("a workbook")
}

/// Feeds `bytes` as `name`'s workbook (`demand.xlsx` for `demand.csv`) to its loader, alone and
/// in the demo folder in place of the CSV file.
fn load_workbook_bytes(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (f, text) in crate::demo::FILES {
        if f != name {
            std::fs::write(dir.path().join(f), text).expect("write the demo");
        }
    }
    let xlsx = dir.path().join(name.replace(".csv", ".xlsx"));
    std::fs::write(&xlsx, bytes).expect("write the workbook");
    load_one(&xlsx, name);
    let (_, mut p) = super::folder(dir.path());
    deliveries::check_folder(dir.path(), &mut p);
    for e in &p.errors {
        assert!(e.to_string().starts_with(&e.file), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_as_a_workbook_never_panic(
        file in proptest::sample::select(table_names()),
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        load_workbook_bytes(file, &bytes);
    }

    #[test]
    fn damaged_workbooks_never_panic(
        file in proptest::sample::select(table_names()),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let mut bytes = demo_workbook(file);
        for (at, v) in &flips {
            let n = bytes.len();
            bytes[at % n] = *v;
        }
        if let Some(at) = cut {
            let n = bytes.len();
            bytes.truncate(at % n);
        }
        load_workbook_bytes(file, &bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        file in proptest::sample::select(demo_names()),
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(file);
        std::fs::write(&path, &bytes).expect("write");
        load_one(&path, file);
    }

    #[test]
    fn mutated_demo_files_never_panic(
        file in proptest::sample::select(demo_names()),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = demo_text(file).as_bytes().to_vec();
        for m in &mutations {
            bytes = apply(&bytes, m);
        }
        load_folder_with(file, &bytes);
    }
}
