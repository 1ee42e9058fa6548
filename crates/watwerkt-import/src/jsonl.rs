//! JSON Lines, the bulk format: one project record per line, streamed in constant memory.

use std::io::BufRead;

use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Project, SourceRef};

use crate::{ImportError, ImportErrorKind};

pub fn looks_like(head: &[u8]) -> bool {
    let first = head
        .split(|b| *b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
    first.is_some_and(|l| l.trim_ascii_start().starts_with(b"{"))
}

/// Reads projects line by line. A record without `sources` gets this file and line, so a
/// re-imported export keeps the sources it had.
pub struct JsonlReader<R> {
    file: String,
    reader: R,
    line: u32,
    buf: String,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(file: &str, reader: R) -> Self {
        Self {
            file: file.to_owned(),
            reader,
            line: 0,
            buf: String::with_capacity(4096),
        }
    }

    fn parse_line(&self) -> Result<Project, ImportError> {
        let line = self.buf.trim_end();
        // The fast path parses directly; only a failing line is parsed again to name its field.
        let record: ProjectRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(_) => {
                let mut de = serde_json::Deserializer::from_str(line);
                let e = match serde_path_to_error::deserialize::<_, ProjectRecord>(&mut de) {
                    Ok(_) => unreachable!("serde_json rejected the line a moment ago"),
                    Err(e) => e,
                };
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner.to_string();
                // A missing key is reported at the record level; name the key itself.
                let field = field_of(&message).or_else(|| (path != ".").then_some(path));
                return Err(ImportError::new(
                    &self.file,
                    Some(self.line),
                    field.as_deref(),
                    ImportErrorKind::Json {
                        message,
                        column: inner.column(),
                    },
                ));
            }
        };
        let mut project = Project::try_from(record).map_err(|e| {
            ImportError::new(
                &self.file,
                Some(self.line),
                Some(e.field),
                ImportErrorKind::Invalid {
                    found: e.error.to_string(),
                    expected: "a valid value (see the JSONL schema in the README)".into(),
                },
            )
        })?;
        if project.sources.is_empty() {
            project.sources.push(SourceRef {
                file: self.file.clone(),
                line: self.line,
            });
        }
        Ok(project)
    }
}

/// The key named in a "missing field `x`" or "unknown field `x`" message.
fn field_of(message: &str) -> Option<String> {
    message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("missing field") || message.starts_with("unknown field"))
        .map(str::to_owned)
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<Project, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) if self.buf.trim().is_empty() => continue,
                Ok(_) => return Some(self.parse_line()),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Some(Err(ImportError::new(
                        &self.file,
                        Some(self.line),
                        None,
                        ImportErrorKind::InvalidUtf8 { byte_offset: 0 },
                    )));
                }
                Err(e) => {
                    return Some(Err(ImportError::new(
                        &self.file,
                        Some(self.line),
                        None,
                        ImportErrorKind::Invalid {
                            found: e.to_string(),
                            expected: "a readable file".into(),
                        },
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"project_number": "10420123456789", "title": "Aanpak", "teaser": null, "question": "V", "method": "", "outcome": "U", "products": [], "municipalities": [], "organisations": [], "theme": "Re-integratie", "status": "Lopend", "start": "2017-09", "duration_months": 24}"#;

    fn read(s: &str) -> Vec<Result<Project, ImportError>> {
        JsonlReader::new("x.jsonl", s.as_bytes()).collect()
    }

    #[test]
    fn reads_lines_and_records_their_source() {
        let got = read(&format!("{LINE}\n\n{}\n", LINE.replace("6789", "6790")));
        assert_eq!(got.len(), 2);
        let p = got[1].as_ref().unwrap();
        assert_eq!(
            p.sources,
            vec![SourceRef {
                file: "x.jsonl".into(),
                line: 3
            }]
        );
    }

    #[test]
    fn names_line_and_column_of_broken_json() {
        let got = read(&format!("{LINE}\n{{\"project_number\": \n"));
        let e = got[1].as_ref().unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(
            e.to_string()
                .starts_with("x.jsonl:2: field `project_number`: column 18: EOF"),
            "{e}"
        );
    }

    #[test]
    fn names_the_field_with_a_wrong_type_or_value() {
        let e = read(&LINE.replace("\"duration_months\": 24", "\"duration_months\": \"24\""))
            .remove(0)
            .unwrap_err();
        assert!(e.to_string().contains("invalid type: string \"24\""), "{e}");
        let e = read(&LINE.replace("\"Lopend\"", "\"Bezig\""))
            .remove(0)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("status"));
        let e = read(&LINE.replace("\"project_number\": \"10420123456789\", ", ""))
            .remove(0)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("project_number"));
        assert!(
            e.to_string().contains("x.jsonl:1: field `project_number`"),
            "{e}"
        );
    }
}
