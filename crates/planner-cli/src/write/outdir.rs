//! The output folder of a run: `--out DIR` belongs to planner.
//!
//! - [`OutputSet`]: a command that writes a folder (`plan`, `review`, `scenario`, `scorecard`,
//!   `materials`) writes every file into a staging folder beside `--out`, then swaps it in as
//!   one set: no file of an earlier run survives, and a run that fails or is interrupted leaves
//!   the previous complete set. The folder's [`MANIFEST`] lists what planner wrote; a folder
//!   holding anything else is refused, and so are the planning folder and a folder holding an
//!   input of the run.
//! - [`OutputFiles`]: a command that writes single files (`forecast --out FILE`, `capacity --out
//!   FILE`, `price --out FILE` and their sibling files) writes each atomically on its own and adds
//!   them to the folder's manifest when the folder is planner's, so that a later set replaces
//!   them.
//!
//! Both hold an exclusive lock, `.<name>.planner-lock` beside the folder, while they run: a
//! second run into the same folder is refused. Under the lock, the staging folders an
//! interrupted run left beside the folder are removed first.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::Guard;

/// The file inside an output folder listing the files planner wrote there.
pub const MANIFEST: &str = ".planner";

/// The most foreign files a refusal names.
const NAMED: usize = 3;

/// A run's output folder, written as one set: see the [module docs](self).
#[derive(Debug)]
pub struct OutputSet {
    /// `--out` as given: the path every message names.
    out: PathBuf,
    place: Place,
    /// Where the run's files go until [`OutputSet::commit`]; removed when dropped before.
    staging: Option<tempfile::TempDir>,
    /// Held until the set is committed or dropped.
    _lock: File,
}

impl OutputSet {
    /// Starts writing the set of `out`: refuses the planning folder, a folder holding it or one
    /// of `guard`'s inputs, a folder holding files planner did not write, and a folder another
    /// run is writing; then points `guard` at a fresh staging folder, so that every path under
    /// `out` it is asked to write lands there.
    ///
    /// # Errors
    /// Each refusal, naming `out`; a folder that cannot be created or locked.
    pub fn begin(out: &Path, planning: &Path, guard: &mut Guard) -> anyhow::Result<Self> {
        let place = Place::of(out)?;
        let target = place.target();
        if target.exists() && !target.is_dir() {
            anyhow::bail!(
                "{}: is a file, not a folder: choose a folder for --out",
                out.display()
            );
        }
        if let Ok(planning_abs) = std::fs::canonicalize(planning) {
            if planning_abs == target {
                anyhow::bail!(
                    "{}: is the planning folder: choose another --out",
                    out.display()
                );
            }
            if planning_abs.starts_with(&target) {
                anyhow::bail!(
                    "{}: holds the planning folder {}: choose another --out",
                    out.display(),
                    planning.display()
                );
            }
        }
        if let Some(input) = guard.inputs().iter().find(|i| i.starts_with(&target)) {
            let inside = input.strip_prefix(&target).unwrap_or(input);
            anyhow::bail!(
                "{}: holds {}, an input of this run, which the run would replace: move it out of \
                 {} or choose another --out",
                out.display(),
                out.join(inside).display(),
                out.display()
            );
        }
        let lock = place.lock(out)?;
        place.recover()?;
        if target.is_dir() {
            refuse_foreign(out, &target)?;
        }
        let staging = tempfile::Builder::new()
            .prefix(&place.sibling("new-"))
            .rand_bytes(STAGING_RANDOM)
            .tempdir_in(&place.parent)
            .with_context(|| {
                format!(
                    "{}: cannot create a staging folder beside it",
                    out.display()
                )
            })?;
        // tempfile makes the folder 0700; the set is meant to be shared like its files.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o755);
            std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("{}: cannot set permissions", out.display()))?;
        }
        guard.stage(out, staging.path());
        Ok(Self {
            out: out.to_path_buf(),
            place,
            staging: Some(staging),
            _lock: lock,
        })
    }

    /// Swaps the staged files in for the previous set, records them in the [`MANIFEST`] and
    /// removes the previous set.
    ///
    /// # Errors
    /// When files planner did not write appeared in the folder during the run, or the swap
    /// fails; the previous set is then left as it was.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let out = self.out.clone();
        let target = self.place.target();
        let staging = self
            .staging
            .as_ref()
            .map(|s| s.path().to_path_buf())
            .context("the output set was committed twice")?;
        let files = files_under(&staging)
            .with_context(|| format!("{}: cannot list the files written", out.display()))?;
        write_manifest(&staging.join(MANIFEST), &files)
            .with_context(|| format!("{}/{MANIFEST}: cannot write", out.display()))?;
        // Nothing but planner writes here while the lock is held; a file a user dropped in
        // meanwhile is still not removed.
        let previous = target.is_dir();
        if previous {
            refuse_foreign(&out, &target)?;
        }
        let swapped = if previous {
            self.swap(&staging, &target)?
        } else {
            std::fs::rename(&staging, &target)
                .with_context(|| format!("{}: cannot move the new files in", out.display()))?;
            None
        };
        // The staging folder is gone or holds the previous set now: no longer the TempDir's.
        if let Some(s) = self.staging.take() {
            let _ = s.keep();
        }
        if let Some(old) = swapped {
            // A leftover here is removed by the next run, under the lock.
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(())
    }

    /// Exchanges `staging` and `target`; returns where the previous set is now.
    fn swap(&self, staging: &Path, target: &Path) -> anyhow::Result<Option<PathBuf>> {
        let out = &self.out;
        if exchange(staging, target)
            .with_context(|| format!("{}: cannot swap the new files in", out.display()))?
        {
            return Ok(Some(staging.to_path_buf()));
        }
        // No atomic exchange here: two renames, the previous set put back when the second fails
        // (and by the next run when this one is interrupted in between).
        let old = self.place.parent.join(self.place.old_name());
        if old.exists() {
            std::fs::remove_dir_all(&old)
                .with_context(|| format!("{}: cannot remove a leftover", old.display()))?;
        }
        std::fs::rename(target, &old)
            .with_context(|| format!("{}: cannot move the previous files aside", out.display()))?;
        if let Err(e) = std::fs::rename(staging, target) {
            std::fs::rename(&old, target).with_context(|| {
                format!(
                    "{}: cannot put the previous files back from {}",
                    out.display(),
                    old.display()
                )
            })?;
            return Err(e)
                .with_context(|| format!("{}: cannot move the new files in", out.display()));
        }
        Ok(Some(old))
    }
}

/// Single files written into a folder, each atomically: see the [module docs](self). Holds the
/// folder's lock until dropped.
#[derive(Debug)]
pub struct OutputFiles {
    _lock: Option<File>,
}

impl OutputFiles {
    /// Starts writing `file` and its siblings into their folder. When the folder is planner's
    /// (absent, empty, or with a manifest), takes its lock and has `guard` add each file written
    /// there to the manifest; in a folder of the user's, records nothing. Either way a sibling
    /// never replaces a file planner did not write, nor one written in this run ([`Siblings`]).
    ///
    /// # Errors
    /// When another run is writing the folder, or its parent cannot be created.
    pub fn begin(file: &Path, guard: &mut Guard) -> anyhow::Result<Self> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let place = Place::of(dir)?;
        let target = place.target();
        let planners = match std::fs::read_dir(&target) {
            Ok(mut entries) => entries.next().is_none() || target.join(MANIFEST).is_file(),
            Err(_) => !target.exists(),
        };
        let siblings = |manifest| Siblings {
            dir: dir.to_path_buf(),
            named: file.file_name().unwrap_or_default().to_os_string(),
            manifest,
            written: Default::default(),
        };
        if !planners {
            guard.siblings(siblings(None));
            return Ok(Self { _lock: None });
        }
        let lock = place.lock(dir)?;
        place.recover()?;
        guard.siblings(siblings(Some(read_manifest(&target.join(MANIFEST))?)));
        guard.record_in(&target);
        Ok(Self { _lock: Some(lock) })
    }
}

/// What a command writing single files may write beside its `--out FILE`: never a file of the
/// user's that happens to share a sibling's name, and never one file twice in one run (an
/// `--out` named like a sibling). See [`OutputFiles::begin`].
#[derive(Debug)]
pub struct Siblings {
    /// The folder of `--out FILE`, as given.
    dir: PathBuf,
    /// The file `--out` names.
    named: OsString,
    /// The manifest's files when the folder is planner's; `None` in a folder of the user's.
    manifest: Option<BTreeSet<String>>,
    /// The file names written so far in this run.
    written: std::sync::Mutex<BTreeSet<OsString>>,
}

impl Siblings {
    /// Checks a write of `path` (a CSV file with `header`, when it is a table).
    ///
    /// # Errors
    /// A second write of one file, or a file beside `--out` that planner did not write: in its
    /// own folder one its manifest does not list, in a folder of the user's one whose header is
    /// not this table's.
    pub fn check(&self, path: &Path, header: Option<&[String]>) -> anyhow::Result<()> {
        let parent = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let Some(name) = path.file_name() else {
            return Ok(());
        };
        if parent != self.dir {
            return Ok(());
        }
        let named = Path::new(&self.named).display().to_string();
        let first = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_os_string());
        if !first {
            anyhow::bail!(
                "{}: this command writes a file of that name beside its --out as well; name \
                 --out otherwise (the --out file is {named})",
                path.display()
            );
        }
        self.vet(path, header)
    }

    /// Checks that writing `path` (a CSV file with `header`, when it is a table) replaces no
    /// file planner did not write, without counting it as written (to check every file of a
    /// command before the first is written).
    ///
    /// # Errors
    /// As [`Siblings::check`], but for a second write.
    pub fn vet(&self, path: &Path, header: Option<&[String]>) -> anyhow::Result<()> {
        let Some(name) = path.file_name() else {
            return Ok(());
        };
        let named = Path::new(&self.named).display().to_string();
        if name == self.named.as_os_str() || !path.exists() {
            return Ok(());
        }
        let planners = match (&self.manifest, header) {
            (Some(files), _) => files.contains(name.to_string_lossy().as_ref()),
            // An earlier run's table has this table's header.
            (None, Some(header)) => csv::Reader::from_path(path)
                .and_then(|mut r| r.headers().cloned())
                .is_ok_and(|h| h.iter().eq(header.iter().map(String::as_str))),
            (None, None) => false,
        };
        if !planners {
            anyhow::bail!(
                "{}: is not a file planner wrote, and this command writes {} beside {named}: \
                 move it, or choose another folder for --out",
                path.display(),
                name.to_string_lossy()
            );
        }
        Ok(())
    }
}

/// Adds `name` to the manifest of `dir`, atomically.
///
/// # Errors
/// When the manifest cannot be read or written.
pub fn record(dir: &Path, name: &str) -> anyhow::Result<()> {
    let manifest = dir.join(MANIFEST);
    let mut files = read_manifest(&manifest)?;
    if !files.insert(name.to_string()) && manifest.is_file() {
        return Ok(());
    }
    Guard::default().write(&manifest, |w| {
        serde_json::to_writer_pretty(&mut *w, &Manifest::new(files))?;
        writeln!(w)?;
        Ok(())
    })
}

/// Random characters in a staging folder's name.
const STAGING_RANDOM: usize = 8;

/// Where an output folder is: its parent (absolute, canonical) and its name.
#[derive(Debug)]
struct Place {
    parent: PathBuf,
    name: OsString,
}

impl Place {
    /// The place of `out`, creating its parent folders.
    fn of(out: &Path) -> anyhow::Result<Self> {
        let abs = if out.exists() {
            std::fs::canonicalize(out)
                .with_context(|| format!("{}: cannot be read", out.display()))?
        } else {
            let name = out.file_name().with_context(|| {
                format!("{}: cannot be created as an output folder", out.display())
            })?;
            let parent = match out.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            std::fs::create_dir_all(parent)
                .with_context(|| format!("{}: cannot create the folder", parent.display()))?;
            std::fs::canonicalize(parent)
                .with_context(|| format!("{}: cannot be read", parent.display()))?
                .join(name)
        };
        match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) => Ok(Self {
                parent: parent.to_path_buf(),
                name: name.to_os_string(),
            }),
            _ => anyhow::bail!(
                "{}: is the root of the file system: choose a folder for --out",
                out.display()
            ),
        }
    }

    fn target(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// `.<name>.planner-<tag>`: the names beside the folder that belong to it.
    fn sibling(&self, tag: &str) -> OsString {
        let mut s = OsString::from(".");
        s.push(&self.name);
        s.push(".planner-");
        s.push(tag);
        s
    }

    /// Where the previous set waits while two renames swap it out.
    fn old_name(&self) -> OsString {
        let mut s = self.sibling("old-");
        s.push(std::process::id().to_string());
        s
    }

    /// Takes the folder's lock, or says which run holds it.
    fn lock(&self, out: &Path) -> anyhow::Result<File> {
        let name = self.sibling("lock");
        let path = self.parent.join(&name);
        // For messages: beside `out` as the user wrote it.
        let shown = match out.file_name() {
            Some(_) => out.with_file_name(&name),
            None => path.clone(),
        };
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("{}: cannot create the lock file", shown.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "{}: another planner run is writing here (lock {}): wait for it or choose another --out",
                out.display(),
                shown.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("{}: cannot lock", shown.display()))
            }
        }
    }

    /// Cleans what an interrupted run left beside the folder (call under the lock): staging
    /// folders are removed; a previous set moved aside is put back when the folder is missing,
    /// else removed.
    fn recover(&self) -> anyhow::Result<()> {
        let staging = self.sibling("new-");
        let old = self.sibling("old-");
        let target = self.target();
        let entries = std::fs::read_dir(&self.parent)
            .with_context(|| format!("{}: cannot be read", self.parent.display()))?;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let path = entry.path();
            if tail(&name, &staging).is_some_and(|t| {
                t.len() == STAGING_RANDOM && t.chars().all(|c| c.is_ascii_alphanumeric())
            }) {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("{}: cannot remove a leftover", path.display()))?;
            } else if tail(&name, &old)
                .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
            {
                if target.exists() {
                    std::fs::remove_dir_all(&path)
                        .with_context(|| format!("{}: cannot remove a leftover", path.display()))?;
                } else {
                    std::fs::rename(&path, &target).with_context(|| {
                        format!("{}: cannot put the previous files back", path.display())
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// What follows `prefix` in `name`, when `name` starts with it.
fn tail<'a>(name: &'a std::ffi::OsStr, prefix: &std::ffi::OsStr) -> Option<&'a str> {
    name.to_str()?.strip_prefix(prefix.to_str()?)
}

/// Exchanges two folders atomically; `false` when the file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Exchanges two folders atomically; `false` when the file system cannot.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// The manifest's contents.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// What wrote the folder, for a reader who wonders.
    #[serde(default)]
    written_by: String,
    /// Every file planner wrote, relative to the folder, `/`-separated.
    files: BTreeSet<String>,
}

impl Manifest {
    fn new(files: BTreeSet<String>) -> Self {
        Self {
            written_by: format!(
                "planner {}: the files of the last run into this folder, replaced as one set by the next",
                env!("CARGO_PKG_VERSION")
            ),
            files,
        }
    }
}

fn write_manifest(path: &Path, files: &BTreeSet<String>) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(&Manifest::new(files.clone()))?;
    text.push('\n');
    std::fs::write(path, text)?;
    Ok(())
}

/// The files a manifest lists; none when there is no manifest.
fn read_manifest(path: &Path) -> anyhow::Result<BTreeSet<String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("{}: cannot be read", path.display()));
        }
    };
    let m: Manifest = serde_json::from_str(&text).with_context(|| {
        format!(
            "{}: is not planner's list of the files it wrote here; empty the folder or choose \
             another --out",
            path.display()
        )
    })?;
    Ok(m.files)
}

/// Every file under `dir` (not the manifest), relative and `/`-separated.
fn files_under(dir: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                stack.push((entry.path(), format!("{rel}/")));
            } else if rel != MANIFEST {
                out.insert(rel);
            }
        }
    }
    Ok(out)
}

/// Refuses `target` (shown as `out`) when it holds anything its manifest does not list.
fn refuse_foreign(out: &Path, target: &Path) -> anyhow::Result<()> {
    let listed = read_manifest(&target.join(MANIFEST))?;
    let foreign =
        foreign(target, &listed).with_context(|| format!("{}: cannot be read", out.display()))?;
    if foreign.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = foreign.iter().take(NAMED).cloned().collect();
    if foreign.len() > NAMED {
        named.push(format!("and {} more", foreign.len() - NAMED));
    }
    anyhow::bail!(
        "{}: holds files planner did not write ({}): choose an empty folder or move them",
        out.display(),
        named.join(", ")
    )
}

/// What `dir` holds beyond the `listed` files and the folders on their way: sorted, relative,
/// a folder with a trailing `/`. Also planner's: the temporary files of its atomic writes, the
/// lock and staging names of a folder, and a folder written by another run (its own manifest
/// lists what it holds, such as `--out out/scenarios`).
fn foreign(dir: &Path, listed: &BTreeSet<String>) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    foreign_into(dir, listed, "", &mut out)?;
    out.sort();
    Ok(out)
}

fn foreign_into(
    root: &Path,
    listed: &BTreeSet<String>,
    prefix: &str,
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    let folders: BTreeSet<&str> = listed
        .iter()
        .flat_map(|f| f.match_indices('/').map(move |(i, _)| &f[..i]))
        .collect();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((d, rel_dir)) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{rel_dir}{name}");
            if entry.file_type()?.is_dir() {
                if folders.contains(rel.as_str()) {
                    stack.push((entry.path(), format!("{rel}/")));
                } else if entry.path().join(MANIFEST).is_file() && !is_planners_name(&name) {
                    let nested = read_manifest(&entry.path().join(MANIFEST))
                        .map_err(std::io::Error::other)?;
                    foreign_into(&entry.path(), &nested, &format!("{prefix}{rel}/"), out)?;
                } else if !is_planners_name(&name) {
                    out.push(format!("{prefix}{rel}/"));
                }
            } else if !(listed.contains(&rel)
                || (rel_dir.is_empty() && name == MANIFEST)
                || (name.starts_with(".planner-") && name.ends_with(".tmp"))
                || is_planners_name(&name))
            {
                out.push(format!("{prefix}{rel}"));
            }
        }
    }
    Ok(())
}

/// `.<name>.planner-lock`, `.<name>.planner-new-<random>`, `.<name>.planner-old-<pid>`: what
/// planner keeps beside an output folder.
fn is_planners_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((_, tag)) = rest.rsplit_once(".planner-") else {
        return false;
    };
    tag == "lock"
        || tag.strip_prefix("new-").is_some_and(|t| {
            t.len() == STAGING_RANDOM && t.chars().all(|c| c.is_ascii_alphanumeric())
        })
        || tag
            .strip_prefix("old-")
            .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` (name, text) through a guard staged by a new set into `out`, and commits.
    fn write_set(out: &Path, planning: &Path, files: &[(&str, &str)]) -> anyhow::Result<()> {
        let mut guard = Guard::default();
        let set = OutputSet::begin(out, planning, &mut guard)?;
        for (name, text) in files {
            guard.write(&out.join(name), |w| Ok(w.write_all(text.as_bytes())?))?;
        }
        set.commit()
    }

    /// Every file under `dir` with its text.
    fn contents(dir: &Path) -> Vec<(String, String)> {
        files_under(dir)
            .unwrap()
            .into_iter()
            .map(|f| {
                let text = std::fs::read_to_string(dir.join(&f)).unwrap();
                (f, text)
            })
            .collect()
    }

    /// The names in `dir`.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let planning = root.path().join("data");
        std::fs::create_dir(&planning).unwrap();
        std::fs::write(planning.join("demand.csv"), "sku,month,quantity\n").unwrap();
        let out = root.path().join("out");
        (root, planning, out)
    }

    #[test]
    fn a_set_replaces_the_previous_one_whole() {
        let (root, planning, out) = setup();
        write_set(
            &out,
            &planning,
            &[("a.csv", "1"), ("charts/x.svg", "<svg/>")],
        )
        .unwrap();
        assert_eq!(
            contents(&out),
            [
                ("a.csv".into(), "1".into()),
                ("charts/x.svg".into(), "<svg/>".into())
            ]
        );
        assert_eq!(
            read_manifest(&out.join(MANIFEST)).unwrap(),
            BTreeSet::from(["a.csv".to_string(), "charts/x.svg".to_string()])
        );
        write_set(&out, &planning, &[("b.csv", "2")]).unwrap();
        assert_eq!(contents(&out), [("b.csv".into(), "2".into())]);
        assert!(
            !out.join("charts").exists(),
            "a stale folder of the first set"
        );
        // Beside it: only the lock file; no staging folder, no previous set.
        assert_eq!(names(root.path()), [".out.planner-lock", "data", "out"]);
    }

    #[test]
    fn a_set_dropped_before_commit_leaves_the_previous_one() {
        let (root, planning, out) = setup();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        let before = contents(&out);
        let manifest = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        {
            let mut guard = Guard::default();
            let _set = OutputSet::begin(&out, &planning, &mut guard).unwrap();
            guard
                .write(&out.join("a.csv"), |w| Ok(w.write_all(b"new")?))
                .unwrap();
            guard
                .write(&out.join("b.csv"), |w| Ok(w.write_all(b"new")?))
                .unwrap();
            // The previous set is untouched while the run writes.
            assert_eq!(contents(&out), before);
        }
        assert_eq!(contents(&out), before);
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            manifest
        );
        assert_eq!(names(root.path()), [".out.planner-lock", "data", "out"]);
    }

    #[test]
    fn a_folder_with_other_files_is_refused_and_left_alone() {
        let (_root, planning, out) = setup();
        std::fs::create_dir_all(out.join("mine")).unwrap();
        for f in ["notes.txt", "a.csv", "b.csv", "mine/c.csv"] {
            std::fs::write(out.join(f), "keep").unwrap();
        }
        let err = write_set(&out, &planning, &[("a.csv", "1")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: holds files planner did not write (a.csv, b.csv, mine/, and 1 more): choose \
                 an empty folder or move them",
                out.display()
            )
        );
        assert_eq!(contents(&out).len(), 4);
        assert!(contents(&out).iter().all(|(_, t)| t == "keep"));
        // A file added to planner's set is refused the same way.
        let (_root, planning, out) = setup();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = write_set(&out, &planning, &[("a.csv", "2")]).unwrap_err();
        assert!(err.to_string().contains("(notes.txt)"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "1");
    }

    #[test]
    fn a_set_written_inside_is_planners_and_replaced_with_the_set() {
        let (root, planning, out) = setup();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        write_set(&out.join("scenarios"), &planning, &[("s.csv", "2")]).unwrap();
        assert!(out.join(".scenarios.planner-lock").is_file());
        write_set(&out, &planning, &[("b.csv", "3")]).unwrap();
        assert_eq!(contents(&out), [("b.csv".into(), "3".into())]);
        assert_eq!(names(&out), [".planner", "b.csv"]);
        // A file of the user's in the inner set is still refused, by its path.
        write_set(&out.join("scenarios"), &planning, &[("s.csv", "2")]).unwrap();
        std::fs::write(out.join("scenarios/mine.txt"), "").unwrap();
        let err = write_set(&out, &planning, &[]).unwrap_err();
        assert!(err.to_string().contains("(scenarios/mine.txt)"), "{err}");
        drop(root);
    }

    #[test]
    fn an_empty_folder_is_taken() {
        let (_root, planning, out) = setup();
        std::fs::create_dir(&out).unwrap();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        assert_eq!(contents(&out), [("a.csv".into(), "1".into())]);
    }

    #[test]
    fn the_planning_folder_and_folders_holding_inputs_are_refused() {
        let (root, planning, _out) = setup();
        let err = write_set(&planning, &planning, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: is the planning folder: choose another --out",
                planning.display()
            )
        );
        let err = write_set(root.path(), &planning, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: holds the planning folder {}: choose another --out",
                root.path().display(),
                planning.display()
            )
        );
        // An input elsewhere, inside the chosen --out.
        let last = root.path().join("last");
        std::fs::create_dir(&last).unwrap();
        let previous = last.join("forecast.csv");
        std::fs::write(&previous, "x").unwrap();
        let mut guard = Guard::new([&previous]);
        let err = OutputSet::begin(&last, &planning, &mut guard).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{0}: holds {0}/forecast.csv, an input of this run, which the run would replace: \
                 move it out of {0} or choose another --out",
                last.display()
            )
        );
        assert_eq!(std::fs::read_to_string(&previous).unwrap(), "x");
        // A folder inside the planning folder is fine.
        write_set(&planning.join("out"), &planning, &[("a.csv", "1")]).unwrap();
    }

    #[test]
    fn a_held_lock_refuses_a_second_run() {
        let (root, planning, out) = setup();
        let mut guard = Guard::default();
        let first = OutputSet::begin(&out, &planning, &mut guard).unwrap();
        let err = write_set(&out, &planning, &[("b.csv", "2")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: another planner run is writing here (lock {}): wait for it or choose another --out",
                out.display(),
                root.path().join(".out.planner-lock").display()
            )
        );
        let err = OutputFiles::begin(&out.join("f.csv"), &mut Guard::default()).unwrap_err();
        assert!(err.to_string().contains("another planner run"), "{err}");
        guard
            .write(&out.join("a.csv"), |w| Ok(w.write_all(b"1")?))
            .unwrap();
        first.commit().unwrap();
        write_set(&out, &planning, &[("b.csv", "2")]).unwrap();
        assert_eq!(contents(&out), [("b.csv".into(), "2".into())]);
    }

    #[test]
    fn leftovers_of_an_interrupted_run_are_cleaned() {
        let (root, planning, out) = setup();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        // A staging folder of a killed run, and another folder's staging whose name starts the
        // same way: only the first is this folder's.
        let ours = root.path().join(".out.planner-new-abcd1234");
        let theirs = root.path().join(".out.planner-new-x.planner-new-abcd1234");
        for d in [&ours, &theirs] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join("half.csv"), "").unwrap();
        }
        write_set(&out, &planning, &[("b.csv", "2")]).unwrap();
        assert!(!ours.exists());
        assert!(theirs.join("half.csv").exists());
        std::fs::remove_dir_all(&theirs).unwrap();
        // Killed between the two renames of the fallback: the previous set is put back.
        let old = root.path().join(".out.planner-old-4242");
        std::fs::rename(&out, &old).unwrap();
        let files = OutputFiles::begin(&out.join("f.csv"), &mut Guard::default()).unwrap();
        drop(files);
        assert_eq!(contents(&out), [("b.csv".into(), "2".into())]);
        assert!(!old.exists());
    }

    #[test]
    fn the_fallback_swap_puts_the_new_set_in() {
        let (root, planning, out) = setup();
        write_set(&out, &planning, &[("a.csv", "1")]).unwrap();
        let mut guard = Guard::default();
        let set = OutputSet::begin(&out, &planning, &mut guard).unwrap();
        guard
            .write(&out.join("b.csv"), |w| Ok(w.write_all(b"2")?))
            .unwrap();
        let staging = set.staging.as_ref().unwrap().path().to_path_buf();
        let old = set.swap(&staging, &out).unwrap().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "2");
        assert!(
            old.join("a.csv").exists(),
            "the previous set is aside until removed"
        );
        std::fs::remove_dir_all(old).unwrap();
        drop(set);
        assert_eq!(names(root.path()), [".out.planner-lock", "data", "out"]);
    }

    #[test]
    fn messages_name_the_out_folder_not_the_staging_folder() {
        let (_root, planning, out) = setup();
        let mut guard = Guard::default();
        let set = OutputSet::begin(&out, &planning, &mut guard).unwrap();
        // A file where the run wants a folder: the write fails, naming out/.
        let staging = set.staging.as_ref().unwrap().path().to_path_buf();
        std::fs::write(staging.join("charts"), "").unwrap();
        let err = guard
            .write(&out.join("charts/x.svg"), |w| Ok(w.write_all(b"")?))
            .unwrap_err();
        assert_eq!(
            format!("{err:#}").split(": ").next().unwrap(),
            out.join("charts").display().to_string()
        );
        assert!(!format!("{err:#}").contains("planner-new"), "{err:#}");
        let err = guard
            .write(&planning.join("x.csv"), |w| Ok(w.write_all(b"")?))
            .unwrap_err();
        assert!(err.to_string().contains("is outside --out"), "{err}");
    }

    #[test]
    fn single_files_join_the_folders_set() {
        let (_root, planning, out) = setup();
        let mut guard = Guard::default();
        let files = OutputFiles::begin(&out.join("forecast.csv"), &mut guard).unwrap();
        guard
            .write(&out.join("forecast.csv"), |w| Ok(w.write_all(b"f")?))
            .unwrap();
        // Recorded as soon as written: a run failing after this file leaves no stranger.
        assert_eq!(
            read_manifest(&out.join(MANIFEST)).unwrap(),
            BTreeSet::from(["forecast.csv".to_string()])
        );
        guard
            .write(&out.join("backtest.csv"), |w| Ok(w.write_all(b"b")?))
            .unwrap();
        drop(files);
        assert_eq!(
            read_manifest(&out.join(MANIFEST)).unwrap(),
            BTreeSet::from(["backtest.csv".to_string(), "forecast.csv".to_string()])
        );
        // A later set replaces them.
        write_set(&out, &planning, &[("material_plan.csv", "m")]).unwrap();
        assert_eq!(contents(&out), [("material_plan.csv".into(), "m".into())]);
        // In a folder of the user's, a single file is written and nothing recorded.
        let mine = planning.join("forecast.csv");
        let mut guard = Guard::default();
        let _files = OutputFiles::begin(&mine, &mut guard).unwrap();
        guard.write(&mine, |w| Ok(w.write_all(b"f")?)).unwrap();
        assert!(!planning.join(MANIFEST).exists());
    }

    #[test]
    fn a_damaged_manifest_is_named() {
        let (_root, planning, out) = setup();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(MANIFEST), "not json").unwrap();
        let err = write_set(&out, &planning, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: is not planner's list of the files it wrote here; empty the folder or \
                 choose another --out",
                out.join(MANIFEST).display()
            )
        );
    }
}
