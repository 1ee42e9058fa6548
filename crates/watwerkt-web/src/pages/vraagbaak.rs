//! The vraagbaak: a professional pastes a question or case description and gets the projects
//! most like it, each with the words that connect them. A plain form posted to the server, so it
//! works without JavaScript; nothing is stored.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use watwerkt_search::MAX_VRAAGBAAK_CHARS;

use super::{Card, Layout, blocking, cards};
use crate::Shared;
use crate::error::AppError;

/// Projects shown for one question.
const RESULTS: usize = 10;

#[derive(Deserialize)]
pub struct Question {
    #[serde(default)]
    tekst: String,
}

struct Found {
    card: Card,
    terms: Vec<String>,
}

#[derive(Template)]
#[template(path = "vraagbaak.html")]
struct VraagbaakPage {
    l: Layout,
    text: String,
    max: usize,
    /// `None` before a question was asked.
    found: Option<Vec<Found>>,
    empty: bool,
}

pub async fn form(l: Layout) -> Result<Response, AppError> {
    let body = VraagbaakPage {
        l,
        text: String::new(),
        max: MAX_VRAAGBAAK_CHARS,
        found: None,
        empty: false,
    }
    .render()?;
    Ok(Html(body).into_response())
}

pub async fn answer(
    State(app): State<Shared>,
    l: Layout,
    Form(q): Form<Question>,
) -> Result<Response, AppError> {
    let text = q.tekst.trim().to_owned();
    let found = if text.is_empty() {
        None
    } else {
        let lang = l.lang;
        let asked = text.clone();
        Some(
            blocking(&app, move |c| {
                let matches = c.index().vraagbaak(&asked, RESULTS)?;
                let numbers: Vec<String> = matches
                    .iter()
                    .map(|m| m.hit.project_number.clone())
                    .collect();
                let cards = cards(c, &numbers, lang)?;
                // Cards come in hit order, skipping any project the store no longer has.
                Ok(cards
                    .into_iter()
                    .filter_map(|card| {
                        let m = matches
                            .iter()
                            .find(|m| m.hit.project_number == card.number)?;
                        Some(Found {
                            terms: m.terms.clone(),
                            card,
                        })
                    })
                    .collect::<Vec<_>>())
            })
            .await?,
        )
    };
    let body = VraagbaakPage {
        empty: found.is_none(),
        l,
        text,
        max: MAX_VRAAGBAAK_CHARS,
        found,
    }
    .render()?;
    Ok(Html(body).into_response())
}
