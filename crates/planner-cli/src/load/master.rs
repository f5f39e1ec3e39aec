//! Loaders of the small master files, read with csv.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use planner_core::capacity::{CalendarEntry, Line, RoutingStep};
use planner_core::demand::{DemandHistory, Product};
use planner_core::events::{Event, EventKind};
use planner_core::materials::{BomLine, Material};
use planner_core::pricing::{Basis, PriceTier, Scheme};
use planner_core::time::{Date, Month};

use super::error::{quote, shorten, LoadError, Problems};
use super::table::{Row, Table};

/// Reads a table and turns each row into a `T`, collecting every problem.
fn rows<T>(
    path: &Path,
    name: &str,
    required: &[&str],
    optional: &[&str],
    problems: &mut Problems,
    each: impl FnMut(&Row<'_>) -> Result<T, LoadError>,
) -> Vec<(usize, T)> {
    read_rows(path, name, required, optional, problems, each).unwrap_or_default()
}

/// [`rows`], `None` when the file could not be read as a table at all.
fn read_rows<T>(
    path: &Path,
    name: &str,
    required: &[&str],
    optional: &[&str],
    problems: &mut Problems,
    mut each: impl FnMut(&Row<'_>) -> Result<T, LoadError>,
) -> Option<Vec<(usize, T)>> {
    let table = match Table::read(path, name, required, optional, problems) {
        Ok(t) => t,
        Err(e) => {
            problems.error(e);
            return None;
        }
    };
    let mut out = Vec::new();
    for row in table.rows() {
        match each(&row) {
            Ok(v) => out.push((row.line, v)),
            Err(e) => problems.error(e),
        }
    }
    Some(out)
}

/// Reports a second row with the same key.
fn no_duplicates<T>(
    name: &str,
    column: &str,
    items: &[(usize, T)],
    key: impl Fn(&T) -> String,
    problems: &mut Problems,
) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, item) in items {
        let k = key(item);
        if let Some(first) = seen.get(&k) {
            problems.error(LoadError::cell(
                name,
                *line,
                column,
                format!("{} is already defined on line {first}", quote(&k)),
            ));
        } else {
            seen.insert(k, *line);
        }
    }
}

/// `products.csv`.
pub fn products(path: &Path, problems: &mut Problems) -> Vec<(usize, Product)> {
    let name = "products.csv";
    let items = rows(
        path,
        name,
        &["sku", "family"],
        &["name", "unit"],
        problems,
        |r| {
            Product::new(
                &r.code("sku")?,
                &r.code("family")?,
                r.opt_text("name"),
                r.opt_text("unit"),
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(name, "sku", &items, |p| p.sku.clone(), problems);
    items
}

/// `lines.csv`.
pub fn lines(path: &Path, problems: &mut Problems) -> Vec<(usize, Line)> {
    let name = "lines.csv";
    let items = rows(
        path,
        name,
        &[
            "line",
            "shifts_per_day",
            "hours_per_shift",
            "days_per_week",
            "oee",
        ],
        &["operators_per_shift"],
        problems,
        |r| {
            Line::new(
                &r.code("line")?,
                r.number("shifts_per_day")?,
                r.number("hours_per_shift")?,
                r.number("days_per_week")?,
                r.number("oee")?,
                r.opt_number("operators_per_shift")?,
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(name, "line", &items, |l| l.line.clone(), problems);
    items
}

/// `routings.csv`.
pub fn routings(path: &Path, problems: &mut Problems) -> Vec<(usize, RoutingStep)> {
    let name = "routings.csv";
    let items = rows(
        path,
        name,
        &["sku", "line", "station", "cycle_seconds"],
        &["operators"],
        problems,
        |r| {
            RoutingStep::new(
                &r.code("sku")?,
                &r.code("line")?,
                &r.code("station")?,
                r.number("cycle_seconds")?,
                r.opt_number("operators")?,
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "station",
        &items,
        |s| format!("{} at {}", s.sku, s.station),
        problems,
    );
    // A sku is built on one line.
    let mut line_of: HashMap<&str, (&str, usize)> = HashMap::new();
    for (line, step) in &items {
        match line_of.get(step.sku.as_str()) {
            Some((other, first)) if *other != step.line => problems.error(LoadError::cell(
                name,
                *line,
                "line",
                format!(
                    "sku {} is routed on line {other:?} on line {first}; a sku is built on one line",
                    step.sku
                ),
            )),
            Some(_) => {}
            None => {
                line_of.insert(&step.sku, (&step.line, *line));
            }
        }
    }
    items
}

/// `calendar.csv`: one row per line and date.
pub fn calendar(path: &Path, problems: &mut Problems) -> Vec<(usize, CalendarEntry)> {
    let name = "calendar.csv";
    let items = rows(
        path,
        name,
        &["line", "date", "hours"],
        &["reason"],
        problems,
        |r| {
            CalendarEntry::new(
                &r.code("line")?,
                r.parsed::<Date>("date")?,
                r.number("hours")?,
                r.opt_text("reason"),
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "date",
        &items,
        |c| format!("{} on {}", c.line.as_deref().unwrap_or("*"), c.date),
        problems,
    );
    items
}

/// `bom.csv`: one row per sku (or sub-assembly) and material.
pub fn bom(path: &Path, problems: &mut Problems) -> Vec<(usize, BomLine)> {
    let name = "bom.csv";
    let items = rows(
        path,
        name,
        &["sku", "material", "qty_per"],
        &[],
        problems,
        |r| {
            BomLine::new(&r.code("sku")?, &r.code("material")?, r.number("qty_per")?)
                .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "material",
        &items,
        |b| format!("{} in {}", b.material, b.parent),
        problems,
    );
    items
}

/// `materials.csv`: the materials, and every name the file lists (those of bad rows too, so
/// that a BOM can be checked against them); `None` when the file could not be read as a table.
pub fn materials(
    path: &Path,
    problems: &mut Problems,
) -> (Vec<(usize, Material)>, Option<HashSet<String>>) {
    let name = "materials.csv";
    let mut listed = HashSet::new();
    let items = read_rows(
        path,
        name,
        &[
            "material",
            "lead_time_days",
            "moq",
            "order_multiple",
            "unit_cost",
            "on_hand",
        ],
        &[
            "on_order",
            "on_order_month",
            "safety_stock",
            "lead_time_sd_days",
        ],
        problems,
        |r| {
            if let Some(m) = r.opt_text("material") {
                listed.insert(m);
            }
            let m = Material::new(
                &r.code("material")?,
                r.number("lead_time_days")?,
                r.number("moq")?,
                r.number("order_multiple")?,
                r.number("unit_cost")?,
                r.number("on_hand")?,
            )
            .map_err(|e| r.field_error(e))?;
            let on_order = r.opt_number("on_order")?.unwrap_or(0.0);
            let month = r.opt_parsed::<Month>("on_order_month")?;
            let mut m = m
                .with_on_order(on_order, month)
                .map_err(|e| r.field_error(e))?;
            if let Some(ss) = r.opt_number("safety_stock")? {
                m = m.with_safety_stock(ss).map_err(|e| r.field_error(e))?;
            }
            if let Some(sd) = r.opt_number("lead_time_sd_days")? {
                m = m.with_lead_time_sd(sd).map_err(|e| r.field_error(e))?;
            }
            Ok(m)
        },
    );
    let Some(items) = items else {
        return (Vec::new(), None);
    };
    no_duplicates(name, "material", &items, |m| m.material.clone(), problems);
    (items, Some(listed))
}

/// `price_tiers.csv`.
pub fn price_tiers(path: &Path, problems: &mut Problems) -> Vec<(usize, PriceTier)> {
    let name = "price_tiers.csv";
    let items = rows(
        path,
        name,
        &["sku", "min_qty", "unit_price"],
        &["basis", "currency", "scheme"],
        problems,
        |r| {
            let basis = r.opt_parsed::<Basis>("basis")?.unwrap_or_default();
            let mut tier = PriceTier::new(
                &r.code("sku")?,
                r.number("min_qty")?,
                r.number("unit_price")?,
                basis,
                r.opt_text("currency"),
            )
            .map_err(|e| r.field_error(e))?;
            tier.scheme = r.opt_parsed::<Scheme>("scheme")?.unwrap_or_default();
            Ok(tier)
        },
    );
    no_duplicates(
        name,
        "min_qty",
        &items,
        |t| format!("{} from {}", t.sku, t.min_qty),
        problems,
    );
    // One sku, one basis and one currency.
    let mut first: HashMap<&str, &PriceTier> = HashMap::new();
    for (line, t) in &items {
        if let Some(f) = first.get(t.sku.as_str()) {
            if f.basis != t.basis {
                problems.error(LoadError::cell(
                    name,
                    *line,
                    "basis",
                    format!("sku {} mixes {} and {} tiers", t.sku, f.basis, t.basis),
                ));
            }
            if f.currency != t.currency {
                problems.error(LoadError::cell(
                    name,
                    *line,
                    "currency",
                    format!("sku {} mixes currencies", t.sku),
                ));
            }
        } else {
            first.insert(&t.sku, t);
        }
    }
    // Volume tiers: a larger quantity never costs more a unit (checked here with the line, not
    // only when pricing runs).
    let mut by_sku: HashMap<&str, Vec<(f64, f64, usize)>> = HashMap::new();
    for (line, t) in &items {
        by_sku
            .entry(t.sku.as_str())
            .or_default()
            .push((t.min_qty, t.unit_price, *line));
    }
    let mut rising: Vec<LoadError> = Vec::new();
    for (sku, mut tiers) in by_sku {
        tiers.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in tiers.windows(2) {
            let ((q0, p0, _), (q1, p1, line)) = (w[0], w[1]);
            if p1 > p0 {
                rising.push(LoadError::cell(
                    name,
                    line,
                    "unit_price",
                    format!(
                        "{p1} at min_qty {q1} is more than {p0} at min_qty {q0} for sku {sku}: \
                         prices must not rise with volume"
                    ),
                ));
            }
        }
    }
    rising.sort_by_key(|e| e.line);
    for e in rising {
        problems.error(e);
    }
    items
}

/// `events.csv`: one row per sku, month and kind.
pub fn events(path: &Path, problems: &mut Problems) -> Vec<(usize, Event)> {
    let name = "events.csv";
    let items = rows(
        path,
        name,
        &["sku", "month", "kind", "value"],
        &["note"],
        problems,
        |r| {
            Event::new(
                &r.code("sku")?,
                r.parsed::<Month>("month")?,
                r.parsed::<EventKind>("kind")?,
                r.number("value")?,
                r.opt_text("note"),
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "kind",
        &items,
        |e| format!("{} {} for {}", e.kind, e.month, e.sku),
        problems,
    );
    items
}

/// Events naming a sku that has no history and no `launch` event: they would be ignored.
/// Doubts: errors for `planner validate`, one warning that counts them for the other commands.
pub fn check_event_skus(
    events: &[(usize, Event)],
    history: &DemandHistory,
    problems: &mut Problems,
) {
    let launched: HashSet<&str> = events
        .iter()
        .filter(|(_, e)| e.kind == EventKind::Launch)
        .map(|(_, e)| e.sku.as_str())
        .collect();
    let mut skus: Vec<&str> = Vec::new();
    let mut count = 0;
    for (line, e) in events {
        if history.get(&e.sku).is_some() || launched.contains(e.sku.as_str()) {
            continue;
        }
        count += 1;
        if !skus.contains(&e.sku.as_str()) {
            skus.push(&e.sku);
        }
        problems.doubt(LoadError::cell(
            "events.csv",
            *line,
            "sku",
            format!(
                "{} has no history in demand.csv and no launch event: the {} event would be ignored",
                quote(&e.sku),
                e.kind
            ),
        ));
    }
    if count > 0 {
        const SHOWN: usize = 10;
        let mut names: Vec<String> = skus.iter().take(SHOWN).map(|s| shorten(s)).collect();
        if skus.len() > SHOWN {
            names.push(format!("and {} more", skus.len() - SHOWN));
        }
        let what = if count == 1 {
            "1 event names a sku".to_string()
        } else {
            format!("{count} events name skus")
        };
        problems.doubts_warning = Some(format!(
            "events.csv: {what} with no history and no launch; ignored: {}",
            names.join(", ")
        ));
    }
}

/// Names present in `known`, reported at their line when not.
pub fn check_known(
    file: &str,
    column: &str,
    items: impl IntoIterator<Item = (usize, String)>,
    known: &HashSet<String>,
    known_file: &str,
    problems: &mut Problems,
) {
    for (line, key) in items {
        if !known.contains(&key) {
            problems.error(LoadError::cell(
                file,
                line,
                column,
                format!("{} is not in {known_file}", quote(&key)),
            ));
        }
    }
}

/// `cost_breakdown.csv`: what a sku's unit price is made of, and which index each part follows.
pub fn cost_breakdown(
    path: &Path,
    problems: &mut Problems,
) -> Vec<(usize, planner_core::pricing::CostComponent)> {
    let name = "cost_breakdown.csv";
    let items = rows(
        path,
        name,
        &["sku", "component", "amount"],
        &["index"],
        problems,
        |r| {
            planner_core::pricing::CostComponent::new(
                &r.code("sku")?,
                &r.code("component")?,
                r.number("amount")?,
                r.opt_code("index")?.as_deref(),
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "component",
        &items,
        |c| format!("{} of {}", c.component, c.sku),
        problems,
    );
    items
}

/// `indices.csv`: monthly values of price indices (resin, stainless steel...).
pub fn indices(
    path: &Path,
    problems: &mut Problems,
) -> Vec<(usize, planner_core::pricing::IndexPoint)> {
    let name = "indices.csv";
    let items = rows(
        path,
        name,
        &["index", "month", "value"],
        &[],
        problems,
        |r| {
            planner_core::pricing::IndexPoint::new(
                &r.code("index")?,
                r.parsed::<Month>("month")?,
                r.number("value")?,
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(
        name,
        "month",
        &items,
        |i| format!("{} in {}", i.index, i.month),
        problems,
    );
    items
}

/// `changes.csv`: changes to the published forecast that the contract manufacturer agreed to.
/// A sku not in `skus`, or a month outside `fenced` (the months a fence covers), is an error
/// naming its line: such a change needs no agreement, or names nothing.
pub fn changes(
    path: &Path,
    skus: &HashSet<&str>,
    fenced: &[Month],
    problems: &mut Problems,
) -> Vec<(usize, planner_core::review::AgreedChange)> {
    let name = "changes.csv";
    let items = rows(
        path,
        name,
        &["sku", "month", "quantity"],
        &["note"],
        problems,
        |r| {
            let sku = r.text("sku")?;
            let month = r.parsed::<Month>("month")?;
            let quantity = r.number("quantity")?;
            if quantity < 0.0 {
                return Err(r.error(
                    "quantity",
                    format!("{quantity} is not a non-negative number"),
                ));
            }
            if !skus.contains(sku.as_str()) {
                return Err(r.error("sku", format!("{sku:?} is not a sku of this plan")));
            }
            if !fenced.contains(&month) {
                let span = match (fenced.first(), fenced.last()) {
                    (Some(a), Some(b)) => format!("{a} to {b}"),
                    _ => "none: planner.toml has no [[fences]]".to_string(),
                };
                return Err(r.error(
                    "month",
                    format!(
                        "{month} is outside the time fences of this plan (fenced months: {span}): \
                         a change there needs no agreement; edit the forecast or events instead"
                    ),
                ));
            }
            Ok(planner_core::review::AgreedChange {
                sku,
                month,
                quantity,
                note: r.opt_text("note"),
            })
        },
    );
    no_duplicates(
        name,
        "month",
        &items,
        |c| format!("{} in {}", c.sku, c.month),
        problems,
    );
    items
}
