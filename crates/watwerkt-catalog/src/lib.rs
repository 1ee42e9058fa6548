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

mod bundled;
mod edit;
pub mod export;
mod follow;
mod location;
mod restore;
pub mod verify;

use std::collections::HashMap;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use watwerkt_domain::{PartialDate, Programme, Project, ProjectNumber};
use watwerkt_import::{Format, ImportError, JsonlReader, QualityIssue, QualityReport, Severity};
use watwerkt_labels::{LabelError, Labeller, OverrideError};
use watwerkt_search::{SearchError, SearchIndex};
use watwerkt_store::{Store, StoreError, WriteSummary};

pub use bundled::BUNDLED_PAGES;
pub use edit::{BACK_OFFICE_SOURCE, EditError, Edited, changed_fields, record_json};
pub use follow::{CatchUp, FollowStatus, LOG_RETENTION, POSITION_FILE, follow};
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

/// What one file contributed to an import.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub file: String,
    pub format: String,
    pub projects: u64,
}

/// The result of one committed import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub files: Vec<FileSummary>,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub generation: u64,
    pub report: QualityReport,
    /// Seconds spent parsing and writing the store transaction.
    pub store_seconds: f64,
    /// Seconds spent bringing the search index in step afterwards.
    pub index_seconds: f64,
    /// Projects of this import whose text gave no target group or no design.
    pub label_gaps: LabelGaps,
}

/// Projects without a target group or without a design: counts, and the first few numbers.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct LabelGaps {
    pub no_target_group: u64,
    pub no_design: u64,
    pub no_target_group_examples: Vec<String>,
    pub no_design_examples: Vec<String>,
}

impl LabelGaps {
    pub fn add(&mut self, p: &Project) {
        if p.derived.target_groups.is_empty() {
            self.no_target_group += 1;
            if self.no_target_group_examples.len() < GAP_EXAMPLES {
                self.no_target_group_examples.push(p.number.to_string());
            }
        }
        if p.derived.designs.is_empty() {
            self.no_design += 1;
            if self.no_design_examples.len() < GAP_EXAMPLES {
                self.no_design_examples.push(p.number.to_string());
            }
        }
    }
}

/// Progress of a long operation: units done of a known total (bytes for imports, projects for
/// rebuilds).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Where an import reads from: a file, or a page shipped in the binary.
enum Input<'a> {
    File(&'a Path),
    Bundled(&'static str, &'static [u8]),
}

impl Input<'_> {
    fn name(&self) -> String {
        match self {
            Input::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            Input::Bundled(name, _) => (*name).to_owned(),
        }
    }

    fn len(&self) -> Result<u64, CatalogError> {
        match self {
            Input::File(p) => Ok(std::fs::metadata(p).map_err(io_err(p))?.len()),
            Input::Bundled(_, bytes) => Ok(bytes.len() as u64),
        }
    }

    fn open(&self) -> Result<Box<dyn Read + Send + '_>, CatalogError> {
        match self {
            Input::File(p) => Ok(Box::new(File::open(p).map_err(io_err(p))?)),
            Input::Bundled(_, bytes) => Ok(Box::new(*bytes)),
        }
    }

    fn display(&self) -> PathBuf {
        match self {
            Input::File(p) => p.to_path_buf(),
            Input::Bundled(name, _) => PathBuf::from(name),
        }
    }
}

/// A page already parsed, waiting for the transaction.
struct ParsedInput {
    summary: FileSummary,
    projects: Vec<Project>,
    programme: Option<Programme>,
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

    /// Imports files (format detected by content). All files succeed or nothing is written.
    #[tracing::instrument(skip_all, fields(files = paths.len()))]
    pub fn import(
        &self,
        paths: &[PathBuf],
        progress: &dyn Fn(Progress),
    ) -> Result<ImportOutcome, CatalogError> {
        let inputs: Vec<Input> = paths.iter().map(|p| Input::File(p)).collect();
        self.import_inputs(&inputs, progress)
    }

    /// Parses files as an import would, writing nothing: for `check PATH…`.
    pub fn dry_run(paths: &[PathBuf]) -> Result<ImportOutcome, CatalogError> {
        let inputs: Vec<Input> = paths.iter().map(|p| Input::File(p)).collect();
        let mut report = QualityReport::default();
        let mut files = Vec::new();
        let mut seen = Seen::default();
        let labeller = Labeller::shipped();
        let mut cache = watwerkt_labels::LabelCache::default();
        let mut label_gaps = LabelGaps::default();
        let mut stale = Stale::new();
        let mut gaps = |p: &mut Project| {
            p.derived = labeller.derive_cached(p, &mut cache);
            label_gaps.add(p);
        };
        for input in &inputs {
            match detect(input)? {
                Format::Jsonl => {
                    let name = input.name();
                    let mut n = 0;
                    for p in JsonlReader::new(&name, BufReader::new(input.open()?)) {
                        let mut p = p?;
                        seen.check(&p, &mut report);
                        stale.check(&p, &mut report);
                        gaps(&mut p);
                        n += 1;
                    }
                    files.push(FileSummary {
                        file: name,
                        format: format_name(Format::Jsonl),
                        projects: n,
                    });
                }
                _ => {
                    let mut parsed = parse_input(input, &mut report)?;
                    for p in &mut parsed.projects {
                        seen.check(p, &mut report);
                        stale.check(p, &mut report);
                        gaps(p);
                    }
                    files.push(parsed.summary);
                }
            }
        }
        stale.finish(&mut report);
        Ok(ImportOutcome {
            files,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            generation: 0,
            report,
            store_seconds: 0.0,
            index_seconds: 0.0,
            label_gaps,
        })
    }

    fn import_inputs(
        &self,
        inputs: &[Input],
        progress: &dyn Fn(Progress),
    ) -> Result<ImportOutcome, CatalogError> {
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let started = std::time::Instant::now();
        let mut report = QualityReport::default();
        let total: u64 = inputs.iter().map(|i| i.len()).sum::<Result<u64, _>>()?;
        let mut done = 0u64;

        // Pages are small and parsed in full before anything is written, so a bad page costs no
        // transaction; JSONL streams inside the transaction and aborts it on its first bad line.
        let mut pages = Vec::new();
        let mut formats = Vec::new();
        for input in inputs {
            let format = detect(input)?;
            formats.push(format);
            if format != Format::Jsonl {
                pages.push(parse_input(input, &mut report)?);
                done += input.len()?;
                progress(Progress { done, total });
            }
        }

        let mut seen = Seen::default();
        let mut stale = Stale::new();
        let mut label_gaps = LabelGaps::default();
        let mut tx = self.store.begin()?;
        let mut files = Vec::new();
        let mut pages = pages.into_iter();
        for (input, format) in inputs.iter().zip(formats) {
            if format == Format::Jsonl {
                let name = input.name();
                let counter = CountingReader::new(input.open()?);
                let bytes_read = counter.count.clone();
                let mut n = 0u64;
                // Parsing, labelling and writing run on three threads in a pipeline, so they
                // overlap: labelling costs about as much as parsing and would otherwise hold up
                // the writer.
                let (sender, parsed) =
                    std::sync::mpsc::sync_channel::<Result<Vec<Project>, ImportError>>(8);
                let (labelled_sender, receiver) =
                    std::sync::mpsc::sync_channel::<Result<Vec<Project>, ImportError>>(8);
                let (seen_ref, report_ref) = (&mut seen, &mut report);
                let (gaps_ref, stale_ref) = (&mut label_gaps, &mut stale);
                let labeller = self.derive_labels.then_some(&self.labeller);
                let file = name.clone();
                std::thread::scope(|s| -> Result<(), CatalogError> {
                    s.spawn(move || {
                        let mut batch = Vec::with_capacity(BATCH);
                        for p in JsonlReader::new(&file, BufReader::with_capacity(1 << 20, counter))
                        {
                            match p {
                                Ok(p) => {
                                    seen_ref.check(&p, report_ref);
                                    stale_ref.check(&p, report_ref);
                                    batch.push(p);
                                    if batch.len() == BATCH
                                        && sender
                                            .send(Ok(std::mem::replace(
                                                &mut batch,
                                                Vec::with_capacity(BATCH),
                                            )))
                                            .is_err()
                                    {
                                        return;
                                    }
                                }
                                Err(e) => {
                                    let _ = sender.send(Err(e));
                                    return;
                                }
                            }
                        }
                        let _ = sender.send(Ok(batch));
                    });
                    s.spawn(move || {
                        let mut cache = watwerkt_labels::LabelCache::default();
                        for batch in parsed {
                            let batch = batch.map(|mut batch| {
                                if let Some(l) = labeller {
                                    for p in &mut batch {
                                        p.derived = l.derive_cached(p, &mut cache);
                                        gaps_ref.add(p);
                                    }
                                }
                                batch
                            });
                            if labelled_sender.send(batch).is_err() {
                                return;
                            }
                        }
                    });
                    for batch in receiver {
                        for p in &batch? {
                            tx.upsert_project(p)?;
                            n += 1;
                        }
                        progress(Progress {
                            done: done + bytes_read.load(Ordering::Relaxed),
                            total,
                        });
                    }
                    Ok(())
                })?;
                done += input.len()?;
                progress(Progress { done, total });
                files.push(FileSummary {
                    file: name,
                    format: format_name(format),
                    projects: n,
                });
            } else {
                let mut page = pages.next().expect("one parsed page per page input");
                let mut cache = watwerkt_labels::LabelCache::default();
                for p in &mut page.projects {
                    seen.check(p, &mut report);
                    stale.check(p, &mut report);
                    p.derived = self.labeller.derive_cached(p, &mut cache);
                    label_gaps.add(p);
                    tx.upsert_project(p)?;
                }
                if let Some(programme) = page.programme {
                    tx.merge_programme(programme)?;
                }
                files.push(page.summary);
            }
        }
        stale.finish(&mut report);
        self.check_overrides(&|n| seen.contains(n))?;
        tx.set_meta(LABELS_VERSION, self.labeller.version())?;
        let changed: Vec<ProjectNumber> = tx.changed().to_vec();
        let summary: WriteSummary = tx.commit()?;
        let store_seconds = started.elapsed().as_secs_f64();
        self.update_index(&changed, summary.generation)?;
        let index_seconds = started.elapsed().as_secs_f64() - store_seconds;
        self.save_report(&report)?;
        Ok(ImportOutcome {
            files,
            inserted: summary.inserted,
            updated: summary.updated,
            unchanged: summary.unchanged,
            generation: summary.generation,
            report,
            store_seconds,
            index_seconds,
            label_gaps,
        })
    }

    /// The data-quality report of the last import into this data directory.
    pub fn last_report(&self) -> Result<Option<QualityReport>, CatalogError> {
        let path = self.data_dir.join(REPORT_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).map_err(|e| {
                CatalogError::Io {
                    path: path.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                }
            })?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CatalogError::Io { path, source: e }),
        }
    }

    fn save_report(&self, report: &QualityReport) -> Result<(), CatalogError> {
        let path = self.data_dir.join(REPORT_FILE);
        let tmp = self.data_dir.join(format!("{REPORT_FILE}.tmp"));
        let json = serde_json::to_vec_pretty(report).expect("report serialises");
        std::fs::write(&tmp, json).map_err(io_err(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io_err(&path))
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

fn format_name(f: Format) -> String {
    format!("{f:?}")
}

fn detect(input: &Input) -> Result<Format, CatalogError> {
    let mut head = Vec::with_capacity(64 * 1024);
    input
        .open()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(io_err(&input.display()))?;
    Ok(watwerkt_import::detect(&input.name(), &head)?)
}

fn parse_input(input: &Input, report: &mut QualityReport) -> Result<ParsedInput, CatalogError> {
    let name = input.name();
    let len = input.len()?;
    if len > watwerkt_import::MAX_PAGE_BYTES {
        // Checked before reading, so a huge file is refused without loading it.
        return Err(ImportError::too_large(&name, len).into());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    input
        .open()?
        .read_to_end(&mut bytes)
        .map_err(io_err(&input.display()))?;
    let parsed = watwerkt_import::parse_page(&name, &bytes)?;
    report.merge(parsed.report);
    Ok(ParsedInput {
        summary: FileSummary {
            file: name,
            format: format_name(parsed.format),
            projects: parsed.projects.len() as u64,
        },
        projects: parsed.projects,
        programme: parsed.programme,
    })
}

/// Reports projects the catalogue calls running more than a year after their planned end, so an
/// editor can ask for the status to be updated.
struct Stale {
    today: PartialDate,
    count: u64,
}

impl Stale {
    fn new() -> Self {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400);
        Stale {
            today: PartialDate::from_unix_days(days as i64),
            count: 0,
        }
    }

    fn check(&mut self, p: &Project, report: &mut QualityReport) {
        let Some(end) = p.stale_since(self.today) else {
            return;
        };
        self.count += 1;
        if self.count > STALE_ISSUES {
            return;
        }
        let (file, line) = p
            .sources
            .first()
            .map_or(("", 0), |s| (s.file.as_str(), s.line));
        report.issues.push(QualityIssue {
            file: file.to_owned(),
            line,
            field: Some("status".into()),
            severity: Severity::Suspect,
            message: format!(
                "project {} is \"Lopend\" but was planned to end by {end}: the catalogue's status may be out of date",
                p.number
            ),
        });
    }

    fn finish(self, report: &mut QualityReport) {
        if self.count > STALE_ISSUES {
            report.issues.push(QualityIssue {
                file: String::new(),
                line: 0,
                field: Some("status".into()),
                severity: Severity::Suspect,
                message: format!(
                    "… and {} more projects \"Lopend\" more than a year after their planned end",
                    self.count - STALE_ISSUES
                ),
            });
        }
    }
}

/// Project numbers seen in this import, to report one number with two different contents.
/// Keeps a few bytes per project (hashes and a line), so a million-line import stays small.
#[derive(Default)]
struct Seen {
    files: Vec<String>,
    /// number hash → (content hash, index into `files`, line)
    by_number: HashMap<u64, (u64, u32, u32)>,
}

impl Seen {
    fn contains(&self, number: &ProjectNumber) -> bool {
        self.by_number.contains_key(&hash_of(number))
    }

    fn check(&mut self, p: &Project, report: &mut QualityReport) {
        let key = hash_of(&p.number);
        let content = content_hash(p);
        let (file, line) = p
            .sources
            .first()
            .map_or(("", 0), |s| (s.file.as_str(), s.line));
        match self.by_number.get(&key) {
            Some((c, f, l)) if *c != content => {
                let first = format!("{}:{l}", self.files[*f as usize]);
                report.issues.push(QualityIssue {
                    file: file.to_owned(),
                    line,
                    field: Some("project_number".into()),
                    severity: Severity::Suspect,
                    message: format!(
                        "project {} also at {first} with different content; this later entry wins",
                        p.number
                    ),
                });
            }
            Some(_) => {}
            None => {
                if self.files.last().map(String::as_str) != Some(file) {
                    self.files.push(file.to_owned());
                }
                self.by_number
                    .insert(key, (content, self.files.len() as u32 - 1, line));
            }
        }
    }
}

fn hash_of<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

/// Hash of everything but the sources: the same entry on two pages is the same content.
fn content_hash(p: &Project) -> u64 {
    let mut h = DefaultHasher::new();
    (
        &p.number,
        &p.title,
        &p.full_title,
        &p.teaser,
        &p.question,
        &p.method,
        &p.outcome,
    )
        .hash(&mut h);
    (
        &p.outcome_kind,
        &p.products,
        &p.products_heading,
        &p.municipalities,
        &p.organisations,
    )
        .hash(&mut h);
    (
        &p.lead_researcher,
        &p.theme,
        &p.status,
        &p.start,
        &p.end,
        &p.duration_months,
    )
        .hash(&mut h);
    h.finish()
}

/// Counts bytes read, for the progress of a streamed file.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            count: Default::default(),
        }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
