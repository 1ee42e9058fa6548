//! Writing the index: a whole rebuild, or upserts after the store committed. Takes projects
//! (domain records); gives committed tantivy documents in the project index and the product index,
//! and the generation file that says which store generation they reflect.
//!
//! A project becomes one document ([`Builder::document`]): each text field is analysed once by our
//! analyzer and written as term lists for the schema's term-list tokenizer (see `schema`) — the
//! scored body with every word repeated by its field's weight, the compound parts apart — plus
//! stored text for snippets, the completion field, facet values and the start key. A rebuild
//! analyses on the cores tantivy's two indexing threads leave, without merging; at a million
//! projects it takes about 47–61 s, of which tantivy's indexing threads are 57% and our analysis
//! 24% (`docs/benchmarks.md`).
//!
//! The generation file is removed before a write and written after its commit, so an index
//! that crashed mid-write is seen as stale on the next start.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use tantivy::{Index, TantivyDocument, Term};
use watwerkt_domain::Project;

use crate::analysis::{Analyzer, TokenKind, WordCache};
use crate::error::{SearchError, err, io_err};
use crate::inventory::{content_version, facet_values};
use crate::products::ProductIndex;
use crate::schema::{FIELD_BREAK, Fields, SAME_POSITION, TEXT_FIELDS};

const GENERATION_FILE: &str = "watwerkt-generation";
/// Projects handed to an analysis thread at a time during a rebuild.
const BATCH: usize = 256;
/// tantivy's indexing threads during a rebuild.
const INDEX_THREADS: usize = 2;
/// Threads analysing projects during a rebuild: the cores tantivy's indexing threads leave, at
/// least one. (On two cores a second analysis thread only added switching: 100,000 projects
/// built in 5.9 s with two, 5.5 s with one.)
fn analysis_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(INDEX_THREADS))
        .max(1)
}
/// Indexing memory of a rebuild, shared by the indexing threads (a segment is written when a
/// thread's share is full; tantivy allocates it as it fills).
const REBUILD_HEAP_BYTES: usize = 1 << 30;

/// The store generation an index reflects, as held in memory and in its generation file.
pub(crate) struct Generation {
    dir: PathBuf,
    current: RwLock<Option<u64>>,
}

impl Generation {
    /// Reads the generation file of the index in `dir` (`None` when there is none).
    pub(crate) fn read(dir: &Path) -> Generation {
        let generation = std::fs::read_to_string(dir.join(GENERATION_FILE))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        Generation {
            dir: dir.to_owned(),
            current: RwLock::new(generation),
        }
    }

    pub(crate) fn get(&self) -> Option<u64> {
        *self.current.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the generation atomically; `None` marks the index as being changed, so a crash
    /// mid-write is seen as stale on the next start.
    pub(crate) fn set(&self, generation: Option<u64>) -> Result<(), SearchError> {
        let path = self.dir.join(GENERATION_FILE);
        let io = io_err(&path);
        match generation {
            Some(g) => {
                let tmp = self.dir.join(format!("{GENERATION_FILE}.tmp"));
                std::fs::write(&tmp, g.to_string()).map_err(&io)?;
                std::fs::rename(&tmp, &path).map_err(&io)?;
            }
            None => match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            },
        }
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = generation;
        Ok(())
    }
}

/// What writes an index: the project and product indexes and how a project becomes a document.
pub(crate) struct Builder<'a> {
    pub(crate) dir: &'a Path,
    pub(crate) index: &'a Index,
    pub(crate) fields: &'a Fields,
    pub(crate) analyzer: &'a Analyzer,
    pub(crate) products: &'a ProductIndex,
    pub(crate) generation: &'a Generation,
}

impl Builder<'_> {
    /// Replaces the whole index with `projects` and commits both indexes (the caller reloads and
    /// records the generation). Projects are analysed on `analysis_threads()` threads while this
    /// one reads them, so parsing, analysis and indexing overlap.
    pub(crate) fn rebuild(
        &self,
        projects: &mut dyn Iterator<Item = Project>,
        progress: &dyn Fn(u64),
    ) -> Result<(), SearchError> {
        // Two indexing threads with room enough that a million projects make a handful of
        // segments, and no merging while they write: merging rewrote the index several times
        // over and took most of the build.
        let mut writer: tantivy::IndexWriter = self
            .index
            .writer_with_num_threads(INDEX_THREADS, REBUILD_HEAP_BYTES)
            .map_err(err(self.dir))?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut products = self.products.writer(true).map_err(err(self.dir))?;
        self.generation.set(None)?;
        writer.delete_all_documents().map_err(err(self.dir))?;
        products.delete_all_documents().map_err(err(self.dir))?;
        let analysers = analysis_threads();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Project>>(2 * analysers);
        let rx = Mutex::new(rx);
        std::thread::scope(|s| -> Result<(), SearchError> {
            let workers: Vec<_> = (0..analysers)
                .map(|_| {
                    s.spawn(|| -> Result<(), SearchError> {
                        let mut cache = WordCache::default();
                        loop {
                            let batch = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(batch) = batch else { return Ok(()) };
                            for p in batch {
                                writer
                                    .add_document(self.document(&p, &mut cache))
                                    .map_err(err(self.dir))?;
                                self.products
                                    .put(&products, &p, false)
                                    .map_err(err(self.dir))?;
                            }
                        }
                    })
                })
                .collect();
            let mut n = 0u64;
            let mut batch = Vec::with_capacity(BATCH);
            for p in projects {
                batch.push(p);
                n += 1;
                if n.is_multiple_of(10_000) {
                    progress(n);
                }
                // A send fails only when every worker stopped on an error, reported below.
                if batch.len() == BATCH
                    && tx
                        .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                        .is_err()
                {
                    break;
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            drop(tx);
            for w in workers {
                w.join().map_err(|_| SearchError::Panicked {
                    path: self.dir.to_owned(),
                })??;
            }
            Ok(())
        })?;
        writer.commit().map_err(err(self.dir))?;
        self.products.commit(&mut products).map_err(err(self.dir))
    }

    /// Adds or replaces projects and commits both indexes (the caller reloads and records the
    /// generation).
    pub(crate) fn upsert(&self, projects: &[Project]) -> Result<(), SearchError> {
        let mut writer: tantivy::IndexWriter =
            self.index.writer(50_000_000).map_err(err(self.dir))?;
        let mut products = self.products.writer(false).map_err(err(self.dir))?;
        self.generation.set(None)?;
        let mut cache = WordCache::default();
        for p in projects {
            writer.delete_term(Term::from_field_text(self.fields.number, p.number.as_str()));
            writer
                .add_document(self.document(p, &mut cache))
                .map_err(err(self.dir))?;
            self.products
                .put(&products, p, true)
                .map_err(err(self.dir))?;
        }
        writer.commit().map_err(err(self.dir))?;
        self.products.commit(&mut products).map_err(err(self.dir))
    }

    /// One project as a tantivy document: each text field is analysed once, and its tokens go
    /// to the scored body (repeated by the field's weight), the parts field and the phrase field.
    pub(crate) fn document(&self, p: &Project, cache: &mut WordCache) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.number, p.number.as_str());
        let products: Vec<&str> = p.products.iter().map(|x| x.title.as_str()).collect();
        let orgs: Vec<&str> = p.organisations.iter().map(|o| o.name.as_str()).collect();
        let title = match p.full_title.as_deref() {
            Some(full) => format!("{}\n{full}", p.title),
            None => p.title.clone(),
        };
        let texts: [&str; 8] = [
            &title,
            p.teaser.as_deref().unwrap_or_default(),
            &p.question,
            &p.outcome,
            &p.method,
            &products.join("\n"),
            &orgs.join("\n"),
            &p.municipalities.join("\n"),
        ];
        let (mut body, mut parts) = (String::new(), String::new());
        for (text, (name, weight)) in texts.into_iter().zip(TEXT_FIELDS) {
            if text.is_empty() {
                continue;
            }
            if let Some((_, field)) = f.stored.iter().find(|(n, _)| n == name) {
                doc.add_text(*field, text);
            }
            // Suggestions come from what people read first, not from method or outcome prose.
            if matches!(*name, "title" | "teaser" | "question") {
                doc.add_text(f.completion, text);
            }
            let mut last = None;
            self.analyzer
                .analyze_each(text, cache, |term, kind, position, _, _| {
                    if kind == TokenKind::Part {
                        for _ in 0..*weight {
                            parts.push_str(term);
                            parts.push(' ');
                        }
                        return;
                    }
                    // A joined form takes its word's position, and a word's repeats take its own:
                    // positions stay those of the text, for phrases.
                    for i in 0..*weight {
                        if i > 0 || last == Some(position) {
                            body.push(SAME_POSITION);
                        }
                        body.push_str(term);
                        body.push(' ');
                    }
                    last = Some(position);
                });
            body.push(FIELD_BREAK);
        }
        for (field, terms) in [(f.body, body), (f.parts, parts)] {
            doc.add_text(field, terms);
        }
        facet_values(p, &mut |name, value| doc.add_text(f.facets[name], value));
        doc.add_u64(f.content, content_version(p));
        let key = p.start.map_or(0, |d| {
            u64::from(d.get_year()) * 100 + u64::from(d.get_month().unwrap_or(0))
        });
        doc.add_u64(f.start_key, key);
        doc
    }
}
