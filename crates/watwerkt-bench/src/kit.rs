//! Where the benchmarks find their inputs when no flag names them: the shared benchmark kit
//! (`gencorpus.py`, `queries.txt`) beside the checkout, and a scratch folder under the workspace's
//! `target/`. Both are fixed at compile time from this crate's place in the workspace, so a run
//! does not depend on the directory it was started from.

use std::path::{Component, Path, PathBuf};

/// This crate's folder, as the compiler saw it; the workspace is two levels up.
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The workspace root.
pub fn workspace() -> PathBuf {
    tidy(&Path::new(CRATE_DIR).join("../.."))
}

/// The shared benchmark kit: `<workspace>/../shared/bench`, outside the repository.
pub fn kit_dir() -> PathBuf {
    tidy(&workspace().join("../shared/bench"))
}

/// The corpus generator (Python 3, standard library only).
pub fn gencorpus() -> PathBuf {
    kit_dir().join("gencorpus.py")
}

/// The latency query set.
pub fn queries() -> PathBuf {
    kit_dir().join("queries.txt")
}

/// Generated corpora and scratch stores: `<workspace>/target/bench-data`.
pub fn work_dir() -> PathBuf {
    workspace().join("target/bench-data")
}

/// An input file of a benchmark that is not there. The binary exits with 2 for it, as for a
/// usage error: the fix is a flag.
#[derive(Debug)]
pub struct MissingInput {
    pub what: &'static str,
    pub path: PathBuf,
    pub flag: &'static str,
}

impl std::fmt::Display for MissingInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} not found (the default is the shared benchmark kit beside the checkout, {}); pass {} PATH",
            self.what,
            tidy(&self.path).display(),
            kit_dir().display(),
            self.flag
        )
    }
}

impl std::error::Error for MissingInput {}

/// Ok if `path` exists, else [`MissingInput`] naming it and the flag that sets it.
pub fn require(path: &Path, what: &'static str, flag: &'static str) -> Result<(), MissingInput> {
    if path.exists() {
        return Ok(());
    }
    Err(MissingInput {
        what,
        path: path.to_path_buf(),
        flag,
    })
}

/// `path` without the `crates/watwerkt-bench/../..` detour of the compiled-in defaults, for
/// messages (lexically: the path need not exist).
pub fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_sit_beside_the_workspace() {
        let workspace = workspace();
        assert!(
            workspace.join("Cargo.toml").exists(),
            "{}",
            workspace.display()
        );
        assert_eq!(work_dir(), workspace.join("target/bench-data"));
        assert_eq!(
            gencorpus(),
            workspace
                .parent()
                .unwrap()
                .join("shared/bench/gencorpus.py")
        );
    }

    #[test]
    fn a_missing_input_names_itself_and_its_flag() {
        let e = require(Path::new("/nonexistent/q.txt"), "query set", "--queries").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("query set /nonexistent/q.txt not found"),
            "{msg}"
        );
        assert!(msg.ends_with("pass --queries PATH"), "{msg}");
    }
}
