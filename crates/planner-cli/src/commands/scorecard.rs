//! `planner scorecard`: the partnership scorecard from what was shipped and received.

use std::path::Path;

use planner_core::pricing::IndexLink;
use planner_core::scorecard::{self, Scorecard};
use planner_core::time::{Date, Month};
use planner_core::DemandPlan;

use super::Context;
use crate::cli::ScorecardArgs;
use crate::load::{self, deliveries, Folder};
use crate::write::charts::{self, Chart};
use crate::write::outdir::OutputSet;
use crate::write::pages::{self, sections, Page};
use crate::write::tables::{scorecard as scorecard_tables, Table};
use crate::write::workbooks::xlsx;
use crate::write::Guard;

/// The folder's scorecard inputs, read and protected: `None` without `deliveries.csv`.
pub struct Inputs {
    rows: Vec<planner_core::scorecard::Delivery>,
    settings: scorecard::ScorecardSettings,
}

impl Inputs {
    /// Reads `deliveries.csv` and `scorecard.toml` (defaults without it) of `folder`, and keeps
    /// `guard` from writing over them.
    ///
    /// # Errors
    /// The first problem of either file, with its line and column.
    pub fn read(folder: &Folder, guard: &mut Guard) -> anyhow::Result<Option<Self>> {
        Self::finish(Self::read_in(&folder.dir), guard)
    }

    /// Reads `deliveries.csv` and `scorecard.toml` of the folder `dir` printing nothing, so that
    /// it can run on another thread while the rest of the folder is read; [`Inputs::finish`]
    /// then prints its warnings and fails on its first error, as [`Inputs::read`] does.
    pub fn read_in(dir: &Path) -> Unread {
        let Some(path) = crate::load::table_file(dir, deliveries::DELIVERIES)? else {
            return Ok(None);
        };
        let rows = deliveries::deliveries_unprinted(&path);
        let toml = dir.join(deliveries::SETTINGS);
        let settings = toml.is_file().then(|| deliveries::settings(&toml));
        Ok(Some((rows, settings, path, toml)))
    }

    /// [`Inputs::read`] of what [`Inputs::read_in`] read.
    ///
    /// # Errors
    /// As [`Inputs::read`].
    pub fn finish(read: Unread, guard: &mut Guard) -> anyhow::Result<Option<Self>> {
        let Some((rows, settings, path, toml)) = read? else {
            return Ok(None);
        };
        let rows = deliveries::checked(rows)?;
        let settings = settings
            .transpose()?
            .unwrap_or_else(scorecard::ScorecardSettings::default);
        guard.protect(&path);
        guard.protect(&toml);
        Ok(Some(Self { rows, settings }))
    }

    /// The scorecard, against `previous` for forecast accuracy when given.
    ///
    /// # Errors
    /// When the core rejects the inputs.
    pub fn score(
        &self,
        folder: &Folder,
        previous: Option<&DemandPlan>,
        as_of: Option<Date>,
    ) -> anyhow::Result<Scorecard> {
        let mut settings = self.settings.clone();
        if let Some(as_of) = as_of {
            settings.as_of = Some(as_of);
        }
        let input = &folder.input;
        // With a cost breakdown, quotes follow their indices, as of the first planned month.
        let anchor = input.settings.first_month(&input.history);
        if let (None, Some(last)) = (settings.as_of, input.settings.last_month(&input.history)) {
            if let Some(why) = receipt_after(&self.rows, last) {
                anyhow::bail!("deliveries.csv: {why}");
            }
        }
        // One quote basis with pricing: pricing years and reviews count from the first planned
        // month.
        let link = match anchor {
            Some(anchor) if !input.cost_breakdown.is_empty() => IndexLink::new(
                &input.cost_breakdown,
                &input.indices,
                &input.settings.pricing.review,
                anchor,
            )?,
            Some(anchor) => IndexLink::unlinked(anchor),
            None => IndexLink::default(),
        };
        Ok(scorecard::score_index_linked(
            &self.rows,
            &input.products,
            &input.tiers,
            &input.history,
            previous,
            &settings,
            &link,
        )?)
    }
}

/// What [`Inputs::read_in`] read: the rows and problems of `deliveries.csv`, the settings of
/// `scorecard.toml` when there is one, and both paths; `None` without `deliveries.csv`.
pub type Unread = anyhow::Result<
    Option<(
        (
            Vec<planner_core::scorecard::Delivery>,
            crate::load::Problems,
        ),
        Option<Result<scorecard::ScorecardSettings, crate::load::LoadError>>,
        std::path::PathBuf,
        std::path::PathBuf,
    )>,
>;

/// Tables by file stem.
pub type Named = Vec<(&'static str, Table)>;

/// Writes the scorecard's CSV files into `out` and its charts into `out/charts`; returns the
/// tables and the charts for a report. `scorecard_lines.csv` (a row per PO line: 1.5 million at
/// 100,000 skus) is written as it is made; held are all its rows when there are at most
/// `keep_lines`, else its first [`crate::write::pages::TABLE_ROWS`].
///
/// # Errors
/// When a file cannot be written or a chart drawn.
pub fn write_all(
    guard: &Guard,
    out: &Path,
    card: &Scorecard,
    keep_lines: usize,
) -> anyhow::Result<(Named, Vec<Chart>)> {
    let mut tables: Named = vec![
        ("scorecard", scorecard_tables::scorecard(card)),
        ("scorecard_misses", scorecard_tables::misses(card)),
    ];
    for (stem, t) in &tables {
        guard.table(&out.join(format!("{stem}.csv")), t)?;
    }
    let lines = guard.table_rows(
        &out.join("scorecard_lines.csv"),
        scorecard_tables::lines_rows(card),
        keep_lines,
        pages::TABLE_ROWS,
    )?;
    // In the order of the workbook's sheets.
    tables.push(("scorecard_lines", lines));
    let charts = charts::scorecard::trend_charts(card)?;
    let dir = out.join("charts");
    for c in &charts {
        c.write(guard, &dir)?;
    }
    Ok((tables, charts))
}

/// The scorecard is as of the latest receipt: one dated after the plan's last month `last` (a
/// year typed 2062 for 2026) would move it into the future, where nothing is due. (Receipts
/// after the first planned month are fine: deliveries are often more current than the demand
/// history, or the plan is made again as of an earlier month.) What is wrong, or `None`.
pub fn receipt_after(rows: &[planner_core::scorecard::Delivery], last: Month) -> Option<String> {
    let (at, r) = rows
        .iter()
        .filter_map(|r| r.delivered.map(|at| (at, r)))
        .max_by_key(|(at, _)| *at)?;
    (at.month() > last).then(|| {
        format!(
            "PO {} of sku {} was received on {at}, after the plan's last month {last}: the \
             scorecard would be as of {}; correct the date, or set as_of in scorecard.toml",
            r.po,
            r.sku,
            at.month()
        )
    })
}

/// Runs `planner scorecard`.
pub fn run(args: &ScorecardArgs, ctx: &Context) -> anyhow::Result<()> {
    let folder = load::folder_or_first_error(&args.data)?;
    let mut guard = Guard::new(&folder.inputs);
    let Some(inputs) = Inputs::read(&folder, &mut guard)? else {
        anyhow::bail!(
            "{}: {} is missing: `planner scorecard` needs it (see docs/files.md)",
            folder.dir.display(),
            deliveries::DELIVERIES
        );
    };
    let previous = args
        .previous
        .as_deref()
        .map(load::demand_plan)
        .transpose()?;
    if let Some(p) = &args.previous {
        guard.protect(p);
    }
    let set = OutputSet::begin(&args.out, &folder.dir, &mut guard)?;
    let card = inputs.score(&folder, previous.as_ref(), args.as_of)?;

    let out = &args.out;
    let (tables, charts) = write_all(&guard, out, &card, usize::MAX)?;
    let sheets: Vec<(&str, &Table)> = tables.iter().map(|(s, t)| (*s, t)).collect();
    xlsx::write(&guard, &out.join("scorecard.xlsx"), &sheets)?;
    let section = sections::scorecard(&card, previous.is_some(), &tables, &charts, "charts");
    pages::write_page(
        &guard,
        &out.join("scorecard.html"),
        &Page {
            title: format!("Partnership scorecard as of {}", card.as_of),
            subtitle: format!("from {}", folder.dir.display()),
            sections: vec![section],
            workbook: "scorecard.xlsx".into(),
            footer: format!(
                "planner {}: every table in full in the CSV files and scorecard.xlsx next to this page.",
                env!("CARGO_PKG_VERSION")
            ),
        },
    )?;
    set.commit()?;
    summarize(&card, previous.is_some(), ctx);
    ctx.say(format!(
        "wrote {}: scorecard.csv, scorecard_lines.csv, scorecard_misses.csv, scorecard.xlsx, scorecard.html and {} charts in charts/",
        out.display(),
        charts.len()
    ));
    Ok(())
}

/// The terminal summary: per metric, the months that missed their target and by how much, then
/// the families that missed a target in the latest month.
pub fn summarize(card: &Scorecard, previous_given: bool, ctx: &Context) {
    let (Some(first), Some(last)) = (card.months.first(), card.months.last()) else {
        return;
    };
    let open: usize = card.totals().map(|r| r.open_lines).sum();
    ctx.say(format!(
        "scorecard as of {}: {first} to {last}, {} families, {} PO lines ({open} open, not yet due; grace {} days)",
        card.as_of,
        card.families().len(),
        card.line_count(),
        card.grace_days,
    ));
    for a in sections::scorecard_verdicts(card, previous_given) {
        ctx.say(format!("  {}", a.text));
    }
    let family_misses: Vec<String> = sections::latest_family_misses(card)
        .map(|m| format!("{} {}", m.family, sections::miss_text(m)))
        .collect();
    if !family_misses.is_empty() {
        ctx.say(format!("  {last} by family: {}", family_misses.join("; ")));
    }
    if !card.skus_without_tiers.is_empty() {
        ctx.say(format!(
            "  note: {} skus have a unit_price but no price tiers; their prices are not compared: {}",
            card.skus_without_tiers.len(),
            card.skus_without_tiers.join(", ")
        ));
    }
    let lines_are = |n: usize| format!("{n} PO line{}", if n == 1 { " is" } else { "s are" });
    if card.earlier_lines > 0 {
        ctx.say(format!(
            "  note: {} due before {first}, outside the scorecard's months, not scored",
            lines_are(card.earlier_lines)
        ));
    }
    if card.future_lines > 0 {
        ctx.say(format!(
            "  note: {} due after {last} and not scored yet",
            lines_are(card.future_lines)
        ));
    }
}
