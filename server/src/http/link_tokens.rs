//! `POST /link-token`: the host's backend opens a widget or hosted-page session for one
//! tenant; `DELETE /link-tokens/{id}` ends one early. [`issue`] is also the token-issuing
//! step of `POST /widget/session` and the demo page.

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::{AccountId, DeploymentId, LinkTokenRequest, LinkTokenResponse, TenantId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Json, Path};
use crate::auth::Backend;
use crate::clock::rfc3339;
use crate::crypto::{sorted_token_key, time_ordered_id, time_ordered_token};
use crate::error::{ApiResult, ErrorCode};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::link_tokens::{self, LinkTokenRow};

/// Four hours, as the design says; links sent by e-mail ask for more.
pub const DEFAULT_LIFETIME_SECS: u64 = 4 * 3600;
/// Thirty days at most.
pub const MAX_LIFETIME_SECS: u64 = 30 * 24 * 3600;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create)).routes(routes!(revoke))
}

#[utoipa::path(post, path = "/link-token", tag = "sessions", operation_id = "create_link_token", request_body = LinkTokenRequest, security(("api_key" = [])),
    responses((status = 201, description = "A link token and its hosted connect page", body = LinkTokenResponse),
        (status = 409, description = "account_conflict: account_id belongs to another tenant", body = plugboard_shared::ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    backend: Backend,
    Json(body): Json<LinkTokenRequest>,
) -> ApiResult<(StatusCode, Json<LinkTokenResponse>)> {
    state.limits.check_link_token_issue(&backend.key_hash)?;
    let lifetime = body.expires_in.unwrap_or(DEFAULT_LIFETIME_SECS);
    if lifetime == 0 || lifetime > MAX_LIFETIME_SECS {
        return Err(ErrorCode::InvalidExpiresIn.error("expires_in must be between 1 and 2592000 seconds (30 days)"));
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
    let new = NewLinkToken {
        deployment_id: body.deployment_id,
        category: body.category,
        owner_name: body.owner_name,
        username: body.username,
        redirect_uri: body.redirect_uri,
        account_id: body.account_id,
        allow_disconnect: body.allow_disconnect.unwrap_or(false),
        ..NewLinkToken::for_tenant(body.tenant_id, lifetime as i64)
    };
    let issued = issue(&state, new).await?;
    let connect_url = format!("{}/connect?link_token={}", state.base_url, issued.token);
    let response = LinkTokenResponse {
        id: issued.id,
        link_token: issued.token,
        expires_at: rfc3339(issued.expires_at),
        connect_url,
    };
    Ok((StatusCode::CREATED, Json(response)))
}

#[utoipa::path(delete, path = "/link-tokens/{id}", tag = "sessions", operation_id = "revoke_link_token", params(("id" = String, Path, description = "`id` from POST /link-token")), security(("api_key" = [])),
    responses((status = 204, description = "Revoked: the token answers 401 revoked_link_token from now on"),
        (status = 404, description = "unknown_link_token", body = plugboard_shared::ErrorBody)))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    _backend: Backend,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if !link_tokens::revoke(&state.pool, &id, state.clock.now()).await? {
        return Err(ErrorCode::UnknownLinkToken.error(format!("no link token {id:?}")));
    }
    tracing::info!(link_token_id = %id, "link token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// What a new link token is bound to and allows.
pub struct NewLinkToken {
    pub tenant_id: TenantId,
    pub lifetime_secs: i64,
    pub deployment_id: Option<DeploymentId>,
    pub category: Option<String>,
    pub owner_name: Option<String>,
    pub username: Option<String>,
    pub redirect_uri: Option<String>,
    pub account_id: Option<AccountId>,
    pub allow_disconnect: bool,
    /// `api`, or the operator who made it in the console.
    pub created_by: String,
}

impl NewLinkToken {
    /// A token for `tenant_id` that lives `lifetime_secs`, with nothing else set.
    pub fn for_tenant(tenant_id: TenantId, lifetime_secs: i64) -> Self {
        Self {
            tenant_id,
            lifetime_secs,
            deployment_id: None,
            category: None,
            owner_name: None,
            username: None,
            redirect_uri: None,
            account_id: None,
            allow_disconnect: false,
            created_by: "api".to_owned(),
        }
    }
}

/// A stored link token, in clear for the one answer that carries it.
pub struct Issued {
    pub id: String,
    pub token: String,
    pub expires_at: i64,
}

/// Stores a new token; only its hash is kept.
pub async fn issue(state: &AppState, new: NewLinkToken) -> ApiResult<Issued> {
    let token = time_ordered_token("lt_");
    let id = time_ordered_id("ltk_");
    let now = state.clock.now();
    let row = LinkTokenRow {
        id: Some(id.clone()),
        token_hash: sorted_token_key(&token),
        tenant_id: new.tenant_id,
        deployment_id: new.deployment_id,
        category: new.category,
        owner_name: new.owner_name,
        username: new.username,
        redirect_uri: new.redirect_uri,
        created_at: now,
        expires_at: now + new.lifetime_secs,
        revoked_at: None,
        account_id: new.account_id,
        allow_disconnect: i64::from(new.allow_disconnect),
        created_by: Some(new.created_by),
        used_at: None,
    };
    let expires_at = row.expires_at;
    state.writes.link_tokens.write(row).await?;
    Ok(Issued { id, token, expires_at })
}

/// A token may re-authorize only its own tenant's account.
async fn check_reconnect(state: &AppState, account_id: &AccountId, tenant_id: &TenantId) -> ApiResult<()> {
    match accounts::find(&state.pool, account_id).await? {
        Some(row) if &row.tenant_id != tenant_id => {
            Err(ErrorCode::AccountConflict.error(format!("account {account_id} belongs to another tenant")))
        }
        _ => Ok(()),
    }
}

pub fn check_redirect_uri(uri: &str) -> ApiResult<()> {
    match url::Url::parse(uri) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(ErrorCode::InvalidRedirectUri.error("redirect_uri must be an absolute http(s) URL")),
    }
}
