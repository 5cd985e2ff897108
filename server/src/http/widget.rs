//! Endpoints the widget calls with its link token: session start and info, the app list
//! with the tenant's accounts, starting a connection, an attempt's outcome, and
//! disconnecting an account.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use plugboard_shared::ErrorBody;
use plugboard_shared::{
    AccountId, AccountStatus, AppKey, AttemptOutcome, AuthMode, ConnectRequest, ConnectResult, ConnectStarted,
    DeploymentId, FailureReason, RemovalEvent, ResultPayload, SessionInfo, TenantId, WidgetAccount, WidgetApp,
    WidgetSessionRequest, WidgetSessionResponse,
};
use secrecy::ExposeSecret;
use serde::Deserialize;

use crate::auth::LinkSession;
use crate::catalog::template::{self, Values};
use crate::catalog::{ProviderDef, categories};
use crate::clock::{self, rfc3339};
use crate::connect::{self, Connection};
use crate::credentials::Credentials;
use crate::crypto::{random_token, session_hash_matches};
use crate::error::{ApiError, ApiResult};
use crate::http::link_tokens::issue;
use crate::state::AppState;
use crate::store::accounts::AccountRow;
use crate::store::attempts::NewAttempt;
use crate::store::{accounts, attempts};
use crate::{lifecycle, oauth_client};

/// Integry-style sessions live one hour: the page that computed the hash is open now.
const SESSION_LIFETIME_SECS: i64 = 3600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget/session", post(start_session).get(session_info))
        .route("/widget/apps", get(list_apps))
        .route("/widget/connect/{app}", post(connect_app))
        .route("/widget/attempts/{attempt_id}", get(attempt_outcome))
        .route("/widget/accounts/{account_id}", delete(disconnect))
}

#[utoipa::path(post, path = "/widget/session", tag = "widget", request_body = WidgetSessionRequest,
    responses((status = 200, description = "A short-lived link token", body = WidgetSessionResponse), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn start_session(
    State(state): State<AppState>,
    WithRejection(Json(body), _): WithRejection<Json<WidgetSessionRequest>, ApiError>,
) -> ApiResult<Json<WidgetSessionResponse>> {
    let (Some(app_id), Some(secret)) = (&state.config.security.app_id, &state.config.security.app_secret) else {
        return Err(ApiError::not_found(
            "sessions_disabled",
            "set security.app_id and security.app_secret to enable hash sessions",
        ));
    };
    if &body.app_id != app_id {
        return Err(ApiError::unauthorized("invalid_app_id", "unknown app_id"));
    }
    if !session_hash_matches(secret.expose_secret(), &body.user_id, &body.hash) {
        return Err(ApiError::unauthorized(
            "invalid_hash",
            "hash must be the hex HMAC-SHA256 of user_id under the app secret",
        ));
    }
    let tenant_id = TenantId::parse(body.user_id)?;
    if let Some(id) = &body.deployment_id {
        state.deployments.check_exists(id)?;
    }
    let issued = issue(&state, &tenant_id, SESSION_LIFETIME_SECS, |row| {
        row.deployment_id = body.deployment_id.as_ref().map(|d| d.to_string());
        row.allow_disconnect = i64::from(state.config.security.widget_allow_disconnect);
    })
    .await?;
    Ok(Json(WidgetSessionResponse {
        link_token: issued.token,
        expires_at: rfc3339(issued.expires_at),
    }))
}

#[utoipa::path(get, path = "/widget/session", tag = "widget", security(("link_token" = [])),
    responses((status = 200, description = "The session behind the token", body = SessionInfo), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
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
    responses((status = 200, description = "The apps this session may connect", body = Vec<WidgetApp>), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn list_apps(
    State(state): State<AppState>,
    session: LinkSession,
    headers: HeaderMap,
    WithRejection(Query(query), _): WithRejection<Query<AppsQuery>, ApiError>,
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
        let accounts = owned
            .iter()
            .filter(|row| row.app == def.key.as_str())
            .map(|row| widget_account(&session, row))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(WidgetApp {
            key: def.key.clone(),
            name: def.name.clone(),
            category: def.category.clone(),
            category_label: categories::label(&def.category, lang),
            logo_url: def.logo_url(&state.base_url),
            auth_mode: def.auth_mode,
            fields: (!def.fields.is_empty()).then(|| def.fields.clone()),
            connected: !accounts.is_empty(),
            accounts,
        })
    })
    .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(apps))
}

fn widget_account(session: &LinkSession, row: &AccountRow) -> ApiResult<WidgetAccount> {
    Ok(WidgetAccount {
        account_id: AccountId::parse(row.account_id.clone())?,
        authorization_id: row.authorization_id,
        identity: row.identity.clone(),
        status: AccountStatus::parse(&row.status)
            .ok_or_else(|| anyhow::anyhow!("unknown stored status {:?}", row.status))?,
        can_disconnect: may_disconnect(session, &row.account_id),
    })
}

/// The host decides whether people may disconnect from the widget; a reconnect link may
/// touch only the account it names.
fn may_disconnect(session: &LinkSession, account_id: &str) -> bool {
    session.row.allows_disconnect()
        && session
            .row
            .account_id
            .as_deref()
            .is_none_or(|bound| bound == account_id)
}

/// An account of this session's tenant; any other is unknown here.
async fn own_account(state: &AppState, session: &LinkSession, account_id: &AccountId) -> ApiResult<AccountRow> {
    accounts::find(&state.pool, account_id)
        .await?
        .filter(|row| row.tenant_id == session.tenant_id.as_str())
        .ok_or_else(|| ApiError::not_found("unknown_account", format!("no account {account_id} in this session")))
}

#[utoipa::path(delete, path = "/widget/accounts/{account_id}", tag = "widget", params(("account_id" = String, Path)), security(("link_token" = [])),
    responses((status = 200, description = "Disconnected: revoked at the provider where the catalog says how, then deleted. The body is the did-remove-authorization payload", body = RemovalEvent), (status = 403, description = "disconnect_not_allowed: the link token does not allow disconnecting (this account)", body = ErrorBody), (status = 404, description = "unknown_account: not an account of this session's tenant", body = ErrorBody), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn disconnect(
    State(state): State<AppState>,
    session: LinkSession,
    WithRejection(Path(account_id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult<Json<RemovalEvent>> {
    let account_id = AccountId::parse(account_id)?;
    let row = own_account(&state, &session, &account_id).await?;
    if !may_disconnect(&session, &row.account_id) {
        let message = if session.row.allows_disconnect() {
            "this reconnect link may only disconnect the account it re-authorizes".to_owned()
        } else {
            "this session may not disconnect accounts; the host allows it with allow_disconnect on POST /link-token"
                .to_owned()
        };
        return Err(ApiError::forbidden("disconnect_not_allowed", message));
    }
    lifecycle::delete(&state, &account_id).await?;
    tracing::info!(app = %row.app, account_id = %row.account_id, "account disconnected from the widget");
    Ok(Json(RemovalEvent {
        authorization_id: row.authorization_id,
        account_id: row.account_id,
        app: row.app,
    }))
}

/// The token's own deployment and category win over what the page asks for: a page
/// may narrow its list, never widen it.
fn session_apps<'s>(
    state: &'s AppState,
    session: &LinkSession,
    deployment: Option<&DeploymentId>,
    category: Option<&str>,
) -> ApiResult<Vec<&'s ProviderDef>> {
    let deployment = session.deployment_id.as_ref().or(deployment);
    let category = session.category.as_deref().or(category);
    state.deployments.apps(&state.catalog, deployment, category)
}

#[utoipa::path(post, path = "/widget/connect/{app}", tag = "widget", params(("app" = String, Path)), request_body = ConnectRequest, security(("link_token" = [])),
    responses((status = 200, description = "OAuth apps: where to point the popup. Form-based apps answer a PopupMessage instead, verified at once", body = ConnectStarted), (status = 403, description = "Origin not in allowed_origins", body = ErrorBody), (status = 404, description = "unknown_app, or unknown_account: account_id is not an account of this tenant", body = ErrorBody), (status = 400, description = "invalid_return_to: return_to is not an absolute http(s) URL on this server or an allowed origin, or the app is not an OAuth app; other invalid input", body = ErrorBody), (status = 409, description = "account_id is another app's account (app_mismatch) or not the one the link token re-authorizes (account_mismatch); identity_taken: the credentials belong to an identity another account of the tenant holds", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn connect_app(
    State(state): State<AppState>,
    session: LinkSession,
    headers: HeaderMap,
    WithRejection(Path(app), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<ConnectRequest>, ApiError>,
) -> ApiResult<Response> {
    let app = AppKey::parse(app)?;
    let def = session_apps(&state, &session, None, None)?
        .into_iter()
        .find(|def| def.key == app)
        .ok_or_else(|| {
            ApiError::not_found(
                "unknown_app",
                format!("app {:?} is not available to this session", app.as_str()),
            )
        })?;
    let origin = request_origin(&state, &headers)?;
    let account_id = reconnect_target(&state, &session, &app, body.account_id.as_ref()).await?;
    let return_to = body
        .return_to
        .as_deref()
        .map(|url| check_return_to(&state, def, url))
        .transpose()?;
    let values = form_values(def, body)?;
    let attempt_id = random_token("att_");
    // Only an OAuth attempt outlives this request, and it keeps only what the callback
    // needs again: the non-secret values typed before the popup.
    let inputs = (def.auth_mode == AuthMode::Oauth2)
        .then(|| serde_json::to_string(&values))
        .transpose()
        .map_err(anyhow::Error::from)?;
    let new = NewAttempt {
        attempt_id: &attempt_id,
        tenant_id: session.tenant_id.as_str(),
        app: app.as_str(),
        origin: &origin,
        inputs: inputs.as_deref(),
        account_id: account_id.as_deref(),
        return_to: return_to.as_deref(),
    };
    attempts::create(&state.pool, &new, clock::now()).await?;
    if def.auth_mode == AuthMode::Oauth2 {
        let popup_url = format!("{}/oauth/start/{attempt_id}", state.base_url);
        return Ok(Json(ConnectStarted { attempt_id, popup_url }).into_response());
    }
    attempts::claim(&state.pool, &attempt_id, clock::now()).await?;
    let connection = Connection {
        attempt_id: &attempt_id,
        tenant_id: &session.tenant_id,
        app: def,
        account_id: account_id.as_deref(),
    };
    let stored = if def.auth_mode == AuthMode::Oauth2Cc {
        match oauth_client::client_credentials(&state, def, values).await {
            Ok((credentials, expires_at)) => connect::complete(&state, &connection, credentials, expires_at).await,
            Err(message) => connect::fail(&state, &attempt_id, &app, FailureReason::ProviderError, Some(message)).await,
        }
    } else {
        let credentials = Credentials {
            fields: values,
            ..Credentials::default()
        };
        connect::complete(&state, &connection, credentials, None).await
    };
    match stored {
        Ok(message) => Ok(Json(message).into_response()),
        Err(err) => {
            // The attempt ended all the same: its outcome says why.
            if let Some(text) = connect::identity_taken(&err) {
                connect::fail(
                    &state,
                    &attempt_id,
                    &app,
                    FailureReason::ProviderError,
                    Some(text.to_owned()),
                )
                .await?;
            }
            Err(err)
        }
    }
}

/// The account this connection re-authorizes, if any: the one the link token is bound to
/// (reconnect link), or the one the widget names (its "Reconnect" button), which must be
/// an account of this tenant at this app.
async fn reconnect_target(
    state: &AppState,
    session: &LinkSession,
    app: &AppKey,
    requested: Option<&AccountId>,
) -> ApiResult<Option<String>> {
    match (session.row.account_id.as_deref(), requested) {
        (Some(bound), Some(requested)) if bound != requested.as_str() => Err(ApiError::conflict(
            "account_mismatch",
            format!("this link re-authorizes account {bound}; it cannot reconnect {requested}"),
        )),
        (Some(bound), _) => {
            check_reconnect_app(state, bound, app).await?;
            Ok(Some(bound.to_owned()))
        }
        (None, Some(requested)) => {
            let row = own_account(state, session, requested).await?;
            if row.app != app.as_str() {
                return Err(ApiError::conflict(
                    "app_mismatch",
                    format!(
                        "account {requested} is a {} account; reconnect it with {}",
                        row.app, row.app
                    ),
                ));
            }
            Ok(Some(row.account_id))
        }
        (None, None) => Ok(None),
    }
}

/// In reconnect mode the session re-authorizes one account, so only its app can connect.
async fn check_reconnect_app(state: &AppState, account_id: &str, app: &AppKey) -> ApiResult<()> {
    let existing = accounts::find(&state.pool, &AccountId::parse(account_id.to_owned())?).await?;
    match existing {
        Some(row) if row.app != app.as_str() => Err(ApiError::bad_request(
            "wrong_app",
            format!(
                "this link re-authorizes a {} account; connect {} instead",
                row.app, row.app
            ),
        )),
        _ => Ok(()),
    }
}

/// Redirect mode sends the browser back to a page of the host with the attempt's id, so
/// that page must be one we trust as much as a popup's opener: the server's own origin or
/// an allowed one (no open redirector, RFC 9700 §4.11).
fn check_return_to(state: &AppState, def: &ProviderDef, return_to: &str) -> ApiResult<String> {
    if def.auth_mode != AuthMode::Oauth2 {
        return Err(ApiError::bad_request(
            "invalid_return_to",
            format!("return_to is for OAuth apps; {} answers at once", def.name),
        ));
    }
    let url = url::Url::parse(return_to)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        .filter(|url| url.username().is_empty() && url.password().is_none())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_return_to",
                "return_to must be an absolute http(s) URL of the page to come back to",
            )
        })?;
    let origin = url.origin().ascii_serialization();
    if !state.origin_allowed(&origin) {
        return Err(ApiError::bad_request(
            "invalid_return_to",
            format!("return_to must be on this server or an origin in server.allowed_origins, not {origin}"),
        ));
    }
    Ok(url.into())
}

/// The page that runs the attempt: the popup will post its result to exactly this origin,
/// so it must be one we trust (RFC 9700 §4.1: no open redirectors of results).
fn request_origin(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let origin = headers.get("origin").and_then(|v| v.to_str().ok()).ok_or_else(|| {
        ApiError::forbidden(
            "origin_required",
            "connect requests must come from a browser page (Origin header)",
        )
    })?;
    let origin = crate::config::parse_origin(origin)
        .map_err(|_| ApiError::forbidden("origin_not_allowed", "the Origin header is not a valid origin"))?;
    if !state.origin_allowed(&origin) {
        return Err(ApiError::forbidden(
            "origin_not_allowed",
            format!("{origin} is not in server.allowed_origins; add it to embed the widget there"),
        ));
    }
    Ok(origin)
}

/// Every declared field is required and nothing else is kept; values that go into a URL
/// must not be able to change its host.
fn form_values(def: &ProviderDef, body: ConnectRequest) -> ApiResult<Values> {
    let mut given = body.fields.unwrap_or_default();
    let url_fields = def.url_fields();
    let mut kept = Values::new();
    for field in &def.fields {
        let value = given
            .remove(&field.name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let value =
            value.ok_or_else(|| ApiError::bad_request("missing_field", format!("{} is required", field.label)))?;
        if url_fields.contains(&field.name.as_str()) && !template::url_safe(&value) {
            return Err(ApiError::bad_request(
                "invalid_field",
                format!("{} may only hold letters, digits, dots and hyphens", field.label),
            ));
        }
        kept.insert(field.name.clone(), value);
    }
    Ok(kept)
}

#[utoipa::path(get, path = "/widget/attempts/{attempt_id}", tag = "widget", params(("attempt_id" = String, Path)), security(("link_token" = [])),
    responses((status = 200, description = "Pending, or how the attempt ended", body = AttemptOutcome), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn attempt_outcome(
    State(state): State<AppState>,
    session: LinkSession,
    WithRejection(Path(attempt_id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult<Json<AttemptOutcome>> {
    let attempt = attempts::find(&state.pool, &attempt_id)
        .await?
        .filter(|a| a.tenant_id == session.tenant_id.as_str())
        .ok_or_else(|| ApiError::not_found("unknown_attempt", "no such attempt for this session"))?;
    let outcome = match (attempt.result, attempt.payload) {
        (Some(result), Some(payload)) => {
            let result = ConnectResult::parse(&result)
                .ok_or_else(|| anyhow::anyhow!("unknown stored attempt result {result:?}"))?;
            let payload: ResultPayload = serde_json::from_str(&payload).map_err(anyhow::Error::from)?;
            AttemptOutcome::Complete { result, payload }
        }
        _ => AttemptOutcome::Pending,
    };
    Ok(Json(outcome))
}
