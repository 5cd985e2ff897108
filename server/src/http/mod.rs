//! The HTTP surface. Every route is declared once, by its handler's `#[utoipa::path]`
//! in an `OpenApiRouter`, so `/openapi.json` lists exactly the routes the router serves
//! (a test below keeps it that way). This module only merges each resource's router and
//! adds the layers: CORS for the widget's host origins, rate limits for routes that take
//! no credential, body size and time limits, HSTS, and JSON answers for every miss.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Mode;
use crate::error::ErrorCode;
use crate::limits;
use crate::state::AppState;

mod accounts;
mod assets;
mod callback_page;
pub mod console;
pub mod extract;
mod health;
mod hosted;
pub mod link_tokens;
mod logos;
mod oauth;
mod openapi;
mod proxy;
pub mod sandbox;
pub mod webhook_events;
mod widget;
mod widget_connect;

/// The JSON API's bodies are small; anything bigger is a mistake or an attack.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let (routes, document) = api(&state).split_for_parts();
    let document = Arc::new(openapi::finish(document));
    let static_files = ServeDir::new(&state.config.server.public_dir);
    // Browsers that once reached us over https never try http again (RFC 6797).
    let hsts = state.config.is_https().then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    routes
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(CorsLayer::new().allow_origin(Any))
                .service(static_files),
        )
        .layer(Extension(document))
        .layer(middleware::from_fn(bare_misses_as_json))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(refuse_large_bodies))
        .layer(RequestBodyTimeoutLayer::new(state.config.client_timeout()))
        .layer(tower::util::option_layer(hsts))
        .layer(middleware::from_fn(crate::provider_time::server_timing))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                // Path only: query strings carry link tokens, codes and state.
                tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}

/// Every route of this server, each with its OpenAPI operation.
pub fn api(state: &AppState) -> OpenApiRouter<AppState> {
    let widget_origins: Vec<HeaderValue> = std::iter::once(state.own_origin.clone())
        .chain(state.allowed_origins.iter().cloned())
        .filter_map(|o| HeaderValue::from_str(&o).ok())
        .collect();
    let widget_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(widget_origins))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600));
    let per_address = || middleware::from_fn_with_state(state.clone(), limits::unauthenticated);
    let mut unauthenticated = OpenApiRouter::new()
        .merge(oauth::router())
        .merge(hosted::router())
        .merge(openapi::router());
    if state.config.sandbox_enabled() {
        unauthenticated = unauthenticated.merge(sandbox::router());
    }
    // Only a developer's loopback server mints demo link tokens (see config::Mode).
    if state.config.server.mode == Mode::Development {
        unauthenticated = unauthenticated.merge(hosted::demo_router());
    }
    // The Integry-style session start is called from host pages (CORS) with no credential
    // but its hash (rate limited per address).
    let widget = widget::router()
        .merge(widget::session_router().route_layer(per_address()))
        .layer(widget_cors);
    OpenApiRouter::with_openapi(openapi::base())
        .merge(widget)
        .merge(unauthenticated.route_layer(per_address()))
        .merge(assets::router().layer(CorsLayer::new().allow_origin(Any)))
        .merge(link_tokens::router())
        .merge(accounts::router())
        .merge(proxy::router())
        .merge(logos::router())
        .merge(webhook_events::router())
        .merge(health::router())
        .merge(console::router(state))
}

/// A `Content-Length` over the limit is refused before a byte of the body is read; a
/// chunked body meets [`DefaultBodyLimit`] when its handler reads it. The proxy carries
/// files and applies its own limit (`proxy.max_request_mb`).
async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    if proxy::is_proxy_path(request.uri().path()) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return ErrorCode::BodyTooLarge
            .error(format!("the body is over {} KB", BODY_LIMIT / 1024))
            .into_response();
    }
    next.run(request).await
}

/// The router's own misses (no such path or file, a method the path does not take) come
/// back as the JSON error, like every route's. Done here, outside the routes' layers, so a
/// CORS preflight is still answered by CORS before it could count as a wrong method.
async fn bare_misses_as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let error = match response.status() {
        _ if is_json => return response,
        axum::http::StatusCode::NOT_FOUND => ErrorCode::NotFound.error("no such path"),
        axum::http::StatusCode::METHOD_NOT_ALLOWED => {
            ErrorCode::MethodNotAllowed.error("this path does not take that method")
        }
        _ => return response,
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut json = error.into_response();
    if let Some(allow) = allow {
        json.headers_mut().insert(header::ALLOW, allow);
    }
    json
}

#[cfg(test)]
mod tests {
    /// Routes are added only through `.routes(routes!(…))`, which documents them: a bare
    /// `.route(…)` or `*_service(…)` would serve a path `/openapi.json` does not list.
    #[test]
    fn every_route_is_declared_with_its_operation() {
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/http"
        ))];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for forbidden in [".route(\"", ".route_service(", ".nest_service(", ".nest(\""] {
                    assert!(
                        !text.lines().any(|l| l.contains(forbidden) && !l.contains("forbidden")),
                        "{} adds a route with {forbidden}: declare it with .routes(routes!(…))",
                        path.display()
                    );
                }
            }
        }
        assert!(files > 20, "only {files} files under src/http");
    }
}
