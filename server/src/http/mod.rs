//! Merges each resource's router and adds the layers. Widget endpoints get CORS for the
//! configured host origins only; static files (loader, wasm, see assets.rs) are public and
//! carry no credentials, so any page may fetch them.

use axum::Router;
use axum::http::{HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Mode;
use crate::error::ApiError;
use crate::state::AppState;

mod accounts;
mod assets;
mod callback_page;
mod health;
mod hosted;
pub mod link_tokens;
mod logos;
mod oauth;
mod openapi;
pub mod sandbox;
mod webhook_events;
mod widget;

pub fn router(state: AppState) -> Router {
    let widget_origins: Vec<HeaderValue> = std::iter::once(state.own_origin.clone())
        .chain(state.allowed_origins.iter().cloned())
        .filter_map(|o| HeaderValue::from_str(&o).ok())
        .collect();
    let widget_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(widget_origins))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));
    let static_files = ServeDir::new(&state.config.server.public_dir).not_found_service(axum::routing::any(|| async {
        ApiError::not_found("not_found", "no such path")
    }));

    let mut app = Router::new()
        .merge(widget::router().layer(widget_cors))
        .merge(assets::router(&state.config.server.public_dir).layer(CorsLayer::new().allow_origin(Any)))
        .merge(link_tokens::router())
        .merge(oauth::router())
        .merge(accounts::router())
        .merge(hosted::router())
        .merge(logos::router())
        .merge(webhook_events::router())
        .merge(openapi::router())
        .merge(health::router());
    if state.config.sandbox_enabled() {
        app = app.merge(sandbox::router());
    }
    // Only a developer's loopback server mints demo link tokens (see config::Mode).
    if state.config.server.mode == Mode::Development {
        app = app.merge(hosted::demo_router());
    }
    // Browsers that once reached us over https never try http again (RFC 6797).
    let hsts = state.config.is_https().then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    app.fallback_service(
        tower::ServiceBuilder::new()
            .layer(CorsLayer::new().allow_origin(Any))
            .service(static_files),
    )
    .layer(tower::util::option_layer(hsts))
    .layer(
        TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            // Path only: query strings carry link tokens, codes and state.
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path())
        }),
    )
    .with_state(state)
}
