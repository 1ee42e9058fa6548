//! Editors' overrides (`data/label-overrides.csv`): add or remove one label of one project, with
//! a reason. They win over the lexicon and are applied on every derivation, so they survive
//! re-import and reindex.
//!
//! ```text
//! project_number,dimension,id,action,reason
//! 535001001,target_group,ouderen,add,"Het project gaat over 45-plussers"
//! ```

use watwerkt_domain::{Dimension, ProjectNumber};

/// The shipped overrides.
pub const OVERRIDES_CSV: &str = include_str!("../../../data/label-overrides.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub project: ProjectNumber,
    pub dimension: Dimension,
    pub id: String,
    pub action: Action,
    pub reason: String,
    /// Line in the file, for messages.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct OverrideError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

const HEADER: &str = "project_number,dimension,id,action,reason";

/// Parses the overrides; `known` says whether a label id exists in a dimension.
pub fn parse(
    file: &str,
    text: &str,
    known: &dyn Fn(Dimension, &str) -> bool,
) -> Result<Vec<Override>, OverrideError> {
    let err = |line: usize, message: String| OverrideError {
        file: file.to_owned(),
        line,
        message,
    };
    let mut out = Vec::new();
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            if line != HEADER {
                return Err(err(no, format!("expected the header line {HEADER:?}")));
            }
            header_seen = true;
            continue;
        }
        let cols = split_csv(line).map_err(|m| err(no, m))?;
        let [number, dim, id, action, reason] = <[String; 5]>::try_from(cols).map_err(|c| {
            err(
                no,
                format!("expected 5 columns ({HEADER}), found {}", c.len()),
            )
        })?;
        let project = ProjectNumber::parse(number.trim()).map_err(|_| {
            err(
                no,
                format!("project_number {number:?}: expected digits only, 6 to 20 of them"),
            )
        })?;
        let dimension = Dimension::parse(dim.trim()).ok_or_else(|| {
            err(
                no,
                format!("dimension {dim:?}: expected target_group, design or outcome_domain"),
            )
        })?;
        let id = id.trim().to_owned();
        if !known(dimension, &id) {
            return Err(err(
                no,
                format!(
                    "id {id:?} is not a {} of data/vocabulary.json",
                    dimension.facet()
                ),
            ));
        }
        let action = match action.trim() {
            "add" => Action::Add,
            "remove" => Action::Remove,
            other => return Err(err(no, format!("action {other:?}: expected add or remove"))),
        };
        if reason.trim().is_empty() {
            return Err(err(
                no,
                "reason: expected why the label is added or removed".into(),
            ));
        }
        out.push(Override {
            project,
            dimension,
            id,
            action,
            reason: reason.trim().to_owned(),
            line: no,
        });
    }
    Ok(out)
}

/// Splits one CSV line; fields may be quoted with `"` (a doubled `""` inside is a quote).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.trim().is_empty() => {
                quoted = true;
                cur.clear();
            }
            (false, ',') => out.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(d: Dimension, id: &str) -> bool {
        crate::Vocabulary::get().term(d, id).is_some()
    }

    #[test]
    fn the_shipped_file_parses() {
        parse("data/label-overrides.csv", OVERRIDES_CSV, &known).unwrap();
    }

    #[test]
    fn reads_quoted_reasons() {
        let o = parse(
            "o.csv",
            "project_number,dimension,id,action,reason\n535001001,design,rct,remove,\"Loting, maar niet voor de meting\"\n",
            &known,
        )
        .unwrap();
        assert_eq!(o[0].reason, "Loting, maar niet voor de meting");
        assert_eq!(o[0].action, Action::Remove);
        assert_eq!(o[0].line, 2);
    }

    #[test]
    fn names_file_line_and_what_was_expected() {
        let h = "project_number,dimension,id,action,reason\n";
        let cases = [
            (
                "535001001,target_group,bejaarden,add,x",
                "o.csv:2: id \"bejaarden\" is not a target_group",
            ),
            (
                "53500,design,rct,add,x",
                "o.csv:2: project_number \"53500\": expected digits only",
            ),
            (
                "535001001,doelgroep,ouderen,add,x",
                "o.csv:2: dimension \"doelgroep\": expected",
            ),
            (
                "535001001,design,rct,toggle,x",
                "o.csv:2: action \"toggle\": expected add or remove",
            ),
            ("535001001,design,rct,add", "o.csv:2: expected 5 columns"),
            ("535001001,design,rct,add,", "o.csv:2: reason: expected why"),
        ];
        for (line, want) in cases {
            let e = parse("o.csv", &format!("{h}{line}\n"), &known)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{line}: {e}");
        }
        let e = parse("o.csv", "number,dim\n", &known)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("o.csv:1: expected the header line"), "{e}");
    }
}
