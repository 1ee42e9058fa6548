//! The catalogue as files: JSON Lines, JSON and CSV (comma-separated, or semicolon-separated as
//! Dutch spreadsheet programs expect), of the whole catalogue or of chosen projects, written as a
//! stream — one project in memory at a time, whatever the catalogue's size. The command line's
//! `export` and the website's downloads write the same bytes.
//!
//! Columns and record fields are stable (see the README's *Export formats*): the JSONL record is
//! the import format (so an export re-imports into an identical store); CSV lists are joined with
//! `"; "`, and the labels are vocabulary ids.

use std::io::Write;

use serde::Serialize;
use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Derived, Dimension, Project, ProjectNumber};
use watwerkt_store::StoreError;

use crate::{Catalog, CatalogError};

/// A file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One project record per line.
    Jsonl,
    /// `{"programme": …, "projects": […]}`.
    Json,
    /// RFC 4180, comma-separated.
    Csv,
    /// Semicolon-separated, as spreadsheet programs with a Dutch locale open by double-click.
    CsvSemicolon,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "application/jsonl; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Csv | ExportFormat::CsvSemicolon => "text/csv; charset=utf-8",
        }
    }
}

/// Why an export stopped: the reader went away (or the disk filled), or the catalogue failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Catalog(e.into())
    }
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 23] = [
    "project_number",
    "title",
    "teaser",
    "question",
    "method",
    "outcome",
    "products",
    "municipalities",
    "organisations",
    "theme",
    "status",
    "start",
    "duration_months",
    "full_title",
    "outcome_kind",
    "products_heading",
    "lead_researcher",
    "end",
    "sources",
    "target_groups",
    "designs",
    "outcome_domains",
    "evidence_level",
];

/// What to export: every project in project-number order, or these, in this order (a search's
/// hits); numbers no longer in the store are skipped.
pub enum Selection<'a> {
    All,
    Projects(&'a [ProjectNumber]),
}

/// Options of the CSV formats.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte order mark, by which spreadsheet programs recognise UTF-8.
    pub bom: bool,
}

/// Writes the export to `out`.
pub fn write_export(
    catalog: &Catalog,
    format: ExportFormat,
    selection: Selection,
    csv: CsvOptions,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    match format {
        ExportFormat::Jsonl => each(catalog, &selection, &mut |p| {
            serde_json::to_writer(&mut *out, &ProjectRecord::from(p))
                .map_err(std::io::Error::from)?;
            out.write_all(b"\n")
        }),
        ExportFormat::Json => {
            #[derive(Serialize)]
            struct Head {
                programme: watwerkt_domain::Programme,
            }
            // `{"programme": …, "projects": [` then each record, so nothing is held whole.
            let head = serde_json::to_string(&Head {
                programme: catalog.programme()?,
            })
            .expect("the programme serialises");
            out.write_all(&head.as_bytes()[..head.len() - 1])?;
            out.write_all(b",\"projects\":[")?;
            let mut first = true;
            each(catalog, &selection, &mut |p| {
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, &ProjectRecord::from(p))
                    .map_err(std::io::Error::from)
            })?;
            out.write_all(b"\n]}\n")?;
            Ok(())
        }
        ExportFormat::Csv | ExportFormat::CsvSemicolon => {
            if csv.bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            let delimiter = if format == ExportFormat::Csv {
                b','
            } else {
                b';'
            };
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .terminator(csv::Terminator::CRLF)
                .from_writer(out);
            w.write_record(CSV_HEADER).map_err(csv_io)?;
            each(catalog, &selection, &mut |p| {
                w.write_record(csv_row(p)).map_err(csv_io)
            })?;
            w.flush()?;
            Ok(())
        }
    }
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Visits the selected projects; a write error stops the walk and is returned as itself, so a
/// closed pipe is told apart from a failing store.
fn each(
    catalog: &Catalog,
    selection: &Selection,
    f: &mut dyn FnMut(&Project) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    match selection {
        Selection::All => {
            let mut write_error = None;
            let read = catalog.store().for_each_project(&mut |p| {
                f(&p).map_err(|e| {
                    let stop = StoreError::Backend {
                        op: "writing the export",
                        message: e.to_string(),
                    };
                    write_error = Some(e);
                    stop
                })
            });
            if let Some(e) = write_error {
                return Err(e.into());
            }
            read?;
        }
        Selection::Projects(numbers) => {
            for n in *numbers {
                if let Some(p) = catalog.project(n)? {
                    f(&p)?;
                }
            }
        }
    }
    Ok(())
}

/// One CSV row, in [`CSV_HEADER`]'s order; lists joined with "; " (no name in the catalogue
/// contains one).
pub fn csv_row(p: &Project) -> Vec<String> {
    let r = ProjectRecord::from(p);
    let opt = |o: Option<String>| o.unwrap_or_default();
    vec![
        r.project_number,
        r.title,
        opt(r.teaser),
        r.question,
        r.method,
        r.outcome,
        r.products.join("; "),
        r.municipalities.join("; "),
        r.organisations.join("; "),
        r.theme,
        opt(r.status),
        opt(r.start),
        r.duration_months.map(|d| d.to_string()).unwrap_or_default(),
        opt(r.full_title),
        opt(r.outcome_kind),
        opt(r.products_heading),
        opt(r.lead_researcher),
        opt(r.end),
        r.sources
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        label_ids(&p.derived, Dimension::TargetGroup),
        label_ids(&p.derived, Dimension::Design),
        label_ids(&p.derived, Dimension::OutcomeDomain),
        p.derived.evidence_level.level.to_string(),
    ]
}

fn label_ids(d: &Derived, dim: Dimension) -> String {
    d.labels(dim)
        .iter()
        .map(|l| l.id.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(catalog: &Catalog, format: ExportFormat, selection: Selection, bom: bool) -> String {
        let mut out = Vec::new();
        write_export(catalog, format, selection, CsvOptions { bom }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_format_holds_every_selected_project() {
        let dir = tempfile::tempdir().unwrap();
        let (catalog, _) = Catalog::open_bundled(dir.path()).unwrap();
        let jsonl = export(&catalog, ExportFormat::Jsonl, Selection::All, false);
        assert_eq!(jsonl.lines().count(), 50);

        let json: serde_json::Value =
            serde_json::from_str(&export(&catalog, ExportFormat::Json, Selection::All, false))
                .unwrap();
        assert_eq!(json["projects"].as_array().unwrap().len(), 50);
        assert!(json["programme"].is_object());

        let two = [
            ProjectNumber::parse("535006006").unwrap(),
            ProjectNumber::parse("999999999").unwrap(),
        ];
        let csv = export(
            &catalog,
            ExportFormat::CsvSemicolon,
            Selection::Projects(&two),
            true,
        );
        assert!(csv.starts_with("\u{feff}project_number;title;"));
        let mut rows = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1, "an unknown number is skipped");
        assert_eq!(&rows[0][0], "535006006");
        assert_eq!(rows[0].len(), CSV_HEADER.len());

        let json: serde_json::Value = serde_json::from_str(&export(
            &catalog,
            ExportFormat::Json,
            Selection::Projects(&[]),
            false,
        ))
        .unwrap();
        assert_eq!(json["projects"], serde_json::json!([]));
    }
}
