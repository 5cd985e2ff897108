//! `GET /console`: the console's HTML shell. Its script, styles and wasm are static files
//! under `public/console/`; the app navigates by the URL's hash (`#/accounts`), so this is
//! the only page route.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(shell))
}

#[utoipa::path(get, path = "/console", tag = "console", operation_id = "console_shell",
    responses((status = 200, description = "The operators' console (signs in first)", content_type = "text/html")))]
pub(super) async fn shell(State(state): State<AppState>) -> ApiResult<Response> {
    let path = state.config.server.public_dir.join("console/index.html");
    let html = tokio::fs::read_to_string(&path).await.map_err(|err| {
        ApiError::Internal(anyhow::anyhow!(
            "cannot read {}: {err}; is server.public_dir right?",
            path.display()
        ))
    })?;
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    Ok(response)
}
