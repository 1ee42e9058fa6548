//! The accordion catalogue page (seed `001_…`): entries open at "Lees meer over project …" and
//! close with their "Gegevens" block; text outside the entries holds the theme introductions.

use std::sync::OnceLock;

use regex::Regex;
use watwerkt_domain::{
    Organisation, OutcomeKind, PartialDate, Product, ProductsHeading, Programme, ProgrammeLine,
    Project, ProjectNumber, SourceRef, Status, Theme, is_known_municipality, month_from_dutch,
    official_spelling, suggest_municipality,
};

use crate::lists::{ListRepair, split_names};
use crate::text::{Line, is_furniture, paragraphs, strip_bullet};
use crate::theme::{ThemeSource, assign_theme};
use crate::{ImportError, ImportErrorKind, QualityReport};

const ENTRY_START: &str = "Lees meer over project ";

/// The sections of an entry, by their heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Question,
    Method,
    Outcome(OutcomeKind),
    Products(ProductsHeading),
    Data,
}

fn section_of(heading: &str) -> Option<Section> {
    Some(match heading {
        "Vraagstuk" => Section::Question,
        "Onderzoek" => Section::Method,
        "Gegevens" => Section::Data,
        h => {
            if let Some(k) = OutcomeKind::from_heading(h) {
                Section::Outcome(k)
            } else if let Ok(p) = ProductsHeading::parse(h) {
                Section::Products(p)
            } else {
                return None;
            }
        }
    })
}

pub fn looks_like(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.text.starts_with(ENTRY_START))
}

/// Parses the page: its projects, the theme introductions, and the report.
pub fn parse(
    file: &str,
    lines: &[Line],
    report: &mut QualityReport,
) -> Result<(Vec<Project>, Programme), ImportError> {
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.text.starts_with(ENTRY_START))
        .map(|(i, _)| i)
        .collect();
    let mut projects = Vec::new();
    let prefix: Vec<&Line> = lines[..starts.first().copied().unwrap_or(lines.len())]
        .iter()
        .collect();
    let mut outside: Vec<&Line> = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let (project, used) = parse_entry(file, &lines[start..end], report)?;
        projects.push(project);
        outside.extend(&lines[start + used..end]);
    }
    let programme = theme_texts(&prefix, &outside);
    Ok((projects, programme))
}

/// A project's parts as read, before they are checked and assembled.
#[derive(Default)]
struct Draft<'a> {
    title: String,
    municipalities: Vec<String>,
    organisations: Vec<String>,
    teaser: Vec<&'a Line>,
    question: Vec<&'a Line>,
    method: Vec<&'a Line>,
    outcome: Vec<&'a Line>,
    outcome_kind: Option<OutcomeKind>,
    products: Vec<&'a Line>,
    products_heading: Option<ProductsHeading>,
    full_title: Option<String>,
    start: Option<PartialDate>,
    duration: Option<u32>,
    status: Option<Status>,
    number: Option<ProjectNumber>,
}

fn parties_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(Gemeenten?|Kennisinstellingen(?: en andere partijen)?)\s*:\s*(.*)$").unwrap()
    })
}

fn inline_orgs_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\s+(Kennisinstellingen(?: en andere partijen)?)\s*:\s*").unwrap()
    })
}

/// Parses one entry; returns the project and how many lines it used (the rest is page text).
fn parse_entry(
    file: &str,
    lines: &[Line],
    report: &mut QualityReport,
) -> Result<(Project, usize), ImportError> {
    let head = &lines[0];
    let link_title = head.text[ENTRY_START.len()..].trim().to_owned();
    let mut d = Draft {
        title: link_title.clone(),
        ..Default::default()
    };
    let mut section: Option<Section> = None;
    let mut seen_content = false;
    let mut used = lines.len();

    for (i, line) in lines.iter().enumerate().skip(1) {
        if is_furniture(&line.text) {
            continue;
        }
        if line.is_blank() {
            match section {
                None => d.teaser.push(line),
                Some(Section::Question) => d.question.push(line),
                Some(Section::Method) => d.method.push(line),
                Some(Section::Outcome(_)) => d.outcome.push(line),
                _ => {}
            }
            continue;
        }
        let text = line.text.as_str();
        if !seen_content {
            seen_content = true;
            if parties_re().is_match(text) {
                report.repaired(
                    file,
                    line.no,
                    Some("title"),
                    format!(
                        "entry has no repeated title line; title taken from \"{ENTRY_START}…\""
                    ),
                );
            } else {
                if text != link_title {
                    report.suspect(file, line.no, Some("title"), format!("title {text:?} differs from the accordion link {link_title:?}; kept the title"));
                    d.title = text.to_owned();
                }
                continue;
            }
        }
        if let Some(s) = section_of(text) {
            match s {
                Section::Outcome(k) => d.outcome_kind = Some(k),
                Section::Products(h) => d.products_heading = Some(h),
                _ => {}
            }
            section = Some(s);
            continue;
        }
        match section {
            None => {
                if let Some(c) = parties_re().captures(text) {
                    parties(file, line, &c[1], &c[2], &mut d, report);
                } else {
                    d.teaser.push(line);
                }
            }
            Some(Section::Question) => d.question.push(line),
            Some(Section::Method) => d.method.push(line),
            Some(Section::Outcome(_)) => d.outcome.push(line),
            Some(Section::Products(_)) => d.products.push(line),
            Some(Section::Data) => {
                data_line(file, line, &mut d, report)?;
                if d.number.is_some() {
                    used = i + 1;
                    break;
                }
            }
        }
    }
    let Some(number) = d.number.take() else {
        return Err(ImportError::new(
            file,
            Some(head.no),
            Some("project_number"),
            ImportErrorKind::Truncated {
                missing: "its \"Gegevens\" block with \"ZonMw Projectnummer:\"".into(),
            },
        ));
    };
    Ok((assemble(file, head.no, number, d, report), used))
}

fn parties(
    file: &str,
    line: &Line,
    label: &str,
    value: &str,
    d: &mut Draft,
    report: &mut QualityReport,
) {
    let (munis, orgs) = if label.starts_with("Gemeente") {
        // "Gemeenten: A, B Kennisinstellingen en andere partijen: C" — both on one line.
        match inline_orgs_re().find(value) {
            Some(m) => (Some(&value[..m.start()]), Some(&value[m.end()..])),
            None => (Some(value), None),
        }
    } else {
        (None, Some(value))
    };
    if let Some(m) = munis {
        let (names, repairs) = split_names(m, &is_known_municipality);
        note_repairs(file, line.no, "municipalities", &repairs, report);
        for name in &names {
            if let Some(official) = official_spelling(name) {
                report.suspect(
                    file,
                    line.no,
                    Some("municipalities"),
                    format!(
                        "{name:?} is spelled {official:?} in the municipality list; kept as written"
                    ),
                );
            } else if !is_known_municipality(name) {
                let hint = suggest_municipality(name)
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                report.suspect(
                    file,
                    line.no,
                    Some("municipalities"),
                    format!("{name:?} is not a known Dutch municipality{hint}"),
                );
            }
        }
        d.municipalities = names;
    }
    if let Some(o) = orgs {
        let (names, repairs) = split_names(o, &|_| false);
        note_repairs(file, line.no, "organisations", &repairs, report);
        d.organisations = names;
    }
}

fn note_repairs(
    file: &str,
    line: u32,
    field: &str,
    repairs: &[ListRepair],
    report: &mut QualityReport,
) {
    for r in repairs {
        match r {
            ListRepair::EmptyItem => report.repaired(
                file,
                line,
                Some(field),
                "stray comma: empty list item dropped",
            ),
        }
    }
}

fn start_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(\p{L}+)\s+(\d{4})\s*,\s*(\d+)\s+maand(?:en)?$").unwrap())
}

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(?:ZonMw\s+)?Projectnummer\s*:(\s*)(.*)$").unwrap())
}

fn data_line(
    file: &str,
    line: &Line,
    d: &mut Draft,
    report: &mut QualityReport,
) -> Result<(), ImportError> {
    let text = line.text.as_str();
    if let Some(v) = text.strip_prefix("Titel:") {
        d.full_title = Some(v.trim().to_owned());
    } else if let Some(v) = text.strip_prefix("Startdatum en looptijd:") {
        let mut v = v.trim();
        if let Some(rest) = v.strip_prefix(':') {
            report.repaired(
                file,
                line.no,
                Some("start"),
                "stray colon after \"Startdatum en looptijd:\" removed",
            );
            v = rest.trim();
        }
        let expected = "\"<maand> <jaar>, <n> maanden\", e.g. \"juni 2016, 6 maanden\"";
        let c = start_re()
            .captures(v)
            .ok_or_else(|| ImportError::invalid(file, line.no, "start", v, expected))?;
        let month = month_from_dutch(&c[1]).ok_or_else(|| {
            ImportError::invalid(file, line.no, "start", &c[1], "a Dutch month name (januari, februari, maart, april, mei, juni, juli, augustus, september, oktober, november, december)")
        })?;
        let year: u16 = c[2]
            .parse()
            .map_err(|_| ImportError::invalid(file, line.no, "start", &c[2], "a year"))?;
        d.start = PartialDate::month(year, month);
        d.duration = Some(c[3].parse().map_err(|_| {
            ImportError::invalid(
                file,
                line.no,
                "duration_months",
                &c[3],
                "a number of months",
            )
        })?);
    } else if let Some(v) = text.strip_prefix("Status:") {
        d.status = Some(Status::parse(v).map_err(|_| {
            ImportError::invalid(
                file,
                line.no,
                "status",
                v.trim(),
                "\"Lopend\" or \"Afgerond\"",
            )
        })?);
    } else if let Some(c) = number_re().captures(text) {
        if c[1].is_empty() {
            report.repaired(
                file,
                line.no,
                Some("project_number"),
                "missing space after \"Projectnummer:\"",
            );
        }
        let n = c[2].trim();
        d.number = Some(ProjectNumber::parse(n).map_err(|_| {
            ImportError::invalid(
                file,
                line.no,
                "project_number",
                n,
                "digits only, e.g. 535006006",
            )
        })?);
    } else {
        report.suspect(
            file,
            line.no,
            None,
            format!("unrecognised line under \"Gegevens\" ignored: {text:?}"),
        );
    }
    Ok(())
}

fn glued_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"([.?!])\s*(Vraagstuk|Onderzoek|Resultaat|Verwachte uitkomst|Uitkomst)(\p{Lu})")
            .unwrap()
    })
}

/// Splits a section heading glued into the previous sentence ("…bereikt. OnderzoekVan 20 …").
/// Returns (text before, heading, text after).
fn split_glued(text: &str) -> Option<(String, String, String)> {
    let c = glued_re().captures(text)?;
    let heading = c.get(2)?;
    let before = text[..heading.start()].trim_end().to_owned();
    let after = text[heading.end()..].trim_start().to_owned();
    Some((before, heading.as_str().to_owned(), after))
}

fn assemble(
    file: &str,
    line: u32,
    number: ProjectNumber,
    d: Draft,
    report: &mut QualityReport,
) -> Project {
    let question = paragraphs(d.question.iter().copied());
    let method = paragraphs(d.method.iter().copied());
    let outcome = paragraphs(d.outcome.iter().copied());
    let mut outcome_kind = d.outcome_kind;
    let teaser = paragraphs(d.teaser.iter().copied());

    // A glued heading is split only where that section is otherwise missing. Slots: 0 question,
    // 1 method, 2 outcome; a heading can only be glued into an earlier slot.
    let mut slots = [question, method, outcome];
    for from in 0..2 {
        let Some((before, heading, after)) = split_glued(&slots[from]) else {
            continue;
        };
        let (to, field) = match heading.as_str() {
            "Vraagstuk" => (0, "question"),
            "Onderzoek" => (1, "method"),
            _ => (2, "outcome"),
        };
        if to <= from || !slots[to].is_empty() {
            continue;
        }
        let glue = format!("{heading}{}", after.chars().next().unwrap_or(' '));
        let line_no = d
            .question
            .iter()
            .chain(&d.method)
            .find(|l| l.text.contains(&glue))
            .map_or(line, |l| l.no);
        report.repaired(
            file,
            line_no,
            Some(field),
            format!("section heading {heading:?} was glued to the previous sentence; split it off"),
        );
        slots[from] = before;
        slots[to] = after;
        if to == 2 {
            outcome_kind = OutcomeKind::from_heading(&heading);
        }
    }
    let [question, method, outcome] = slots;
    for (name, value) in [
        ("teaser", &teaser),
        ("question", &question),
        ("method", &method),
        ("outcome", &outcome),
    ] {
        if value.is_empty() && name != "teaser" {
            report.suspect(file, line, Some(name), "the entry has no such section");
        }
        if let Some(pos) = value.find(" .") {
            let around: String = value[pos.saturating_sub(30)..].chars().take(45).collect();
            report.suspect(
                file,
                line,
                Some(name),
                format!("a word seems to be missing before a full stop: \"…{around}…\""),
            );
        }
    }
    let products: Vec<Product> = d
        .products
        .iter()
        .map(|l| Product::new(strip_bullet(&l.text)))
        .collect();
    if d.products_heading.is_some() && products.is_empty() {
        report.repaired(
            file,
            line,
            Some("products"),
            "empty products section: no products listed",
        );
    }
    let text = format!("{teaser}\n{question}\n{method}\n{outcome}");
    let (theme, how) = assign_theme(number.as_str(), &d.title, &text);
    if how == ThemeSource::Content {
        report.suspect(
            file,
            line,
            Some("theme"),
            format!(
                "project number series unknown; theme {:?} assigned by content",
                theme.name()
            ),
        );
    }
    Project {
        number,
        title: d.title,
        full_title: d.full_title,
        teaser: (!teaser.is_empty()).then_some(teaser),
        question,
        method,
        outcome,
        outcome_kind,
        products,
        products_heading: d.products_heading,
        municipalities: d.municipalities,
        organisations: d.organisations.into_iter().map(Organisation::new).collect(),
        lead_researcher: None,
        theme,
        status: d.status,
        start: d.start,
        end: None,
        duration_months: d.duration,
        sources: vec![SourceRef {
            file: file.to_owned(),
            line,
        }],
        derived: Default::default(),
    }
}

fn marker_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^Onderstaande ZonMw-projecten sluiten aan op het thema (.+?)\.?$").unwrap()
    })
}

/// A paragraph of running text, as opposed to a caption, heading or list item.
pub(crate) fn is_prose(p: &str) -> bool {
    p.split(' ').count() >= 6 && p.ends_with(['.', '?', '!', '”', '’', '"', ')'])
}

fn paras_of(lines: &[&Line]) -> Vec<String> {
    let mut paras: Vec<String> = Vec::new();
    let mut cur: Vec<&Line> = Vec::new();
    let end = Line {
        no: 0,
        text: String::new(),
    };
    for l in lines.iter().copied().chain(std::iter::once(&end)) {
        if l.is_blank() || is_furniture(&l.text) {
            if !cur.is_empty() {
                paras.push(paragraphs(cur.drain(..)));
            }
        } else {
            cur.push(l);
        }
    }
    paras
}

/// The programme intro (the page's first running text, before the entries) and each theme's
/// introduction. A theme's intro is the running text before "Onderstaande ZonMw-projecten sluiten
/// aan op het thema X."; captions (short lines without punctuation), headings and lists are not.
fn theme_texts(prefix: &[&Line], rest: &[&Line]) -> Programme {
    let head = paras_of(prefix);
    let head_len = head.len();
    let paras = head.into_iter().chain(paras_of(rest));
    let mut programme = Programme::default();
    let mut buffer: Vec<String> = Vec::new();
    let mut after_marker: Option<usize> = None;
    for (i, p) in paras.enumerate() {
        if let Some(c) = marker_re().captures(&p) {
            if let Some(theme) = Theme::from_name(&c[1]) {
                programme.lines.push(ProgrammeLine {
                    theme,
                    intro: Some(buffer.join("\n\n")),
                    description: None,
                });
                after_marker = Some(programme.lines.len() - 1);
            }
            buffer.clear();
            continue;
        }
        if let (Some(i), Some(note)) = (after_marker, p.strip_prefix("* ")) {
            // A footnote to the theme text just closed ("* Als wij het hebben over vergunninghouders …").
            if let Some(intro) = programme.lines[i].intro.as_mut() {
                intro.push_str("\n\n* ");
                intro.push_str(note);
            }
            after_marker = None;
            continue;
        }
        after_marker = None;
        if Theme::from_name(&p).is_some() || p.ends_with(':') || p.starts_with('•') {
            buffer.clear();
        } else if is_prose(&p) {
            if programme.intro.is_none() && i < head_len {
                programme.intro = Some(p);
            } else {
                buffer.push(p);
            }
        }
    }
    programme
        .lines
        .retain(|l| l.intro.as_deref().is_some_and(|s| !s.is_empty()));
    programme
}
