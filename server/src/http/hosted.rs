//! Pages a person opens: the hosted connect page (`/connect?link_token=…`) and the demo
//! host page (`/demo`), which embeds the widget exactly as a customer's app would.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use plugboard_shared::TenantId;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Query;
use crate::error::{ApiError, ApiResult};
use crate::http::link_tokens::{DEFAULT_LIFETIME_SECS, NewLinkToken, issue};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(connect_page))
}

/// Development mode only: `/demo` hands a link token for any tenant to whoever asks.
pub fn demo_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(demo_page))
}

/// The hosted page reads its token from its own URL, so the HTML is static; the headers
/// keep it from being framed or leaking the token through the referrer.
#[utoipa::path(get, path = "/connect", tag = "pages", params(("link_token" = Option<String>, Query, description = "From POST /link-token; read by the page's script (which says the link is incomplete without it), never by the server")),
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DemoQuery {
    /// The tenant the demo plays; default `demo-user`.
    tenant_id: Option<TenantId>,
}

/// Plays the host's backend: mints a link token for the demo tenant and hands it to the
/// page, as a customer's server-rendered page would.
#[utoipa::path(get, path = "/demo", tag = "pages", params(DemoQuery),
    responses((status = 200, description = "Development mode only: a host page embedding the widget with a fresh link token", content_type = "text/html")))]
pub(super) async fn demo_page(State(state): State<AppState>, Query(query): Query<DemoQuery>) -> ApiResult<Response> {
    let tenant = match query.tenant_id {
        Some(tenant) => tenant,
        None => TenantId::parse("demo-user")?,
    };
    // The demo shows every widget feature, disconnecting accounts included.
    let new = NewLinkToken {
        allow_disconnect: true,
        ..NewLinkToken::for_tenant(tenant, DEFAULT_LIFETIME_SECS as i64)
    };
    let issued = issue(&state, new).await?;
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
