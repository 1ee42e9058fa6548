//! Programme pages (seed `002_…`: programme lines, partners, the timeline under "Voortgang" and
//! the funding rounds it tells of) and news pages about granted rounds (seeds `000_…`, `004_…`).

use std::sync::OnceLock;

use regex::Regex;
use watwerkt_domain::{
    FundingRound, PartialDate, Programme, ProgrammeLine, RoundDeadline, SourceRef, Theme,
    TimelineEvent, month_from_dutch,
};

use crate::QualityReport;
use crate::accordion::is_prose;
use crate::round::slug;
use crate::text::{Line, is_furniture, paragraphs, strip_bullet};

/// A paragraph with the line it starts on.
struct Para {
    no: u32,
    text: String,
}

fn paras(lines: &[Line]) -> Vec<Para> {
    let mut out = Vec::new();
    let mut cur: Vec<&Line> = Vec::new();
    let flush = |cur: &mut Vec<&Line>, out: &mut Vec<Para>| {
        if let Some(first) = cur.first() {
            let no = first.no;
            out.push(Para {
                no,
                text: paragraphs(cur.drain(..)),
            });
        }
    };
    for l in lines {
        if l.is_blank() || is_furniture(&l.text) {
            flush(&mut cur, &mut out);
        } else if l.text.starts_with('•') {
            // Each bullet is its own paragraph.
            flush(&mut cur, &mut out);
            cur.push(l);
            flush(&mut cur, &mut out);
        } else {
            cur.push(l);
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(\d{1,2})\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s+(\d{4})\b").unwrap())
}

fn month_year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s+(\d{4})\b").unwrap())
}

fn day_date(c: &regex::Captures) -> Option<PartialDate> {
    PartialDate::day(
        c[3].parse().ok()?,
        month_from_dutch(&c[2])?,
        c[1].parse().ok()?,
    )
}

/// A programme page has a "Voortgang" timeline or "programmalijnen"; a news page tells of granted projects.
pub fn looks_like_programme(lines: &[Line]) -> bool {
    lines
        .iter()
        .any(|l| l.text == "Voortgang" || l.text.to_lowercase().contains("programmalijnen"))
}

pub fn looks_like_news(lines: &[Line]) -> bool {
    lines.iter().any(|l| {
        let t = l.text.to_lowercase();
        t.contains("projecten")
            && (t.contains("gehonoreerd") || t.contains("binnenkort") || t.contains("starten"))
    })
}

fn partners_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:(\p{Lu}[\p{L}]+)\s+werkt\s+(?:nauw\s+)?samen\s+met|samenwerking\s+met|op verzoek van)\s+([^.]*)").unwrap()
    })
}

fn acronym_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b(\p{Lu}[\p{Lu}\p{Ll}]*\p{Lu}[\p{L}]*)\b").unwrap())
}

/// Partner organisations named in "X werkt samen met …" sentences: the subject, and from the
/// list each acronym ("VNG", "(SZW)") or single-word name ("Divosa").
fn partners(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    };
    for c in partners_re().captures_iter(text) {
        if let Some(subject) = c.get(1) {
            add(subject.as_str());
        }
        for item in c[2].split(',').flat_map(|i| i.split(" en ")) {
            let words: Vec<&str> = item
                .split_whitespace()
                .filter(|w| !matches!(*w, "de" | "het" | "een"))
                .collect();
            let acronyms: Vec<&str> = acronym_re().find_iter(item).map(|m| m.as_str()).collect();
            if !acronyms.is_empty() {
                acronyms.into_iter().for_each(&mut add);
            } else if let [word] = words.as_slice()
                && word.starts_with(|ch: char| ch.is_uppercase())
            {
                add(word.trim_matches(|ch: char| !ch.is_alphanumeric()));
            }
        }
    }
    out
}

pub fn parse_programme(file: &str, lines: &[Line], report: &mut QualityReport) -> Programme {
    let ps = paras(lines);
    let mut programme = Programme::default();
    if let Some(first) = ps.first() {
        programme.name = first
            .text
            .strip_prefix("Kennisprogramma ")
            .unwrap_or(&first.text)
            .to_owned();
    }
    let all_text: String = ps
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    programme.partners = partners(&all_text);

    // The intro: running text up to the first heading after the title block.
    let mut intro = Vec::new();
    let mut i = 1;
    while i < ps.len() && !is_prose(&ps[i].text) {
        i += 1;
    }
    while i < ps.len() && is_prose(&ps[i].text) {
        intro.push(ps[i].text.clone());
        i += 1;
    }
    if !intro.is_empty() {
        programme.intro = Some(intro.join("\n\n"));
    }
    // Programme lines: a theme heading followed by its description.
    for w in ps.windows(2) {
        if let Some(theme) = Theme::from_name(&w[0].text)
            && is_prose(&w[1].text)
            && !programme.lines.iter().any(|l| l.theme == theme)
        {
            programme.lines.push(ProgrammeLine {
                theme,
                intro: None,
                description: Some(w[1].text.clone()),
            });
        }
    }
    // The timeline: bullets after "Voortgang".
    if let Some(start) = ps.iter().position(|p| p.text == "Voortgang") {
        let bullets: Vec<&Para> = ps[start + 1..]
            .iter()
            .filter(|p| p.text.starts_with('•'))
            .collect();
        let mut events: Vec<(Option<PartialDate>, &Para, String)> = bullets
            .iter()
            .map(|p| {
                let text = clean_event(strip_bullet(&p.text));
                (event_date(&text), *p, text)
            })
            .collect();
        // "sinds eind oktober" has no year: the page lists newest first, so it is the month's
        // next occurrence after the newest dated event.
        let newest = events.iter().filter_map(|e| e.0).max();
        for (date, p, text) in &mut events {
            if date.is_none() {
                if let Some(m) = month_only(text)
                    && let Some(n) = newest
                {
                    let year = if n.get_month().is_some_and(|nm| nm < m) {
                        n.get_year()
                    } else {
                        n.get_year() + 1
                    };
                    *date = PartialDate::month(year, m);
                    report.repaired(
                        file,
                        p.no,
                        Some("timeline"),
                        format!(
                            "event date without a year; taken as {}",
                            date.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    );
                } else {
                    report.suspect(
                        file,
                        p.no,
                        Some("timeline"),
                        "event without a date; left out of the timeline",
                    );
                }
            }
        }
        for (date, p, text) in &events {
            if let Some(date) = date {
                programme.timeline.push(TimelineEvent {
                    date: *date,
                    text: text.clone(),
                    source: SourceRef {
                        file: file.into(),
                        line: p.no,
                    },
                });
            }
        }
        programme.rounds = rounds_from_timeline(file, &events);
    }
    programme
        .timeline
        .sort_by_key(|e| std::cmp::Reverse(e.date));
    programme
}

/// Link text of the page ("Lees verder", "(pdf, 326 KB)") is not part of an event.
fn clean_event(s: &str) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\s*\(pdf[^)]*\)|\s*Lees verder\s*$").unwrap());
    re.replace_all(s, "").trim().to_owned()
}

fn event_date(text: &str) -> Option<PartialDate> {
    if let Some(c) = date_re().captures(text) {
        return day_date(&c);
    }
    if let Some(c) = month_year_re().captures(text) {
        return PartialDate::month(c[2].parse().ok()?, month_from_dutch(&c[1])?);
    }
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let re = YEAR.get_or_init(|| {
        Regex::new(r"\b(?:in|voorjaar van|najaar van|zomer van|begin|eind)\s+(\d{4})\b").unwrap()
    });
    re.captures(text)
        .and_then(|c| Some(PartialDate::year(c[1].parse().ok()?)))
}

fn month_only(text: &str) -> Option<u8> {
    text.split(|c: char| !c.is_alphabetic())
        .find_map(month_from_dutch)
}

fn ordinal_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(eerste|tweede|derde|vierde|vijfde)\s*subsidieronde(?:\s+voor\s+([^.,]+?)(?:\s+geopend|\s+is|\.|,|$))?").unwrap())
}

fn rounds_from_timeline(
    file: &str,
    events: &[(Option<PartialDate>, &Para, String)],
) -> Vec<FundingRound> {
    static GRANTED: OnceLock<Regex> = OnceLock::new();
    static APPLICATIONS: OnceLock<Regex> = OnceLock::new();
    static DEADLINE: OnceLock<Regex> = OnceLock::new();
    let granted_re = GRANTED.get_or_init(|| Regex::new(r"(\d+) onderzoeksprojecten (?:in de [a-z]+\s*subsidieronde )?(?:zijn )?gehonoreerd|(\d+) onderzoeksprojecten zijn gehonoreerd").unwrap());
    let applications_re =
        APPLICATIONS.get_or_init(|| Regex::new(r"(\d+) subsidieaanvragen").unwrap());
    let deadline_re =
        DEADLINE.get_or_init(|| Regex::new(r"([\p{L} ]+?) \(open tot ([^)]+)\)").unwrap());
    let mut rounds: Vec<FundingRound> = Vec::new();
    // Oldest first, so a round's later events update what its opening said.
    for (date, p, text) in events.iter().rev() {
        let Some(c) = ordinal_re().captures(text) else {
            continue;
        };
        let ordinal = c[1].to_lowercase();
        let n = ["eerste", "tweede", "derde", "vierde", "vijfde"]
            .iter()
            .position(|o| *o == ordinal)
            .unwrap_or(0)
            + 1;
        let id = format!("ronde-{n}");
        let idx = match rounds.iter().position(|r| r.id == id) {
            Some(i) => i,
            None => {
                let mut name = format!(
                    "{}{} subsidieronde",
                    ordinal[..1].to_uppercase(),
                    &ordinal[1..]
                );
                if let Some(topic) = c.get(2) {
                    name.push_str(&format!(": {}", topic.as_str().trim()));
                }
                rounds.push(FundingRound {
                    id,
                    name,
                    themes: Vec::new(),
                    opened: None,
                    closed: None,
                    deadlines: Vec::new(),
                    applications: None,
                    granted: None,
                    granted_on: None,
                    topics: Vec::new(),
                    description: None,
                    sources: Vec::new(),
                });
                rounds.len() - 1
            }
        };
        let r = &mut rounds[idx];
        r.sources.push(SourceRef {
            file: file.into(),
            line: p.no,
        });
        let lower = text.to_lowercase();
        if lower.contains("geopend") {
            r.opened = *date;
        }
        if let Some(g) = granted_re.captures(text) {
            r.granted = g.get(1).or(g.get(2)).and_then(|m| m.as_str().parse().ok());
            if lower.starts_with("op ") && !lower.contains("geopend") {
                r.granted_on = *date;
            }
        }
        if let Some(a) = applications_re.captures(text) {
            r.applications = a[1].parse().ok();
        }
        // "Deze staat open tot 20 september 2016" / "Deze is gesloten op 16 februari 2016".
        for marker in ["open tot ", "gesloten op "] {
            if let Some(pos) = lower
                .find(&format!("deze staat {marker}"))
                .or_else(|| lower.find(&format!("deze is {marker}")))
                && let Some(d) = date_re().captures(&text[pos..])
            {
                r.closed = day_date(&d);
            }
        }
        if let Some(rest) = text.split("Onderwerpen zijn:").nth(1) {
            for d in deadline_re.captures_iter(rest) {
                let topic = d[1].trim().trim_start_matches("of ").trim().to_owned();
                if let Some(date) = date_re().captures(&d[2]).and_then(|c| day_date(&c)) {
                    r.themes.extend(Theme::from_name(&topic));
                    r.deadlines.push(RoundDeadline {
                        topic,
                        closes: date,
                    });
                }
            }
        }
    }
    rounds
}

/// A news page about a granted round: the round's name, themes, number of projects and topics.
pub fn parse_news(file: &str, lines: &[Line]) -> Programme {
    static COUNT: OnceLock<Regex> = OnceLock::new();
    static QUOTED: OnceLock<Regex> = OnceLock::new();
    let count_re = COUNT.get_or_init(|| Regex::new(r"(?:starten|gaan) (\d+) projecten").unwrap());
    let quoted_re = QUOTED.get_or_init(|| Regex::new(r"ronde ['‘]([^'’]+)['’]").unwrap());
    let ps = paras(lines);
    let all: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
    let joined = all.join("\n");
    let granted = count_re.captures(&joined).and_then(|c| c[1].parse().ok());
    let mut themes: Vec<Theme> = ps
        .iter()
        .filter_map(|p| Theme::from_name(&p.text))
        .collect();
    let named = quoted_re.captures(&joined).map(|c| c[1].trim().to_owned());
    if let Some(t) = named.as_deref().and_then(Theme::from_name) {
        themes.push(t);
    }
    if themes.is_empty()
        && let Some(t) = Theme::ALL
            .into_iter()
            .find(|t| joined.to_lowercase().contains(&t.name().to_lowercase()))
    {
        themes.push(t);
    }
    themes.dedup();
    let topics: Vec<String> = ps
        .iter()
        .filter(|p| p.text.starts_with('•'))
        .map(|p| strip_bullet(&p.text).to_owned())
        .collect();
    let title = ps.first().map(|p| p.text.clone()).unwrap_or_default();
    let description: Vec<String> = ps
        .iter()
        .filter(|p| is_prose(&p.text) && !p.text.starts_with('•'))
        .map(|p| p.text.clone())
        .take(3)
        .collect();
    let year = ps.iter().find_map(|p| {
        month_year_re()
            .captures(&p.text)
            .and_then(|c| c[2].parse::<u16>().ok())
    });
    let name = named.unwrap_or_else(|| {
        themes
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(" en ")
    });
    let id = format!(
        "nieuws-{}{}",
        slug(&name),
        year.map(|y| format!("-{y}")).unwrap_or_default()
    );
    let mut programme = Programme {
        partners: partners(&joined),
        ..Default::default()
    };
    // A theme the news introduces gets its description from the page's lead paragraph.
    if themes.len() == 1
        && let Some(lead) = description.first()
    {
        programme.lines.push(ProgrammeLine {
            theme: themes[0],
            intro: None,
            description: Some(lead.clone()),
        });
    }
    programme.rounds.push(FundingRound {
        id,
        name: if name.is_empty() { title } else { name },
        themes,
        opened: None,
        closed: None,
        deadlines: Vec::new(),
        applications: None,
        granted,
        granted_on: None,
        topics,
        description: (!description.is_empty()).then(|| description.join("\n\n")),
        sources: vec![SourceRef {
            file: file.into(),
            line: ps.first().map_or(1, |p| p.no),
        }],
    });
    programme
}
