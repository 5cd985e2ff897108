//! `GET /openapi.json`: the OpenAPI 3.1 document. Each route is declared once, with its
//! handler's `#[utoipa::path]`, in an `OpenApiRouter` (see `mod.rs`); the document is what
//! that router collected, plus what every operation shares: the bearer schemes, the
//! error answers any route can give, and the list of error codes.

use std::sync::Arc;

use axum::Extension;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;
use crate::error::ErrorCode;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plugboard",
        description = "Link tokens, the connect widget's API, and verified integrated accounts."
    ),
    components(schemas(
        plugboard_shared::PopupMessage,
        plugboard_shared::AuthorizationEvent,
        plugboard_shared::FailureEvent,
        plugboard_shared::ErrorBody
    ))
)]
struct ApiDoc;

/// The document's starting point; routes add their paths to it.
pub fn base() -> Document {
    ApiDoc::openapi()
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document (OpenAPI 3.1)")))]
pub(super) async fn document(Extension(document): Extension<Arc<Document>>) -> Json<Arc<Document>> {
    Json(document)
}

/// Completes the collected document; see the module comment.
pub fn finish(mut document: Document) -> Document {
    SharedAnswers.modify(&mut document);
    // axum's catch-all `{*path}` is OpenAPI's plain `{path}`.
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths
        .into_iter()
        .map(|(path, item)| (path.replace("{*", "{"), item))
        .collect();
    document
}

struct SharedAnswers;

impl Modify for SharedAnswers {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        for (name, what) in [
            ("api_key", "A backend API key"),
            ("link_token", "A link token from POST /link-token"),
        ] {
            let scheme = HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(what))
                .build();
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
        let cookie =
            utoipa::openapi::security::ApiKey::Cookie(utoipa::openapi::security::ApiKeyValue::with_description(
                super::console::session::COOKIE,
                "An operator's console session, from POST /console/api/session",
            ));
        components.add_security_scheme("operator_session", SecurityScheme::ApiKey(cookie));
        list_error_codes(components);
        for (path, item) in document.paths.paths.iter_mut() {
            if path.starts_with(CONSOLE_API) {
                add_origin_check(item);
            }
            for operation in operations(item) {
                add_shared_errors(operation);
            }
            name_each_method(item);
        }
    }
}

/// One handler may serve several methods (the proxy, the sandbox's echo); each operation
/// needs its own id, so all but the GET get the method appended.
fn name_each_method(item: &mut PathItem) {
    let methods = [
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ];
    let shared = item.get.as_ref().and_then(|get| get.operation_id.clone());
    let mut seen: Vec<String> = shared.into_iter().collect();
    for (method, operation) in methods {
        let Some(operation) = operation else { continue };
        let Some(id) = operation.operation_id.clone() else {
            continue;
        };
        if seen.contains(&id) {
            operation.operation_id = Some(format!("{id}_{method}"));
        } else {
            seen.push(id);
        }
    }
}

/// Every route under it sits behind `console::session::same_origin_writes`.
const CONSOLE_API: &str = "/console/api/";

/// The console refuses a write from any other origin before its handler runs, so every
/// console write can answer 403 whatever else it documents.
fn add_origin_check(item: &mut PathItem) {
    let writes = [&mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
    for operation in writes.into_iter().flatten() {
        let responses = &mut operation.responses.responses;
        match responses.get_mut("403") {
            Some(RefOr::T(response)) => response.description.push_str("; origin_mismatch"),
            Some(RefOr::Ref(_)) => {}
            None => {
                responses.insert(
                    "403".into(),
                    error_response("origin_mismatch: a write from another origin than the console's"),
                );
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

/// `ErrorDetail.code` is one of [`ErrorCode::ALL`], each described.
fn list_error_codes(components: &mut utoipa::openapi::Components) {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    let described: String = ErrorCode::ALL
        .iter()
        .map(|c| format!("\n- `{}` ({}): {}", c.as_str(), c.status().as_u16(), c.meaning()))
        .collect();
    let code = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
        .description(Some(format!("Stable, snake_case:{described}")));
    if let Some(RefOr::T(Schema::Object(detail))) = components.schemas.get_mut("ErrorDetail") {
        detail
            .properties
            .insert("code".into(), RefOr::T(Schema::Object(code.build())));
    }
}

/// Answers any operation can give, unless it documents its own: a malformed request,
/// missing or wrong credentials (when it takes any), a body over the limit, a rate limit,
/// and our own failure; every one is the JSON error body.
fn add_shared_errors(operation: &mut Operation) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut shared = vec![
        ("400", "Invalid input: see the error code"),
        ("413", "body_too_large"),
        ("429", "rate_limited: wait Retry-After seconds"),
        ("500", "internal"),
    ];
    if secured {
        shared.push((
            "401",
            "missing_credentials, or an unknown, expired or revoked credential",
        ));
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.into())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    let content = Content::new(Some(Ref::from_schema_name("ErrorBody")));
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", content)
            .build(),
    )
}
