//! `--out DIR` belongs to planner (issue 13): a run replaces the previous run's files as one
//! set, a failed run leaves the previous set, a folder holding other files, the planning folder
//! and a folder another run is writing are refused.

use std::collections::BTreeMap;

use super::*;

/// Every file under `dir` (the manifest included) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The files the manifest of `dir` lists.
fn manifest(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(".planner")).expect("the manifest is there");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

/// The names beside the output folders in `dir`: no staging folder may be left behind.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A root holding the small folder as `data/`.
fn root() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let data = small_folder();
    std::fs::rename(data.path(), root.path().join("data"))
        .or_else(|_| copy_dir(data.path(), &root.path().join("data")))
        .unwrap();
    root
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}

fn plan(root: &Path) -> Output {
    run(root, &["plan", "--quiet", "--data", "data", "--out", "out"])
}

#[test]
fn a_file_of_an_earlier_run_does_not_survive_the_next() {
    let root = root();
    let r = root.path();
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(r.join("out/capacity.csv").is_file());
    assert!(r.join("out/build_plan.csv").is_file());
    // The manifest lists exactly the files of the run.
    let mut files: Vec<String> = snapshot(&r.join("out")).into_keys().collect();
    files.retain(|f| f != ".planner");
    assert_eq!(manifest(&r.join("out")), files);

    // The folder loses its lines: the next plan has no capacity part, and no capacity file of
    // the first run is left for a script to read.
    for f in ["lines.csv", "routings.csv", "calendar.csv"] {
        std::fs::remove_file(r.join("data").join(f)).unwrap();
    }
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after: Vec<String> = snapshot(&r.join("out")).into_keys().collect();
    for gone in [
        "capacity.csv",
        "build_plan.csv",
        "line_plan.csv",
        "line_balance.csv",
        "recommendations.csv",
    ] {
        assert!(
            !after.iter().any(|f| f == gone),
            "{gone} survived: {after:?}"
        );
    }
    assert!(after.iter().any(|f| f == "forecast.csv"));
    assert!(after.iter().any(|f| f == "material_plan.csv"));
    assert_eq!(names(r), [".out.planner-lock", "data", "out"]);
}

#[test]
fn a_failed_run_leaves_the_previous_set_byte_for_byte() {
    let root = root();
    let r = root.path();
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = snapshot(&r.join("out"));
    assert!(before.len() > 20, "{}", before.len());

    // Bad input: refused before anything is written.
    let good = std::fs::read_to_string(r.join("data/demand.csv")).unwrap();
    put(
        &r.join("data"),
        "demand.csv",
        &good.replacen("BTL-1,2024-01,100", "BTL-1,2024-01,12x", 1),
    );
    let o = plan(r);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv:2: column quantity: \"12x\" is not a number\n"
    );
    assert_eq!(snapshot(&r.join("out")), before);
    put(&r.join("data"), "demand.csv", &good);

    // A run that fails while it writes (a scenario whose folder takes the page's name): the
    // files it wrote before failing are not mixed into the previous set.
    let scenario = |name: &str| {
        format!("[[scenario]]\nname = \"{name}\"\n\n[[scenario.demand]]\nmultiplier = 1.1\n")
    };
    let args = [
        "scenario",
        "--quiet",
        "--data",
        "data",
        "--scenarios",
        "scenarios.toml",
        "--paths",
        "0",
        "--out",
        "sc",
    ];
    put(r, "scenarios.toml", &scenario("up"));
    let o = run(r, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = snapshot(&r.join("sc"));
    put(r, "scenarios.toml", &scenario("scenarios.html"));
    let o = run(r, &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: sc/scenarios.html: cannot write"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&r.join("sc")), before);
    assert!(!r.join("sc/scenarios.html/forecast.csv").exists());
    assert_eq!(
        names(r),
        [
            ".out.planner-lock",
            ".sc.planner-lock",
            "data",
            "out",
            "sc",
            "scenarios.toml"
        ]
    );
}

#[test]
fn a_folder_holding_a_file_of_the_users_is_refused() {
    let root = root();
    let r = root.path();
    std::fs::create_dir(r.join("out")).unwrap();
    put(&r.join("out"), "notes.txt", "my notes\n");
    let o = plan(r);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: out: holds files planner did not write (notes.txt): choose an empty folder or \
         move them\n"
    );
    assert_eq!(
        snapshot(&r.join("out")),
        BTreeMap::from([("notes.txt".to_string(), b"my notes\n".to_vec())])
    );

    // The same when the user adds a file to planner's set.
    std::fs::remove_file(r.join("out/notes.txt")).unwrap();
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    put(&r.join("out"), "notes.txt", "my notes\n");
    let before = snapshot(&r.join("out"));
    let o = run(
        r,
        &["materials", "--quiet", "--data", "data", "--out", "out"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: out: holds files planner did not write (notes.txt): choose an empty folder or \
         move them\n"
    );
    assert_eq!(snapshot(&r.join("out")), before);
}

#[test]
fn the_planning_folder_is_not_an_output_folder() {
    let root = root();
    let r = root.path();
    let before = snapshot(&r.join("data"));
    let o = run(r, &["plan", "--quiet", "--data", "data", "--out", "data"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: data: is the planning folder: choose another --out\n"
    );
    let o = run(r, &["plan", "--quiet", "--data", "data", "--out", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: .: holds the planning folder data: choose another --out\n"
    );
    let o = run(
        &r.join("data"),
        &["materials", "--quiet", "--data", ".", "--out", "."],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: .: is the planning folder: choose another --out\n"
    );
    assert_eq!(snapshot(&r.join("data")), before);
    assert_eq!(names(r), ["data"]);
}

#[test]
fn a_previous_forecast_inside_out_is_not_replaced() {
    let root = root();
    let r = root.path();
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = snapshot(&r.join("out"));
    let o = run(
        r,
        &[
            "review",
            "--quiet",
            "--data",
            "data",
            "--previous",
            "out/forecast.csv",
            "--out",
            "out",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: out: holds out/forecast.csv, an input of this run, which the run would replace: \
         move it out of out or choose another --out\n"
    );
    assert_eq!(snapshot(&r.join("out")), before);
}

#[test]
fn a_second_run_into_the_same_folder_is_refused() {
    let root = root();
    let r = root.path();
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = snapshot(&r.join("out"));
    // Another run holds the lock.
    let lock = std::fs::File::options()
        .write(true)
        .open(r.join(".out.planner-lock"))
        .unwrap();
    lock.lock().unwrap();
    let message = "error: out: another planner run is writing here (lock .out.planner-lock): \
                   wait for it or choose another --out\n";
    let o = plan(r);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), message);
    let o = run(
        r,
        &[
            "forecast",
            "--quiet",
            "--history",
            "data/demand.csv",
            "--out",
            "out/forecast.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), message);
    assert_eq!(snapshot(&r.join("out")), before);
    // Once it is done, the next run goes ahead.
    lock.unlock().unwrap();
    drop(lock);
    let o = plan(r);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn the_readme_tour_into_one_folder_works() {
    let root = root();
    let r = root.path();
    let steps: [&[&str]; 5] = [
        &[
            "forecast",
            "--history",
            "data/demand.csv",
            "--out",
            "out/forecast.csv",
            "--backtest",
        ],
        &["capacity", "--data", "data", "--out", "out/capacity.csv"],
        &["materials", "--data", "data", "--out", "out"],
        &["price", "--data", "data", "--out", "out/pricing.csv"],
        &["plan", "--data", "data", "--out", "out"],
    ];
    let mut seen = Vec::new();
    for args in steps {
        let o = run(r, args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("planner-new"), "{}", stderr(&o));
        let mut files: Vec<String> = snapshot(&r.join("out")).into_keys().collect();
        files.retain(|f| f != ".planner");
        assert_eq!(manifest(&r.join("out")), files, "{args:?}");
        seen.push(files);
    }
    // The single files join the folder's set; materials replaces it.
    assert_eq!(seen[0], ["backtest.csv", "forecast.csv"]);
    assert!(seen[1].contains(&"backtest.csv".to_string()));
    assert!(seen[1].contains(&"build_plan.csv".to_string()));
    assert_eq!(seen[2], ["material_plan.csv", "past_due.csv", "prebuy.csv"]);
    assert_eq!(
        seen[3],
        [
            "material_plan.csv",
            "past_due.csv",
            "prebuy.csv",
            "pricing.csv"
        ]
    );
    // The plan's set: its files and nothing of the tour before it.
    assert!(!seen[4].contains(&"backtest.csv".to_string()));
    for f in [
        "forecast.csv",
        "capacity.csv",
        "pricing.csv",
        "plan.json",
        "report.html",
    ] {
        assert!(seen[4].contains(&f.to_string()), "{f}");
    }
    assert_eq!(names(r), [".out.planner-lock", "data", "out"]);
}

#[test]
fn a_single_file_in_a_folder_of_the_users_adds_no_manifest() {
    let root = root();
    let r = root.path();
    put(r, "notes.txt", "mine\n");
    let o = run(
        r,
        &[
            "forecast",
            "--quiet",
            "--history",
            "data/demand.csv",
            "--out",
            "forecast.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(r), ["data", "forecast.csv", "notes.txt"]);
}

#[test]
fn files_beside_out_file_never_replace_the_users_nor_each_other() {
    let dir = small_folder();
    let d = dir.path();
    std::fs::create_dir(d.join("mine")).unwrap();
    put(d, "mine/build_plan.csv", "my own notes\n");
    let capacity = |out: &str| run(d, &["capacity", "--data", ".", "--out", out, "--quiet"]);
    // A file of the user's named like one capacity writes beside its --out: refused, nothing
    // written, the user's file kept.
    let o = capacity("mine/capacity.csv");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "mine/build_plan.csv: is not a file planner wrote, and this command writes \
             build_plan.csv beside capacity.csv"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("mine/capacity.csv").exists());
    assert_eq!(
        std::fs::read_to_string(d.join("mine/build_plan.csv")).unwrap(),
        "my own notes\n"
    );
    // Without it, the files are written, and a second run replaces its own (same header).
    std::fs::remove_file(d.join("mine/build_plan.csv")).unwrap();
    for _ in 0..2 {
        let o = capacity("mine/capacity.csv");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(d.join("mine/build_plan.csv").is_file());
    // An --out named like a file written beside it: refused before anything is written.
    let o = capacity("other/build_plan.csv");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("other/build_plan.csv: this command writes a file of that name beside its --out as well"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("other/line_balance.csv").exists());
    let o = run(
        d,
        &[
            "forecast",
            "--data",
            ".",
            "--backtest",
            "--out",
            "other/backtest.csv",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("other/backtest.csv").exists());
}
