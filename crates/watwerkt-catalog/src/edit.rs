//! Editing one project through the write path: a JSON merge patch (RFC 7396) over the project's
//! JSONL record, checked as an import checks a line, with optimistic concurrency on the
//! project's revision. The store keeps every replaced version, so each edit is a revision that
//! can be read back and restored.

use serde_json::{Map, Value};
use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Project, ProjectNumber, SourceRef, Status};

use crate::{Catalog, CatalogError};

/// Why an edit was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("no project {0}")]
    NotFound(ProjectNumber),
    #[error("project {number} is at revision {current}, not {expected}: reload and edit again")]
    Stale {
        number: ProjectNumber,
        expected: u32,
        current: u32,
        /// The stored version the edit would have overwritten.
        project: Box<Project>,
    },
    #[error("field `{field}`: {message}")]
    Invalid { field: String, message: String },
    #[error("there is already a project {0}")]
    Exists(ProjectNumber),
    #[error("project {number} has no revision {revision}")]
    NoSuchRevision {
        number: ProjectNumber,
        revision: u32,
    },
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl From<watwerkt_store::StoreError> for EditError {
    fn from(e: watwerkt_store::StoreError) -> Self {
        EditError::Catalog(e.into())
    }
}

/// What an edit did.
#[derive(Debug, Clone)]
pub struct Edited {
    pub project: Project,
    /// The project's revision after the edit (unchanged when the patch changed nothing).
    pub revision: u32,
    /// The record fields whose value changed, alphabetically.
    pub changed: Vec<String>,
}

/// The source of a project created in the back office (an import names its file and line).
pub const BACK_OFFICE_SOURCE: &str = "beheer";

/// Fields the write path computes; a patch may not set them.
const COMPUTED: &[&str] = &["derived"];

impl Catalog {
    /// The project's current revision: 1 for a project never changed since it was first written.
    pub fn revision(&self, number: &ProjectNumber) -> Result<Option<u32>, CatalogError> {
        if self.store.project(number)?.is_none() {
            return Ok(None);
        }
        Ok(Some(self.store.revisions(number)?.len() as u32 + 1))
    }

    /// Applies a JSON merge patch to a project. With `expected`, refuses when the project has
    /// moved on from that revision.
    #[tracing::instrument(skip(self, patch))]
    pub fn edit_project(
        &self,
        number: &ProjectNumber,
        patch: &Value,
        expected: Option<u32>,
    ) -> Result<Edited, EditError> {
        let Value::Object(patch) = patch else {
            return Err(invalid("", "expected a JSON object (a merge patch)"));
        };
        for key in COMPUTED {
            if patch.contains_key(*key) {
                return Err(invalid(key, "is derived from the text and cannot be set"));
            }
        }
        if let Some(n) = patch.get("project_number")
            && n.as_str() != Some(number.as_str())
        {
            return Err(invalid(
                "project_number",
                "the project number cannot be changed",
            ));
        }
        self.write_edit(number, expected, |current| {
            let mut value = record_json(current);
            merge_patch(&mut value, &Value::Object(patch.clone()));
            Ok(value)
        })
    }

    /// Checks a new project's record as an import checks a line, and the catalogue's rules;
    /// nothing is written. A record without sources gets [`BACK_OFFICE_SOURCE`].
    pub fn check_new_project(&self, record: &Value) -> Result<Project, EditError> {
        let mut project = parse_record(record.clone())?;
        check_rules(&project)?;
        if project.sources.is_empty() {
            project.sources.push(SourceRef {
                file: BACK_OFFICE_SOURCE.to_owned(),
                line: 1,
            });
        }
        Ok(project)
    }

    /// Publishes a new project (its revision 1); refused when the number is taken.
    #[tracing::instrument(skip_all)]
    pub fn create_project(&self, record: &Value) -> Result<Edited, EditError> {
        let mut project = self.check_new_project(record)?;
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        if self.store.project(&project.number)?.is_some() {
            return Err(EditError::Exists(project.number));
        }
        project.derived = self.labeller.derive(&project);
        let mut tx = self.store.begin()?;
        tx.upsert_project(&project)?;
        let numbers = tx.changed().to_vec();
        let summary = tx.commit()?;
        self.update_index(&numbers, summary.generation)?;
        let changed = changed_fields(&Value::Object(Map::new()), &record_json(&project));
        Ok(Edited {
            project,
            revision: 1,
            changed,
        })
    }

    /// Makes an earlier revision the current content again (as a new revision).
    pub fn restore_revision(
        &self,
        number: &ProjectNumber,
        revision: u32,
        expected: Option<u32>,
    ) -> Result<Edited, EditError> {
        let old = self
            .store
            .revisions(number)?
            .into_iter()
            .find(|r| r.revision == revision)
            .ok_or_else(|| EditError::NoSuchRevision {
                number: number.clone(),
                revision,
            })?;
        self.write_edit(number, expected, |_| Ok(record_json(&old.project)))
    }

    fn write_edit(
        &self,
        number: &ProjectNumber,
        expected: Option<u32>,
        new_record: impl FnOnce(&Project) -> Result<Value, EditError>,
    ) -> Result<Edited, EditError> {
        let _guard = self.write.lock().unwrap_or_else(|e| e.into_inner());
        let current = self
            .store
            .project(number)?
            .ok_or_else(|| EditError::NotFound(number.clone()))?;
        let revision = self.store.revisions(number)?.len() as u32 + 1;
        if let Some(expected) = expected.filter(|e| *e != revision) {
            return Err(EditError::Stale {
                number: number.clone(),
                expected,
                current: revision,
                project: Box::new(current),
            });
        }
        let value = new_record(&current)?;
        let mut project = parse_record(value)?;
        check_rules(&project)?;
        project.derived = self.labeller.derive(&project);
        let changed = changed_fields(&record_json(&current), &record_json(&project));
        if changed.is_empty() {
            return Ok(Edited {
                project: current,
                revision,
                changed,
            });
        }
        let mut tx = self.store.begin()?;
        tx.upsert_project(&project)?;
        let numbers = tx.changed().to_vec();
        let summary = tx.commit()?;
        self.update_index(&numbers, summary.generation)?;
        Ok(Edited {
            project,
            revision: revision + 1,
            changed,
        })
    }
}

/// What the catalogue asks of a project beyond its record's types.
fn check_rules(project: &Project) -> Result<(), EditError> {
    if project.status == Some(Status::Afgerond) && project.outcome.trim().is_empty() {
        return Err(invalid(
            "outcome",
            "a finished project (status Afgerond) needs its result",
        ));
    }
    Ok(())
}

fn invalid(field: &str, message: &str) -> EditError {
    EditError::Invalid {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// The project as its JSONL record, without the derived labels (the write path sets those).
pub fn record_json(project: &Project) -> Value {
    let mut value =
        serde_json::to_value(ProjectRecord::from(project)).expect("a record serialises");
    if let Value::Object(map) = &mut value {
        for key in COMPUTED {
            map.remove(*key);
        }
    }
    value
}

fn parse_record(value: Value) -> Result<Project, EditError> {
    let record: ProjectRecord = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        EditError::Invalid {
            field: if field == "." { String::new() } else { field },
            message: e.into_inner().to_string(),
        }
    })?;
    Project::try_from(record).map_err(|e| EditError::Invalid {
        field: e.field.to_owned(),
        message: e.error.to_string(),
    })
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The top-level record fields that differ between two records, alphabetically.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let (Value::Object(b), Value::Object(a)) = (before, after) else {
        return vec![String::new()];
    };
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396_appendix_a() {
        // A selection of the RFC's own examples.
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
        ];
        for (mut target, patch, want) in cases {
            merge_patch(&mut target, &patch);
            assert_eq!(target, want, "patch {patch}");
        }
    }

    #[test]
    fn changed_fields_names_each_differing_key_once() {
        let before = json!({"title": "a", "teaser": "x", "status": "Lopend"});
        let after = json!({"title": "b", "status": "Lopend", "end": "2020"});
        assert_eq!(changed_fields(&before, &after), ["end", "teaser", "title"]);
    }

    fn search(catalog: &Catalog, query: &str) -> watwerkt_search::SearchResponse {
        let request = watwerkt_search::SearchRequest {
            query: query.into(),
            limit: 10,
            ..Default::default()
        };
        catalog.index().search(&request).unwrap()
    }

    #[test]
    fn an_edit_is_a_revision_found_by_search_and_restorable() {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let number = ProjectNumber::parse("535006006").unwrap();
        assert_eq!(catalog.revision(&number).unwrap(), Some(1));
        let before = catalog.project(&number).unwrap().unwrap();

        let edited = catalog
            .edit_project(
                &number,
                &json!({"title": "Zeppelinvaart voor werkzoekenden"}),
                Some(1),
            )
            .unwrap();
        assert_eq!(
            (edited.revision, edited.changed.as_slice()),
            (2, ["title".to_owned()].as_slice())
        );
        let hits = search(&catalog, "zeppelinvaart");
        assert_eq!(
            hits.hits.first().map(|h| h.project_number.as_str()),
            Some("535006006")
        );

        // Editing from the old revision is refused and writes nothing.
        let stale = catalog.edit_project(&number, &json!({"title": "Iets anders"}), Some(1));
        assert!(
            matches!(stale, Err(EditError::Stale { current: 2, .. })),
            "{stale:?}"
        );
        // A bad value names its field and writes nothing.
        let bad = catalog.edit_project(&number, &json!({"status": "Misschien"}), None);
        assert!(
            matches!(&bad, Err(EditError::Invalid { field, .. }) if field == "status"),
            "{bad:?}"
        );
        let bad =
            catalog.edit_project(&number, &json!({"status": "Afgerond", "outcome": ""}), None);
        assert!(
            matches!(&bad, Err(EditError::Invalid { field, .. }) if field == "outcome"),
            "{bad:?}"
        );
        assert!(matches!(
            catalog.edit_project(&number, &json!({"derived": {}}), None),
            Err(EditError::Invalid { .. })
        ));
        assert_eq!(catalog.revision(&number).unwrap(), Some(2));

        let restored = catalog.restore_revision(&number, 1, Some(2)).unwrap();
        assert_eq!(restored.revision, 3);
        assert_eq!(
            catalog.project(&number).unwrap().unwrap().title,
            before.title
        );
        let hits = search(&catalog, "zeppelinvaart");
        assert!(hits.hits.is_empty());
    }

    #[test]
    fn a_new_project_is_published_once_and_found() {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let record = json!({"project_number": "777000001", "title": "Luchtschipbouw als leerwerkplek",
            "theme": "Re-integratie", "status": "Lopend"});
        let created = catalog.create_project(&record).unwrap();
        assert_eq!(created.revision, 1);
        assert_eq!(created.project.sources[0].file, BACK_OFFICE_SOURCE);
        assert_eq!(
            search(&catalog, "luchtschipbouw").hits[0].project_number,
            "777000001"
        );
        assert!(matches!(
            catalog.create_project(&record),
            Err(EditError::Exists(_))
        ));
        let bad = json!({"project_number": "12", "title": "x", "theme": "Re-integratie"});
        assert!(
            matches!(catalog.check_new_project(&bad), Err(EditError::Invalid { field, .. }) if field == "project_number")
        );
    }
}
