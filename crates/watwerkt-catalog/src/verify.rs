//! `watwerkt verify`: whether the store and the search index agree, and whether the store is
//! sound by its own checks. Reads only; run it on a catalogue opened with
//! [`Catalog::open_as_is`](crate::Catalog::open_as_is), which repairs nothing, so it reports what
//! is on disk rather than what the next start would make of it.
//!
//! What it compares:
//! - the store's own integrity ([`Store::check_integrity`](watwerkt_store::Store::check_integrity));
//! - the generation the index reflects against the store's;
//! - every project: present in both, once in the index, the same content version (the index
//!   records `watwerkt_search::content_version` of the project it was built from; the check
//!   computes it again from the stored project) and the same facet values, the derived labels
//!   among them;
//! - the facet counts a search over everything shows against counts computed from the store.
//!
//! The index is read into a map of number → (documents, version, digest of facet values), a few
//! dozen bytes per project; the store is streamed once against it.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;
use watwerkt_domain::Project;
use watwerkt_search::{FACETS, SearchRequest, content_version, facet_map};
use watwerkt_store::StoreError;

use crate::{Catalog, CatalogError};

/// Disagreements listed one by one; beyond this they are only counted.
const LISTED: usize = 1000;

/// One thing that does not agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disagreement {
    /// The store's own check found a problem.
    StoreIntegrity {
        message: String,
    },
    /// A stored project could not be read; the projects after it were not compared.
    StoreUnreadable {
        message: String,
    },
    /// The index reflects another store generation, or none (never built, or being written).
    Generation {
        store: u64,
        index: Option<u64>,
    },
    MissingFromIndex {
        project: String,
    },
    MissingFromStore {
        project: String,
    },
    IndexedMoreThanOnce {
        project: String,
        documents: u64,
    },
    /// The index was built from another version of the project's content.
    ContentDiffers {
        project: String,
    },
    /// A facet's values (for the label facets: the derived labels) differ.
    ValuesDiffer {
        project: String,
        facet: String,
        store: Vec<String>,
        index: Vec<String>,
    },
    /// A search over everything counts a facet value otherwise than the store.
    FacetCount {
        facet: String,
        value: String,
        store: u64,
        index: u64,
    },
    /// A search over everything finds another number of projects than the store holds.
    Total {
        store: u64,
        index: u64,
    },
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Disagreement::StoreIntegrity { message } => write!(f, "store integrity: {message}"),
            Disagreement::StoreUnreadable { message } => write!(
                f,
                "store: {message} (the projects after it were not compared)"
            ),
            Disagreement::Generation { store, index } => match index {
                Some(i) => write!(
                    f,
                    "generation: the index reflects store generation {i}, the store is at {store}"
                ),
                None => write!(
                    f,
                    "generation: the index records no store generation (never built, or a write was cut off); the store is at {store}"
                ),
            },
            Disagreement::MissingFromIndex { project } => {
                write!(f, "project {project}: in the store, not in the index")
            }
            Disagreement::MissingFromStore { project } => {
                write!(f, "project {project}: in the index, not in the store")
            }
            Disagreement::IndexedMoreThanOnce { project, documents } => {
                write!(
                    f,
                    "project {project}: {documents} documents in the index, expected 1"
                )
            }
            Disagreement::ContentDiffers { project } => write!(
                f,
                "project {project}: the index was built from another version of its content"
            ),
            Disagreement::ValuesDiffer {
                project,
                facet,
                store,
                index,
            } => write!(
                f,
                "project {project}: {facet} in the store [{}], in the index [{}]",
                store.join(", "),
                index.join(", ")
            ),
            Disagreement::FacetCount {
                facet,
                value,
                store,
                index,
            } => write!(
                f,
                "facet {facet}={value}: {store} project(s) in the store, {index} in the index's counts"
            ),
            Disagreement::Total { store, index } => write!(
                f,
                "total: {store} project(s) in the store, a search over everything finds {index}"
            ),
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// No disagreement at all.
    pub consistent: bool,
    pub store_projects: u64,
    pub index_projects: u64,
    pub store_generation: u64,
    pub index_generation: Option<u64>,
    /// The first disagreements found (up to 1000), in the order checked.
    pub disagreements: Vec<Disagreement>,
    /// Disagreements found beyond those listed.
    pub not_listed: u64,
    pub seconds: f64,
}

impl VerifyReport {
    fn push(&mut self, d: Disagreement) {
        self.consistent = false;
        if self.disagreements.len() < LISTED {
            self.disagreements.push(d);
        } else {
            self.not_listed += 1;
        }
    }
}

/// What the index holds of one project, compactly.
struct Indexed {
    documents: u64,
    version: Option<u64>,
    facets: u64,
}

/// Compares the catalogue's store and index (see the module docs).
#[tracing::instrument(skip_all)]
pub fn verify(catalog: &Catalog) -> Result<VerifyReport, CatalogError> {
    let started = std::time::Instant::now();
    let store = catalog.store();
    let index = catalog.index();
    let mut report = VerifyReport {
        consistent: true,
        store_projects: 0,
        index_projects: index.len(),
        store_generation: store.generation()?,
        index_generation: index.generation(),
        disagreements: Vec::new(),
        not_listed: 0,
        seconds: 0.0,
    };
    for message in store.check_integrity()? {
        report.push(Disagreement::StoreIntegrity { message });
    }
    if report.index_generation != Some(report.store_generation) {
        report.push(Disagreement::Generation {
            store: report.store_generation,
            index: report.index_generation,
        });
    }

    let mut indexed: HashMap<String, Indexed> =
        HashMap::with_capacity(report.index_projects as usize);
    index.for_each_indexed(&mut |doc| {
        let e = indexed.entry(doc.number).or_insert(Indexed {
            documents: 0,
            version: doc.content_version,
            facets: digest(&doc.facets),
        });
        e.documents += 1;
    })?;

    let mut counts: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    let mut differing: Vec<Project> = Vec::new();
    let streamed = store.for_each_project(&mut |p| {
        report.store_projects += 1;
        let facets = facet_map(&p);
        for (facet, values) in &facets {
            for v in values {
                *counts.entry((facet, v.clone())).or_default() += 1;
            }
        }
        let number = p.number.as_str();
        let Some(found) = indexed.remove(number) else {
            report.push(Disagreement::MissingFromIndex {
                project: number.to_owned(),
            });
            return Ok(());
        };
        if found.documents > 1 {
            report.push(Disagreement::IndexedMoreThanOnce {
                project: number.to_owned(),
                documents: found.documents,
            });
        }
        if found.version != Some(content_version(&p)) {
            report.push(Disagreement::ContentDiffers {
                project: number.to_owned(),
            });
        }
        if found.facets != digest(&facets) && differing.len() < LISTED {
            differing.push(p);
        }
        Ok(())
    });
    match streamed {
        Ok(()) => {}
        Err(e @ StoreError::Corrupt { .. }) => {
            // The projects after it were not read: what is left in the map, and the counts,
            // would only repeat that.
            report.push(Disagreement::StoreUnreadable {
                message: e.to_string(),
            });
            report.seconds = started.elapsed().as_secs_f64();
            return Ok(report);
        }
        Err(e) => return Err(e.into()),
    }
    // Which values differ is looked up again only for the projects whose digests differ.
    for p in differing {
        let store_facets = facet_map(&p);
        let docs = index.indexed(&p.number)?;
        let index_facets = docs
            .into_iter()
            .next()
            .map(|d| d.facets)
            .unwrap_or_default();
        for facet in FACETS {
            let s = store_facets.get(facet).cloned().unwrap_or_default();
            let i = index_facets.get(facet).cloned().unwrap_or_default();
            if s != i {
                report.push(Disagreement::ValuesDiffer {
                    project: p.number.to_string(),
                    facet: (*facet).to_owned(),
                    store: s,
                    index: i,
                });
            }
        }
    }
    let mut left: Vec<String> = indexed.into_keys().collect();
    left.sort_unstable();
    for project in left {
        report.push(Disagreement::MissingFromStore { project });
    }
    compare_counts(catalog, &counts, &mut report)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The facet counts of a search over everything against the store's.
fn compare_counts(
    catalog: &Catalog,
    store: &BTreeMap<(&'static str, String), u64>,
    report: &mut VerifyReport,
) -> Result<(), CatalogError> {
    let all = catalog.index().search(&SearchRequest {
        limit: 1,
        ..Default::default()
    })?;
    if all.total != report.store_projects {
        report.push(Disagreement::Total {
            store: report.store_projects,
            index: all.total,
        });
    }
    let mut index: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
    for facet in FACETS {
        for c in all.facets.get(*facet).into_iter().flatten() {
            index.insert((*facet, c.value.clone()), c.count);
        }
    }
    let keys: std::collections::BTreeSet<&(&'static str, String)> =
        store.keys().chain(index.keys()).collect();
    for key in keys {
        let (s, i) = (
            store.get(key).copied().unwrap_or(0),
            index.get(key).copied().unwrap_or(0),
        );
        if s != i {
            report.push(Disagreement::FacetCount {
                facet: key.0.to_owned(),
                value: key.1.clone(),
                store: s,
                index: i,
            });
        }
    }
    Ok(())
}

/// A digest of facet values, compared within this run only.
fn digest(facets: &BTreeMap<&'static str, Vec<String>>) -> u64 {
    let mut h = DefaultHasher::new();
    facets.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A data directory holding the bundled catalogue, and one of its project numbers.
    fn seeded() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let mut first = None;
        catalog
            .store()
            .for_each_project(&mut |p| {
                first.get_or_insert_with(|| p.number.to_string());
                Ok(())
            })
            .unwrap();
        (dir, first.unwrap())
    }

    fn check(dir: &Path) -> VerifyReport {
        verify(&Catalog::open_as_is(dir, &crate::StoreLocation::DataDir).unwrap()).unwrap()
    }

    fn sql(dir: &Path, statements: &str) {
        let c = rusqlite::Connection::open(dir.join(crate::STORE_FILE)).unwrap();
        c.execute_batch(statements).unwrap();
    }

    fn delete_from_index(dir: &Path, number: &str) {
        let index = tantivy::Index::open_in_dir(dir.join(crate::INDEX_DIR)).unwrap();
        let field = index.schema().get_field("number").unwrap();
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        w.delete_term(tantivy::Term::from_field_text(field, number));
        w.commit().unwrap();
    }

    #[test]
    fn a_fresh_catalogue_is_consistent() {
        let (dir, _) = seeded();
        let r = check(dir.path());
        assert!(r.consistent, "{:#?}", r.disagreements);
        assert_eq!(r.store_projects, 50);
        assert_eq!(r.index_projects, 50);
        assert_eq!(r.index_generation, Some(r.store_generation));
    }

    #[test]
    fn a_document_deleted_from_the_index_is_reported() {
        let (dir, number) = seeded();
        delete_from_index(dir.path(), &number);
        let r = check(dir.path());
        assert!(!r.consistent);
        assert!(
            r.disagreements.contains(&Disagreement::MissingFromIndex {
                project: number.clone()
            }),
            "{:#?}",
            r.disagreements
        );
        assert!(r.disagreements.contains(&Disagreement::Total {
            store: 50,
            index: 49
        }));
        assert!(
            r.disagreements
                .iter()
                .any(|d| matches!(d, Disagreement::FacetCount { facet, .. } if facet == "theme"))
        );
    }

    #[test]
    fn labels_changed_in_the_store_are_reported_by_facet() {
        let (dir, number) = seeded();
        sql(
            dir.path(),
            &format!("UPDATE projects SET derived = '' WHERE number = '{number}'"),
        );
        let r = check(dir.path());
        assert!(
            r.disagreements.contains(&Disagreement::ContentDiffers {
                project: number.clone()
            }),
            "{:#?}",
            r.disagreements
        );
        assert!(
            r.disagreements.iter().any(|d| matches!(d,
                Disagreement::ValuesDiffer { project, facet, store, index }
                    if *project == number && facet == "evidence_level" && store.is_empty() && !index.is_empty())),
            "{:#?}",
            r.disagreements
        );
    }

    #[test]
    fn content_changed_in_the_store_is_reported() {
        let (dir, number) = seeded();
        sql(
            dir.path(),
            &format!(
                "UPDATE projects SET content = json_set(content, '$.lead_researcher', 'Iemand anders') WHERE number = '{number}'"
            ),
        );
        let r = check(dir.path());
        assert_eq!(
            r.disagreements,
            [Disagreement::ContentDiffers { project: number }]
        );
    }

    #[test]
    fn an_unreadable_record_is_reported_once() {
        let (dir, number) = seeded();
        sql(
            dir.path(),
            &format!("UPDATE projects SET content = '{{' WHERE number = '{number}'"),
        );
        let r = check(dir.path());
        assert!(
            matches!(&r.disagreements[..], [Disagreement::StoreUnreadable { message }] if message.contains(&number)),
            "{:#?}",
            r.disagreements
        );
    }

    #[test]
    fn a_project_only_in_the_index_and_a_broken_foreign_key_are_reported() {
        let (dir, number) = seeded();
        sql(
            dir.path(),
            &format!(
                "PRAGMA foreign_keys = OFF;
                 DELETE FROM projects WHERE number = '{number}';
                 INSERT INTO revisions (number, revision, replaced_at_generation, content, sources)
                 VALUES ('{number}', 1, 1, '{{}}', '[]');"
            ),
        );
        let r = check(dir.path());
        assert!(
            r.disagreements.contains(&Disagreement::MissingFromStore {
                project: number.clone()
            }),
            "{:#?}",
            r.disagreements
        );
        assert!(
            r.disagreements.iter().any(|d| matches!(d,
                Disagreement::StoreIntegrity { message } if message.contains("foreign_key_check: revisions"))),
            "{:#?}",
            r.disagreements
        );
    }

    #[test]
    fn an_index_behind_the_store_is_reported() {
        let (dir, _) = seeded();
        sql(
            dir.path(),
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'",
        );
        let r = check(dir.path());
        assert!(
            r.disagreements
                .iter()
                .any(|d| matches!(d, Disagreement::Generation { .. })),
            "{:#?}",
            r.disagreements
        );
    }
}
