//! The audit log for programme officers: who did what, when and from where; as a page and as
//! CSV for export.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use watwerkt_accounts::{AuditEntry, rfc3339};
use watwerkt_domain::Action;

use super::{Frame, Staff, Visitor, internal, render};
use crate::Shared;

/// Entries shown on the page; the CSV has them all.
const SHOWN: usize = 500;

#[derive(askama::Template)]
#[template(path = "beheer/audit.html")]
struct AuditPage {
    f: Frame,
    entries: Vec<(String, AuditEntry)>,
}

fn officer(v: Visitor) -> Result<Staff, Response> {
    let staff = Staff::of(v)?;
    staff.require(Action::ReadAudit)?;
    Ok(staff)
}

pub async fn page(State(app): State<Shared>, v: Visitor) -> Response {
    let staff = match officer(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.accounts.audit(None, SHOWN) {
        Ok(entries) => render(AuditPage {
            f: staff.frame(),
            entries: entries.into_iter().map(|e| (rfc3339(e.at), e)).collect(),
        }),
        Err(e) => internal(&e),
    }
}

/// A CSV field: quoted when needed; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet does not run it as a formula.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn csv(State(app): State<Shared>, v: Visitor) -> Response {
    let staff = match officer(v) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let entries = match app.accounts.audit(None, usize::MAX >> 1) {
        Ok(e) => e,
        Err(e) => return internal(&e),
    };
    staff.audit(
        &app,
        "audit.export",
        "audit",
        format!("{} entries", entries.len()),
    );
    let mut out = String::from("at,actor,action,target,detail,source\r\n");
    for e in &entries {
        let row = [
            &rfc3339(e.at),
            &e.actor,
            &e.action,
            &e.target,
            &e.detail,
            &e.source,
        ];
        out.push_str(&row.map(|f| field(f)).join(","));
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("=1+1"), "'=1+1");
        assert_eq!(super::field("zeg \"hoi\""), "\"zeg \"\"hoi\"\"\"");
    }
}
