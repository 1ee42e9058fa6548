//! Catalogue pages and JSON Lines into domain records, exactly, with a data-quality report.
//!
//! Formats are detected by content: accordion catalogue pages ("Lees meer over project …"),
//! funding-round pages ("Projectnummer:" + "Looptijd:"), programme pages ("Voortgang"), news pages
//! about granted rounds, any of these saved as HTML, and JSON Lines. Page formats are parsed
//! whole and refuse files over [`MAX_PAGE_BYTES`]; JSON Lines stream through [`JsonlReader`].
//! Nothing here touches a database.

mod accordion;
mod error;
mod html;
mod jsonl;
mod lists;
mod programme;
mod report;
mod round;
mod text;
mod theme;

use serde::Serialize;
use watwerkt_domain::{Programme, Project};

pub use error::{ImportError, ImportErrorKind};
pub use jsonl::JsonlReader;
pub use report::{QualityIssue, QualityReport, Severity};
pub use theme::{ThemeSource, assign_theme};

/// Real pages are under 100 KB; anything beyond 4 MiB is not a catalogue page.
pub const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Format {
    AccordionText,
    RoundText,
    ProgrammePage,
    NewsPage,
    AccordionHtml,
    RoundHtml,
    ProgrammeHtml,
    NewsHtml,
    Jsonl,
}

/// A parsed page: its projects, what it says about the programme, and the quality report.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub format: Format,
    pub projects: Vec<Project>,
    pub programme: Option<Programme>,
    pub report: QualityReport,
}

/// Detects the format from the start of a file (64 KiB is plenty); the name is only used in errors.
pub fn detect(file_name: &str, head: &[u8]) -> Result<Format, ImportError> {
    if jsonl::looks_like(head) {
        return Ok(Format::Jsonl);
    }
    // A cut in the middle of a UTF-8 sequence at the end of the head is not an error.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => text::decode(file_name, head)?,
    };
    if valid.trim().is_empty() {
        return Err(ImportError::new(
            file_name,
            None,
            None,
            ImportErrorKind::Empty,
        ));
    }
    text::decode(file_name, valid.as_bytes())?;
    let is_html = html::looks_like(valid);
    let lines = if is_html {
        html::to_lines(valid)
    } else {
        text::lines(valid)
    };
    let kind = page_kind(&lines)
        .ok_or_else(|| ImportError::new(file_name, None, None, ImportErrorKind::UnknownFormat))?;
    Ok(if is_html { kind.as_html() } else { kind })
}

fn page_kind(lines: &[text::Line]) -> Option<Format> {
    if accordion::looks_like(lines) {
        Some(Format::AccordionText)
    } else if round::looks_like(lines) {
        Some(Format::RoundText)
    } else if programme::looks_like_programme(lines) {
        Some(Format::ProgrammePage)
    } else if programme::looks_like_news(lines) {
        Some(Format::NewsPage)
    } else {
        None
    }
}

impl Format {
    fn as_html(self) -> Format {
        match self {
            Format::AccordionText => Format::AccordionHtml,
            Format::RoundText => Format::RoundHtml,
            Format::ProgrammePage => Format::ProgrammeHtml,
            Format::NewsPage => Format::NewsHtml,
            other => other,
        }
    }
}

/// Parses any page format (text or HTML). JSON Lines go through [`JsonlReader`] instead.
pub fn parse_page(file_name: &str, bytes: &[u8]) -> Result<ParsedPage, ImportError> {
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(ImportError::too_large(file_name, bytes.len() as u64));
    }
    let source = text::decode(file_name, bytes)?;
    if jsonl::looks_like(source.as_bytes()) {
        return Err(ImportError::new(
            file_name,
            None,
            None,
            ImportErrorKind::Invalid {
                found: "JSON Lines".into(),
                expected: "a page; read JSON Lines with JsonlReader".into(),
            },
        ));
    }
    let is_html = html::looks_like(source);
    let lines = if is_html {
        html::to_lines(source)
    } else {
        text::lines(source)
    };
    let kind = page_kind(&lines)
        .ok_or_else(|| ImportError::new(file_name, None, None, ImportErrorKind::UnknownFormat))?;
    let mut report = QualityReport::default();
    let (projects, programme) = match kind {
        Format::AccordionText => {
            let (p, prog) = accordion::parse(file_name, &lines, &mut report)?;
            (p, Some(prog))
        }
        Format::RoundText => {
            let (p, prog) = round::parse(file_name, &lines, &mut report)?;
            (p, Some(prog))
        }
        Format::ProgrammePage => (
            Vec::new(),
            Some(programme::parse_programme(file_name, &lines, &mut report)),
        ),
        Format::NewsPage => (Vec::new(), Some(programme::parse_news(file_name, &lines))),
        _ => unreachable!("page_kind returns text kinds only"),
    };
    let projects = dedupe(file_name, projects, &mut report);
    Ok(ParsedPage {
        format: if is_html { kind.as_html() } else { kind },
        projects,
        programme,
        report,
    })
}

/// One project number twice in a page: identical entries are merged, different ones reported
/// (the later entry wins).
fn dedupe(file: &str, projects: Vec<Project>, report: &mut QualityReport) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::with_capacity(projects.len());
    for p in projects {
        let line = p.sources.first().map_or(0, |s| s.line);
        match out.iter().position(|q| q.number == p.number) {
            Some(i) => {
                let first = out[i].sources.first().map_or(0, |s| s.line);
                let mut a = out[i].clone();
                a.sources = p.sources.clone();
                if a == p {
                    report.repaired(
                        file,
                        line,
                        Some("project_number"),
                        format!(
                            "project {} repeats the entry at line {first}; duplicate dropped",
                            p.number
                        ),
                    );
                } else {
                    report.suspect(file, line, Some("project_number"), format!("project {} also at line {first} with different content; this later entry wins", p.number));
                    out[i] = p;
                }
            }
            None => out.push(p),
        }
    }
    out
}
