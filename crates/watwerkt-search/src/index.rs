//! The facade: [`SearchIndex`], the search index of one data directory, and the only `impl` of
//! it. It owns the parts (the tantivy index and reader, the schema's fields, the analyzer,
//! synonyms, the product index, the loaded snapshot and the generation) and hands each call a
//! [`SearchContext`] over one snapshot; the stages (`plan`, `matching`, `rank`, `facets`,
//! `snippets`, `search`, `suggest`, `similar`) are functions over that context, and `build`
//! writes. See the crate README for the pipeline and where to change what.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use levenshtein_automata::LevenshteinAutomatonBuilder;
use tantivy::{Index, IndexReader, ReloadPolicy};
use watwerkt_domain::{Project, ProjectNumber};

use crate::analysis::{Analyzer, WordCache};
use crate::build::{Builder, Generation};
use crate::context::SearchContext;
use crate::error::{SearchError, err, io_err};
use crate::inventory::IndexedProject;
use crate::products::ProductIndex;
use crate::request::SearchRequest;
use crate::response::SearchResponse;
use crate::schema::{
    DOCSTORE_BLOCK_BYTES, Fields, SYNONYMS, SYNONYMS_PATH, default_analyzer, register_tokenizers,
    schema,
};
use crate::similar::{self, Match};
use crate::snapshot::Snapshot;
use crate::suggest::{self, Suggestion};
use crate::synonyms::Synonyms;

/// The search index of one data directory.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: Arc<Analyzer>,
    synonyms: Synonyms,
    products: ProductIndex,
    generation: Generation,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Levenshtein automaton builders for one and two edits (costly to make, so made once).
    fuzzy: [LevenshteinAutomatonBuilder; 2],
    /// Word analyses for snippets, kept between searches (hits share their vocabulary).
    snippet_words: Mutex<WordCache>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating an empty one if there is none. An index written with
    /// another schema (an older version of this crate) is removed: without a generation file it
    /// counts as stale, and the catalogue rebuilds it.
    #[tracing::instrument]
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let (schema, fields) = schema();
        let mmap_err = |source| SearchError::OpenDirectory {
            path: dir.to_owned(),
            source,
        };
        let mut mmap = tantivy::directory::MmapDirectory::open(dir).map_err(mmap_err)?;
        if Index::exists(&mmap).map_err(|source| SearchError::OpenRead {
            path: dir.to_owned(),
            source,
        })? && Index::open(mmap.clone()).map_err(err(dir))?.schema() != schema
        {
            drop(mmap);
            std::fs::remove_dir_all(dir).map_err(io_err(dir))?;
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            mmap = tantivy::directory::MmapDirectory::open(dir).map_err(mmap_err)?;
        }
        // Small document-store blocks: a hit's stored text is read by decompressing its block,
        // and at tantivy's default (16 KB, about ten projects) that was a tenth of a search page.
        let settings = tantivy::IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..Default::default()
        };
        let index = Index::builder()
            .schema(schema)
            .settings(settings)
            .open_or_create(mmap)
            .map_err(err(dir))?;
        register_tokenizers(&index);
        let analyzer = Arc::new(default_analyzer());
        let products =
            ProductIndex::open(&dir.join("products"), analyzer.clone()).map_err(err(dir))?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err(dir))?;
        let synonyms =
            Synonyms::parse(SYNONYMS, &analyzer).map_err(|source| SearchError::Synonyms {
                path: SYNONYMS_PATH.into(),
                source,
            })?;
        let generation = Generation::read(dir);
        let snapshot = Snapshot::load(reader.searcher(), fields.start_key).map_err(err(dir))?;
        Ok(SearchIndex {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            analyzer,
            synonyms,
            products,
            generation,
            snapshot: RwLock::new(Arc::new(snapshot)),
            fuzzy: [
                LevenshteinAutomatonBuilder::new(1, true),
                LevenshteinAutomatonBuilder::new(2, true),
            ],
            snippet_words: Mutex::new(WordCache::default()),
        })
    }

    /// The store generation this index reflects; `None` if it was never built.
    pub fn generation(&self) -> Option<u64> {
        self.generation.get()
    }

    /// Replaces the whole index with `projects` (see `build`).
    #[tracing::instrument(skip_all)]
    pub fn rebuild(
        &self,
        projects: &mut dyn Iterator<Item = Project>,
        generation: u64,
        progress: &dyn Fn(u64),
    ) -> Result<(), SearchError> {
        self.builder().rebuild(projects, progress)?;
        self.reload()?;
        self.generation.set(Some(generation))
    }

    /// Adds or replaces projects after the store committed them at `generation`.
    #[tracing::instrument(skip_all, fields(n = projects.len()))]
    pub fn upsert(&self, projects: &[Project], generation: u64) -> Result<(), SearchError> {
        self.builder().upsert(projects)?;
        self.reload()?;
        self.generation.set(Some(generation))
    }

    /// Searches: top hits with snippets, the total, and every facet's counts (see `search`).
    #[tracing::instrument(skip(self), fields(query = %req.query))]
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, SearchError> {
        crate::search::search(&self.context(), req)
    }

    /// Suggestions for a search box as the user types: completions of the last word (after the
    /// words before it), municipalities and organisations whose name has a word starting so, and
    /// the titles of the best-matching projects.
    #[tracing::instrument(skip(self))]
    pub fn suggest(&self, input: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        suggest::suggest(&self.context(), input, limit)
    }

    /// Projects most like `project` (itself left out): sharing its telling words, and within
    /// its theme where the words leave a choice.
    #[tracing::instrument(skip_all, fields(number = project.number.as_str()))]
    pub fn similar(&self, project: &Project, limit: usize) -> Result<Vec<Match>, SearchError> {
        similar::similar(&self.context(), project, limit)
    }

    /// The vraagbaak: projects most like a pasted question or case description.
    #[tracing::instrument(skip(self, text), fields(chars = text.len()))]
    pub fn vraagbaak(&self, text: &str, limit: usize) -> Result<Vec<Match>, SearchError> {
        similar::vraagbaak(&self.context(), text, limit, &[])
    }

    /// As [`SearchIndex::vraagbaak`], with the target groups the case names (label ids, found by
    /// the caller's lexicon): projects for them count as much as a telling word more.
    #[tracing::instrument(skip(self, text), fields(chars = text.len()))]
    pub fn vraagbaak_for(
        &self,
        text: &str,
        limit: usize,
        target_groups: &[&str],
    ) -> Result<Vec<Match>, SearchError> {
        similar::vraagbaak(&self.context(), text, limit, target_groups)
    }

    /// Number of projects in the index.
    pub fn len(&self) -> u64 {
        self.snapshot().searcher.num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the index holds this project (for consistency checks).
    pub fn contains(&self, number: &ProjectNumber) -> Result<bool, SearchError> {
        self.context().number_exists(number.as_str())
    }

    /// Visits every indexed project: its number, content version and facet values (for
    /// consistency checks; reads fast fields only).
    pub fn for_each_indexed(&self, f: &mut dyn FnMut(IndexedProject)) -> Result<(), SearchError> {
        crate::inventory::for_each(&self.context(), f)
    }

    /// The indexed documents of one project (one, or none; more means a broken index).
    pub fn indexed(&self, number: &ProjectNumber) -> Result<Vec<IndexedProject>, SearchError> {
        crate::inventory::find(&self.context(), number.as_str())
    }

    /// The context of one call: the current snapshot and the parts every stage reads.
    pub(crate) fn context(&self) -> SearchContext<'_> {
        SearchContext {
            snap: self.snapshot(),
            fields: &self.fields,
            analyzer: &self.analyzer,
            synonyms: &self.synonyms,
            products: &self.products,
            fuzzy: &self.fuzzy,
            snippet_words: &self.snippet_words,
            dir: &self.dir,
        }
    }

    fn builder(&self) -> Builder<'_> {
        Builder {
            dir: &self.dir,
            index: &self.index,
            fields: &self.fields,
            analyzer: &self.analyzer,
            products: &self.products,
            generation: &self.generation,
        }
    }

    /// Loads the committed index and the tables searches need from it.
    fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(err(&self.dir))?;
        let snapshot = Snapshot::load(self.reader.searcher(), self.fields.start_key)
            .map_err(err(&self.dir))?;
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
        Ok(())
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
