//! README.md's commands, run as written through the binary, so that the README and the product
//! cannot drift apart.

use std::path::Path;

use super::{planner, stderr};

/// The commands of every ```sh block of README.md that start with `planner`, comments dropped.
fn readme_commands() -> Vec<String> {
    super::doc_commands(&super::repo_markdown("README.md"), &["sh"])
        .into_iter()
        .map(|c| c.command)
        .collect()
}

/// A working copy of the repository's data/ folder, where the tour's relative paths resolve.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    copy_dir(&data, &dir.path().join("data"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn the_readme_tour_runs_as_written() {
    let commands = readme_commands();
    assert!(
        commands.len() >= 10,
        "the tour lists the commands: {commands:?}"
    );
    let dir = workspace();
    for command in &commands {
        assert!(
            !command.contains(['<', '>', '|', '$']) && !command.contains(" DIR"),
            "a tour command must run as written, without placeholders or redirection: {command}"
        );
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let o = planner()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "README command failed: {command}\n{}",
            stderr(&o)
        );
        if command.contains("--backtest") {
            // Every sku has a full row, the one too short to backtest included.
            let backtest = std::fs::read_to_string(dir.path().join("out/backtest.csv")).unwrap();
            let mut reader = csv::Reader::from_reader(backtest.as_bytes());
            let width = reader.headers().unwrap().len();
            for r in reader.records() {
                assert_eq!(r.unwrap().len(), width, "backtest.csv is a rectangle");
            }
        }
    }
    // The tour's files exist where it says (the plan's set replaced the earlier commands').
    for f in [
        "out/forecast.csv",
        "out/plan.xlsx",
        "out/report.html",
        "scenarios/scenarios.html",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} after the tour");
    }
}

#[test]
fn the_first_command_plans_the_built_in_demo_anywhere() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    assert!(readme.contains("cargo run --release -p planner-cli -- plan "));
    // An empty folder, far from any source tree: the demo built into the binary is planned.
    let dir = tempfile::tempdir().unwrap();
    let o = planner()
        .current_dir(dir.path())
        .arg("plan")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("planning the built-in demo folder"),
        "the run says which folder: {err}"
    );
    assert!(
        err.contains("plan: the built-in demo -> out: 33 skus x 12 months from 2026-11"),
        "{err}"
    );
    assert!(dir.path().join("out/report.html").is_file());
    // Every line of README.md's excerpt of what it prints is a line of what it prints.
    let excerpt = readme
        .split("at most 5 of each kind (excerpt):\n\n```\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the excerpt in README.md");
    let said: Vec<&str> = err.lines().collect();
    for line in excerpt.lines() {
        assert!(
            said.contains(&line),
            "README.md's excerpt: {line}\nnot in:\n{err}"
        );
    }
}

#[test]
fn plan_without_data_plans_the_current_folder_when_it_holds_demand() {
    let dir = super::small_folder();
    let o = planner()
        .current_dir(dir.path())
        .args(["plan", "--out", "o"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("planning the current folder"), "{err}");
    assert!(err.contains("2 skus x 12 months"), "{err}");
}

#[test]
fn the_demo_command_writes_the_folder_and_never_over_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = planner()
        .current_dir(dir.path())
        .args(["demo", "--out", "mine"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let demo = super::demo();
    for f in ["demand.csv", "bom.csv", "planner.toml", "deliveries.csv"] {
        assert_eq!(
            std::fs::read(dir.path().join("mine").join(f)).unwrap(),
            std::fs::read(demo.join(f)).unwrap(),
            "{f}"
        );
    }
    let v = planner()
        .current_dir(dir.path())
        .args(["validate", "--data", "mine"])
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", stderr(&v));
    // Again: the folder is not empty, nothing is written over.
    std::fs::write(
        dir.path().join("mine/demand.csv"),
        "sku,month,quantity\nA,2026-01,1\n",
    )
    .unwrap();
    let again = planner()
        .current_dir(dir.path())
        .args(["demo", "--out", "mine"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("mine: is not empty"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine/demand.csv")).unwrap(),
        "sku,month,quantity\nA,2026-01,1\n"
    );
}
