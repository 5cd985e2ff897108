//! Endpoints the widget calls with its link token: session start and info, the app list
//! with the tenant's accounts, an attempt's outcome, and disconnecting an account.
//! Starting a connection is `widget_connect.rs`.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use plugboard_shared::{
    AccountId, AttemptOutcome, DeploymentId, RemovalEvent, SessionInfo, TenantId, WidgetAccount, WidgetApp,
    WidgetSessionRequest, WidgetSessionResponse,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Path, Query};
use crate::auth::LinkSession;
use crate::catalog::{ProviderDef, categories};
use crate::clock::rfc3339;
use crate::crypto::session_hash_matches;
use crate::error::{ApiResult, ErrorCode};
use crate::http::link_tokens::{NewLinkToken, issue};
use crate::lifecycle;
use crate::state::AppState;
use crate::store::accounts::{self, AccountRow};
use crate::store::attempts;

/// Integry-style sessions live one hour: the page that computed the hash is open now.
const SESSION_LIFETIME_SECS: i64 = 3600;

/// Routes that need a link token (CORS for the allowed origins is added by the caller).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session_info))
        .routes(routes!(list_apps))
        .routes(routes!(attempt_outcome))
        .routes(routes!(disconnect))
        .merge(super::widget_connect::router())
}

/// `POST /widget/session`: takes no credential but the hash, so it is rate limited per
/// address with the other unauthenticated routes.
pub fn session_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_session))
}

#[utoipa::path(post, path = "/widget/session", tag = "widget", request_body = WidgetSessionRequest,
    responses((status = 200, description = "A short-lived link token", body = WidgetSessionResponse),
        (status = 401, description = "invalid_app_id, invalid_hash", body = plugboard_shared::ErrorBody),
        (status = 404, description = "sessions_disabled", body = plugboard_shared::ErrorBody)))]
pub(super) async fn start_session(
    State(state): State<AppState>,
    Json(body): Json<WidgetSessionRequest>,
) -> ApiResult<Json<WidgetSessionResponse>> {
    let (Some(app_id), Some(secret)) = (&state.config.security.app_id, &state.config.security.app_secret) else {
        return Err(
            ErrorCode::SessionsDisabled.error("set security.app_id and security.app_secret to enable hash sessions")
        );
    };
    if &body.app_id != app_id {
        return Err(ErrorCode::InvalidAppId.error("unknown app_id"));
    }
    if !session_hash_matches(secret.expose_secret(), &body.user_id, &body.hash) {
        return Err(ErrorCode::InvalidHash.error("hash must be the hex HMAC-SHA256 of user_id under the app secret"));
    }
    let tenant_id = TenantId::parse(body.user_id)?;
    if let Some(id) = &body.deployment_id {
        state.deployments.check_exists(id)?;
    }
    let new = NewLinkToken {
        deployment_id: body.deployment_id,
        allow_disconnect: state.config.security.widget_allow_disconnect,
        ..NewLinkToken::for_tenant(tenant_id, SESSION_LIFETIME_SECS)
    };
    let issued = issue(&state, new).await?;
    Ok(Json(WidgetSessionResponse {
        link_token: issued.token,
        expires_at: rfc3339(issued.expires_at),
    }))
}

#[utoipa::path(get, path = "/widget/session", tag = "widget", security(("link_token" = [])),
    responses((status = 200, description = "The session behind the token", body = SessionInfo)))]
pub(super) async fn session_info(session: LinkSession) -> Json<SessionInfo> {
    Json(SessionInfo {
        tenant_id: session.tenant_id,
        owner_name: session.row.owner_name,
        redirect_uri: session.row.redirect_uri,
        expires_at: rfc3339(session.row.expires_at),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AppsQuery {
    deployment_id: Option<DeploymentId>,
    category: Option<String>,
    /// The widget's language (`de`, `pt-BR`…) for category labels; default: `Accept-Language`.
    locale: Option<String>,
}

#[utoipa::path(get, path = "/widget/apps", tag = "widget", params(AppsQuery), security(("link_token" = [])),
    responses((status = 200, description = "The apps this session may connect", body = Vec<WidgetApp>),
        (status = 403, description = "inactive_deployment", body = plugboard_shared::ErrorBody)))]
pub(super) async fn list_apps(
    State(state): State<AppState>,
    session: LinkSession,
    headers: HeaderMap,
    Query(query): Query<AppsQuery>,
) -> ApiResult<Json<Vec<WidgetApp>>> {
    let accept_language = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = categories::negotiate(query.locale.as_deref(), accept_language);
    let owned = accounts::of_tenant(&state.pool, &session.tenant_id).await?;
    let apps = session_apps(
        &state,
        &session,
        query.deployment_id.as_ref(),
        query.category.as_deref(),
    )?
    .into_iter()
    .map(|def| {
        let accounts: Vec<WidgetAccount> = owned
            .iter()
            .filter(|row| row.app == def.key)
            .map(|row| widget_account(&session, row))
            .collect();
        WidgetApp {
            key: def.key.clone(),
            name: def.name.clone(),
            category: def.category.clone(),
            category_label: categories::label(&def.category, lang),
            logo_url: def.logo_url(&state.base_url),
            auth_mode: def.auth_mode,
            fields: (!def.fields.is_empty()).then(|| def.fields.clone()),
            connected: !accounts.is_empty(),
            accounts,
        }
    })
    .collect();
    Ok(Json(apps))
}

fn widget_account(session: &LinkSession, row: &AccountRow) -> WidgetAccount {
    WidgetAccount {
        account_id: row.account_id.clone(),
        authorization_id: row.authorization_id,
        identity: row.identity.clone(),
        status: row.status,
        can_disconnect: may_disconnect(session, &row.account_id),
    }
}

/// The host decides whether people may disconnect from the widget; a reconnect link may
/// touch only the account it names.
fn may_disconnect(session: &LinkSession, account_id: &AccountId) -> bool {
    session.row.allows_disconnect() && session.row.account_id.as_ref().is_none_or(|bound| bound == account_id)
}

/// An account of this session's tenant; any other is unknown here.
pub(super) async fn own_account(
    state: &AppState,
    session: &LinkSession,
    account_id: &AccountId,
) -> ApiResult<AccountRow> {
    accounts::find(&state.pool, account_id)
        .await?
        .filter(|row| row.tenant_id == session.tenant_id)
        .ok_or_else(|| ErrorCode::UnknownAccount.error(format!("no account {account_id} in this session")))
}

#[utoipa::path(delete, path = "/widget/accounts/{account_id}", tag = "widget", params(("account_id" = AccountId, Path)), security(("link_token" = [])),
    responses((status = 200, description = "Disconnected: revoked at the provider where the catalog says how, then deleted. The body is the did-remove-authorization payload", body = RemovalEvent),
        (status = 403, description = "disconnect_not_allowed: the link token does not allow disconnecting (this account)", body = plugboard_shared::ErrorBody),
        (status = 404, description = "unknown_account: not an account of this session's tenant", body = plugboard_shared::ErrorBody)))]
pub(super) async fn disconnect(
    State(state): State<AppState>,
    session: LinkSession,
    Path(account_id): Path<AccountId>,
) -> ApiResult<Json<RemovalEvent>> {
    let row = own_account(&state, &session, &account_id).await?;
    if !may_disconnect(&session, &row.account_id) {
        let message = if session.row.allows_disconnect() {
            "this reconnect link may only disconnect the account it re-authorizes"
        } else {
            "this session may not disconnect accounts; the host allows it with allow_disconnect on POST /link-token"
        };
        return Err(ErrorCode::DisconnectNotAllowed.error(message));
    }
    lifecycle::delete(&state, &account_id).await?;
    tracing::info!(app = %row.app, account_id = %row.account_id, "account disconnected from the widget");
    Ok(Json(RemovalEvent {
        authorization_id: row.authorization_id,
        account_id: row.account_id.to_string(),
        app: row.app.to_string(),
    }))
}

/// The token's own deployment and category win over what the page asks for: a page
/// may narrow its list, never widen it.
pub(super) fn session_apps<'s>(
    state: &'s AppState,
    session: &LinkSession,
    deployment: Option<&DeploymentId>,
    category: Option<&str>,
) -> ApiResult<Vec<&'s ProviderDef>> {
    let deployment = session.deployment_id.as_ref().or(deployment);
    let category = session.category.as_deref().or(category);
    state.deployments.apps(&state.catalog, deployment, category)
}

#[utoipa::path(get, path = "/widget/attempts/{attempt_id}", tag = "widget", params(("attempt_id" = String, Path)), security(("link_token" = [])),
    responses((status = 200, description = "Pending, or how the attempt ended", body = AttemptOutcome),
        (status = 404, description = "unknown_attempt", body = plugboard_shared::ErrorBody)))]
pub(super) async fn attempt_outcome(
    State(state): State<AppState>,
    session: LinkSession,
    Path(attempt_id): Path<String>,
) -> ApiResult<Json<AttemptOutcome>> {
    let attempt = attempts::find(&state.pool, &attempt_id)
        .await?
        .filter(|a| a.tenant_id == session.tenant_id)
        .ok_or_else(|| ErrorCode::UnknownAttempt.error("no such attempt for this session"))?;
    Ok(Json(attempt.outcome()?))
}
