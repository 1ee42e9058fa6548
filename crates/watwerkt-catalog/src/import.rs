//! Imports: detect each input's format, parse pages whole before the transaction and stream
//! JSON Lines inside it (parsing, labelling and writing on three threads), check what the
//! catalogue says as a whole (duplicates, stale statuses, label gaps) into the data-quality
//! report, commit, then bring the index up to the new generation. `check` runs the same parsing
//! without writing.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use watwerkt_domain::{PartialDate, Programme, Project, ProjectNumber};
use watwerkt_import::{Format, ImportError, JsonlReader, QualityIssue, QualityReport, Severity};
use watwerkt_labels::Labeller;
use watwerkt_store::WriteSummary;

use crate::{
    BATCH, Catalog, CatalogError, GAP_EXAMPLES, LABELS_VERSION, Progress, REPORT_FILE,
    STALE_ISSUES, io_err,
};

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

/// Where an import reads from: a file, or a page shipped in the binary.
pub(crate) enum Input<'a> {
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

impl Catalog {
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

    pub(crate) fn import_inputs(
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
