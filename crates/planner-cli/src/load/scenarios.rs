//! The scenario file (`--scenarios FILE`, TOML; the format is documented on
//! [`planner_core::scenario::Scenario`] and in docs/scenarios.md).

use std::path::Path;

use planner_core::scenario::{ChangeError, ScenarioFile};

use super::error::LoadError;

/// A read scenario file, with its text to point at lines in later messages.
#[derive(Debug)]
pub struct Scenarios {
    /// The file's name for messages.
    pub name: String,
    /// The text.
    pub text: String,
    /// The scenarios.
    pub file: ScenarioFile,
}

/// Reads and checks a scenario file: TOML syntax, known keys, names valid and unique.
///
/// # Errors
/// One [`LoadError`] with the line and the scenario: `scenarios.toml:14: scenario "night":
/// unknown field `shfts`, expected one of ...`.
pub fn read(path: &Path) -> anyhow::Result<Scenarios> {
    let name = super::file_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| LoadError::file(&name, format!("cannot read: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let file: ScenarioFile = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let at = e.span().map(|s| s.start.min(text.len()));
            let message = e.message().trim().to_string();
            let message = match at.and_then(|a| scenario_at(&text, a)) {
                Some(s) => format!("scenario {s:?}: {message}"),
                None => message,
            };
            let line = at.map(|a| super::line_of(&text, a));
            return Err(LoadError::at(&name, line, message).into());
        }
    };
    if file.scenarios.is_empty() {
        return Err(LoadError::file(
            &name,
            "has no [[scenario]] table: nothing to compare (see docs/scenarios.md)",
        )
        .into());
    }
    let scenarios = Scenarios { name, text, file };
    scenarios
        .file
        .check_names()
        .map_err(|e| scenarios.error(&e))?;
    Ok(scenarios)
}

impl Scenarios {
    /// A change error with the file and, when it can be found, the line of the key.
    pub fn error(&self, e: &ChangeError) -> LoadError {
        match self.locate(e) {
            Some(line) => LoadError::line(&self.name, line, e.to_string()),
            None => LoadError::file(&self.name, e.to_string()),
        }
    }

    /// The line of the scenario's block that holds the key's quoted value (`line "L9"`) or,
    /// failing that, its last key name (`line.oee`: `oee =`).
    fn locate(&self, e: &ChangeError) -> Option<usize> {
        let (start, end) = block_of(&self.text, &e.scenario)?;
        let block = &self.text[start..end];
        let needle = match e.key.split_once(' ') {
            Some((_, quoted)) => quoted.to_string(),
            None => {
                let k = e.key.rsplit('.').next().unwrap_or(&e.key);
                format!("{k} ")
            }
        };
        let alt = needle.trim_end().to_string() + "=";
        let off = block.find(&needle).or_else(|| block.find(&alt))?;
        Some(super::line_of(&self.text, start + off))
    }
}

/// Byte offsets of the `[[scenario]]` headers.
fn headers(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("[[scenario]]") || t.starts_with("[[ scenario ]]") {
            out.push(off);
        }
        off += line.len();
    }
    out
}

/// The `name = "..."` of the block starting at `start` and ending at `end`.
fn name_in(text: &str, start: usize, end: usize) -> Option<String> {
    text[start..end].lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("name")?.trim_start().strip_prefix('=')?;
        let v = rest.trim();
        let v = v.split('#').next()?.trim();
        Some(v.trim_matches(|c| c == '"' || c == '\'').to_string())
    })
}

/// The name of the scenario whose block holds byte offset `at`.
fn scenario_at(text: &str, at: usize) -> Option<String> {
    let hs = headers(text);
    let i = hs.iter().rposition(|&h| h <= at)?;
    let end = hs.get(i + 1).copied().unwrap_or(text.len());
    name_in(text, hs[i], end)
}

/// The byte range of the block of the scenario named `name`.
fn block_of(text: &str, name: &str) -> Option<(usize, usize)> {
    let hs = headers(text);
    (0..hs.len()).find_map(|i| {
        let end = hs.get(i + 1).copied().unwrap_or(text.len());
        (name_in(text, hs[i], end).as_deref() == Some(name)).then_some((hs[i], end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_key_names_the_line_and_the_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("what-if.toml");
        std::fs::write(
            &p,
            "[[scenario]]\nname = \"a\"\n\n[[scenario]]\nname = \"night\"\n[[scenario.line]]\nline = \"L1\"\nshfts = 3\n",
        )
        .unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.starts_with("what-if.toml:8: scenario \"night\": unknown field `shfts`"),
            "{e}"
        );
    }

    #[test]
    fn change_errors_point_at_the_line() {
        let text = "[[scenario]]\nname = \"a\"\n[[scenario.line]]\nline = \"L9\"\noee = 2\n";
        let s = Scenarios {
            name: "s.toml".into(),
            text: text.into(),
            file: ScenarioFile::default(),
        };
        let e = ChangeError {
            scenario: "a".into(),
            key: "line \"L9\"".into(),
            reason: "not one of the lines".into(),
        };
        assert_eq!(
            s.error(&e).to_string(),
            "s.toml:4: scenario \"a\": line \"L9\": not one of the lines"
        );
        let e = ChangeError {
            scenario: "a".into(),
            key: "line.oee".into(),
            reason: "2 is not in (0, 1]".into(),
        };
        assert_eq!(s.error(&e).line, Some(5));
    }
}
