//! The archive of published forecasts: `DIR/archive/YYYY-MM/`, one folder per month a forecast
//! was shared with the contract manufacturer (`planner plan --publish`), read back by `planner
//! review` and `planner plan` as the vintages of the monthly cycle.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use planner_core::time::Month;
use planner_core::DemandPlan;

use crate::write::tables::Table;

/// The file that marks a folder of the archive as written by planner.
pub const MARKER: &str = ".planner-vintage";

/// One published month.
#[derive(Debug)]
pub struct Vintage {
    /// The first planned month of that forecast (the folder's name).
    pub month: Month,
    /// Its folder.
    pub dir: PathBuf,
}

impl Vintage {
    /// The final forecast as shared (`forecast.csv`).
    pub fn forecast(&self) -> PathBuf {
        self.dir.join("forecast.csv")
    }

    /// The statistical forecast before events, overrides and fences (`statistical.csv`), when
    /// the vintage has one.
    pub fn statistical(&self) -> Option<PathBuf> {
        Some(self.dir.join("statistical.csv")).filter(|p| p.is_file())
    }
}

/// The statistical forecasts of `vintages` (those that have one), each checked against its
/// vintage: the same first month and months as its final forecast in `finals` (in the order of
/// `vintages`), and no sku the final forecast lacks; `guard` keeps them from being written over.
///
/// # Errors
/// A statistical.csv that cannot be read, or that starts in another month, naming it.
pub fn statistical(
    vintages: &[Vintage],
    finals: &[DemandPlan],
    guard: &mut crate::write::Guard,
) -> anyhow::Result<Vec<DemandPlan>> {
    let mut out = Vec::new();
    for (v, fin) in vintages.iter().zip(finals) {
        let Some(path) = v.statistical() else {
            continue;
        };
        guard.protect(&path);
        let plan = crate::load::demand_plan(&path)
            .with_context(|| format!("archive/{}/statistical.csv", v.month))?;
        if plan.start != v.month {
            anyhow::bail!(
                "archive/{}/statistical.csv: starts {}, not in its month {}: the vintage was \
                 changed by hand; publish the month again with --replace",
                v.month,
                plan.start,
                v.month
            );
        }
        // The models forecast every sku with history: a sku of the statistical forecast is a sku
        // of the final one, over the same months.
        if plan.horizon != fin.horizon {
            anyhow::bail!(
                "archive/{}/statistical.csv: covers {} months, forecast.csv {}: the two files of a \
                 vintage cover the same months; publish the month again with --replace",
                v.month,
                plan.horizon,
                fin.horizon
            );
        }
        if let Some(s) = plan.skus.iter().find(|s| fin.get(&s.sku).is_none()) {
            anyhow::bail!(
                "archive/{}/statistical.csv: sku {:?} is not in the vintage's forecast.csv: the two \
                 files are of different plans; publish the month again with --replace",
                v.month,
                s.sku
            );
        }
        out.push(plan);
    }
    Ok(out)
}

/// The published months of `dir`'s archive, oldest first (none without an archive).
///
/// # Errors
/// A folder of the archive that is not a month, or not planner's (no marker, no forecast.csv),
/// or an archive that cannot be read.
pub fn vintages(dir: &Path) -> anyhow::Result<Vec<Vintage>> {
    let root = dir.join("archive");
    if root.symlink_metadata().is_err() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&root)
        .with_context(|| format!("{}: exists but cannot be read", root.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let e = e.with_context(|| format!("{}: cannot be read", root.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // a publication under way, or the user's hidden files
        }
        let path = e.path();
        let month: Month = match name.parse() {
            Ok(m) if path.is_dir() => m,
            _ => anyhow::bail!(
                "archive/{name}: is not a published month: the archive holds only YYYY-MM folders \
                 written by `planner plan --publish`"
            ),
        };
        if !path.join(MARKER).is_file() || !path.join("forecast.csv").is_file() {
            anyhow::bail!(
                "archive/{name}: is not planner's: a published month holds {MARKER} and \
                 forecast.csv (written by `planner plan --publish`)"
            );
        }
        out.push(Vintage { month, dir: path });
    }
    out.sort_by_key(|v| v.month);
    Ok(out)
}

/// The vintages made before `start` (the months a review can score), newest last.
pub fn before(dir: &Path, start: Month) -> anyhow::Result<Vec<Vintage>> {
    Ok(vintages(dir)?
        .into_iter()
        .filter(|v| v.month < start)
        .collect())
}

/// The vintages made after `month`, oldest first: the months a replaced `month` was held
/// against.
pub fn after(dir: &Path, month: Month) -> anyhow::Result<Vec<Month>> {
    Ok(vintages(dir)?
        .into_iter()
        .map(|v| v.month)
        .filter(|m| *m > month)
        .collect())
}

/// Refuses to publish `month` again without `replace`: checked before a plan is made, so that a
/// refused publication computes and writes nothing ([`publish`] checks again as it files).
///
/// # Errors
/// `month` already published, and not `replace`.
pub fn check_unpublished(dir: &Path, month: Month, replace: bool) -> anyhow::Result<()> {
    if is_published(dir, month) && !replace {
        anyhow::bail!(
            "archive/{month}: {month} is already published: a shared forecast is never \
             overwritten (`--replace` files this one instead); nothing was planned or written"
        );
    }
    Ok(())
}

/// Whether `dir`'s archive has `month` (a folder, file or link of that name).
pub fn is_published(dir: &Path, month: Month) -> bool {
    dir.join("archive")
        .join(month.to_string())
        .symlink_metadata()
        .is_ok()
}

/// What a publication files.
pub struct Publication<'a> {
    /// The first planned month: the folder's name.
    pub month: Month,
    /// The final forecast, as shared.
    pub forecast: &'a Table,
    /// The statistical forecast, before events, overrides and fences.
    pub statistical: &'a Table,
    /// Input files filed with it (planner.toml, events.csv, changes.csv when present).
    pub inputs: Vec<PathBuf>,
}

/// Files `p` under `dir/archive/YYYY-MM/`, all at once (a hidden folder renamed into place): a
/// published month is never overwritten unless `replace`.
///
/// # Errors
/// The month already published (without `replace`), or a file that cannot be written.
pub fn publish(dir: &Path, p: &Publication<'_>, replace: bool) -> anyhow::Result<PathBuf> {
    let root = dir.join("archive");
    let target = root.join(p.month.to_string());
    if is_published(dir, p.month) && !replace {
        anyhow::bail!(
            "archive/{}: {} is already published: a shared forecast is never overwritten \
             (`--replace` files this one instead)",
            p.month,
            p.month
        );
    }
    std::fs::create_dir_all(&root)
        .with_context(|| format!("{}: cannot create the archive", root.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".publishing-")
        .tempdir_in(&root)
        .with_context(|| format!("{}: cannot write", root.display()))?;
    let write_table = |name: &str, t: &Table| -> anyhow::Result<()> {
        let mut w = csv::Writer::from_path(staging.path().join(name))?;
        w.write_record(&t.header)?;
        for r in t.csv_rows() {
            w.write_record(r)?;
        }
        w.flush()?;
        Ok(())
    };
    write_table("forecast.csv", p.forecast)?;
    write_table("statistical.csv", p.statistical)?;
    for f in &p.inputs {
        if let Some(name) = f.file_name() {
            std::fs::copy(f, staging.path().join(name))
                .with_context(|| format!("{}: cannot be filed", f.display()))?;
        }
    }
    std::fs::write(
        staging.path().join(MARKER),
        format!(
            "Published by planner {} for {}: forecast.csv as shared with the contract \
             manufacturer, statistical.csv before events, overrides and fences.\n",
            env!("CARGO_PKG_VERSION"),
            p.month
        ),
    )?;
    let kept = staging.keep();
    let old = if target.exists() {
        let old = root.join(format!(".replaced-{}", p.month));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&target, &old)
            .with_context(|| format!("{}: cannot be replaced", target.display()))?;
        Some(old)
    } else {
        None
    };
    std::fs::rename(&kept, &target)
        .with_context(|| format!("{}: cannot be written", target.display()))?;
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(target)
}

/// Checks that each vintage's forecast, read as `plans` (in the same order), starts in the month
/// its folder is named after.
///
/// # Errors
/// The first vintage whose forecast starts another month, naming its file.
pub fn check_months(vintages: &[Vintage], plans: &[DemandPlan]) -> anyhow::Result<()> {
    for (v, p) in vintages.iter().zip(plans) {
        if p.start != v.month {
            anyhow::bail!(
                "archive/{}/forecast.csv: starts {}, not {}: a vintage's forecast starts in the \
                 month its folder is named after",
                v.month,
                p.start,
                v.month
            );
        }
    }
    Ok(())
}
