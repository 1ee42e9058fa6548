//! Shared by the engine's tests: the real catalogue, parsed by the importer and indexed.

use std::path::PathBuf;

use watwerkt_search::SearchIndex;

/// The 50 bundled projects, parsed by the importer.
#[allow(
    dead_code,
    reason = "each test binary compiles this module; not all use every helper"
)]
pub fn seed_projects() -> Vec<watwerkt_domain::Project> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut projects = Vec::new();
    for p in paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        projects.extend(
            watwerkt_import::parse_page(&name, &std::fs::read(&p).unwrap())
                .unwrap()
                .projects,
        );
    }
    projects
}

/// An index of the 50 bundled projects in a temporary directory (kept alive by the guard).
pub fn seed_index() -> (tempfile::TempDir, SearchIndex) {
    let tmp = tempfile::tempdir().unwrap();
    let idx = SearchIndex::open(tmp.path()).unwrap();
    idx.rebuild(&mut seed_projects().into_iter(), 1, &|_| {})
        .unwrap();
    (tmp, idx)
}
