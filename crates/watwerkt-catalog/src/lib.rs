//! The catalogue as the rest of watwerkt sees it: the store and the search index, kept in step.
//!
//! This is the one write path. An import detects each file's format, parses every page first,
//! then writes all projects in one store transaction (all files of one call succeed or none
//! does), commits, and only then updates the index and records the store generation it reflects.
//! A crash between the commit and the index update leaves the index behind; [`Catalog::open`]
//! notices and rebuilds it, so the index never shows a project the store does not have, nor
//! misses one it has.
//!
//! Every project is labelled here ("wat werkt voor wie", see `watwerkt-labels`) before it is
//! written, so store, index and pages carry the same labels. The store records the labeller's
//! version; when the lexicon or the overrides change, [`Catalog::open`] derives every project
//! again in one transaction.
//!
//! Modules: `import` (files in, with the data-quality report), `edit` (one project: edits, new
//! projects, revisions), `export` (files out), `follow` (the store's change log into the index),
//! `verify`, `restore`, `location` (which store). This file opens and assembles the catalogue
//! and keeps the index in step.

mod bundled;
mod edit;
pub mod export;
mod follow;
mod import;
mod location;
mod restore;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use watwerkt_domain::{Programme, Project, ProjectNumber};
use watwerkt_import::ImportError;
use watwerkt_labels::{LabelError, Labeller, OverrideError};
use watwerkt_search::{SearchError, SearchIndex};
use watwerkt_store::{Store, StoreError};

use import::Input;

pub use bundled::BUNDLED_PAGES;
pub use edit::{BACK_OFFICE_SOURCE, EditError, Edited, changed_fields, record_json};
pub use follow::{CatchUp, FollowStatus, LOG_RETENTION, POSITION_FILE, follow};
pub use import::{FileSummary, ImportOutcome, LabelGaps};
pub use location::StoreLocation;
pub use restore::restore;

/// File name of the SQLite store inside the data directory.
pub const STORE_FILE: &str = "watwerkt.sqlite";
/// Folder of the search index inside the data directory.
pub const INDEX_DIR: &str = "index";
/// The data-quality report of the last import, as JSON.
pub const REPORT_FILE: &str = "quality-report.json";
/// Editors' label overrides in the data directory; without it the shipped file applies.
pub const OVERRIDES_FILE: &str = "label-overrides.csv";
/// Store metadata key: the labeller version the stored labels were derived with.
const LABELS_VERSION: &str = "labels_version";
/// Projects named per kind of label gap in [`LabelGaps`].
const GAP_EXAMPLES: usize = 20;
/// Stale "Lopend" statuses reported one by one; the rest are counted in one line.
const STALE_ISSUES: u64 = 100;

/// Above this many changed projects the index is rebuilt from the store instead of updated
/// project by project (a rebuild streams; updates fetch each project). The change log lists no
/// more than this per write either.
const REBUILD_THRESHOLD: usize = watwerkt_store::changes::LOGGED_PROJECTS_MAX;

/// Projects per message from the JSONL parser thread to the writer.
const BATCH: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search index: {0}")]
    Search(#[from] SearchError),
    #[error(transparent)]
    Labels(#[from] LabelError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not empty (it holds {}); restore writes only into an empty or new data directory",
        entries.join(", ")
    )]
    NotEmpty { path: PathBuf, entries: Vec<String> },
    #[error("{path}: no store here; expected the data directory of a watwerkt catalogue")]
    NoStore { path: PathBuf },
}

impl CatalogError {
    /// Whether the error is about the input data (exit code 1) rather than the machine.
    pub fn is_data_error(&self) -> bool {
        matches!(self, CatalogError::Import(_) | CatalogError::Labels(_))
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CatalogError + '_ {
    move |source| CatalogError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Progress of a long operation: units done of a known total (bytes for imports, projects for
/// rebuilds).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// The store and the index of one data directory.
pub struct Catalog {
    data_dir: PathBuf,
    store: Box<dyn Store>,
    index: SearchIndex,
    labeller: Labeller,
    /// Off only to measure what deriving costs (`watwerkt-bench import --compare-labels`).
    derive_labels: bool,
    /// Serialises writers of this process; other processes are held off by the store's lock.
    write: Mutex<()>,
    /// The change log row the index reflects.
    position: follow::Position,
}

impl Catalog {
    /// Opens (creating if needed) the store and index in `data_dir`, and rebuilds the index if it
    /// is missing, corrupt or does not reflect the store's generation.
    #[tracing::instrument(skip_all, fields(data_dir = %data_dir.display()))]
    pub fn open(data_dir: &Path) -> Result<Catalog, CatalogError> {
        Self::open_with_progress(data_dir, &|_| {})
    }

    /// As [`Catalog::open`], reporting the progress of an index rebuild.
    pub fn open_with_progress(
        data_dir: &Path,
        progress: &dyn Fn(Progress),
    ) -> Result<Catalog, CatalogError> {
        Self::open_at(data_dir, &StoreLocation::DataDir, progress)
    }

    /// As [`Catalog::open_with_progress`], with the store at `location` (the index stays in
    /// `data_dir`).
    pub fn open_at(
        data_dir: &Path,
        location: &StoreLocation,
        progress: &dyn Fn(Progress),
    ) -> Result<Catalog, CatalogError> {
        std::fs::create_dir_all(data_dir).map_err(io_err(data_dir))?;
        let store = location.open(data_dir)?;
        let index_dir = data_dir.join(INDEX_DIR);
        let index = match SearchIndex::open(&index_dir) {
            Ok(index) => index,
            Err(e) => {
                tracing::warn!(error = %e, "search index unreadable; rebuilding it from the store");
                std::fs::remove_dir_all(&index_dir).map_err(io_err(&index_dir))?;
                SearchIndex::open(&index_dir)?
            }
        };
        let catalog = Self::assemble(data_dir, store, index)?;
        if catalog.store.count()? > 0 {
            catalog.check_overrides(&|_| false)?;
            if catalog.store.meta(LABELS_VERSION)?.as_deref() != Some(catalog.labeller.version()) {
                catalog.relabel()?;
            }
        }
        let follows = location::index_follows(data_dir, location);
        if !follows || catalog.index.generation().is_none() {
            catalog.reindex(progress)?;
        } else if catalog.has_position() {
            // A node that was down: the log since its position, or a rebuild.
            let _guard = catalog.write.lock().unwrap_or_else(|e| e.into_inner());
            catalog.catch_up_locked(progress)?;
        } else {
            // An index from before the change log: in step, it starts following at the head.
            let head = catalog.log_head()?;
            if catalog.index_in_step()? {
                catalog.rebuilt_at(head)?;
            } else {
                catalog.reindex(progress)?;
            }
        }
        if !follows {
            location::record_index_store(data_dir, location).map_err(io_err(data_dir))?;
        }
        Ok(catalog)
    }

    /// Opens the store at `location` and the index in `data_dir` as they are, repairing nothing
    /// (no index rebuild, no relabelling), for `watwerkt verify` and `backup`, which must see
    /// what is on disk. Refuses a SQLite store that does not exist rather than creating one.
    pub fn open_as_is(data_dir: &Path, location: &StoreLocation) -> Result<Catalog, CatalogError> {
        let file = match location {
            StoreLocation::DataDir => Some(data_dir.join(STORE_FILE)),
            StoreLocation::Sqlite(path) => Some(path.clone()),
            StoreLocation::Postgres(_) => None,
        };
        if let Some(path) = file
            && !path.is_file()
        {
            return Err(CatalogError::NoStore { path });
        }
        let store = location.open(data_dir)?;
        let index = SearchIndex::open(&data_dir.join(INDEX_DIR))?;
        Self::assemble(data_dir, store, index)
    }

    fn assemble(
        data_dir: &Path,
        store: Box<dyn Store>,
        index: SearchIndex,
    ) -> Result<Catalog, CatalogError> {
        Ok(Catalog {
            data_dir: data_dir.to_owned(),
            store,
            index,
            labeller: load_labeller(data_dir)?,
            derive_labels: true,
            write: Mutex::new(()),
            position: follow::Position::load(data_dir),
        })
    }

    /// Opens the catalogue and, when the store has never been written, imports the bundled pages.
    pub fn open_bundled(data_dir: &Path) -> Result<(Catalog, Option<ImportOutcome>), CatalogError> {
        let catalog = Catalog::open(data_dir)?;
        let outcome = catalog.seed_if_new()?;
        Ok((catalog, outcome))
    }

    /// Imports the bundled pages when the store has never been written; `None` otherwise.
    pub fn seed_if_new(&self) -> Result<Option<ImportOutcome>, CatalogError> {
        if self.store.generation()? > 0 {
            return Ok(None);
        }
        let inputs: Vec<Input> = BUNDLED_PAGES
            .iter()
            .map(|(n, b)| Input::Bundled(n, b))
            .collect();
        Ok(Some(self.import_inputs(&inputs, &|_| {})?))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Imports without deriving labels, for the benchmark that measures their cost; the store
    /// then holds unlabelled projects, so never use it on a real catalogue.
    #[doc(hidden)]
    pub fn without_labels_for_benchmark(mut self) -> Self {
        self.derive_labels = false;
        self
    }

    /// The labeller this catalogue derives with (shipped lexicon, this directory's overrides).
    pub fn labeller(&self) -> &Labeller {
        &self.labeller
    }

    /// The (facet, label id) pairs a search query names in other words, for
    /// `SearchRequest::concepts`.
    pub fn concepts(&self, query: &str) -> Vec<(String, String)> {
        self.labeller
            .concepts(query)
            .into_iter()
            .map(|(d, id)| (d.facet().to_owned(), id))
            .collect()
    }

    /// Refuses overrides naming a project that neither the store nor `importing` has.
    fn check_overrides(
        &self,
        importing: &dyn Fn(&ProjectNumber) -> bool,
    ) -> Result<(), CatalogError> {
        for o in self.labeller.overrides() {
            if !importing(&o.project) && self.store.project(&o.project)?.is_none() {
                return Err(LabelError::Overrides(OverrideError {
                    file: self.labeller.overrides_file().to_owned(),
                    line: o.line,
                    message: format!(
                        "project_number {}: no such project in the catalogue; expected the number of an imported project",
                        o.project
                    ),
                })
                .into());
            }
        }
        Ok(())
    }

    /// Derives every stored project's labels again (the lexicon or overrides changed), in one
    /// transaction that also records the new version.
    #[tracing::instrument(skip_all)]
    fn relabel(&self) -> Result<(), CatalogError> {
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        tracing::info!(
            version = self.labeller.version(),
            "labels are stale; deriving them again"
        );
        let mut tx = self.store.begin()?;
        let mut cache = watwerkt_labels::LabelCache::default();
        let mut projects = Vec::with_capacity(BATCH);
        let flush = |tx: &mut Box<dyn watwerkt_store::StoreTx + '_>,
                     projects: &mut Vec<Project>| {
            for p in projects.drain(..) {
                tx.upsert_project(&p)?;
            }
            Ok::<(), StoreError>(())
        };
        // Read in batches beside the write: the stream is a read snapshot, the transaction the
        // one writer.
        self.store.for_each_project(&mut |mut p| {
            p.derived = self.labeller.derive_cached(&p, &mut cache);
            projects.push(p);
            if projects.len() == BATCH {
                flush(&mut tx, &mut projects)?;
            }
            Ok(())
        })?;
        flush(&mut tx, &mut projects)?;
        tx.set_meta(LABELS_VERSION, self.labeller.version())?;
        tx.commit()?;
        Ok(())
    }

    /// Whether the index reflects exactly the store's current generation.
    pub fn index_in_step(&self) -> Result<bool, CatalogError> {
        Ok(self.index.generation() == Some(self.store.generation()?))
    }

    /// Rebuilds the index from the store; returns the number of projects indexed.
    #[tracing::instrument(skip_all)]
    pub fn reindex(&self, progress: &dyn Fn(Progress)) -> Result<u64, CatalogError> {
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        self.rebuild_index(progress)
    }

    fn rebuild_index(&self, progress: &dyn Fn(Progress)) -> Result<u64, CatalogError> {
        // The log head first: what commits after it is applied again from the log later.
        let head = self.log_head()?;
        let generation = self.store.generation()?;
        let total = self.store.count()?;
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Result<Project, StoreError>>(1024);
        // The store streams on a second thread while the index consumes, never holding the
        // whole catalogue in memory.
        std::thread::scope(|s| {
            let store = &self.store;
            s.spawn(move || {
                let res = store.for_each_project(&mut |p| {
                    sender.send(Ok(p)).map_err(|_| StoreError::Backend {
                        op: "streaming projects to the index",
                        message: "index builder stopped".into(),
                    })
                });
                if let Err(e) = res {
                    let _ = sender.send(Err(e));
                }
            });
            let mut failed: Option<StoreError> = None;
            let mut iter = std::iter::from_fn(|| match receiver.recv() {
                Ok(Ok(p)) => Some(p),
                Ok(Err(e)) => {
                    failed = Some(e);
                    None
                }
                Err(_) => None,
            });
            let built = self.index.rebuild(&mut iter, generation, &|n| {
                progress(Progress { done: n, total })
            });
            drop(receiver);
            if let Some(e) = failed {
                return Err(CatalogError::Store(e));
            }
            built?;
            self.rebuilt_at(head)?;
            progress(Progress { done: total, total });
            Ok(total)
        })
    }

    /// Brings the index in step after this process committed `changed` at `generation`, with
    /// the caller holding the write lock. What it applies is the change log since the index's
    /// position: this write, and any other process's that came before it.
    fn update_index(&self, changed: &[ProjectNumber], generation: u64) -> Result<(), CatalogError> {
        tracing::debug!(
            changed = changed.len(),
            generation,
            "following the change log after a write"
        );
        self.catch_up_locked(&|_| {})?;
        Ok(())
    }

    pub fn project(&self, number: &ProjectNumber) -> Result<Option<Project>, CatalogError> {
        Ok(self.store.project(number)?)
    }

    pub fn programme(&self) -> Result<Programme, CatalogError> {
        Ok(self.store.programme()?)
    }
}

/// The shipped lexicon with the data directory's overrides, or the shipped overrides.
fn load_labeller(data_dir: &Path) -> Result<Labeller, CatalogError> {
    let path = data_dir.join(OVERRIDES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Labeller::new(&path.display().to_string(), &text)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Labeller::new(
            "data/label-overrides.csv",
            watwerkt_labels::OVERRIDES_CSV,
        )?),
        Err(e) => Err(CatalogError::Io { path, source: e }),
    }
}
