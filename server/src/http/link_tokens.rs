//! `POST /link-token`: the host's backend opens a widget or hosted-page session for one
//! tenant. Also the token-issuing step `POST /widget/session` reuses.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use plugboard_shared::{AccountId, ErrorBody, LinkTokenRequest, LinkTokenResponse, TenantId};

use crate::auth::Backend;
use crate::clock::{self, rfc3339};
use crate::crypto::{random_token, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::link_tokens::{self, LinkTokenRow};

/// Four hours, as the design says; links sent by e-mail ask for more.
pub const DEFAULT_LIFETIME_SECS: u64 = 4 * 3600;
/// Thirty days at most.
pub const MAX_LIFETIME_SECS: u64 = 30 * 24 * 3600;

pub fn router() -> Router<AppState> {
    Router::new().route("/link-token", post(create))
}

#[utoipa::path(post, path = "/link-token", tag = "sessions", request_body = LinkTokenRequest, security(("api_key" = [])),
    responses((status = 201, description = "A link token and its hosted connect page", body = LinkTokenResponse), (status = 409, description = "account_id belongs to another tenant", body = ErrorBody), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _backend: Backend,
    WithRejection(Json(body), _): WithRejection<Json<LinkTokenRequest>, ApiError>,
) -> ApiResult<(StatusCode, Json<LinkTokenResponse>)> {
    let lifetime = body.expires_in.unwrap_or(DEFAULT_LIFETIME_SECS);
    if lifetime == 0 || lifetime > MAX_LIFETIME_SECS {
        return Err(ApiError::bad_request(
            "invalid_expires_in",
            "expires_in must be between 1 and 2592000 seconds (30 days)",
        ));
    }
    if let Some(id) = &body.deployment_id {
        state.deployments.check_exists(id)?;
    }
    if let Some(uri) = &body.redirect_uri {
        check_redirect_uri(uri)?;
    }
    if let Some(account_id) = &body.account_id {
        check_reconnect(&state, account_id, &body.tenant_id).await?;
    }
    let issued = issue(&state, &body.tenant_id, lifetime as i64, |row| {
        row.deployment_id = body.deployment_id.as_ref().map(|d| d.to_string());
        row.category = body.category.clone();
        row.owner_name = body.owner_name.clone();
        row.username = body.username.clone();
        row.redirect_uri = body.redirect_uri.clone();
        row.account_id = body.account_id.as_ref().map(|a| a.to_string());
        row.allow_disconnect = i64::from(body.allow_disconnect.unwrap_or(false));
    })
    .await?;
    let connect_url = format!("{}/connect?link_token={}", state.base_url, issued.token);
    let response = LinkTokenResponse {
        link_token: issued.token,
        expires_at: rfc3339(issued.expires_at),
        connect_url,
    };
    Ok((StatusCode::CREATED, Json(response)))
}

/// A stored link token, in clear for the one answer that carries it.
pub struct Issued {
    pub token: String,
    pub expires_at: i64,
}

/// Stores a new token for `tenant_id`; `fill` sets the optional fields.
pub async fn issue(
    state: &AppState,
    tenant_id: &TenantId,
    lifetime_secs: i64,
    fill: impl FnOnce(&mut LinkTokenRow),
) -> ApiResult<Issued> {
    let token = random_token("lt_");
    let now = clock::now();
    let mut row = LinkTokenRow {
        token_hash: token_hash(&token),
        tenant_id: tenant_id.to_string(),
        deployment_id: None,
        category: None,
        owner_name: None,
        username: None,
        redirect_uri: None,
        created_at: now,
        expires_at: now + lifetime_secs,
        revoked_at: None,
        account_id: None,
        allow_disconnect: 0,
    };
    fill(&mut row);
    link_tokens::insert(&state.pool, &row).await?;
    Ok(Issued {
        token,
        expires_at: row.expires_at,
    })
}

/// A token may re-authorize only its own tenant's account.
async fn check_reconnect(state: &AppState, account_id: &AccountId, tenant_id: &TenantId) -> ApiResult<()> {
    match accounts::find(&state.pool, account_id).await? {
        Some(row) if row.tenant_id != tenant_id.as_str() => Err(ApiError::conflict(
            "account_conflict",
            format!("account {account_id} belongs to another tenant"),
        )),
        _ => Ok(()),
    }
}

fn check_redirect_uri(uri: &str) -> ApiResult<()> {
    match url::Url::parse(uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(ApiError::bad_request(
            "invalid_redirect_uri",
            "redirect_uri must be an absolute http(s) URL",
        )),
    }
}
