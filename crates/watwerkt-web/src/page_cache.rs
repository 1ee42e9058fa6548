//! Recently built search, listing and project pages and search-box suggestions, kept for the
//! current index generation.
//!
//! A search page costs the engine tens of milliseconds at 100k projects (facets of every match,
//! snippets of twenty hits; a project page's related projects are a search too), while the same
//! few URLs (a theme's page, a popular query, the facet links of the home page, a much-read
//! project) are asked for again and again. A page depends only on its URL
//! and the generation, so a finished body can be served again until the catalogue changes; a
//! new generation empties the cache. At most [`CAPACITY`] pages are kept (a search page is
//! 20–40 kB, so a few tens of megabytes); the oldest goes first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;

pub const HTML: &str = "text/html; charset=utf-8";
pub const JSON: &str = "application/json";

/// Pages kept at most.
pub const CAPACITY: usize = 1024;

#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: Option<u64>,
    /// URL → (content type, body).
    pages: HashMap<String, (&'static str, Bytes)>,
    /// Insertion order, for evicting the oldest.
    order: VecDeque<String>,
}

impl Inner {
    fn for_generation(&mut self, generation: Option<u64>) -> &mut Inner {
        if self.generation != generation {
            self.generation = generation;
            self.pages.clear();
            self.order.clear();
        }
        self
    }
}

impl PageCache {
    pub fn get(&self, generation: Option<u64>, uri: &str) -> Option<(&'static str, Bytes)> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.for_generation(generation).pages.get(uri).cloned()
    }

    /// Keeps a page built at `generation`; nothing is kept while the index is being written
    /// (`None`), as the page may mix the old and the new catalogue.
    pub fn put(&self, generation: Option<u64>, uri: &str, content_type: &'static str, body: Bytes) {
        if generation.is_none() {
            return;
        }
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = guard.for_generation(generation);
        if inner
            .pages
            .insert(uri.to_owned(), (content_type, body))
            .is_none()
        {
            inner.order.push_back(uri.to_owned());
        }
        while inner.order.len() > CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.pages.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_pages_per_generation_and_evicts_the_oldest() {
        let c = PageCache::default();
        c.put(Some(1), "/zoeken?q=a", HTML, Bytes::from_static(b"a"));
        assert_eq!(
            c.get(Some(1), "/zoeken?q=a"),
            Some((HTML, Bytes::from_static(b"a")))
        );
        assert_eq!(
            c.get(Some(2), "/zoeken?q=a"),
            None,
            "a new generation empties it"
        );
        for i in 0..=CAPACITY {
            c.put(Some(2), &format!("/p{i}"), HTML, Bytes::new());
        }
        assert_eq!(c.get(Some(2), "/p0"), None);
        assert!(c.get(Some(2), &format!("/p{CAPACITY}")).is_some());
    }
}
