//! The core's ranked findings ([`planner_core::findings`]) drawn three ways, from one condensed
//! list (the first [`PER_KIND`] of each kind, then a line per kind for the rest): the terminal
//! summary's lines ([`terminal`]), the report's "Needs a decision" section ([`html`]) and the
//! `attention` sheet of plan.xlsx ([`table`]).

use std::fmt::Write as _;

use planner_core::findings::{Condensed, Finding, FindingKind, Findings, Omitted, Severity};

use super::pages::html::escape;
use super::tables::{Cell, Table};
use super::thousands;

/// Findings of each kind shown, in the terminal, the report and the workbook alike.
pub const PER_KIND: usize = 5;

/// The output file that lists every record behind a kind of finding, when there is one.
pub fn listed_in(kind: FindingKind) -> Option<&'static str> {
    Some(match kind {
        FindingKind::FenceBreak => "review_fences.csv",
        FindingKind::FenceHold | FindingKind::AgreedChange => "fence_holds.csv",
        FindingKind::NoValueAdded | FindingKind::BiasAlarm => "review_accuracy.csv",
        FindingKind::AccuracyMiss => "review_errors.csv",
        FindingKind::Change => "review_changes.csv",
        FindingKind::Overload | FindingKind::AtRisk => "capacity.csv",
        FindingKind::Unmet => "build_plan.csv",
        FindingKind::CapacityAction | FindingKind::IdleCapacity => "recommendations.csv",
        FindingKind::Expedite | FindingKind::SafetyStockTopUp => "past_due.csv",
        FindingKind::PreBuy => "prebuy.csv",
        FindingKind::TierWithinReach | FindingKind::TierStraddle => "pricing.csv",
        _ => return None,
    })
}

/// One line of the condensed list: a finding, or the rest of a kind.
enum Entry<'a> {
    Shown(&'a Finding),
    More(&'a Omitted),
}

impl Entry<'_> {
    fn severity(&self) -> Severity {
        match self {
            Entry::Shown(f) => f.severity,
            Entry::More(o) => o.severity,
        }
    }
    fn kind(&self) -> FindingKind {
        match self {
            Entry::Shown(f) => f.kind,
            Entry::More(o) => o.kind,
        }
    }
    /// The sentence: the finding's message, or `and 30 more past-due releases, worth 138914
    /// (past_due.csv)`.
    fn text(&self) -> String {
        match self {
            Entry::Shown(f) => f.message.clone(),
            Entry::More(o) => match listed_in(o.kind) {
                Some(file) => format!("{} ({file})", o.message()),
                None => o.message(),
            },
        }
    }
    fn value(&self) -> (Option<f64>, Option<&str>, Option<f64>) {
        match self {
            Entry::Shown(f) => (f.value, f.currency.as_deref(), f.units),
            Entry::More(o) => (o.value, o.currency.as_deref(), o.units),
        }
    }
    /// The value at stake in words: `12,345 EUR`, `476 units`, or empty.
    fn stake(&self) -> String {
        match self.value() {
            (Some(v), c, _) => format!("{} {}", thousands(v), c.unwrap_or(""))
                .trim_end()
                .to_string(),
            (None, _, Some(u)) => format!("{} units", thousands(u)),
            (None, _, None) => String::new(),
        }
    }
}

/// The condensed list in order: per severity its findings, ranked, then the rest per kind.
fn entries<'a>(c: &'a Condensed<'a>) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    for s in [Severity::Act, Severity::Decide, Severity::Note] {
        out.extend(
            c.shown
                .iter()
                .filter(|f| f.severity == s)
                .map(|f| Entry::Shown(f)),
        );
        out.extend(
            c.omitted
                .iter()
                .filter(|o| o.severity == s)
                .map(Entry::More),
        );
    }
    out
}

/// `3 to act on now, 25 to decide, 12 to note`.
pub fn counts(findings: &Findings) -> String {
    let [act, decide, note] = findings.counts();
    format!("{act} to act on now, {decide} to decide, {note} to note")
}

/// The terminal summary's lines: a heading with the counts, then per severity its findings,
/// each as `kind message`.
pub fn terminal(findings: &Findings) -> Vec<String> {
    if findings.items.is_empty() {
        return vec!["attention: nothing to act on, decide or note".into()];
    }
    let mut lines = vec![format!(
        "attention: {} (ranked by value at stake; at most {PER_KIND} of each kind)",
        counts(findings)
    )];
    let condensed = findings.condensed(PER_KIND);
    let mut heading = None;
    for e in entries(&condensed) {
        if heading != Some(e.severity()) {
            heading = Some(e.severity());
            lines.push(format!("  {}:", e.severity().heading()));
        }
        lines.push(match e {
            Entry::Shown(f) => format!("    {} {}", f.kind.label(), f.message),
            Entry::More(_) => format!("    {}", e.text()),
        });
    }
    lines
}

/// The `attention` sheet of plan.xlsx: one row per line of the condensed list.
pub fn table(findings: &Findings) -> Table {
    let condensed = findings.condensed(PER_KIND);
    let header = [
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
        "months",
    ];
    let mut rows = Vec::new();
    let mut rank = 0;
    for e in entries(&condensed) {
        let (value, currency, units) = e.value();
        let (rank_cell, records) = match e {
            Entry::Shown(f) => {
                rank += 1;
                (Cell::int(rank), Some(&f.records))
            }
            Entry::More(_) => (Cell::Empty, None),
        };
        let join =
            |v: Option<&Vec<String>>| Cell::text(v.map_or_else(String::new, |v| v.join(" ")));
        rows.push(vec![
            rank_cell,
            Cell::text(e.severity().to_string()),
            Cell::text(e.kind().label()),
            Cell::Text(e.text()),
            Cell::money(value.map(f64::round), 0, currency),
            Cell::text(currency.unwrap_or("")),
            Cell::count(units.map(f64::round), 0),
            join(records.map(|r| &r.skus)),
            join(records.map(|r| &r.lines)),
            join(records.map(|r| &r.materials)),
            Cell::text(records.map_or_else(String::new, |r| {
                r.months
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })),
        ]);
    }
    Table::new(header.iter().map(|h| (*h).to_string()).collect(), rows)
}

/// The CSS class of a severity on the page.
fn class(s: Severity) -> &'static str {
    match s {
        Severity::Act => "bad",
        Severity::Decide => "warn",
        Severity::Note => "note",
    }
}

/// The report's list: per severity a heading and its findings, each with its kind and its
/// value at stake.
pub fn html(out: &mut String, findings: &Findings, empty: &str) {
    if findings.items.is_empty() {
        let _ = writeln!(out, "<p class=\"ok\">{}</p>", escape(empty));
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"note\">{}: ranked by value at stake (money where it can be valued, else units), at most {PER_KIND} of each kind.</p>",
        escape(&counts(findings))
    );
    let condensed = findings.condensed(PER_KIND);
    let mut open: Option<Severity> = None;
    for e in entries(&condensed) {
        if open != Some(e.severity()) {
            if open.is_some() {
                out.push_str("</ul>\n");
            }
            open = Some(e.severity());
            let _ = writeln!(
                out,
                "<h3 class=\"severity\">{}</h3>\n<ul class=\"attention\">",
                escape(e.severity().heading())
            );
        }
        let stake = e.stake();
        let _ = writeln!(
            out,
            "<li class=\"{}\"><span class=\"tag\">{}</span> {}{}</li>",
            class(e.severity()),
            escape(e.kind().label()),
            escape(&e.text()),
            if stake.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"stake\">{}</span>", escape(&stake))
            }
        );
    }
    if open.is_some() {
        out.push_str("</ul>\n");
    }
}
