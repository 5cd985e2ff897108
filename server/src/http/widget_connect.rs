//! `POST /widget/connect/{app}`: starting a connection from the widget. OAuth apps get a
//! popup URL; form-based apps (API key, basic, client credentials) are verified at once.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use plugboard_shared::{AccountId, AppKey, AuthMode, ConnectRequest, ConnectStarted, FailureReason};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Path};
use super::widget::{own_account, session_apps};
use crate::auth::LinkSession;
use crate::catalog::ProviderDef;
use crate::catalog::template::{self, Values};
use crate::connect::{self, Connection, Grant};
use crate::connect_metadata;
use crate::credentials::Credentials;
use crate::crypto::random_token;
use crate::error::{ApiResult, ErrorCode};
use crate::oauth_client::{self, credentials_from};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::attempts::{self, NewAttempt};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(connect_app))
}

#[utoipa::path(post, path = "/widget/connect/{app}", tag = "widget", params(("app" = AppKey, Path)), request_body = ConnectRequest, security(("link_token" = [])),
    responses((status = 200, description = "OAuth apps: where to point the popup. Form-based apps answer a PopupMessage instead, verified at once", body = ConnectStarted),
        (status = 403, description = "origin_required, origin_not_allowed: the page's origin is not in allowed_origins", body = plugboard_shared::ErrorBody),
        (status = 404, description = "unknown_app, or unknown_account: account_id is not an account of this tenant", body = plugboard_shared::ErrorBody),
        (status = 409, description = "app_mismatch: account_id is another app's account; account_mismatch: not the one the link token re-authorizes; identity_taken: the credentials belong to an identity another account of the tenant holds", body = plugboard_shared::ErrorBody)))]
pub(super) async fn connect_app(
    State(state): State<AppState>,
    session: LinkSession,
    headers: HeaderMap,
    Path(app): Path<AppKey>,
    Json(body): Json<ConnectRequest>,
) -> ApiResult<Response> {
    let def = session_apps(&state, &session, None, None)?
        .into_iter()
        .find(|def| def.key == app)
        .ok_or_else(|| {
            ErrorCode::UnknownApp.error(format!("app {:?} is not available to this session", app.as_str()))
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
        tenant_id: &session.tenant_id,
        app: &app,
        origin: &origin,
        inputs: inputs.as_deref(),
        account_id: account_id.as_ref(),
        return_to: return_to.as_deref(),
    };
    attempts::create(&state.pool, &new, state.clock.now()).await?;
    if def.auth_mode == AuthMode::Oauth2 {
        let popup_url = format!("{}/oauth/start/{attempt_id}", state.base_url);
        return Ok(Json(ConnectStarted { attempt_id, popup_url }).into_response());
    }
    if !attempts::claim(&state.pool, &attempt_id, state.clock.now()).await? {
        return Err(ErrorCode::AttemptUsed.error("this attempt has already finished"));
    }
    let connection = Connection {
        attempt_id: &attempt_id,
        tenant_id: &session.tenant_id,
        app: def,
        account_id: account_id.as_ref(),
    };
    let stored = match form_grant(&state, def, values).await? {
        Ok(grant) => connect::complete(&state, &connection, grant).await,
        Err(message) => connect::fail(&state, &attempt_id, &app, FailureReason::ProviderError, Some(message)).await,
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

/// What a form-based app's values grant: themselves (API key, basic), or the token of the
/// client-credentials grant they make, with the metadata its answer carries.
async fn form_grant(state: &AppState, def: &ProviderDef, values: Values) -> anyhow::Result<Result<Grant, String>> {
    if def.auth_mode != AuthMode::Oauth2Cc {
        let credentials = Credentials {
            fields: values,
            ..Credentials::default()
        };
        return Ok(Ok(Grant {
            credentials,
            expires_at: None,
            metadata: BTreeMap::new(),
        }));
    }
    let granted = match oauth_client::client_credentials(state, def, &values).await? {
        Ok(granted) => granted,
        Err(message) => return Ok(Err(message)),
    };
    let mut metadata = BTreeMap::new();
    if let Err(message) = connect_metadata::from_token_answer(def, &granted.answer, &mut metadata) {
        return Ok(Err(message));
    }
    let (credentials, expires_at) = credentials_from(&granted.token, values, state.clock.now());
    Ok(Ok(Grant {
        credentials,
        expires_at,
        metadata,
    }))
}

/// The account this connection re-authorizes, if any: the one the link token is bound to
/// (reconnect link), or the one the widget names (its "Reconnect" button), which must be
/// an account of this tenant at this app.
async fn reconnect_target(
    state: &AppState,
    session: &LinkSession,
    app: &AppKey,
    requested: Option<&AccountId>,
) -> ApiResult<Option<AccountId>> {
    match (session.row.account_id.as_ref(), requested) {
        (Some(bound), Some(requested)) if bound != requested => Err(ErrorCode::AccountMismatch.error(format!(
            "this link re-authorizes account {bound}; it cannot reconnect {requested}"
        ))),
        // The bound account may not exist yet: the host named the id a new account gets.
        (Some(bound), _) => match accounts::find(&state.pool, bound).await? {
            Some(row) if &row.app != app => Err(app_mismatch(bound, &row.app)),
            _ => Ok(Some(bound.clone())),
        },
        (None, Some(requested)) => {
            let row = own_account(state, session, requested).await?;
            if &row.app != app {
                return Err(app_mismatch(requested, &row.app));
            }
            Ok(Some(row.account_id))
        }
        (None, None) => Ok(None),
    }
}

fn app_mismatch(account_id: &AccountId, app: &AppKey) -> crate::error::ApiError {
    ErrorCode::AppMismatch.error(format!(
        "account {account_id} is a {app} account; reconnect it with {app}"
    ))
}

/// Redirect mode sends the browser back to a page of the host with the attempt's id, so
/// that page must be one we trust as much as a popup's opener: the server's own origin or
/// an allowed one (no open redirector, RFC 9700 §4.11).
fn check_return_to(state: &AppState, def: &ProviderDef, return_to: &str) -> ApiResult<String> {
    if def.auth_mode != AuthMode::Oauth2 {
        return Err(
            ErrorCode::InvalidReturnTo.error(format!("return_to is for OAuth apps; {} answers at once", def.name))
        );
    }
    let url = url::Url::parse(return_to)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
        .filter(|url| url.username().is_empty() && url.password().is_none())
        .ok_or_else(|| {
            ErrorCode::InvalidReturnTo.error("return_to must be an absolute http(s) URL of the page to come back to")
        })?;
    let origin = url.origin().ascii_serialization();
    if !state.origin_allowed(&origin) {
        return Err(ErrorCode::InvalidReturnTo.error(format!(
            "return_to must be on this server or an origin in server.allowed_origins, not {origin}"
        )));
    }
    Ok(url.into())
}

/// The page that runs the attempt: the popup will post its result to exactly this origin,
/// so it must be one we trust (RFC 9700 §4.1: no open redirectors of results).
fn request_origin(state: &AppState, headers: &HeaderMap) -> ApiResult<String> {
    let origin = headers.get("origin").and_then(|v| v.to_str().ok()).ok_or_else(|| {
        ErrorCode::OriginRequired.error("connect requests must come from a browser page (Origin header)")
    })?;
    let origin = crate::config::parse_origin(origin)
        .map_err(|_| ErrorCode::OriginNotAllowed.error("the Origin header is not a valid origin"))?;
    if !state.origin_allowed(&origin) {
        return Err(ErrorCode::OriginNotAllowed.error(format!(
            "{origin} is not in server.allowed_origins; add it to embed the widget there"
        )));
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
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ErrorCode::MissingField.error(format!("{} is required", field.label)))?;
        if url_fields.contains(&field.name.as_str()) && !template::url_safe(&value) {
            return Err(ErrorCode::InvalidField.error(format!(
                "{} may only hold letters, digits, dots and hyphens",
                field.label
            )));
        }
        kept.insert(field.name.clone(), value);
    }
    Ok(kept)
}
