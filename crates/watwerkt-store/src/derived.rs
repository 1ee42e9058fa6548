//! The stored form of a project's derived labels. A label's quote is a sentence of one of the
//! project's own fields, so it is kept as that field's byte range rather than as text: the
//! labels of a million projects would otherwise double the store (every label repeats its
//! sentence) and the write time of a bulk import with it. A quote that is not in its field (an
//! editor's reason) is kept as text.

use serde::{Deserialize, Serialize};
use watwerkt_domain::record::ProjectRecord;
use watwerkt_domain::{Derived, EvidenceLevel, Label, LabelSource, Passage, TextField};

#[derive(Serialize, Deserialize)]
struct Stored {
    t: Vec<StoredLabel>,
    d: Vec<StoredLabel>,
    o: Vec<StoredLabel>,
    l: u8,
    r: Quote,
    f: Vec<(TextField, Quote)>,
    a: Vec<(TextField, Quote)>,
}

#[derive(Serialize, Deserialize)]
struct StoredLabel(String, LabelSource, Quote);

/// A byte range of the field's text, or the text itself.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Quote {
    Range(usize, usize),
    Text(String),
}

fn field_text(r: &ProjectRecord, field: TextField) -> &str {
    match field {
        TextField::Title => &r.title,
        TextField::FullTitle => r.full_title.as_deref().unwrap_or_default(),
        TextField::Teaser => r.teaser.as_deref().unwrap_or_default(),
        TextField::Question => &r.question,
        TextField::Method => &r.method,
        TextField::Outcome => &r.outcome,
    }
}

fn text_field(source: LabelSource) -> Option<TextField> {
    TextField::ALL
        .into_iter()
        .find(|f| LabelSource::from(*f) == source)
}

fn quote(r: &ProjectRecord, field: Option<TextField>, text: &str) -> Quote {
    field.and_then(|f| field_text(r, f).find(text)).map_or_else(
        || Quote::Text(text.to_owned()),
        |start| Quote::Range(start, start + text.len()),
    )
}

fn unquote(r: &ProjectRecord, field: Option<TextField>, q: Quote) -> Result<String, String> {
    match q {
        Quote::Text(t) => Ok(t),
        Quote::Range(start, end) => {
            let field = field.ok_or("a quote range without a field")?;
            field_text(r, field)
                .get(start..end)
                .map(str::to_owned)
                .ok_or_else(|| format!("quote {start}..{end} is outside the {field} text"))
        }
    }
}

/// The derived labels of `r` as stored ("" when there are none).
pub(crate) fn encode(r: &ProjectRecord, d: &Derived) -> String {
    if d.is_empty() {
        return String::new();
    }
    let labels = |ls: &[Label]| {
        ls.iter()
            .map(|l| {
                StoredLabel(
                    l.id.clone(),
                    l.field,
                    quote(r, text_field(l.field), &l.quote),
                )
            })
            .collect()
    };
    let passages = |ps: &[Passage]| {
        ps.iter()
            .map(|p| (p.field, quote(r, Some(p.field), &p.text)))
            .collect()
    };
    let stored = Stored {
        t: labels(&d.target_groups),
        d: labels(&d.designs),
        o: labels(&d.outcome_domains),
        l: d.evidence_level.level,
        r: Quote::Text(d.evidence_level.reason.clone()),
        f: passages(&d.findings),
        a: passages(&d.active_ingredients),
    };
    serde_json::to_string(&stored).expect("labels serialise")
}

/// The derived labels stored for `r`.
pub(crate) fn decode(r: &ProjectRecord, stored: &str) -> Result<Derived, String> {
    if stored.is_empty() {
        return Ok(Derived::default());
    }
    let s: Stored = serde_json::from_str(stored).map_err(|e| e.to_string())?;
    let labels = |ls: Vec<StoredLabel>| -> Result<Vec<Label>, String> {
        ls.into_iter()
            .map(|StoredLabel(id, field, q)| {
                Ok(Label {
                    quote: unquote(r, text_field(field), q)?,
                    id,
                    field,
                })
            })
            .collect()
    };
    let passages = |ps: Vec<(TextField, Quote)>| -> Result<Vec<Passage>, String> {
        ps.into_iter()
            .map(|(field, q)| {
                Ok(Passage {
                    text: unquote(r, Some(field), q)?,
                    field,
                })
            })
            .collect()
    };
    Ok(Derived {
        target_groups: labels(s.t)?,
        designs: labels(s.d)?,
        outcome_domains: labels(s.o)?,
        evidence_level: EvidenceLevel {
            level: s.l,
            reason: unquote(r, None, s.r)?,
        },
        findings: passages(s.f)?,
        active_ingredients: passages(s.a)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::sample;

    #[test]
    fn quotes_are_kept_as_ranges_and_come_back_whole() {
        let p = sample(1);
        let r = ProjectRecord::from(&p);
        let sentence = r.method.split(". ").next().unwrap().to_owned();
        let d = Derived {
            designs: vec![Label {
                id: "kwalitatief".into(),
                quote: sentence.clone(),
                field: LabelSource::Method,
            }],
            target_groups: vec![Label {
                id: "ouderen".into(),
                quote: "Volgens de redactie: 50-plussers".into(),
                field: LabelSource::Override,
            }],
            evidence_level: EvidenceLevel {
                level: 1,
                reason: format!("1 — kwalitatief onderzoek: '{sentence}'"),
            },
            findings: vec![Passage {
                text: sentence.clone(),
                field: TextField::Method,
            }],
            ..Derived::default()
        };
        let stored = encode(&r, &d);
        let plain = serde_json::to_string(&d).unwrap();
        assert!(stored.len() + sentence.len() < plain.len(), "{stored}");
        assert_eq!(decode(&r, &stored).unwrap(), d);
        assert_eq!(decode(&r, "").unwrap(), Derived::default());
        assert!(
            decode(
                &r,
                r#"{"t":[["x","method",0,99999]],"d":[],"o":[],"l":0,"r":"","f":[],"a":[]}"#
            )
            .is_err()
        );
    }
}
