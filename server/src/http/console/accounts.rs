//! The console's integrated accounts: the list with filters and search, one account with
//! its log, and what an operator does to it (re-verify, refresh, a reconnect link, delete).

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::console::{AccountDetail, AuthLink};
use plugboard_shared::{AccountId, AccountPage, AccountQuery, AuthMode, IntegratedAccount};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::links::{LINK_DAYS, create_link};
use super::session::{Admin, Operator};
use crate::error::ApiResult;
use crate::http::extract::{Json, Path, Query};
use crate::http::link_tokens::NewLinkToken;
use crate::lifecycle;
use crate::state::AppState;
use crate::store::logs;

/// The newest log entries an account's page shows.
const LOG_ENTRIES: i64 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(detail, delete))
        .routes(routes!(verify))
        .routes(routes!(refresh))
        .routes(routes!(reconnect_link))
}

#[utoipa::path(get, path = "/console/api/accounts", tag = "console", operation_id = "console_list_accounts", params(AccountQuery), security(("operator_session" = [])),
    responses((status = 200, description = "One page of accounts", body = AccountPage)))]
pub(super) async fn list(
    State(state): State<AppState>,
    _operator: Operator,
    Query(query): Query<AccountQuery>,
) -> ApiResult<Json<AccountPage>> {
    Ok(Json(crate::http::accounts::page(&state, query).await?))
}

#[utoipa::path(get, path = "/console/api/accounts/{account_id}", tag = "console", operation_id = "console_account", params(("account_id" = AccountId, Path)), security(("operator_session" = [])),
    responses((status = 200, description = "The account, its app and its log; never a credential", body = AccountDetail),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn detail(
    State(state): State<AppState>,
    _operator: Operator,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<AccountDetail>> {
    let loaded = lifecycle::load(&state, &account_id).await?;
    let log = logs::list(&state.pool, &account_id, LOG_ENTRIES).await?;
    Ok(Json(AccountDetail {
        account: loaded.row.to_api(),
        app_name: loaded.def.name.clone(),
        logo_url: loaded.def.logo_url(&state.base_url),
        auth_mode: loaded.def.auth_mode,
        can_refresh: loaded.def.auth_mode == AuthMode::Oauth2 && lifecycle::can_refresh(&loaded),
        log,
    }))
}

#[utoipa::path(post, path = "/console/api/accounts/{account_id}/verify", tag = "console", operation_id = "console_verify_account", params(("account_id" = AccountId, Path)), security(("operator_session" = [])),
    responses((status = 200, description = "The account after the verification call", body = IntegratedAccount),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn verify(
    State(state): State<AppState>,
    operator: Operator,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<IntegratedAccount>> {
    let row = lifecycle::reverify(&state, &account_id).await?;
    operator.audit(&state, "verify_account", account_id.as_str()).await?;
    Ok(Json(row.to_api()))
}

#[utoipa::path(post, path = "/console/api/accounts/{account_id}/refresh", tag = "console", operation_id = "console_refresh_account", params(("account_id" = AccountId, Path)), security(("operator_session" = [])),
    responses((status = 200, description = "Renewed at the provider now", body = IntegratedAccount),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody),
        (status = 409, description = "not_refreshable, or needs_reauth: the provider refused", body = plugboard_shared::ErrorBody)))]
pub(super) async fn refresh(
    State(state): State<AppState>,
    operator: Operator,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<IntegratedAccount>> {
    operator.audit(&state, "refresh_account", account_id.as_str()).await?;
    let row = lifecycle::refresh_now(&state, &account_id).await?;
    Ok(Json(row.to_api()))
}

#[utoipa::path(post, path = "/console/api/accounts/{account_id}/reconnect-link", tag = "console", operation_id = "console_reconnect_link", params(("account_id" = AccountId, Path)), security(("operator_session" = [])),
    responses((status = 201, description = "A hosted-page link that re-authorizes this account, keeping its ids", body = AuthLink),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn reconnect_link(
    State(state): State<AppState>,
    operator: Operator,
    Path(account_id): Path<AccountId>,
) -> ApiResult<(StatusCode, Json<AuthLink>)> {
    let loaded = lifecycle::load(&state, &account_id).await?;
    let new = NewLinkToken {
        account_id: Some(account_id.clone()),
        created_by: operator.email.clone(),
        ..NewLinkToken::for_tenant(loaded.row.tenant_id.clone(), LINK_DAYS * 24 * 3600)
    };
    let link = create_link(&state, new).await?;
    operator.audit(&state, "reconnect_link", account_id.as_str()).await?;
    Ok((StatusCode::CREATED, Json(link)))
}

#[utoipa::path(delete, path = "/console/api/accounts/{account_id}", tag = "console", operation_id = "console_delete_account", params(("account_id" = AccountId, Path)), security(("operator_session" = [])),
    responses((status = 204, description = "Deleted, then revoked at the provider where the catalog says how"),
        (status = 403, description = "admin_only", body = plugboard_shared::ErrorBody),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    Admin(operator): Admin,
    Path(account_id): Path<AccountId>,
) -> ApiResult<StatusCode> {
    lifecycle::delete(&state, &account_id).await?;
    operator.audit(&state, "delete_account", account_id.as_str()).await?;
    Ok(StatusCode::NO_CONTENT)
}
