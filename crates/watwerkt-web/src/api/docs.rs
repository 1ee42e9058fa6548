//! The OpenAPI 3.1 document (`/api/v1/openapi.json`) and its readable form (`/api/v1/docs`): one
//! derived document, rendered on the server into plain HTML (no script, no inline style, so the
//! site's content security policy holds and nothing is fetched from elsewhere).

use std::fmt::Write;
use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
use utoipa::openapi::{Content, Header, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::views::Problem;
use super::{directory, evidence_map, projects, write};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "watwerkt API",
        version = "1",
        description = "The project catalogue of the research programme Vakkundig aan het werk as data: search, project records with what works for whom, the catalogue's lists and the evidence gap map. Public to read: any origin may call it (CORS); editing a project takes a bearer token (`watwerkt token create`). Errors are RFC 9457 problem documents; answers carry an ETag (send If-None-Match for a 304); each client may make a limited number of requests per minute (429 with Retry-After past it).",
    ),
    paths(
        projects::search,
        projects::project,
        projects::similar,
        write::patch,
        write::revisions,
        projects::suggest,
        directory::organisations,
        directory::municipalities,
        directory::themes,
        directory::funding_rounds,
        directory::timeline,
        evidence_map::evidence_map,
    ),
    tags(
        (name = "projects", description = "Search and read projects."),
        (name = "catalogue", description = "The catalogue's lists and the programme."),
        (name = "what works", description = "What works for whom."),
        (name = "editing", description = "Editing projects, with a bearer token from `watwerkt token create`."),
    ),
    components(schemas(Problem)),
    modifiers(&EveryOperation)
)]
struct ApiDoc;

/// The answers every operation can give, said once: 400 (every endpoint refuses unknown
/// parameters) and 429 (the rate limit covers all of `/api/v1`).
struct EveryOperation;

impl Modify for EveryOperation {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::schema::{Schema, SchemaType};
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        // An optional header is absent or a string, never JSON null: utoipa writes an `Option`
        // as "null or …", which would invite clients (and schemathesis) to send `If-Match: null`.
        let is_null = |s: &RefOr<Schema>| matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
        for item in doc.paths.paths.values_mut() {
            for op in [item.get.as_mut(), item.patch.as_mut()]
                .into_iter()
                .flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    if p.parameter_in != ParameterIn::Header {
                        continue;
                    }
                    if let Some(RefOr::T(Schema::OneOf(one))) = &p.schema
                        && let Some(s) = one.items.iter().find(|s| !is_null(s))
                    {
                        p.schema = Some(s.clone());
                    }
                }
            }
        }
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        let problem = |description: &str| {
            ResponseBuilder::new().description(description).content(
                "application/problem+json",
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
        };
        let bad = problem(
            "A query parameter is unknown (`unknown_parameter`) or has a bad value \
             (`invalid_parameter`, `bad_request`, `invalid_cursor`), or the project number is \
             malformed (`invalid_project_number`)",
        )
        .build();
        let seconds = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .build();
        let limited =
            problem("Over the rate limit (`rate_limited`): retry after Retry-After seconds")
                .header("Retry-After", Header::new(seconds))
                .build();
        let operations = doc
            .paths
            .paths
            .values_mut()
            .filter_map(|item| item.get.as_mut());
        for op in operations {
            let answers = &mut op.responses.responses;
            answers.insert("400".into(), RefOr::T(bad.clone()));
            answers.insert("429".into(), RefOr::T(limited.clone()));
        }
    }
}

static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::to_value(ApiDoc::openapi()).expect("the document serialises"));

static JSON: LazyLock<String> = LazyLock::new(|| DOCUMENT.to_string());

static HTML: LazyLock<String> = LazyLock::new(|| render(&DOCUMENT));

pub async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str()).into_response()
}

pub async fn page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        HTML.as_str(),
    )
        .into_response()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A parameter's or body's type in a few words: `string`, `integer (1–100)`, `one of: a, b`,
/// or the name of a schema of the document.
fn type_words(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let shown: Vec<&str> = values.iter().filter_map(Value::as_str).take(12).collect();
        let more = if values.len() > shown.len() {
            ", …"
        } else {
            ""
        };
        return format!("one of: {}{more}", shown.join(", "));
    }
    if let Some(any) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        let parts: Vec<String> = any
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .map(type_words)
            .collect();
        return parts.join(" or ");
    }
    let kind = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("any"),
        Some(Value::String(k)) => k.as_str(),
        _ => "any",
    };
    match kind {
        "array" => format!(
            "list of {}",
            schema.get("items").map_or("any".to_owned(), type_words)
        ),
        "integer" | "number" => match (schema.get("minimum"), schema.get("maximum")) {
            (Some(lo), Some(hi)) => format!("{kind} ({lo}–{hi})"),
            _ => kind.to_owned(),
        },
        "string" => match schema.get("pattern").and_then(Value::as_str) {
            Some(p) => format!("string matching {p}"),
            None => kind.to_owned(),
        },
        k => k.to_owned(),
    }
}

/// The operations of `doc`, each with its parameters and responses.
fn render(doc: &Value) -> String {
    let info = &doc["info"];
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            ops.push((method.to_uppercase(), path.as_str(), op));
        }
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} {version}</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n</head>\n\
         <body>\n<main class=\"api-docs\">\n<h1>{title}, version {version}</h1>\n<p>{about}</p>\n\
         <p>The machine-readable form of this page: the OpenAPI {openapi} document at \
         <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>\n<h2>Operations</h2>\n<ul>\n",
        title = escape(text(info, "title")),
        version = escape(text(info, "version")),
        about = escape(text(info, "description")),
        openapi = escape(text(doc, "openapi")),
        css = crate::assets::css_path(),
    );
    for (method, path, op) in &ops {
        let _ = writeln!(
            h,
            "<li><a href=\"#{id}\"><code>{method} {path}</code></a> — {summary}</li>",
            id = escape(text(op, "operationId")),
            path = escape(path),
            summary = escape(text(op, "summary")),
        );
    }
    h.push_str("</ul>\n");
    for (method, path, op) in &ops {
        let _ = write!(
            h,
            "<section id=\"{id}\">\n<h2><code>{method} {path}</code></h2>\n<p><strong>{summary}</strong></p>\n",
            id = escape(text(op, "operationId")),
            path = escape(path),
            summary = escape(text(op, "summary")),
        );
        let description = text(op, "description");
        if !description.is_empty() {
            let _ = writeln!(h, "<p>{}</p>", escape(description));
        }
        if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
            h.push_str(
                "<h3>Parameters</h3>\n<table>\n<thead><tr><th>name</th><th>in</th><th>type</th>\
                 <th>required</th><th>description</th></tr></thead>\n<tbody>\n",
            );
            for p in params {
                let _ = writeln!(
                    h,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(text(p, "name")),
                    escape(text(p, "in")),
                    escape(&type_words(&p["schema"])),
                    if p["required"].as_bool() == Some(true) {
                        "yes"
                    } else {
                        "no"
                    },
                    escape(text(p, "description")),
                );
            }
            h.push_str("</tbody>\n</table>\n");
        }
        h.push_str("<h3>Responses</h3>\n<dl>\n");
        for (status, res) in op["responses"].as_object().into_iter().flatten() {
            let body = res["content"]
                .as_object()
                .and_then(|c| c.iter().next())
                .map(|(media, c)| format!(" ({}: {})", media, type_words(&c["schema"])))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<dt>{}</dt><dd>{}{}</dd>",
                escape(status),
                escape(text(res, "description")),
                escape(&body),
            );
        }
        h.push_str("</dl>\n</section>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_operation() {
        assert_eq!(text(&DOCUMENT, "openapi"), "3.1.0");
        let paths = DOCUMENT["paths"].as_object().unwrap();
        for p in [
            "/api/v1/projects",
            "/api/v1/projects/{project_number}",
            "/api/v1/projects/{project_number}/similar",
            "/api/v1/suggest",
            "/api/v1/organisations",
            "/api/v1/municipalities",
            "/api/v1/themes",
            "/api/v1/funding-rounds",
            "/api/v1/timeline",
            "/api/v1/evidence-map",
        ] {
            let answers = &paths[p]["get"]["responses"];
            assert!(answers["200"].is_object(), "{p}");
            assert!(answers["400"].is_object(), "{p}");
            assert!(answers["429"]["headers"]["Retry-After"].is_object(), "{p}");
            assert!(
                HTML.contains(&format!("<code>GET {}</code>", escape(p))),
                "{p}"
            );
        }
        assert!(!HTML.contains("<script"));
        assert!(!HTML.contains("style="));
    }
}
