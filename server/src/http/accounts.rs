//! The host backend's view of integrated accounts. Credentials never leave through here.

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::{AccountId, AccountLogEntry, AccountPage, AccountQuery, AppKey, IntegratedAccount};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Path, Query};
use crate::auth::Backend;
use crate::error::{ApiResult, ErrorCode};
use crate::lifecycle;
use crate::state::AppState;
use crate::store::accounts::{self, Filter};
use crate::store::logs;

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show, remove))
        .routes(routes!(verify_again))
        .routes(routes!(credentials))
        .routes(routes!(audit_log))
}

#[utoipa::path(get, path = "/integrated-accounts", tag = "accounts", params(AccountQuery), security(("api_key" = [])),
    responses((status = 200, description = "One page, in a stable order", body = AccountPage)))]
pub(super) async fn list(
    State(state): State<AppState>,
    _backend: Backend,
    Query(query): Query<AccountQuery>,
) -> ApiResult<Json<AccountPage>> {
    Ok(Json(page(&state, query).await?))
}

/// One page of accounts as `query` asks, for the backend API and the console alike.
pub async fn page(state: &AppState, query: AccountQuery) -> ApiResult<AccountPage> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ErrorCode::InvalidLimit.error("limit must be between 1 and 200"));
    }
    // The cursor is the last authorization_id seen: stable while rows are added.
    let after = match &query.start_key {
        Some(key) => key
            .parse::<i64>()
            .map_err(|_| ErrorCode::InvalidStartKey.error("start_key must come from next_start_key"))?,
        None => 0,
    };
    let filter = Filter {
        tenant_id: query.tenant_id,
        app: query.app,
        status: query.status,
        text: query.q.filter(|q| !q.trim().is_empty()).map(|q| q.trim().to_owned()),
    };
    let mut rows = accounts::list(&state.pool, &filter, after, limit).await?;
    let next_start_key = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.authorization_id.to_string()).unwrap_or_default()
    });
    let items = rows.iter().map(|r| r.to_api()).collect();
    Ok(AccountPage { items, next_start_key })
}

#[utoipa::path(get, path = "/integrated-accounts/{account_id}", tag = "accounts", params(("account_id" = AccountId, Path)), security(("api_key" = [])),
    responses((status = 200, description = "The account, never its credentials", body = IntegratedAccount), (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    _backend: Backend,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<IntegratedAccount>> {
    let row = accounts::find(&state.pool, &account_id)
        .await?
        .ok_or_else(|| ErrorCode::UnknownAccount.error(format!("no account {account_id}")))?;
    Ok(Json(row.to_api()))
}

#[utoipa::path(delete, path = "/integrated-accounts/{account_id}", tag = "accounts", params(("account_id" = AccountId, Path)), security(("api_key" = [])),
    responses((status = 204, description = "Revoked where possible and deleted"), (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn remove(
    State(state): State<AppState>,
    _backend: Backend,
    Path(account_id): Path<AccountId>,
) -> ApiResult<StatusCode> {
    lifecycle::delete(&state, &account_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/integrated-accounts/{account_id}/verify", tag = "accounts", params(("account_id" = AccountId, Path)), security(("api_key" = [])),
    responses((status = 200, description = "The account after the verification call", body = IntegratedAccount), (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn verify_again(
    State(state): State<AppState>,
    _backend: Backend,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<IntegratedAccount>> {
    let row = lifecycle::reverify(&state, &account_id).await?;
    Ok(Json(row.to_api()))
}

/// What the host's backend calls the provider with. Never the refresh token: renewing
/// is Plugboard's job, so that only one party ever rotates it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct UsableCredentials {
    account_id: AccountId,
    app: AppKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    /// Typed values: API keys, usernames and passwords, subdomains.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    fields: std::collections::BTreeMap<String, String>,
    /// What later calls need besides the credentials (an instance, a realm, a cloud id).
    metadata: std::collections::BTreeMap<String, String>,
}

#[utoipa::path(get, path = "/integrated-accounts/{account_id}/credentials", tag = "accounts", params(("account_id" = AccountId, Path)), security(("api_key" = [])),
    responses((status = 200, description = "Usable credentials, refreshed first when about to expire", body = UsableCredentials), (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody), (status = 409, description = "needs_reauth: the provider refused to renew", body = plugboard_shared::ErrorBody)))]
pub(super) async fn credentials(
    State(state): State<AppState>,
    _backend: Backend,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<UsableCredentials>> {
    let (row, credentials) = lifecycle::fresh_credentials(&state, &account_id).await?;
    let metadata = row.metadata();
    Ok(Json(UsableCredentials {
        account_id: row.account_id,
        app: row.app,
        token_type: credentials.access_token.as_ref().map(|_| "Bearer"),
        access_token: credentials.access_token,
        expires_at: row.expires_at.map(crate::clock::rfc3339),
        scope: credentials.scope,
        fields: credentials.fields,
        metadata,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct LogPage {
    items: Vec<AccountLogEntry>,
}

#[utoipa::path(get, path = "/integrated-accounts/{account_id}/logs", tag = "accounts", params(("account_id" = AccountId, Path)), security(("api_key" = [])),
    responses((status = 200, description = "Verifications, refreshes and credentials reads, newest first", body = LogPage), (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn audit_log(
    State(state): State<AppState>,
    _backend: Backend,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<LogPage>> {
    if accounts::find(&state.pool, &account_id).await?.is_none() {
        return Err(ErrorCode::UnknownAccount.error(format!("no account {account_id}")));
    }
    Ok(Json(LogPage {
        items: logs::list(&state.pool, &account_id, MAX_PAGE).await?,
    }))
}
