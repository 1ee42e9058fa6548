//! From bytes to clean lines: UTF-8 checking, binary detection, whitespace normalisation, page
//! furniture, and joining lines into paragraphs.

use crate::{ImportError, ImportErrorKind};

/// One source line, whitespace-normalised. An empty `text` is a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source file.
    pub no: u32,
    pub text: String,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Checks that `bytes` are non-empty UTF-8 text and returns them as a string without a BOM.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::new(file, None, None, ImportErrorKind::Empty));
    }
    if looks_binary(bytes) {
        return Err(ImportError::new(file, None, None, ImportErrorKind::Binary));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u32 + 1;
            Err(ImportError::new(
                file,
                Some(line),
                None,
                ImportErrorKind::InvalidUtf8 {
                    byte_offset: at as u64,
                },
            ))
        }
    }
}

/// NUL bytes or many control characters near the start mean this is not text.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 10 > head.len()
}

/// Collapses every run of whitespace (including no-break spaces) to one space and trims.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Splits text into numbered, normalised lines.
pub fn lines(text: &str) -> Vec<Line> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| Line {
            no: i as u32 + 1,
            text: normalise(l),
        })
        .collect()
}

/// Navigation and widget text of the published pages, never content.
pub fn is_furniture(text: &str) -> bool {
    matches!(
        text,
        "Naar boven"
            | "Dit item is dichtgeklapt"
            | "Dit item is opengeklapt"
            | "Inhoud"
            | "Meer informatie"
            | "Downloads"
            | "Laatste nieuws"
            | "Meer weten?"
            | "Links"
            | "Lees verder"
    ) || text.starts_with("Direct naar:")
}

/// Joins lines into text: lines of one paragraph with a space, paragraphs with a blank line.
pub fn paragraphs<'a>(lines: impl IntoIterator<Item = &'a Line>) -> String {
    let mut out = String::new();
    let mut pending_break = false;
    for l in lines {
        if l.is_blank() {
            pending_break = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_break { "\n\n" } else { " " });
        }
        out.push_str(&l.text);
        pending_break = false;
    }
    out
}

/// Removes a list bullet ("• ", "- ", "* ") from the start of a line.
pub fn strip_bullet(s: &str) -> &str {
    s.strip_prefix("• ")
        .or_else(|| s.strip_prefix("- "))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_binary_and_latin1() {
        assert_eq!(decode("f", b"").unwrap_err().kind, ImportErrorKind::Empty);
        assert_eq!(
            decode("f", b" \n\n ").unwrap_err().kind,
            ImportErrorKind::Empty
        );
        assert_eq!(
            decode("f", b"\x7fELF\0\0\x01").unwrap_err().kind,
            ImportErrorKind::Binary
        );
        let e = decode("f", b"regel een\nCaf\xe9").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(e.kind, ImportErrorKind::InvalidUtf8 { byte_offset: 13 });
        assert!(e.to_string().starts_with("f:2: invalid UTF-8 at byte 13"));
    }

    #[test]
    fn normalises_spaces_and_nbsp() {
        assert_eq!(
            normalise("  Hiervoor worden\u{a0} interventies  "),
            "Hiervoor worden interventies"
        );
        assert_eq!(normalise(" \u{a0} "), "");
    }

    #[test]
    fn joins_wrapped_lines_and_keeps_paragraphs() {
        let ls = lines("kosten en baten van\nparttime ondernemen.\n\nTweede alinea.");
        assert_eq!(
            paragraphs(&ls),
            "kosten en baten van parttime ondernemen.\n\nTweede alinea."
        );
    }
}
