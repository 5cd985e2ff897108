//! The sandbox's API, as a provider's: who the credentials belong to, records with
//! paging, an echo of the request that arrived (so tests see which headers reached the
//! provider), a switch that answers 429 or 503 a given number of times, and the same
//! records under an instance path the token response names (connection metadata).
//!
//! Every call needs the sandbox's credentials: its access tokens, `sk_sandbox_<name>`
//! API keys (as a bearer or `?api_key=`), or basic auth with the password `sandbox`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::faults::{Stage, misbehave};
use super::{API_KEY_PREFIX, BASIC_PASSWORD, FAIL_VERIFY_USER, bump, open};
use crate::http::extract::{Path, Query};
use crate::state::AppState;

/// How many records each sandbox user has.
const RECORDS: usize = 30;

/// The user the request's credentials name, if they are the sandbox's.
fn user_of(state: &AppState, headers: &HeaderMap, api_key: Option<&str>) -> Option<String> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let user = if let Some(key) = authorization.strip_prefix(&format!("Bearer {API_KEY_PREFIX}")) {
        Some(key.to_owned())
    } else if let Some(token) = authorization.strip_prefix("Bearer ") {
        open(state, token, "access").map(|g| g.user)
    } else if let Some(key) = api_key.and_then(|k| k.strip_prefix(API_KEY_PREFIX)) {
        Some(key.to_owned())
    } else {
        basic_user(authorization)
    };
    user.filter(|u| !u.is_empty() && u != FAIL_VERIFY_USER)
}

fn basic_user(authorization: &str) -> Option<String> {
    let pair = STANDARD.decode(authorization.strip_prefix("Basic ")?).ok()?;
    let (user, password) = std::str::from_utf8(&pair).ok()?.split_once(':')?;
    (password == BASIC_PASSWORD).then(|| user.to_owned())
}

fn refused() -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_token"}))).into_response()
}

/// A short, stable name derived from the user: the sandbox's "instance" and "org".
fn derived(prefix: &str, user: &str) -> String {
    format!("{prefix}-{}", &crate::crypto::token_hash(user)[..8])
}

/// The instance the token response names for `user` (see `oauth.rs`).
pub(super) fn instance_of(user: &str) -> String {
    derived("inst", user)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct Credentialed {
    /// An API key in the query, as some providers take it.
    api_key: Option<String>,
    /// Echoed in `workspace_email` (the helpdesk app's subdomain).
    workspace: Option<String>,
}

/// The protected call: who the credentials belong to.
#[utoipa::path(get, path = "/sandbox/api/me", tag = "sandbox", operation_id = "sandbox_me", params(Credentialed),
    responses((status = 200, description = "Who the credentials belong to"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Credentialed>,
) -> Response {
    let Some(user) = user_of(&state, &headers, query.api_key.as_deref()) else {
        return refused();
    };
    if let Some(fault) = misbehave(&state, &user, Stage::Verify).await {
        return fault;
    }
    let mut body = json!({"login": user, "email": format!("{user}@sandbox.example"), "name": user});
    if let Some(workspace) = query.workspace {
        body["workspace_email"] = format!("{user}@{workspace}.sandbox.example").into();
    }
    Json(body).into_response()
}

/// The organization the credentials belong to: a call made right after connecting, for
/// metadata.
#[utoipa::path(get, path = "/sandbox/api/whoami", tag = "sandbox", operation_id = "sandbox_whoami", params(Credentialed),
    responses((status = 200, description = "The user's organization"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn whoami(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Credentialed>,
) -> Response {
    let Some(user) = user_of(&state, &headers, query.api_key.as_deref()) else {
        return refused();
    };
    Json(json!({"user": user, "org": {"id": derived("org", &user), "name": format!("{user}'s org")}})).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct Page {
    api_key: Option<String>,
    /// Records per page, 1–25 (default 10).
    page_size: Option<usize>,
    /// `next_cursor` of the page before.
    cursor: Option<usize>,
}

fn page_of(user: &str, page: &Page) -> Response {
    let size = page.page_size.unwrap_or(10).clamp(1, 25);
    let start = page.cursor.unwrap_or(0).min(RECORDS);
    let end = (start + size).min(RECORDS);
    let records: Vec<_> = (start..end)
        .map(|i| json!({"id": format!("rec_{i:03}"), "name": format!("Record {i} of {user}")}))
        .collect();
    let next = (end < RECORDS).then_some(end);
    Json(json!({"records": records, "next_cursor": next})).into_response()
}

/// The user's records, a page at a time.
#[utoipa::path(get, path = "/sandbox/api/records", tag = "sandbox", operation_id = "sandbox_records", params(Page),
    responses((status = 200, description = "A page of records and the cursor of the next"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn records(State(state): State<AppState>, headers: HeaderMap, Query(page): Query<Page>) -> Response {
    match user_of(&state, &headers, page.api_key.as_deref()) {
        Some(user) => page_of(&user, &page),
        None => refused(),
    }
}

/// The same records under the user's instance: only the instance the token response named
/// for this user answers, so a call that reaches it used the stored metadata.
#[utoipa::path(get, path = "/sandbox/api/instances/{instance}/records", tag = "sandbox", operation_id = "sandbox_instance_records",
    params(("instance" = String, Path), Page),
    responses((status = 200, description = "A page of records"), (status = 404, description = "Not this user's instance"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn instance_records(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(instance): Path<String>,
    Query(page): Query<Page>,
) -> Response {
    let Some(user) = user_of(&state, &headers, page.api_key.as_deref()) else {
        return refused();
    };
    if instance != instance_of(&user) {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "no such instance"}))).into_response();
    }
    page_of(&user, &page)
}

/// What arrived: method, path, query, every header, the body's size. Tests read it to
/// see what the proxy forwarded, and what it kept back.
#[utoipa::path(method(get, post, put, patch, delete), path = "/sandbox/api/echo", tag = "sandbox", operation_id = "sandbox_echo",
    params(Credentialed),
    responses((status = 200, description = "The request as it arrived"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn echo(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(query): Query<Credentialed>,
    body: Bytes,
) -> Response {
    let Some(user) = user_of(&state, &headers, query.api_key.as_deref()) else {
        return refused();
    };
    let seen: BTreeMap<String, String> = headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("(binary)").to_owned()))
        .collect();
    let echoed = json!({
        "user": user,
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query(),
        "headers": seen,
        "body": String::from_utf8_lossy(&body),
    });
    let mut response = Json(echoed).into_response();
    // A cookie the proxy must not hand on to the host.
    response.headers_mut().insert(
        header::SET_COOKIE,
        "sandbox_session=secret; Path=/".parse().expect("static"),
    );
    response
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::http) struct Flaky {
    api_key: Option<String>,
    /// 429 or 503.
    status: u16,
    /// How many calls with this `key` get it before the next succeeds.
    times: i64,
    /// Names the scenario (each test its own).
    key: String,
    /// The `Retry-After` to send, in seconds (default 1).
    retry_after: Option<u64>,
}

/// A provider that is busy for a while: the first `times` calls with `key` answer
/// `status` with `Retry-After`; later ones succeed and say how many calls there were.
#[utoipa::path(method(get, post), path = "/sandbox/api/flaky", tag = "sandbox", operation_id = "sandbox_flaky", params(Flaky),
    responses((status = 200, description = "Through at last"), (status = 429, description = "Too many requests"), (status = 503, description = "Unavailable"), (status = 401, description = "Rejected credentials")))]
pub(super) async fn flaky(State(state): State<AppState>, headers: HeaderMap, Query(flaky): Query<Flaky>) -> Response {
    if user_of(&state, &headers, flaky.api_key.as_deref()).is_none() {
        return refused();
    }
    let calls = bump(&state, &format!("flaky:{}", flaky.key)).await;
    if calls <= flaky.times {
        let status = StatusCode::from_u16(flaky.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let retry = flaky.retry_after.unwrap_or(1).to_string();
        return (
            status,
            [(header::RETRY_AFTER, retry)],
            Json(json!({"error": "busy", "calls": calls})),
        )
            .into_response();
    }
    Json(json!({"ok": true, "calls": calls})).into_response()
}

/// Counters tests assert on (refreshes, revocations, flaky calls).
#[utoipa::path(get, path = "/sandbox/stats", tag = "sandbox", operation_id = "sandbox_stats",
    responses((status = 200, description = "Counters tests assert on (refreshes, revocations)")))]
pub(super) async fn stats(State(state): State<AppState>) -> Response {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT name, value FROM sandbox_counters")
        .fetch_all(&state.pool)
        .await
        .unwrap_or_default();
    Json(rows.into_iter().collect::<BTreeMap<_, _>>()).into_response()
}
