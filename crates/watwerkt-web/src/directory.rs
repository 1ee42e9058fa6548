//! What every page needs to know about the whole catalogue, computed once per index generation:
//! the facet counts of all projects (home, statistics, programme), the URL slugs of
//! organisations and municipalities, the programme, and the latest finished projects. At 100k
//! projects counting all facets takes a noticeable moment, so it is done once when the
//! catalogue changes, never per request.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use watwerkt_catalog::{Catalog, CatalogError};
use watwerkt_domain::{Programme, Project, ProjectNumber};
use watwerkt_search::{FacetCount, SearchRequest, Sort};

/// How many finished projects the home page shows.
const LATEST: usize = 4;

/// The facets that have a page of their own per value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Organisation,
    Municipality,
}

impl PageKind {
    pub fn facet(self) -> &'static str {
        match self {
            PageKind::Organisation => "organisation",
            PageKind::Municipality => "municipality",
        }
    }
}

/// The catalogue-wide view of one index generation.
pub struct Directory {
    pub generation: Option<u64>,
    pub total: u64,
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    by_slug: HashMap<(PageKind, String), String>,
    slug_of: HashMap<(PageKind, String), String>,
    pub programme: Programme,
    /// Finished projects, newest start first.
    pub latest_finished: Vec<Project>,
}

impl Directory {
    fn build(catalog: &Catalog) -> Result<Directory, CatalogError> {
        let generation = catalog.index().generation();
        let res = catalog.index().search(&SearchRequest {
            limit: 0,
            ..Default::default()
        })?;
        let mut by_slug = HashMap::new();
        let mut slug_of = HashMap::new();
        for kind in [PageKind::Organisation, PageKind::Municipality] {
            let mut names: Vec<&str> = res
                .facets
                .get(kind.facet())
                .map(|v| v.iter().map(|f| f.value.as_str()).collect())
                .unwrap_or_default();
            // Sorted, so that when two names share a slug the suffix goes to the same one each time.
            names.sort_unstable();
            for name in names {
                let base = slug(name);
                let mut candidate = base.clone();
                let mut n = 2;
                while by_slug.contains_key(&(kind, candidate.clone())) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                by_slug.insert((kind, candidate.clone()), name.to_owned());
                slug_of.insert((kind, name.to_owned()), candidate);
            }
        }
        let finished = catalog.index().search(&SearchRequest {
            filters: vec![("status".into(), "Afgerond".into())],
            limit: LATEST,
            sort: Sort::Newest,
            ..Default::default()
        })?;
        let mut latest_finished = Vec::with_capacity(LATEST);
        for hit in finished.hits {
            if let Ok(n) = ProjectNumber::parse(&hit.project_number)
                && let Some(p) = catalog.project(&n)?
            {
                latest_finished.push(p);
            }
        }
        Ok(Directory {
            generation,
            total: res.total,
            facets: res.facets,
            by_slug,
            slug_of,
            programme: catalog.programme()?,
            latest_finished,
        })
    }

    /// The name behind a slug, if some project has it.
    pub fn name(&self, kind: PageKind, slug: &str) -> Option<&str> {
        self.by_slug
            .get(&(kind, slug.to_owned()))
            .map(String::as_str)
    }

    /// The slug of a name; names the index has not seen (yet) get their plain slug.
    pub fn slug(&self, kind: PageKind, name: &str) -> String {
        self.slug_of
            .get(&(kind, name.to_owned()))
            .cloned()
            .unwrap_or_else(|| slug(name))
    }

    pub fn counts(&self, facet: &str) -> &[FacetCount] {
        self.facets.get(facet).map_or(&[], Vec::as_slice)
    }

    pub fn count(&self, facet: &str, value: &str) -> u64 {
        self.counts(facet)
            .iter()
            .find(|f| f.value == value)
            .map_or(0, |f| f.count)
    }
}

/// Keeps the directory of the current generation.
#[derive(Default)]
pub struct DirectoryCache {
    current: Mutex<Option<Arc<Directory>>>,
    /// Held while building, so a burst of requests after a change builds once.
    building: Mutex<()>,
}

impl DirectoryCache {
    /// The directory of the index's current generation, building it if the catalogue changed.
    /// Blocking: call from a blocking thread.
    pub fn get(&self, catalog: &Catalog) -> Result<Arc<Directory>, CatalogError> {
        let generation = catalog.index().generation();
        if let Some(d) = self.fresh(generation) {
            return Ok(d);
        }
        let _building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = self.fresh(generation) {
            return Ok(d);
        }
        let d = Arc::new(Directory::build(catalog)?);
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(d.clone());
        Ok(d)
    }

    /// The directory if it is already built for the current generation; never blocks on a build.
    pub fn cached(&self, catalog: &Catalog) -> Option<Arc<Directory>> {
        self.fresh(catalog.index().generation())
    }

    fn fresh(&self, generation: Option<u64>) -> Option<Arc<Directory>> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|d| d.generation == generation)
            .cloned()
    }
}

/// A URL slug: lower case, accents folded, runs of other characters one hyphen
/// ("Súdwest-Fryslân" → "sudwest-fryslan", "Hogeschool van Amsterdam (HvA)" → "hogeschool-van-amsterdam-hva").
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else if c != '\'' && c != '’' {
            // An apostrophe joins ("'s-Hertogenbosch" → "s-hertogenbosch"); anything else separates.
            gap = true;
        }
    }
    if out.is_empty() {
        // A name of only punctuation still needs an address.
        out.push_str("naamloos");
    }
    out
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Súdwest-Fryslân"), "sudwest-fryslan");
        assert_eq!(slug("'s-Hertogenbosch"), "s-hertogenbosch");
        assert_eq!(
            slug("Hogeschool van Amsterdam (HvA)"),
            "hogeschool-van-amsterdam-hva"
        );
        assert_eq!(slug("  Coöperatie Amyrillis "), "cooperatie-amyrillis");
        assert_eq!(slug("</script>"), "script");
    }
}
