//! A page saved as HTML by a browser, turned into the same lines the text parsers read: one
//! block element per paragraph, `<br>` as a line break, list items as "• " bullets, and
//! navigation, scripts, styles and image captions left out.

use scraper::{ElementRef, Html, Node};

use crate::text::{Line, normalise};

pub fn looks_like(head: &str) -> bool {
    let lower = head
        .trim_start()
        .get(..head.len().min(4096))
        .unwrap_or("")
        .to_lowercase();
    lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.contains("<body")
        || lower.contains("<html")
}

const SKIP: &[&str] = &[
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "svg",
    "img",
    "figcaption",
    "iframe",
    "form",
    "button[hidden]",
];
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "table",
    "tr",
    "blockquote",
    "figure",
    "address",
    "pre",
    "hr",
    "button",
];

/// Converts HTML into numbered lines. Line numbers point at the HTML source line where each
/// block's text starts, found by searching the source from the previous block onwards.
pub fn to_lines(source: &str) -> Vec<Line> {
    let doc = Html::parse_document(source);
    let mut blocks: Vec<String> = Vec::new();
    let mut cur = String::new();
    walk(doc.root_element(), &mut blocks, &mut cur);
    flush(&mut blocks, &mut cur);

    let mut out = Vec::new();
    let mut offset = 0usize;
    let mut last_no = 1u32;
    for block in blocks {
        for text in block.split('\n').map(normalise).filter(|t| !t.is_empty()) {
            // The block's start, or else its end (inline markup may split the start).
            let head: String = text.chars().take(24).collect();
            let tail: String = text
                .chars()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let found = [head, tail].into_iter().find_map(|probe| {
                let probe = probe.split('&').next().unwrap_or("").trim().to_owned();
                (!probe.is_empty())
                    .then(|| source[offset..].find(&probe))
                    .flatten()
            });
            if let Some(pos) = found {
                offset += pos;
                last_no = source[..offset].matches('\n').count() as u32 + 1;
            }
            out.push(Line { no: last_no, text });
        }
        out.push(Line {
            no: last_no,
            text: String::new(),
        });
    }
    out
}

fn walk(el: ElementRef, blocks: &mut Vec<String>, cur: &mut String) {
    let name = el.value().name();
    if SKIP.contains(&name)
        || el.value().attr("hidden").is_some()
        || el.value().attr("aria-hidden") == Some("true")
    {
        return;
    }
    let block = BLOCKS.contains(&name);
    if block {
        flush(blocks, cur);
    }
    if name == "li" {
        cur.push_str("• ");
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => cur.push_str(t),
            Node::Element(e) if e.name() == "br" => cur.push('\n'),
            Node::Element(_) => {
                if let Some(child_el) = ElementRef::wrap(child) {
                    walk(child_el, blocks, cur);
                }
            }
            _ => {}
        }
    }
    if block {
        flush(blocks, cur);
    }
}

fn flush(blocks: &mut Vec<String>, cur: &mut String) {
    let text = std::mem::take(cur);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "•" {
        return;
    }
    // Whitespace inside a block is HTML formatting; only <br> makes a line break.
    let lines: Vec<String> = trimmed
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    blocks.push(lines.join("\n"));
}
