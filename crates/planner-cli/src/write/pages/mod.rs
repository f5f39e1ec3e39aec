//! The HTML pages: `report.html` ([`report`]) and the pages of `planner review`, `planner
//! scenario` and `planner scorecard`, made of the sections of [`sections`].
//!
//! A page is data ([`Page`]: sections of [`Block`]s: cards, lists, notes, figures, tables) drawn
//! by [`html`] into one self-contained file: the style sheet inline, the charts inline SVG, every
//! piece of text from the inputs escaped, and no network.

pub mod html;
pub mod report;
pub mod sections;

use std::path::Path;

use planner_core::findings::Findings;

use crate::write::charts::Chart;
use crate::write::tables::Table;
use crate::write::{thousands, Guard};

/// Rows of each table shown on a page.
pub const TABLE_ROWS: usize = 25;

/// One entry of the attention list.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    /// `capacity`, `build`, `expedite`, `pre-buy`, `tier`, `note`.
    pub tag: &'static str,
    /// `bad` (act now), `warn` (decide) or `note`.
    pub severity: &'static str,
    /// The sentence.
    pub text: String,
}

/// A headline figure: a label, a large value, a line of detail and a CSS class (`bad`, `warn`,
/// `ok` or empty) for the value's colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// What the figure is.
    pub label: String,
    /// The figure.
    pub value: String,
    /// One line of context.
    pub detail: String,
    /// `bad`, `warn`, `ok` or empty.
    pub class: &'static str,
}

/// One piece of a report section.
#[derive(Debug)]
pub enum Block<'a> {
    /// Headline figures as cards.
    Cards(Vec<Card>),
    /// An attention list, and the sentence shown when it is empty.
    Attention(Vec<Attention>, &'static str),
    /// A sub-heading.
    Heading(String),
    /// A muted paragraph.
    Note(String),
    /// A chart inlined as SVG, with the folder its files are written to (`charts`).
    Figure(&'a Chart, &'static str),
    /// The first [`TABLE_ROWS`] rows of a table, by its file name.
    Table(String, &'a Table),
    /// The ranked findings ([`crate::write::findings::html`]), and the sentence shown when
    /// there are none.
    Findings(&'a Findings, &'static str),
    /// Blocks behind a collapsible `<details>` with its one-line summary; printed collapsed
    /// (the summary says where the full content is).
    Details(String, Vec<Block<'a>>),
}

impl<'a> Block<'a> {
    /// A table behind a collapsible summary: `capacity.csv: 36 rows`.
    pub fn collapsed_table(name: String, t: &'a Table) -> Self {
        let rows = t.row_count();
        let summary = format!(
            "{name}: {} row{}",
            thousands(rows as f64),
            if rows == 1 { "" } else { "s" }
        );
        Block::Details(summary, vec![Block::Table(name, t)])
    }
}

/// A section of the page: a `<section id=...>` with a heading and its blocks.
#[derive(Debug)]
pub struct Section<'a> {
    /// The HTML id, also the anchor of the navigation bar.
    pub id: String,
    /// The heading, also the navigation bar's link text.
    pub title: String,
    /// What it shows, in order.
    pub blocks: Vec<Block<'a>>,
}

/// A whole page.
#[derive(Debug)]
pub struct Page<'a> {
    /// The `<title>` and the header's heading.
    pub title: String,
    /// The line under the heading.
    pub subtitle: String,
    /// The sections, in order.
    pub sections: Vec<Section<'a>>,
    /// The workbook holding every table in full (`plan.xlsx`), named under truncated tables.
    pub workbook: String,
    /// The footer.
    pub footer: String,
}

/// Writes a page atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write_page(guard: &Guard, path: &Path, page: &Page) -> anyhow::Result<()> {
    write_html(guard, path, &html::page(page))
}

/// Writes an HTML page atomically.
///
/// # Errors
/// When the file cannot be written.
pub fn write_html(guard: &Guard, path: &Path, html: &str) -> anyhow::Result<()> {
    guard.bytes(path, html.as_bytes())
}
