//! The house rules of the code, checked on its sources (issue 15): planner-core's modules name
//! each other one way (no cycle) and do no file or terminal I/O, `forecast` is a leaf; in the
//! CLI, `load` (reading) and `write` (writing) never reach each other nor the commands.
//! (docs/modgraph.py prints the same graphs for a reader.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Which top-level module names which, in library code (test code left out).
type Graph = BTreeMap<String, BTreeSet<String>>;

fn sources(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code without comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('/') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("//") {
            rest = tail.find('\n').map_or("", |j| &tail[j..]);
        } else if tail.starts_with("/*") {
            rest = tail.find("*/").map_or("", |j| &tail[j + 2..]);
        } else {
            out.push('/');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The library part of a file: items under `#[cfg(test)]` left out (each ends at the first `;`
/// before any `{`, or at the brace closing its block).
fn library_code(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        let item = &rest[i + "#[cfg(test)]".len()..];
        let (semi, brace) = (item.find(';'), item.find('{'));
        let end = match (semi, brace) {
            (Some(s), Some(b)) if s < b => s + 1,
            (Some(s), None) => s + 1,
            (_, Some(b)) => {
                let mut depth = 0;
                let mut end = item.len();
                for (k, ch) in item[b..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules `crate::` paths name: `crate::a::x`, `crate::{a, b::c}`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut refs = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let after = &code[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let (mut depth, mut start) = (1, true);
            for (k, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if start && depth == 1 && (c.is_ascii_alphanumeric() || c == '_') => {
                        refs.insert(ident(&group[k..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            refs.insert(ident(after));
        }
    }
    refs
}

/// The graph of the top-level modules under `root` (`skip`: files that are test code only).
fn graph(root: &Path, skip: &[&str]) -> (Graph, BTreeMap<String, String>) {
    let module = |p: &Path| -> String {
        let rel = p.strip_prefix(root).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    let files: Vec<PathBuf> = sources(root)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !skip.contains(&name.as_ref()) && p.strip_prefix(root).unwrap() != Path::new("lib.rs")
        })
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|p| module(p)).collect();
    let mut g: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    let mut code_of: BTreeMap<String, String> = BTreeMap::new();
    for p in &files {
        let code = library_code(&strip_comments(&std::fs::read_to_string(p).unwrap()));
        let m = module(p);
        for r in crate_refs(&code) {
            if modules.contains(&r) && r != m {
                g.get_mut(&m).unwrap().insert(r);
            }
        }
        code_of.entry(m).or_default().push_str(&code);
    }
    (g, code_of)
}

/// A cycle of `g`, if it has one.
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(v.to_string(), 1);
        path.push(v.to_string());
        for w in &g[v] {
            match state.get(w.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = path.iter().position(|p| p == w).unwrap();
                    let mut c = path[at..].to_vec();
                    c.push(w.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(w, g, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(v.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for v in g.keys() {
        if state.get(v.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(v, g, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

#[test]
fn the_core_is_one_way_does_no_io_and_forecast_is_a_leaf() {
    let (g, code) = graph(
        &crate_src("planner-core"),
        &["tests.rs", "testing.rs", "proptests.rs"],
    );
    assert!(g.len() >= 20, "the core's modules: {:?}", g.keys());
    assert_eq!(cycle(&g), None, "a cycle among the core's modules");
    assert!(
        g["forecast"].is_empty(),
        "forecast names {:?}",
        g["forecast"]
    );
    for (m, text) in &code {
        for io in [
            "std::fs",
            "std::io::stdin",
            "std::process",
            "println!",
            "eprintln!",
        ] {
            assert!(!text.contains(io), "planner-core's {m} uses {io}");
        }
    }
    // The check can fail: a cycle is found when there is one.
    let mut looped = g.clone();
    looped
        .get_mut("forecast")
        .unwrap()
        .insert("scenario".into());
    assert!(cycle(&looped).is_some());
}

#[test]
fn the_cli_reads_and_writes_apart_and_neither_reaches_the_commands() {
    let (g, _) = graph(&crate_src("planner-cli"), &["fuzz.rs"]);
    assert_eq!(cycle(&g), None, "a cycle among the CLI's modules");
    // The commands read and write: the graph is read (a positive control).
    assert!(
        g["commands"].contains("load") && g["commands"].contains("write"),
        "{g:?}"
    );
    for (from, to) in [
        ("load", "write"),
        ("load", "commands"),
        ("write", "load"),
        ("write", "commands"),
    ] {
        assert!(!g[from].contains(to), "{from} reaches {to}: {:?}", g[from]);
    }
    assert_eq!(
        crate_refs("use crate::{a::x, b, c::{d, e}}; crate::f::g"),
        ["a", "b", "c", "f"].iter().map(|s| s.to_string()).collect()
    );
}
