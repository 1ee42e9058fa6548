//! The funding-round page (seed `003_…`): per project a title, the lead researcher, the
//! institution, "Projectnummer:", "Looptijd: 2022 - 2024", then Vraagstuk / Onderzoek /
//! Verwachte uitkomst. The page intro describes the round itself.

use std::sync::OnceLock;

use regex::Regex;
use watwerkt_domain::{
    FundingRound, Organisation, OutcomeKind, PartialDate, Programme, Project, ProjectNumber,
    SourceRef, Theme,
};

use crate::accordion::is_prose;
use crate::lists::split_names;
use crate::text::{Line, is_furniture, paragraphs};
use crate::theme::{ThemeSource, assign_theme};
use crate::{ImportError, ImportErrorKind, QualityReport};

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^Projectnummer\s*:\s*(.*)$").unwrap())
}

fn looptijd_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^Looptijd\s*:\s*(\d{4})(?:\s*[-–—]\s*(\d{4}))?$").unwrap())
}

fn granted_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)binnen de ronde ([^.]+?) van het programma .*? zijn (\d+) projecten gehonoreerd",
        )
        .unwrap()
    })
}

pub fn looks_like(lines: &[Line]) -> bool {
    lines.iter().any(|l| number_re().is_match(&l.text))
        && lines.iter().any(|l| l.text.starts_with("Looptijd"))
}

pub fn parse(
    file: &str,
    lines: &[Line],
    report: &mut QualityReport,
) -> Result<(Vec<Project>, Programme), ImportError> {
    let content: Vec<&Line> = lines.iter().filter(|l| !is_furniture(&l.text)).collect();
    let nonblank: Vec<usize> = (0..content.len())
        .filter(|&i| !content[i].is_blank())
        .collect();
    // Positions (in `nonblank`) of the "Projectnummer:" lines; each entry's header is the three
    // non-blank lines before it: title, lead researcher, institution.
    let anchors: Vec<usize> = nonblank
        .iter()
        .enumerate()
        .filter(|(_, i)| number_re().is_match(&content[**i].text))
        .map(|(k, _)| k)
        .collect();
    // Each entry needs its three header lines, after the previous entry's anchor.
    for (n, &k) in anchors.iter().enumerate() {
        if k < 3 || (n > 0 && k - 3 <= anchors[n - 1]) {
            return Err(ImportError::new(
                file,
                Some(content[nonblank[k]].no),
                Some("title"),
                ImportErrorKind::Truncated {
                    missing: "a title, lead researcher and institution above \"Projectnummer:\""
                        .into(),
                },
            ));
        }
    }
    let mut projects = Vec::new();
    for (n, &k) in anchors.iter().enumerate() {
        let header = k - 3;
        let body_end = anchors
            .get(n + 1)
            .map_or(content.len(), |&next| nonblank[next - 3]);
        let body: Vec<&Line> = content[nonblank[k]..body_end].to_vec();
        projects.push(entry(file, &content, &nonblank[header..=k], &body, report)?);
    }
    let intro_end = anchors
        .first()
        .map_or(content.len(), |&k| nonblank[k.saturating_sub(3)]);
    let programme = round_of(file, &content[..intro_end], &projects);
    Ok((projects, programme))
}

fn entry(
    file: &str,
    content: &[&Line],
    header: &[usize],
    body: &[&Line],
    report: &mut QualityReport,
) -> Result<Project, ImportError> {
    let title_line = content[header[0]];
    let researcher = content[header[1]].text.clone();
    let institution = &content[header[2]].text;
    let number_line = content[header[3]];
    let raw = number_re()
        .captures(&number_line.text)
        .map(|c| c[1].trim().to_owned())
        .unwrap_or_default();
    let number = ProjectNumber::parse(&raw).map_err(|_| {
        ImportError::invalid(
            file,
            number_line.no,
            "project_number",
            &raw,
            "digits only, e.g. 10420012110002",
        )
    })?;
    let (organisations, _) = split_names(institution, &|_| false);

    let mut start = None;
    let mut end = None;
    let mut sections: Vec<(&str, Vec<&Line>)> = Vec::new();
    for l in &body[1..] {
        if let Some(c) = looptijd_re().captures(&l.text) {
            let year = |s: &str| {
                s.parse::<u16>()
                    .map_err(|_| ImportError::invalid(file, l.no, "start", s, "a year"))
            };
            start = Some(PartialDate::year(year(&c[1])?));
            end = c
                .get(2)
                .map(|m| year(m.as_str()))
                .transpose()?
                .map(PartialDate::year);
            continue;
        }
        if l.text.starts_with("Looptijd") {
            return Err(ImportError::invalid(
                file,
                l.no,
                "start",
                &l.text,
                "\"Looptijd: <jaar> - <jaar>\", e.g. \"Looptijd: 2022 - 2024\"",
            ));
        }
        if matches!(l.text.as_str(), "Vraagstuk" | "Onderzoek")
            || OutcomeKind::from_heading(&l.text).is_some()
        {
            sections.push((l.text.as_str(), Vec::new()));
        } else if let Some((_, ls)) = sections.last_mut() {
            ls.push(l);
        } else if !l.is_blank() {
            report.suspect(
                file,
                l.no,
                None,
                format!("text before the first section ignored: {:?}", l.text),
            );
        }
    }
    if start.is_none() {
        report.suspect(file, number_line.no, Some("start"), "no \"Looptijd:\" line");
    }
    let text_of = |name: &str| {
        sections
            .iter()
            .find(|(h, _)| *h == name)
            .map(|(_, ls)| paragraphs(ls.iter().copied()))
            .unwrap_or_default()
    };
    let (outcome_kind, outcome) = sections
        .iter()
        .find_map(|(h, ls)| {
            OutcomeKind::from_heading(h).map(|k| (Some(k), paragraphs(ls.iter().copied())))
        })
        .unwrap_or((None, String::new()));
    let question = text_of("Vraagstuk");
    let method = text_of("Onderzoek");
    for (name, value) in [
        ("question", &question),
        ("method", &method),
        ("outcome", &outcome),
    ] {
        if value.is_empty() {
            report.suspect(
                file,
                title_line.no,
                Some(name),
                "the entry has no such section",
            );
        }
    }
    let title = title_line.text.clone();
    let (theme, how) = assign_theme(
        number.as_str(),
        &title,
        &format!("{question}\n{method}\n{outcome}"),
    );
    if how == ThemeSource::Content {
        report.suspect(
            file,
            title_line.no,
            Some("theme"),
            format!(
                "project number series unknown; theme {:?} assigned by content",
                theme.name()
            ),
        );
    }
    Ok(Project {
        number,
        title,
        full_title: None,
        teaser: None,
        question,
        method,
        outcome,
        outcome_kind,
        products: Vec::new(),
        products_heading: None,
        municipalities: Vec::new(),
        organisations: organisations.into_iter().map(Organisation::new).collect(),
        lead_researcher: Some(researcher),
        theme,
        status: None,
        start,
        end,
        duration_months: None,
        sources: vec![SourceRef {
            file: file.to_owned(),
            line: title_line.no,
        }],
        derived: Default::default(),
    })
}

/// The round the page describes: its name and granted count from the intro, its year from the
/// projects' start.
fn round_of(file: &str, intro: &[&Line], projects: &[Project]) -> Programme {
    let paras: Vec<String> = paragraph_blocks(intro);
    let description = paras.iter().find(|p| is_prose(p)).cloned();
    let (name, granted) = description
        .as_deref()
        .and_then(|d| granted_re().captures(d))
        .map(|c| (c[1].trim().to_owned(), c[2].parse().ok()))
        .unwrap_or_else(|| {
            (
                paras
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "Subsidieronde".into()),
                None,
            )
        });
    let year = projects.iter().filter_map(|p| p.start).min();
    let theme = Theme::from_name(&name);
    let id = format!(
        "ronde-{}{}",
        slug(&name),
        year.map(|y| format!("-{}", y.get_year()))
            .unwrap_or_default()
    );
    let first_line = intro.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
    Programme {
        rounds: vec![FundingRound {
            id,
            name: match year {
                Some(y) => format!("{name} ({})", y.get_year()),
                None => name,
            },
            themes: theme.into_iter().collect(),
            opened: None,
            closed: None,
            deadlines: Vec::new(),
            applications: None,
            granted,
            granted_on: None,
            topics: projects.iter().map(|p| p.title.clone()).collect(),
            description,
            sources: vec![SourceRef {
                file: file.to_owned(),
                line: first_line,
            }],
        }],
        ..Default::default()
    }
}

/// Paragraphs of a run of lines (blank lines separate them).
pub(crate) fn paragraph_blocks(lines: &[&Line]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Vec<&Line> = Vec::new();
    for l in lines.iter().copied() {
        if l.is_blank() {
            if !cur.is_empty() {
                out.push(paragraphs(cur.drain(..)));
            }
        } else {
            cur.push(l);
        }
    }
    if !cur.is_empty() {
        out.push(paragraphs(cur));
    }
    out
}

/// A URL-safe lower-case identifier ("Re-integratie" → "re-integratie").
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}
