//! The demo planning folder, built into the binary so an installed `planner` needs no source
//! tree: `planner plan` plans it when there is no folder to plan, `planner demo --out DIR` writes
//! it out for editing.

use std::path::Path;

use anyhow::Context as _;

/// Every file of `data/demo`, by name, as committed (written by `data/generate.py`).
pub const FILES: [(&str, &str); 16] = [
    ("demand.csv", include_str!("../../../data/demo/demand.csv")),
    (
        "products.csv",
        include_str!("../../../data/demo/products.csv"),
    ),
    ("lines.csv", include_str!("../../../data/demo/lines.csv")),
    (
        "routings.csv",
        include_str!("../../../data/demo/routings.csv"),
    ),
    (
        "calendar.csv",
        include_str!("../../../data/demo/calendar.csv"),
    ),
    ("bom.csv", include_str!("../../../data/demo/bom.csv")),
    (
        "materials.csv",
        include_str!("../../../data/demo/materials.csv"),
    ),
    (
        "price_tiers.csv",
        include_str!("../../../data/demo/price_tiers.csv"),
    ),
    ("events.csv", include_str!("../../../data/demo/events.csv")),
    (
        "planner.toml",
        include_str!("../../../data/demo/planner.toml"),
    ),
    (
        "cost_breakdown.csv",
        include_str!("../../../data/demo/cost_breakdown.csv"),
    ),
    (
        "indices.csv",
        include_str!("../../../data/demo/indices.csv"),
    ),
    (
        "deliveries.csv",
        include_str!("../../../data/demo/deliveries.csv"),
    ),
    (
        "scorecard.toml",
        include_str!("../../../data/demo/scorecard.toml"),
    ),
    (
        "inventory.csv",
        include_str!("../../../data/demo/inventory.csv"),
    ),
    (
        "open_orders.csv",
        include_str!("../../../data/demo/open_orders.csv"),
    ),
];

/// The demo's scenarios (`data/demo-scenarios.toml`), written beside the folder's files as
/// `scenarios.toml`.
pub const SCENARIOS: &str = include_str!("../../../data/demo-scenarios.toml");

/// Writes the demo folder into `dir`, which must not exist or be empty: no file of the user's
/// is ever written over.
pub fn write(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("{}: is not a folder planner can write", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "{}: is not empty: the demo is written only into a new or empty folder",
                dir.display()
            );
        }
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let all = FILES.iter().copied().chain([("scenarios.toml", SCENARIOS)]);
    for (name, text) in all {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_demo_is_the_committed_folder() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
        let mut names: Vec<String> = std::fs::read_dir(&committed)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        let mut built_in: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        built_in.sort();
        assert_eq!(names, built_in, "every demo file is built in");
        for (name, text) in FILES {
            assert_eq!(std::fs::read_to_string(committed.join(name)).unwrap(), text);
        }
    }

    #[test]
    fn the_demo_is_written_only_into_an_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("demo")).unwrap();
        assert!(dir.path().join("demo/demand.csv").is_file());
        assert!(dir.path().join("demo/scenarios.toml").is_file());
        let err = write(&dir.path().join("demo")).unwrap_err().to_string();
        assert!(
            err.ends_with("is not empty: the demo is written only into a new or empty folder"),
            "{err}"
        );
    }
}
