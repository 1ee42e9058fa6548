//! OAI-PMH 2.0 at `/oai` (GET and POST form), so research aggregators can harvest the catalogue:
//! the six verbs, oai_dc records, themes and target groups as sets, day-granularity from/until,
//! resumption tokens, and every error code of the protocol that can occur here.
//!
//! **Identifiers** are `oai:watwerkt:{project number}`. **Sets**: `theme` with
//! `theme:{slug}` under it, and `target_group` with `target_group:{vocabulary id}`; a record is
//! in the sets of its programme line and of each target group derived for it (and so in their
//! parents). **Datestamps**: the store records revisions but no clock, so a record's datestamp is
//! the day of the catalogue's last import (see [`crate::feeds::catalogue_time`]): a harvest
//! `from` the day of the previous one gets every record again after an import, never misses a
//! change. **Resumption tokens** carry the position, the selection and the index generation,
//! signed with a key made at server start: a forged or altered token, one from before a restart
//! or one from before the catalogue changed (positions would shift) is `badResumptionToken`,
//! and the harvest starts again. Lists are pages of [`PAGE`] in the engine's newest-first order,
//! which is fixed for one generation.
//!
//! One file because the protocol is one piece: the six verbs share the argument rules, the
//! error answers, the token and the record writer, and the tests follow the specification
//! section by section against it.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::BuildHasher;
use std::sync::OnceLock;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use watwerkt_catalog::Catalog;
use watwerkt_domain::{Dimension, Project, ProjectNumber, Theme};
use watwerkt_search::{SearchRequest, Sort};

use crate::Shared;
use crate::error::AppError;
use crate::feeds::{catalogue_time, esc, utc_day, utc_time};
use crate::pages::blocking;
use crate::query;
use crate::sitemap::origin;
use crate::vocab;

/// Records or headers per list response.
pub const PAGE: usize = 100;

const PREFIX: &str = "oai_dc";
const ID_PREFIX: &str = "oai:watwerkt:";

/// Where harvesters can write to; `WATWERKT_ADMIN_EMAIL`, else a reserved `.invalid` address
/// that says no one was named (Identify requires one).
fn admin_email() -> &'static str {
    static EMAIL: OnceLock<String> = OnceLock::new();
    EMAIL.get_or_init(|| {
        std::env::var("WATWERKT_ADMIN_EMAIL")
            .ok()
            .filter(|e| e.contains('@') && !e.contains(char::is_whitespace))
            .unwrap_or_else(|| "beheer@watwerkt.invalid".to_owned())
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Identify,
    ListMetadataFormats,
    ListSets,
    GetRecord,
    ListIdentifiers,
    ListRecords,
}

impl Verb {
    fn parse(s: &str) -> Option<Verb> {
        Some(match s {
            "Identify" => Verb::Identify,
            "ListMetadataFormats" => Verb::ListMetadataFormats,
            "ListSets" => Verb::ListSets,
            "GetRecord" => Verb::GetRecord,
            "ListIdentifiers" => Verb::ListIdentifiers,
            "ListRecords" => Verb::ListRecords,
            _ => return None,
        })
    }

    /// The arguments the verb accepts besides `verb`.
    fn arguments(self) -> &'static [&'static str] {
        match self {
            Verb::Identify => &[],
            Verb::ListMetadataFormats => &["identifier"],
            Verb::ListSets => &["resumptionToken"],
            Verb::GetRecord => &["identifier", "metadataPrefix"],
            Verb::ListIdentifiers | Verb::ListRecords => {
                &["metadataPrefix", "from", "until", "set", "resumptionToken"]
            }
        }
    }
}

/// An error condition of the protocol (section 3.6), with a message for the harvester's log.
struct OaiError {
    code: &'static str,
    message: String,
}

/// Why a request got no answer: an error the protocol names, or a failure of ours (HTTP 500).
enum Fault {
    Protocol(OaiError),
    Internal(AppError),
}

impl From<OaiError> for Fault {
    fn from(e: OaiError) -> Fault {
        Fault::Protocol(e)
    }
}

impl From<watwerkt_catalog::CatalogError> for Fault {
    fn from(e: watwerkt_catalog::CatalogError) -> Fault {
        Fault::Internal(e.into())
    }
}

impl From<watwerkt_search::SearchError> for Fault {
    fn from(e: watwerkt_search::SearchError) -> Fault {
        Fault::Internal(e.into())
    }
}

fn fail(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError {
        code,
        message: message.into(),
    }
}

/// A checked request: the verb and its arguments, each at most once.
struct Request {
    verb: Verb,
    args: Vec<(String, String)>,
}

impl Request {
    fn get(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Parses the arguments; a failure here is answered without echoing them (badVerb and
    /// badArgument responses carry the base URL only).
    fn parse(raw: Option<&str>) -> Result<Request, OaiError> {
        let pairs = query::pairs(raw).map_err(|e| fail("badArgument", e.to_string()))?;
        let verbs: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == "verb")
            .map(|(_, v)| v.as_str())
            .collect();
        let verb = match verbs.as_slice() {
            [] => return Err(fail("badVerb", "no verb given")),
            [v] => Verb::parse(v).ok_or_else(|| fail("badVerb", format!("no verb {v:?}")))?,
            _ => return Err(fail("badVerb", "the verb is repeated")),
        };
        let mut args: Vec<(String, String)> = Vec::new();
        for (k, v) in pairs.into_iter().filter(|(k, _)| k != "verb") {
            if !verb.arguments().contains(&k.as_str()) {
                return Err(fail(
                    "badArgument",
                    format!("{verb:?} takes no argument {k:?}"),
                ));
            }
            if args.iter().any(|(seen, _)| *seen == k) {
                return Err(fail("badArgument", format!("argument {k} is repeated")));
            }
            args.push((k, v));
        }
        let req = Request { verb, args };
        if req.get("resumptionToken").is_some() && req.args.len() > 1 {
            return Err(fail(
                "badArgument",
                "resumptionToken is an exclusive argument",
            ));
        }
        let token = req.get("resumptionToken").is_some();
        let required: &[&str] = match verb {
            Verb::GetRecord => &["identifier", "metadataPrefix"],
            Verb::ListIdentifiers | Verb::ListRecords if !token => &["metadataPrefix"],
            _ => &[],
        };
        if let Some(missing) = required.iter().find(|a| req.get(a).is_none()) {
            return Err(fail("badArgument", format!("{missing} is required")));
        }
        // Echoed in <request> as attributes of restricted types: refuse what they cannot hold.
        if let Some(p) = req.get("metadataPrefix")
            && !is_spec(p, false)
        {
            return Err(fail("badArgument", "metadataPrefix is not well-formed"));
        }
        if let Some(s) = req.get("set")
            && !is_spec(s, true)
        {
            return Err(fail("badArgument", "set is not a well-formed setSpec"));
        }
        for name in ["from", "until"] {
            if let Some(d) = req.get(name)
                && !is_day(d)
            {
                return Err(fail(
                    "badArgument",
                    format!(
                        "{name} must be a date YYYY-MM-DD (the granularity of this repository)"
                    ),
                ));
            }
        }
        if let (Some(f), Some(u)) = (req.get("from"), req.get("until"))
            && f > u
        {
            return Err(fail("badArgument", "from is later than until"));
        }
        Ok(req)
    }
}

/// The protocol's setSpec (with `:` parts) and metadataPrefix character sets.
fn is_spec(s: &str, parts: bool) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b))
    };
    if parts {
        s.split(':').all(part_ok)
    } else {
        part_ok(s)
    }
}

/// A real calendar day written `YYYY-MM-DD`.
fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s[..4].bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The search filters of a setSpec; `None` for a set this repository does not have.
fn set_filters(spec: &str) -> Option<Vec<(String, String)>> {
    let tg = Dimension::TargetGroup.facet();
    match spec.split_once(':') {
        None if spec == "theme" => Some(Vec::new()),
        // Any target group: the engine ORs the values of one facet.
        None if spec == "target_group" => Some(
            vocab::terms(Dimension::TargetGroup)
                .iter()
                .map(|t| (tg.to_owned(), t.id.clone()))
                .collect(),
        ),
        Some(("theme", slug)) => Theme::ALL
            .into_iter()
            .find(|t| t.slug() == slug)
            .map(|t| vec![("theme".to_owned(), t.name().to_owned())]),
        Some(("target_group", id)) => {
            vocab::term(Dimension::TargetGroup, id).map(|t| vec![(tg.to_owned(), t.id.clone())])
        }
        _ => None,
    }
}

/// What a list request selects, and where in the list a response starts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cursor {
    offset: usize,
    /// The index generation the positions belong to.
    generation: Option<u64>,
    set: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

/// The key tokens are signed with: random per server process.
fn key() -> &'static RandomState {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    KEY.get_or_init(RandomState::new)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl Cursor {
    fn payload(&self) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        format!(
            "{}|{}|{}|{}|{}",
            self.offset,
            self.generation
                .map_or_else(|| "-".to_owned(), |g| g.to_string()),
            opt(&self.set),
            opt(&self.from),
            opt(&self.until)
        )
    }

    /// Opaque to the harvester: the payload in hex, then its keyed hash.
    fn token(&self) -> String {
        let payload = self.payload();
        format!(
            "{}.{:016x}",
            hex(payload.as_bytes()),
            key().hash_one(&payload)
        )
    }

    fn from_token(token: &str) -> Option<Cursor> {
        let (data, mac) = token.split_once('.')?;
        if data.len() % 2 != 0 || !data.is_ascii() {
            return None;
        }
        let bytes = (0..data.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&data[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let payload = String::from_utf8(bytes).ok()?;
        if format!("{:016x}", key().hash_one(&payload)) != mac {
            return None;
        }
        let mut parts = payload.split('|');
        let mut next = || parts.next().map(str::to_owned);
        let offset = next()?.parse().ok()?;
        let generation = match next()?.as_str() {
            "-" => None,
            g => Some(g.parse().ok()?),
        };
        let some = |s: String| (!s.is_empty()).then_some(s);
        Some(Cursor {
            offset,
            generation,
            set: some(next()?),
            from: some(next()?),
            until: some(next()?),
        })
    }
}

/// One page of a list: the projects, the list's size and the token of the next page.
struct Page {
    projects: Vec<Project>,
    total: u64,
    offset: usize,
    next: Option<String>,
}

/// The day every record carries (see the module doc).
fn datestamp(c: &Catalog) -> String {
    utc_day(catalogue_time(c))
}

fn list(c: &Catalog, req: &Request) -> Result<Page, Fault> {
    let generation = c.index().generation();
    let cursor = match req.get("resumptionToken") {
        Some(token) => {
            let cursor = Cursor::from_token(token)
                .ok_or_else(|| fail("badResumptionToken", "not a token this server issued"))?;
            if cursor.generation != generation {
                return Err(fail(
                    "badResumptionToken",
                    "the catalogue changed since this token was issued; start the list again",
                )
                .into());
            }
            cursor
        }
        None => {
            let prefix = req.get("metadataPrefix").unwrap_or_default();
            if prefix != PREFIX {
                return Err(fail(
                    "cannotDisseminateFormat",
                    format!("only {PREFIX} is disseminated"),
                )
                .into());
            }
            Cursor {
                offset: 0,
                generation,
                set: req.get("set").map(str::to_owned),
                from: req.get("from").map(str::to_owned),
                until: req.get("until").map(str::to_owned),
            }
        }
    };
    let none = || fail("noRecordsMatch", "no record matches these arguments");
    let filters = match &cursor.set {
        Some(s) => set_filters(s).ok_or_else(none)?,
        None => Vec::new(),
    };
    let day = datestamp(c);
    if cursor.from.as_ref().is_some_and(|f| *f > day)
        || cursor.until.as_ref().is_some_and(|u| *u < day)
    {
        return Err(none().into());
    }
    let res = c.index().search(&SearchRequest {
        filters,
        limit: PAGE,
        offset: cursor.offset,
        sort: Sort::Newest,
        ..Default::default()
    })?;
    if res.hits.is_empty() {
        return Err(if cursor.offset == 0 {
            none()
        } else {
            fail(
                "badResumptionToken",
                "the list has no records past this token",
            )
        }
        .into());
    }
    let mut projects = Vec::with_capacity(res.hits.len());
    for h in &res.hits {
        if let Ok(n) = ProjectNumber::parse(&h.project_number)
            && let Some(p) = c.project(&n)?
        {
            projects.push(p);
        }
    }
    let end = cursor.offset + res.hits.len();
    let next = ((end as u64) < res.total).then(|| {
        Cursor {
            offset: end,
            ..cursor.clone()
        }
        .token()
    });
    Ok(Page {
        projects,
        total: res.total,
        offset: cursor.offset,
        next,
    })
}

/// The project an OAI identifier names, or idDoesNotExist.
fn project_of(c: &Catalog, identifier: &str) -> Result<Project, Fault> {
    let missing = || fail("idDoesNotExist", format!("no record {identifier}"));
    let number = identifier
        .strip_prefix(ID_PREFIX)
        .and_then(|n| ProjectNumber::parse(n).ok())
        .ok_or_else(missing)?;
    Ok(c.project(&number)?.ok_or_else(missing)?)
}

fn header(x: &mut String, p: &Project, day: &str) {
    let _ = write!(
        x,
        "<header><identifier>{ID_PREFIX}{}</identifier><datestamp>{day}</datestamp>\
         <setSpec>theme</setSpec><setSpec>theme:{}</setSpec>",
        esc(p.number.as_str()),
        p.theme.slug()
    );
    if !p.derived.target_groups.is_empty() {
        x.push_str("<setSpec>target_group</setSpec>");
    }
    for l in &p.derived.target_groups {
        let _ = write!(x, "<setSpec>target_group:{}</setSpec>", esc(&l.id));
    }
    x.push_str("</header>");
}

/// A project as simple Dublin Core.
fn record(x: &mut String, p: &Project, day: &str, origin: &str) {
    x.push_str("<record>");
    header(x, p, day);
    x.push_str(
        "<metadata><oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ \
         http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">",
    );
    let mut el = |name: &str, text: &str, nl: bool| {
        if !text.trim().is_empty() {
            let lang = if nl { " xml:lang=\"nl\"" } else { "" };
            let _ = write!(x, "<dc:{name}{lang}>{}</dc:{name}>", esc(text.trim()));
        }
    };
    el("title", &p.title, true);
    if let Some(full) = p.full_title.as_deref().filter(|f| *f != p.title) {
        el("title", full, true);
    }
    if let Some(lead) = &p.lead_researcher {
        el("creator", lead, false);
    }
    for o in &p.organisations {
        el("contributor", &o.name, false);
    }
    el("subject", p.theme.name(), true);
    for dim in [
        Dimension::TargetGroup,
        Dimension::Design,
        Dimension::OutcomeDomain,
    ] {
        for l in p.derived.labels(dim) {
            el(
                "subject",
                vocab::label_name(crate::i18n::Lang::Nl, dim, &l.id),
                true,
            );
        }
    }
    for text in [
        p.teaser.as_deref().unwrap_or_default(),
        &p.question,
        &p.method,
        &p.outcome,
    ] {
        el("description", text, true);
    }
    el("publisher", "ZonMw", false);
    if let Some(s) = p.start {
        el("date", &s.to_string(), false);
    }
    el("type", "Project", false);
    el(
        "identifier",
        &format!("{origin}/project/{}", p.number),
        false,
    );
    el("identifier", p.number.as_str(), false);
    el("language", "nl", false);
    for pr in &p.products {
        el("relation", &pr.title, true);
    }
    for m in &p.municipalities {
        el("coverage", m, true);
    }
    x.push_str("</oai_dc:dc></metadata></record>");
}

/// Answers one request with the body of the verb's element (or an error).
fn answer(c: &Catalog, req: &Request, origin: &str) -> Result<String, Fault> {
    let mut x = String::new();
    match req.verb {
        Verb::Identify => {
            let _ = write!(
                x,
                "<Identify><repositoryName>watwerkt: Vakkundig aan het werk (ZonMw)</repositoryName>\
                 <baseURL>{origin}/oai</baseURL><protocolVersion>2.0</protocolVersion>\
                 <adminEmail>{}</adminEmail><earliestDatestamp>{}</earliestDatestamp>\
                 <deletedRecord>no</deletedRecord><granularity>YYYY-MM-DD</granularity></Identify>",
                esc(admin_email()),
                datestamp(c)
            );
        }
        Verb::ListMetadataFormats => {
            if let Some(id) = req.get("identifier") {
                project_of(c, id)?;
            }
            x.push_str(
                "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>\
                 <schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>\
                 <metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace>\
                 </metadataFormat></ListMetadataFormats>",
            );
        }
        Verb::ListSets => {
            if req.get("resumptionToken").is_some() {
                return Err(fail(
                    "badResumptionToken",
                    "ListSets answers in one response and issues no tokens",
                )
                .into());
            }
            x.push_str("<ListSets>");
            let mut set = |spec: &str, name: &str| {
                let _ = write!(
                    x,
                    "<set><setSpec>{}</setSpec><setName>{}</setName></set>",
                    esc(spec),
                    esc(name)
                );
            };
            set("theme", "Programmalijnen");
            for t in Theme::ALL {
                set(&format!("theme:{}", t.slug()), t.name());
            }
            set("target_group", "Doelgroepen");
            for t in vocab::terms(Dimension::TargetGroup) {
                set(&format!("target_group:{}", t.id), &t.nl);
            }
            x.push_str("</ListSets>");
        }
        Verb::GetRecord => {
            if req.get("metadataPrefix") != Some(PREFIX) {
                return Err(fail(
                    "cannotDisseminateFormat",
                    format!("only {PREFIX} is disseminated"),
                )
                .into());
            }
            let p = project_of(c, req.get("identifier").unwrap_or_default())?;
            x.push_str("<GetRecord>");
            record(&mut x, &p, &datestamp(c), origin);
            x.push_str("</GetRecord>");
        }
        Verb::ListIdentifiers | Verb::ListRecords => {
            let page = list(c, req)?;
            let day = datestamp(c);
            let element = if req.verb == Verb::ListRecords {
                "ListRecords"
            } else {
                "ListIdentifiers"
            };
            let _ = write!(x, "<{element}>");
            for p in &page.projects {
                if req.verb == Verb::ListRecords {
                    record(&mut x, p, &day, origin);
                } else {
                    header(&mut x, p, &day);
                }
            }
            // A list in several parts ends with an empty token (section 3.5).
            if page.next.is_some() || page.offset > 0 {
                let _ = write!(
                    x,
                    "<resumptionToken completeListSize=\"{}\" cursor=\"{}\">{}</resumptionToken>",
                    page.total,
                    page.offset,
                    page.next.as_deref().unwrap_or_default()
                );
            }
            let _ = write!(x, "</{element}>");
        }
    }
    Ok(x)
}

/// The whole response document. `<request>` echoes the arguments, except after badVerb and
/// badArgument, where the protocol wants the base URL alone (section 3.2).
fn document(req: Option<&Request>, body: Result<&str, &OaiError>, origin: &str) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ \
         http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n\
         <responseDate>{}</responseDate>\n<request",
        utc_time(SystemTime::now())
    );
    let bare = matches!(body, Err(e) if matches!(e.code, "badArgument" | "badVerb"));
    if let Some(r) = req.filter(|_| !bare) {
        let _ = write!(x, " verb=\"{:?}\"", r.verb);
        for (k, v) in &r.args {
            let _ = write!(x, " {k}=\"{}\"", esc(v));
        }
    }
    let _ = writeln!(x, ">{}/oai</request>", esc(origin));
    match body {
        Ok(b) => x.push_str(b),
        Err(e) => {
            let _ = write!(x, "<error code=\"{}\">{}</error>", e.code, esc(&e.message));
        }
    }
    x.push_str("\n</OAI-PMH>\n");
    x
}

async fn respond(app: Shared, raw: Option<String>, headers: HeaderMap) -> Response {
    let origin = origin(&headers);
    let built = blocking(&app, move |c| {
        Ok(match Request::parse(raw.as_deref()) {
            Err(e) => document(None, Err(&e), &origin),
            Ok(r) => match answer(c, &r, &origin) {
                Ok(body) => document(Some(&r), Ok(&body), &origin),
                Err(Fault::Protocol(e)) => document(Some(&r), Err(&e), &origin),
                Err(Fault::Internal(e)) => return Err(e),
            },
        })
    })
    .await;
    match built {
        Ok(x) => ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], x).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn get(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    respond(app, raw, headers).await
}

/// The POST form of a request: the same arguments, `application/x-www-form-urlencoded`.
pub async fn post(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let raw = String::from_utf8_lossy(&body).into_owned();
    respond(app, Some(raw), headers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let c = Cursor {
            offset: 100,
            generation: Some(7),
            set: Some("theme:re-integratie".into()),
            from: Some("2026-01-01".into()),
            until: None,
        };
        let token = c.token();
        assert_eq!(Cursor::from_token(&token), Some(c.clone()));
        let other = Cursor { offset: 0, ..c }.token();
        let (data, _) = other.split_once('.').unwrap();
        let (_, mac) = token.split_once('.').unwrap();
        assert_eq!(Cursor::from_token(&format!("{data}.{mac}")), None);
        assert_eq!(Cursor::from_token("zz.00"), None);
        assert_eq!(Cursor::from_token(""), None);
    }

    #[test]
    fn days_are_real_calendar_days() {
        assert!(is_day("2024-02-29"));
        assert!(!is_day("2023-02-29"));
        assert!(!is_day("2024-13-01"));
        assert!(!is_day("2024-1-01"));
        assert!(!is_day("2024-01-01T00:00:00Z"));
        assert!(!is_day("+024-01-01"));
    }

    #[test]
    fn specs_follow_the_protocol_pattern() {
        assert!(is_spec("theme:re-integratie", true));
        assert!(!is_spec("theme:", true));
        assert!(!is_spec("a b", true));
        assert!(is_spec("oai_dc", false));
        assert!(!is_spec("oai:dc", false));
    }
}
