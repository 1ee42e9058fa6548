//! The query language of the search box: words (AND), "exact phrases", -exclusions, OR between
//! words, and field filters such as `gemeente:Rotterdam`, `thema:vergunninghouders`,
//! `status:afgerond`, `jaar:2017`. Parsing never fails: what cannot be used becomes a notice.

/// One searchable item: a word or a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word(String),
    Phrase(String),
}

/// A parsed query. Groups are ANDed; the items of one group are alternatives (OR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub groups: Vec<Vec<Item>>,
    pub excluded: Vec<Item>,
    /// (facet name, value) from `field:value` in the text.
    pub filters: Vec<(String, String)>,
    /// Field names typed that are not filters, kept as words.
    pub unknown_fields: Vec<String>,
}

/// Longest query we read; the rest is ignored (a search box, not a document store).
pub const MAX_QUERY_CHARS: usize = 1000;

/// The facet a typed field name filters on, in Dutch or English.
pub fn facet_of(field: &str) -> Option<&'static str> {
    Some(match field.to_lowercase().as_str() {
        "gemeente" | "gemeenten" | "municipality" => "municipality",
        "thema" | "theme" | "programmalijn" => "theme",
        "status" => "status",
        "jaar" | "year" | "startjaar" => "year",
        "organisatie" | "organisation" | "organization" | "kennisinstelling" => "organisation",
        "product" | "producttype" | "product_kind" => "product_kind",
        _ => return None,
    })
}

pub fn parse(input: &str) -> ParsedQuery {
    let input: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let mut q = ParsedQuery::default();
    let mut chars = input.chars().peekable();
    let mut pending_or = false;
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let negate = c == '-';
        if negate {
            chars.next();
        }
        let item = if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let phrase = phrase.trim().to_owned();
            (!phrase.is_empty()).then_some(Item::Phrase(phrase))
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
            if word == "OR" && !negate {
                pending_or = !q.groups.is_empty();
                continue;
            }
            if let Some((field, value)) = word.split_once(':')
                && !field.is_empty()
            {
                // A quoted value may follow: gemeente:"Den Haag".
                let mut value = value.to_owned();
                if value.starts_with('"') {
                    value.remove(0);
                    if !value.ends_with('"') {
                        let rest: String = chars.by_ref().take_while(|&c| c != '"').collect();
                        value.push_str(&rest);
                    }
                    value = value.trim_end_matches('"').to_owned();
                }
                match facet_of(field) {
                    Some(facet) if !value.trim().is_empty() => {
                        q.filters.push((facet.to_owned(), value.trim().to_owned()));
                        pending_or = false;
                        continue;
                    }
                    _ => {
                        q.unknown_fields.push(field.to_owned());
                        word = format!("{field} {value}");
                    }
                }
            }
            let word = word.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
            (!word.is_empty()).then_some(Item::Word(word))
        };
        let Some(item) = item else {
            pending_or = false;
            continue;
        };
        if negate {
            q.excluded.push(item);
        } else if pending_or {
            q.groups.last_mut().expect("OR follows a group").push(item);
        } else {
            q.groups.push(vec![item]);
        }
        pending_or = false;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn w(s: &str) -> Item {
        Item::Word(s.into())
    }

    #[test]
    fn words_phrases_exclusions_or_and_filters() {
        let q = parse(
            r#"schulden "psychische problemen" -rotterdam jongeren OR jongvolwassenen gemeente:Zwolle jaar:2017"#,
        );
        assert_eq!(
            q.groups,
            vec![
                vec![w("schulden")],
                vec![Item::Phrase("psychische problemen".into())],
                vec![w("jongeren"), w("jongvolwassenen")]
            ]
        );
        assert_eq!(q.excluded, vec![w("rotterdam")]);
        assert_eq!(
            q.filters,
            vec![
                ("municipality".into(), "Zwolle".into()),
                ("year".into(), "2017".into())
            ]
        );
    }

    #[test]
    fn quoted_filter_values_and_unknown_fields() {
        let q = parse(r#"gemeente:"Den Haag" kleur:rood"#);
        assert_eq!(q.filters, vec![("municipality".into(), "Den Haag".into())]);
        assert_eq!(q.unknown_fields, vec!["kleur".to_owned()]);
        assert_eq!(q.groups, vec![vec![w("kleur rood")]]);
    }

    #[test]
    fn odd_input_is_harmless() {
        assert_eq!(
            parse("\"unbalanced"),
            ParsedQuery {
                groups: vec![vec![Item::Phrase("unbalanced".into())]],
                ..Default::default()
            }
        );
        assert_eq!(parse(" - "), ParsedQuery::default());
        assert_eq!(parse("OR OR"), ParsedQuery::default());
        let long = "werk ".repeat(5000);
        assert!(parse(&long).groups.len() <= MAX_QUERY_CHARS / 5 + 1);
        assert_eq!(parse("'; DROP TABLE projects; --").groups.len(), 3);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = parse(&s);
        }
    }
}
