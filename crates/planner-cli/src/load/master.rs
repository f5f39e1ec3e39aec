//! Loaders of the small master files, read with csv.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use planner_core::capacity::{CalendarEntry, Line, LineSpec, RoutingStep};
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
                LineSpec {
                    shifts_per_day: r.number("shifts_per_day")?,
                    hours_per_shift: r.number("hours_per_shift")?,
                    days_per_week: r.number("days_per_week")?,
                    oee: r.number("oee")?,
                    operators_per_shift: r.opt_number("operators_per_shift")?,
                },
            )
            .map_err(|e| r.field_error(e))
        },
    );
    no_duplicates(name, "line", &items, |l| l.line.clone(), problems);
    // A line of no hours is closed but for calendar.csv's days: say so, it is rarely meant.
    for (n, l) in &items {
        if l.shifts_per_day * l.hours_per_shift == 0.0 {
            let field = if l.shifts_per_day == 0.0 {
                "shifts_per_day"
            } else {
                "hours_per_shift"
            };
            problems.warn(format!(
                "{name}:{n}: line {} has {field} = 0: it has no hours but the days calendar.csv \
                 gives it, so what is routed on it is over capacity in every month without such a day",
                l.line
            ));
        }
    }
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

/// `events.csv`: one row per sku (or `family:NAME`), month (or range of months
/// `2027-01..2027-03`) and kind, as written; [`expand_events`] makes them one per sku.
pub fn events(path: &Path, problems: &mut Problems) -> Vec<(usize, Event)> {
    let name = "events.csv";
    rows(
        path,
        name,
        &["sku", "month", "kind", "value"],
        &["note"],
        problems,
        |r| {
            let kind = r.parsed::<EventKind>("kind")?;
            let value = if kind == EventKind::Discontinue {
                match r.opt_number("value")?.filter(|v| *v != 0.0) {
                    None => 0.0,
                    Some(v) => {
                        return Err(r.error(
                            "value",
                            format!(
                                "{v}: a discontinue takes no value (its forecast is 0 from its month on): leave it empty or 0"
                            ),
                        ))
                    }
                }
            } else {
                r.number("value")?
            };
            let text = r.text("month")?;
            let (from, to) = match text.split_once("..") {
                Some((a, b)) => {
                    let month = |s: &str| {
                        s.trim().parse::<Month>().map_err(|e| {
                            r.error(
                                "month",
                                format!(
                                    "{}: {e} (a range is written YYYY-MM..YYYY-MM)",
                                    quote(&text)
                                ),
                            )
                        })
                    };
                    (month(a)?, Some(month(b)?))
                }
                None => (r.parsed::<Month>("month")?, None),
            };
            let e = Event::new(&r.code("sku")?, from, kind, value, r.opt_text("note"))
                .map_err(|e| r.field_error(e))?;
            match to {
                Some(to) => e.through(to).map_err(|e| r.field_error(e)),
                None => Ok(e),
            }
        },
    )
}

/// The events of `events.csv` one per sku: each `family:NAME` row becomes a row for every sku of
/// that family in `products` that has history or a launch (`products` `None`: products.csv did
/// not load, its errors are reported; family rows are then left as they are). An unknown family
/// is an error at its line. Two rows of one kind for the same sku and month (a range, a family
/// and a sku row overlapping) are an error naming both lines.
pub fn expand_events(
    events: Vec<(usize, Event)>,
    products: Option<&[Product]>,
    history: Option<&DemandHistory>,
    problems: &mut Problems,
) -> Vec<(usize, Event)> {
    let name = "events.csv";
    let launched: HashSet<String> = events
        .iter()
        .filter(|(_, e)| e.kind == EventKind::Launch && e.family().is_none())
        .map(|(_, e)| e.sku.clone())
        .collect();
    let planned = |s: &str| history.is_none_or(|h| h.get(s).is_some()) || launched.contains(s);
    let mut out = Vec::with_capacity(events.len());
    for (line, e) in events {
        match (e.family(), products) {
            (Some(_), Some(products)) => {
                match planner_core::events::expand_family(&e, products, &planned) {
                    Ok(list) => out.extend(list.into_iter().map(|x| (line, x))),
                    Err(err) => problems.error(LoadError::cell(name, line, err.field, err.reason)),
                }
            }
            _ => out.push((line, e)),
        }
    }
    let mut seen: HashMap<(String, Month, EventKind), usize> = HashMap::new();
    let mut reported: HashSet<usize> = HashSet::new();
    for (line, e) in &out {
        for month in e.months() {
            match seen.get(&(e.sku.clone(), month, e.kind)) {
                Some(first) if first != line => {
                    if reported.insert(*line) {
                        problems.error(LoadError::cell(
                            name,
                            *line,
                            "kind",
                            format!(
                                "{} is already defined on line {first}",
                                quote(&format!("{} {month} for {}", e.kind, e.sku))
                            ),
                        ));
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert((e.sku.clone(), month, e.kind), *line);
                }
            }
        }
    }
    out
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
        // A family row left whole (products.csv had errors, reported) names no sku.
        if e.family().is_some()
            || history.get(&e.sku).is_some()
            || launched.contains(e.sku.as_str())
        {
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

/// Rows of `file` whose `column` names a sku nothing plans (`planned`: the skus of the demand
/// history, the launches and products.csv): ignored by the plan, and said in one warning that
/// counts them and names the first (a typo in a code, or a sku long gone).
pub fn warn_unplanned(
    file: &str,
    column: &str,
    items: impl IntoIterator<Item = (usize, String)>,
    planned: &HashSet<String>,
    problems: &mut Problems,
) {
    let mut rows = 0;
    // Each key nothing plans, with the first line naming it.
    let mut keys: Vec<(String, usize)> = Vec::new();
    for (line, key) in items {
        if planned.contains(&key) {
            continue;
        }
        rows += 1;
        if !keys.iter().any(|(k, _)| *k == key) {
            keys.push((key, line));
        }
    }
    if rows == 0 {
        return;
    }
    let mut named: Vec<String> = keys
        .iter()
        .take(SHOWN_KEYS)
        .map(|(k, line)| format!("{} (line {line})", quote(k)))
        .collect();
    if keys.len() > SHOWN_KEYS {
        named.push(format!("and {} more", keys.len() - SHOWN_KEYS));
    }
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    problems.warn(format!(
        "{file}: {} of {} with no demand history, launch or product, ignored: {}",
        plural(rows, "row", "rows"),
        plural(keys.len(), column, &format!("{column}s")),
        named.join(", ")
    ));
}

/// Skus of the demand history that differ from another only in letter case (`BTL-1` and
/// `btl-1`): kept apart as two skus, and said in one warning.
pub fn warn_case_twins(skus: &[&str], problems: &mut Problems) {
    let mut by_folded: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for s in skus {
        by_folded.entry(s.to_lowercase()).or_default().push(s);
    }
    let twins: Vec<String> = by_folded
        .values()
        .filter(|v| v.len() > 1)
        .map(|v| v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(" and "))
        .collect();
    if twins.is_empty() {
        return;
    }
    let mut shown: Vec<String> = twins.iter().take(SHOWN_KEYS).cloned().collect();
    if twins.len() > SHOWN_KEYS {
        shown.push(format!("and {} more", twins.len() - SHOWN_KEYS));
    }
    problems.warn(format!(
        "demand.csv: {} set{} of skus differ only in letter case and are planned apart: {}",
        twins.len(),
        if twins.len() == 1 { "" } else { "s" },
        shown.join("; ")
    ));
}

/// Skus of the demand history without a routing, when the folder has routings: no capacity
/// figures for them (said in one warning, so that a typo in routings.csv is seen).
pub fn warn_unrouted(
    history: &DemandHistory,
    routings: &[(usize, planner_core::capacity::RoutingStep)],
    problems: &mut Problems,
) {
    if routings.is_empty() {
        return;
    }
    let routed: HashSet<&str> = routings.iter().map(|(_, r)| r.sku.as_str()).collect();
    let unrouted: Vec<&str> = history
        .series()
        .iter()
        .map(|s| s.sku.as_str())
        .filter(|s| !routed.contains(s))
        .collect();
    if unrouted.is_empty() {
        return;
    }
    let mut shown: Vec<String> = unrouted.iter().take(SHOWN_KEYS).map(|s| quote(s)).collect();
    if unrouted.len() > SHOWN_KEYS {
        shown.push(format!("and {} more", unrouted.len() - SHOWN_KEYS));
    }
    problems.warn(format!(
        "routings.csv: {} sku{} of the demand history {} no routing, so no line hours are \
         planned for {}: {}",
        unrouted.len(),
        if unrouted.len() == 1 { "" } else { "s" },
        if unrouted.len() == 1 { "has" } else { "have" },
        if unrouted.len() == 1 { "it" } else { "them" },
        shown.join(", ")
    ));
}

/// Months of history far above their sku's usual demand ([`planner_core::quality::outliers`]):
/// planned as given, and said in one warning that names the first.
pub fn warn_outliers(history: &DemandHistory, problems: &mut Problems) {
    let found = planner_core::quality::outliers(history);
    if found.is_empty() {
        return;
    }
    let mut named: Vec<String> = found
        .iter()
        .take(SHOWN_KEYS)
        .map(|o| {
            format!(
                "{} {} {:.0} (median {:.0})",
                quote(&o.sku),
                o.month,
                o.quantity,
                o.median
            )
        })
        .collect();
    if found.len() > SHOWN_KEYS {
        named.push(format!("and {} more", found.len() - SHOWN_KEYS));
    }
    problems.warn(format!(
        "demand.csv: {} month{} of history far above {} sku's usual demand (over 5 times the \
         median and 3 times the largest usual month), planned as given: a typo? correct it, or \
         explain it with an event: {}",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if found.len() == 1 { "its" } else { "their" },
        named.join(", ")
    ));
}

/// `launch` events of skus that have a history: the launch's units replace the sku's forecast
/// from its month on (a relaunch, or an event meant for a new sku). Said in one warning.
pub fn warn_launch_over_history(
    events: &[(usize, Event)],
    history: &DemandHistory,
    problems: &mut Problems,
) {
    let relaunched: Vec<String> = events
        .iter()
        .filter(|(_, e)| e.kind == EventKind::Launch)
        .filter_map(|(line, e)| {
            let h = history.get(&e.sku)?;
            let months = h.quantities.iter().filter(|q| **q > 0.0).count();
            (months > 0).then(|| {
                format!(
                    "{} from {} (line {line}; {months} months of demand in the history)",
                    quote(&e.sku),
                    e.month
                )
            })
        })
        .collect();
    if relaunched.is_empty() {
        return;
    }
    let n = relaunched.len();
    let mut named: Vec<String> = relaunched.into_iter().take(SHOWN_KEYS).collect();
    if n > SHOWN_KEYS {
        named.push(format!("and {} more", n - SHOWN_KEYS));
    }
    problems.warn(format!(
        "events.csv: {n} launch{} of a sku with history: the launch's units replace its \
         forecast from that month (for a new sku, give it a new code): {}",
        if n == 1 { "" } else { "es" },
        named.join(", ")
    ));
}

/// How many keys a warning names before "and N more".
const SHOWN_KEYS: usize = 5;

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

/// `inventory.csv`: finished goods on hand per sku at the start of the first planned month.
pub fn inventory(
    path: &Path,
    problems: &mut Problems,
) -> Vec<(usize, planner_core::stock::OnHand)> {
    let name = "inventory.csv";
    let items = rows(path, name, &["sku", "on_hand"], &[], problems, |r| {
        let on_hand = r.number("on_hand")?;
        if on_hand < 0.0 {
            return Err(r.error("on_hand", format!("{on_hand} is not a non-negative number")));
        }
        Ok(planner_core::stock::OnHand {
            sku: r.code("sku")?,
            on_hand,
        })
    });
    no_duplicates(name, "sku", &items, |s| s.sku.clone(), problems);
    items
}

/// `open_orders.csv`: open purchase orders of materials and production orders of skus, several
/// per item, each due in a month (`due_month`) or on a date (`due_date`, its month).
pub fn open_orders(
    path: &Path,
    problems: &mut Problems,
) -> Vec<(usize, planner_core::stock::OpenOrder)> {
    let name = "open_orders.csv";
    let Some(table) = (match Table::read(
        path,
        name,
        &["item", "quantity"],
        &["due_month", "due_date", "po"],
        problems,
    ) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.error(e);
            None
        }
    }) else {
        return Vec::new();
    };
    if !table.has("due_month") && !table.has("due_date") {
        problems.error(LoadError::line(
            name,
            1,
            "missing column due_month or due_date: each order needs the month it is due",
        ));
        return Vec::new();
    }
    let mut items = Vec::new();
    for r in table.rows() {
        let order = (|| {
            let quantity = r.number("quantity")?;
            if quantity < 0.0 {
                return Err(r.error(
                    "quantity",
                    format!("{quantity} is not a non-negative number"),
                ));
            }
            let month = r.opt_parsed::<Month>("due_month")?;
            let date = r.opt_parsed::<planner_core::time::Date>("due_date")?;
            let due = match (month, date) {
                (Some(m), Some(d)) if d.month() != m => {
                    return Err(r.error(
                        "due_date",
                        format!("{d} is not in due_month {m}: give one of the two"),
                    ))
                }
                (Some(m), _) => m,
                (None, Some(d)) => d.month(),
                (None, None) => {
                    let column = if table.has("due_month") {
                        "due_month"
                    } else {
                        "due_date"
                    };
                    return Err(r.error(column, "is empty: expected the month the order is due"));
                }
            };
            Ok(planner_core::stock::OpenOrder {
                item: r.code("item")?,
                quantity,
                due,
                po: r.opt_code("po")?,
            })
        })();
        match order {
            Ok(o) => items.push((r.line, o)),
            Err(e) => problems.error(e),
        }
    }
    // An order number names one order of an item: the same twice is a duplicate.
    let numbered: Vec<(usize, (String, String))> = items
        .iter()
        .filter_map(|(l, o)| o.po.clone().map(|po| (*l, (o.item.clone(), po))))
        .collect();
    no_duplicates(
        name,
        "po",
        &numbered,
        |(item, po)| format!("{item} / {po}"),
        problems,
    );
    items
}
