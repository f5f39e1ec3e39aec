//! Loading the planning folder: files -> planner-core types, every problem with its position.

pub mod deliveries;
mod demand;
mod error;
#[cfg(test)]
mod fuzz;
mod master;
pub mod overrides;
mod plan_file;
pub mod scenarios;
mod table;
pub mod workbook;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use planner_core::capacity::Calendar;
use planner_core::demand::DemandHistory;
use planner_core::events::Event;
use planner_core::materials::{Bom, BomError, BomLine};
use planner_core::scenario::PlanInput;
use planner_core::Settings;

pub use error::{LoadError, Problems};
pub use plan_file::demand_plan;
pub use table::table_file;

/// Checks `changes.csv` for `validate`, collecting every problem.
pub fn check_changes(
    path: &Path,
    skus: &HashSet<&str>,
    fenced: &[planner_core::time::Month],
    problems: &mut Problems,
) {
    master::changes(path, skus, fenced, problems);
}

/// Reads `changes.csv` on its own (see [`master::changes`]).
pub fn changes_file(
    path: &Path,
    skus: &HashSet<&str>,
    fenced: &[planner_core::time::Month],
) -> anyhow::Result<Vec<planner_core::review::AgreedChange>> {
    let mut p = Problems::default();
    let items = master::changes(path, skus, fenced, &mut p);
    print_warnings(&p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    Ok(items.into_iter().map(|(_, c)| c).collect())
}

/// Every file of a planning folder, loaded and checked against each other.
#[derive(Debug)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// Its contents, as planner-core takes them.
    pub input: PlanInput,
    /// The files that exist, by name.
    pub present: HashSet<&'static str>,
    /// Every file read, so that no output is written over one.
    pub inputs: Vec<PathBuf>,
    /// The file holding each table present, by its CSV name: `routings.xlsx` for
    /// `routings.csv` when the folder has its routings as a workbook.
    pub files: std::collections::HashMap<&'static str, PathBuf>,
}

/// The files of a planning folder, in the order they are checked.
pub const FILES: [&str; 14] = [
    "demand.csv",
    "products.csv",
    "lines.csv",
    "routings.csv",
    "calendar.csv",
    "bom.csv",
    "materials.csv",
    "price_tiers.csv",
    "events.csv",
    "planner.toml",
    "cost_breakdown.csv",
    "indices.csv",
    "inventory.csv",
    "open_orders.csv",
];

impl Folder {
    /// True when the folder has the file.
    pub fn has(&self, file: &str) -> bool {
        self.present.contains(file)
    }

    /// The name of the file that holds the table `file` (`routings.csv` or `routings.xlsx`).
    pub fn shown(&self, file: &str) -> String {
        self.files
            .get(file)
            .map_or_else(|| file.to_string(), |p| file_name(p))
    }

    /// Fails with a clear message when a file the command needs is absent.
    pub fn require(&self, file: &str, command: &str) -> anyhow::Result<()> {
        if self.has(file) {
            Ok(())
        } else {
            anyhow::bail!(
                "{}: {file} is missing: `planner {command}` needs it (see docs/files.md)",
                self.dir.display()
            )
        }
    }
}

/// Loads a planning folder, collecting every problem.
///
/// Returns the folder when no error was found; the problems (errors and warnings) either way.
pub fn folder(dir: &Path) -> (Option<Folder>, Problems) {
    folder_needing(dir, true)
}

/// Loads a planning folder as [`folder`] does; without `history_needed` (a command given its
/// demand plan with `--demand FILE`) demand.csv may be absent, and the history is then empty.
pub fn folder_needing(dir: &Path, history_needed: bool) -> (Option<Folder>, Problems) {
    let mut p = Problems::default();
    if !dir.is_dir() {
        p.error(LoadError::file(
            &dir.display().to_string(),
            "is not a folder: expected a planning folder with demand.csv",
        ));
        return (None, p);
    }
    let mut present = HashSet::new();
    // Each table's file: name.csv or name.xlsx.
    let mut files = std::collections::HashMap::new();
    // Files that are there but cannot be read (a folder, a broken link): errors, never absent.
    let mut unreadable = HashSet::new();
    for f in FILES {
        match table::table_file(dir, f) {
            Ok(Some(at)) => {
                present.insert(f);
                files.insert(f, at);
            }
            Ok(None) => {}
            Err(e) => {
                p.error(e);
                unreadable.insert(f);
            }
        }
    }
    let path = |f: &str| files.get(f).cloned().unwrap_or_else(|| dir.join(f));
    let inputs: Vec<PathBuf> = files.values().cloned().collect();

    let settings = if present.contains("planner.toml") {
        plan_file::settings(&path("planner.toml"), &mut p)
    } else {
        Some(Settings::default())
    };

    let history = if present.contains("demand.csv") {
        demand::history(&path("demand.csv"), "demand.csv", &mut p)
    } else if unreadable.contains("demand.csv") {
        None
    } else if !history_needed {
        Some(DemandHistory::from_series(Vec::new()))
    } else {
        p.error(LoadError::file(
            "demand.csv",
            format!(
                "is missing from {}: this command needs the demand history (or --demand FILE \
                 where the command takes one)",
                dir.display()
            ),
        ));
        None
    };

    let load = |f: &'static str| present.contains(f).then(|| path(f));
    let before = p.errors.len();
    let products = load("products.csv").map_or_else(Vec::new, |f| master::products(&f, &mut p));
    let products_ok = p.errors.len() == before;
    let before = p.errors.len();
    let lines = load("lines.csv").map_or_else(Vec::new, |f| master::lines(&f, &mut p));
    let lines_ok = p.errors.len() == before;
    // The largest master files (a second each at 100,000 skus) are read at once, each into its
    // own list of problems, joined in the order they were read one after the other.
    let (mut p_routings, mut p_bom, mut p_materials, mut p_tiers) =
        (p.fork(), p.fork(), p.fork(), p.fork());
    let ((routings, bom_lines), ((materials, listed), tiers)) = rayon::join(
        || {
            rayon::join(
                || {
                    load("routings.csv")
                        .map_or_else(Vec::new, |f| master::routings(&f, &mut p_routings))
                },
                || load("bom.csv").map_or_else(Vec::new, |f| master::bom(&f, &mut p_bom)),
            )
        },
        || {
            rayon::join(
                // Every material name materials.csv lists, those of its bad rows too (`None`:
                // unreadable).
                || {
                    load("materials.csv").map_or((Vec::new(), None), |f| {
                        master::materials(&f, &mut p_materials)
                    })
                },
                || {
                    load("price_tiers.csv")
                        .map_or_else(Vec::new, |f| master::price_tiers(&f, &mut p_tiers))
                },
            )
        },
    );
    p.join(p_routings);
    let calendar = load("calendar.csv").map_or_else(Vec::new, |f| master::calendar(&f, &mut p));
    p.join(p_bom);
    p.join(p_materials);
    p.join(p_tiers);
    let events = load("events.csv").map_or_else(Vec::new, |f| master::events(&f, &mut p));
    // `family:NAME` rows, one per sku of the family; overlapping rows are errors.
    let product_list: Vec<planner_core::demand::Product> =
        products.iter().map(|(_, v)| v.clone()).collect();
    let events = master::expand_events(
        events,
        products_ok.then_some(product_list.as_slice()),
        history.as_ref().filter(|h| !h.is_empty()),
        &mut p,
    );
    // The inputs of index-linked prices (`planner price`, and the plan's projected spend).
    let cost_breakdown =
        load("cost_breakdown.csv").map_or_else(Vec::new, |f| master::cost_breakdown(&f, &mut p));
    let indices = load("indices.csv").map_or_else(Vec::new, |f| master::indices(&f, &mut p));
    // Finished goods and open orders, netted before capacity, materials and pricing.
    let inventory = load("inventory.csv").map_or_else(Vec::new, |f| master::inventory(&f, &mut p));
    let open_orders =
        load("open_orders.csv").map_or_else(Vec::new, |f| master::open_orders(&f, &mut p));

    // Cross-file checks, only against files that loaded without error (no cascades).
    if lines_ok {
        let known: HashSet<String> = lines.iter().map(|(_, l)| l.line.clone()).collect();
        master::check_known(
            "routings.csv",
            "line",
            routings.iter().map(|(n, r)| (*n, r.line.clone())),
            &known,
            "lines.csv",
            &mut p,
        );
        let cal_lines = calendar
            .iter()
            .filter_map(|(n, c)| c.line.clone().map(|l| (*n, l)));
        master::check_known(
            "calendar.csv",
            "line",
            cal_lines,
            &known,
            "lines.csv",
            &mut p,
        );
    }
    if !bom_lines.is_empty() && !unreadable.contains("materials.csv") {
        // A component must be a material; a parent is a sku or a material (a sub-assembly).
        if let Some(known) = &listed {
            master::check_known(
                "bom.csv",
                "material",
                bom_lines.iter().map(|(n, b)| (*n, b.material.clone())),
                known,
                "materials.csv",
                &mut p,
            );
        } else if !present.contains("materials.csv") {
            p.error(LoadError::file(
                "materials.csv",
                "is missing: bom.csv names materials, materials.csv must list them",
            ));
        }
    }
    if let Some(h) = &history {
        master::check_event_skus(&events, h, &mut p);
        master::warn_launch_over_history(&events, h, &mut p);
        // What nothing plans: rows of routings.csv and bom.csv for skus without demand,
        // launch or product; demand skus without a routing; skus apart only by letter case.
        let mut planned: HashSet<String> = h.series().iter().map(|s| s.sku.clone()).collect();
        planned.extend(products.iter().map(|(_, v)| v.sku.clone()));
        planned.extend(
            events
                .iter()
                .filter(|(_, e)| e.kind == planner_core::events::EventKind::Launch)
                .map(|(_, e)| e.sku.clone()),
        );
        master::warn_unplanned(
            "routings.csv",
            "sku",
            routings.iter().map(|(n, r)| (*n, r.sku.clone())),
            &planned,
            &mut p,
        );
        // A parent of bom.csv is a sku, or a material (a sub-assembly).
        let mut built = planned.clone();
        built.extend(listed.iter().flatten().cloned());
        if listed.is_some() {
            master::warn_unplanned(
                "bom.csv",
                "sku",
                bom_lines.iter().map(|(n, b)| (*n, b.parent.clone())),
                &built,
                &mut p,
            );
        }
        if !h.is_empty() {
            master::warn_unrouted(h, &routings, &mut p);
        }
        let skus: Vec<&str> = h.series().iter().map(|s| s.sku.as_str()).collect();
        master::warn_case_twins(&skus, &mut p);
        master::warn_outliers(h, &mut p);
        let mut skus: HashSet<String> = h.series().iter().map(|s| s.sku.clone()).collect();
        skus.extend(products.iter().map(|(_, v)| v.sku.clone()));
        skus.extend(events.iter().map(|(_, e)| e.sku.clone()));
        master::check_known(
            "inventory.csv",
            "sku",
            inventory.iter().map(|(n, v)| (*n, v.sku.clone())),
            &skus,
            "the demand history, products.csv or events.csv",
            &mut p,
        );
        // Not against a materials.csv that could not be read as a table: its error is enough.
        let materials_known = listed.is_some() || !present.contains("materials.csv");
        if !unreadable.contains("materials.csv") && materials_known {
            let mut known = skus;
            known.extend(listed.iter().flatten().cloned());
            master::check_known(
                "open_orders.csv",
                "item",
                open_orders.iter().map(|(n, v)| (*n, v.item.clone())),
                &known,
                "materials.csv or a sku of the plan",
                &mut p,
            );
        }
    }
    let bom = match Bom::new(bom_lines.iter().map(|(_, b)| b.clone()).collect()) {
        Ok(b) => b,
        Err(BomError::Cycle { path: cycle }) => {
            let n = cycle.len();
            let line = bom_lines
                .iter()
                .find(|(_, b): &&(usize, BomLine)| {
                    n >= 2 && b.parent == cycle[n - 2] && b.material == cycle[n - 1]
                })
                .map_or(0, |(l, _)| *l);
            p.error(LoadError::cell(
                "bom.csv",
                line,
                "material",
                format!("the bill of materials has a cycle: {}", cycle.join(" -> ")),
            ));
            Bom::new(Vec::new()).expect("an empty BOM has no cycle")
        }
        Err(e) => {
            p.error(LoadError::file("bom.csv", e.to_string()));
            Bom::new(Vec::new()).expect("an empty BOM has no cycle")
        }
    };
    if !p.errors.is_empty() {
        return (None, p);
    }
    let (Some(history), Some(settings)) = (history, settings) else {
        return (None, p);
    };
    if let Err(e) = settings.check_start(&history) {
        let line = plan_file::field_line(&path("planner.toml"), e.field);
        p.error(LoadError::at(
            "planner.toml",
            line,
            format!("{}: {}", e.field, e.reason),
        ));
        return (None, p);
    }
    // A start pinned after the month that follows the history: the months between are forecast
    // (the forecast bridges them) but not planned, which the run says.
    if let (Some(start), Some(last)) = (settings.start, history.last_month()) {
        let gap = last.months_until(start) - 1;
        if gap > 0 {
            p.warn(format!(
                "planner.toml: start = {start} leaves {gap} month{} after the history's last \
                 ({last}) unplanned: they are forecast to reach {start}, and nothing is planned \
                 for them",
                if gap == 1 { "" } else { "s" }
            ));
        }
    }
    let folder = Folder {
        dir: dir.to_path_buf(),
        input: PlanInput {
            history,
            products: product_list,
            lines: lines.into_iter().map(|(_, v)| v).collect(),
            routings: routings.into_iter().map(|(_, v)| v).collect(),
            calendar: Calendar::new(calendar.into_iter().map(|(_, v)| v).collect()),
            bom,
            materials: materials.into_iter().map(|(_, v)| v).collect(),
            tiers: tiers.into_iter().map(|(_, v)| v).collect(),
            cost_breakdown: cost_breakdown.into_iter().map(|(_, v)| v).collect(),
            indices: indices.into_iter().map(|(_, v)| v).collect(),
            events: events.into_iter().map(|(_, v)| v).collect(),
            inventory: inventory.into_iter().map(|(_, v)| v).collect(),
            open_orders: open_orders.into_iter().map(|(_, v)| v).collect(),
            // Set by `planner plan` from its overrides workbook and the archive.
            overrides: Vec::new(),
            published: None,
            settings,
            demand: None,
        },
        present,
        inputs,
        files,
    };
    (Some(folder), p)
}

/// Loads a folder for a command: warnings go to stderr, the first error fails the run.
pub fn folder_or_first_error(dir: &Path) -> anyhow::Result<Folder> {
    folder_or_first_error_needing(dir, true)
}

/// [`folder_or_first_error`] for a command given `--demand FILE`: demand.csv may be absent.
pub fn folder_or_first_error_needing(dir: &Path, history_needed: bool) -> anyhow::Result<Folder> {
    let (folder, mut problems) = folder_needing(dir, history_needed);
    problems.doubts_as_warning();
    print_warnings(&problems);
    match (folder, problems.errors.into_iter().next()) {
        (_, Some(e)) => Err(e.into()),
        (Some(f), None) => Ok(f),
        (None, None) => anyhow::bail!("{}: could not be loaded", dir.display()),
    }
}

/// Reads a demand history file on its own (`planner forecast --history FILE`).
pub fn history_file(path: &Path) -> anyhow::Result<DemandHistory> {
    let name = file_name(path);
    let mut p = Problems::default();
    let h = demand::history(path, &name, &mut p);
    print_warnings(&p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    h.ok_or_else(|| anyhow::anyhow!("{name}: could not be loaded"))
}

/// Reads an events file on its own (`planner forecast --events FILE`), its `family:NAME` rows
/// made one per sku of `products` (none given: a family row is an error).
pub fn events_file(
    path: &Path,
    products: &[planner_core::demand::Product],
    history: &DemandHistory,
) -> anyhow::Result<Vec<Event>> {
    let mut p = Problems::default();
    let events = master::events(path, &mut p);
    let events = master::expand_events(events, Some(products), Some(history), &mut p);
    print_warnings(&p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    Ok(events.into_iter().map(|(_, e)| e).collect())
}

/// Reads `products.csv` on its own (the families of `planner forecast --data DIR`'s events).
pub fn products_file(path: &Path) -> anyhow::Result<Vec<planner_core::demand::Product>> {
    let mut p = Problems::default();
    let products = master::products(path, &mut p);
    print_warnings(&p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    Ok(products.into_iter().map(|(_, v)| v).collect())
}

/// Reads `planner.toml` on its own.
pub fn settings_file(path: &Path) -> anyhow::Result<Settings> {
    let mut p = Problems::default();
    let s = plan_file::settings(path, &mut p);
    if let Some(e) = p.errors.into_iter().next() {
        return Err(e.into());
    }
    s.ok_or_else(|| anyhow::anyhow!("{}: could not be loaded", path.display()))
}

/// The 1-based line of byte offset `at` in `text` (the last line for an offset past the end).
pub fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The name of a file as messages show it.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[allow(clippy::print_stderr)]
fn print_warnings(p: &Problems) {
    for w in &p.warnings {
        eprintln!("warning: {w}");
    }
}
