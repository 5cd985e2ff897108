//! Pages a person opens: the hosted connect page (`/connect?link_token=…`) and the demo
//! host page (`/demo`), which embeds the widget exactly as a customer's app would.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use plugboard_shared::TenantId;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};
use crate::http::link_tokens::{DEFAULT_LIFETIME_SECS, issue};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/connect", get(connect_page))
}

/// Development mode only: `/demo` hands a link token for any tenant to whoever asks.
pub fn demo_router() -> Router<AppState> {
    Router::new().route("/demo", get(demo_page))
}

/// The hosted page reads its token from its own URL, so the HTML is static; the headers
/// keep it from being framed or leaking the token through the referrer.
#[utoipa::path(get, path = "/connect", tag = "pages", params(("link_token" = String, Query)),
    responses((status = 200, description = "The hosted connect page", content_type = "text/html")))]
pub(super) async fn connect_page(State(state): State<AppState>) -> ApiResult<Response> {
    let html = read_page(&state, "connect.html").await?;
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct DemoQuery {
    tenant_id: Option<TenantId>,
}

/// Plays the host's backend: mints a link token for the demo tenant and hands it to the
/// page, as a customer's server-rendered page would.
async fn demo_page(State(state): State<AppState>, Query(query): Query<DemoQuery>) -> ApiResult<Response> {
    let tenant = query
        .tenant_id
        .unwrap_or_else(|| TenantId::parse("demo-user").expect("valid"));
    // The demo shows every widget feature, disconnecting accounts included.
    let issued = issue(&state, &tenant, DEFAULT_LIFETIME_SECS as i64, |row| {
        row.allow_disconnect = 1
    })
    .await?;
    let html = read_page(&state, "demo.html")
        .await?
        .replace("__SERVER_URL__", &state.base_url)
        .replace("__LINK_TOKEN__", &issued.token);
    let mut response = Html(html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn read_page(state: &AppState, name: &str) -> ApiResult<String> {
    let path = state.config.server.public_dir.join(name);
    tokio::fs::read_to_string(&path).await.map_err(|err| {
        ApiError::Internal(anyhow::anyhow!(
            "cannot read {}: {err}; is server.public_dir right?",
            path.display()
        ))
    })
}
