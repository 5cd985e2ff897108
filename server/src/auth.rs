//! Who is calling: a host backend with an API key, or a widget with a link token. Both
//! come as `Authorization: Bearer …`; both are looked up by their SHA-256. A failed check
//! counts against the caller's address (see `limits`), so guessing is rate limited too.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer;
use plugboard_shared::{DeploymentId, TenantId};

use crate::crypto::{sorted_token_key, token_hash};
use crate::error::{ApiError, ErrorCode};
use crate::limits::ClientAddr;
use crate::state::AppState;
use crate::store::api_keys;
use crate::store::link_tokens::{self, LinkTokenRow};

/// The bearer credential, or a refusal counted against the client's address.
async fn bearer(parts: &mut Parts, state: &AppState, what: &str) -> Result<String, ApiError> {
    match TypedHeader::<Authorization<Bearer>>::from_request_parts(parts, state).await {
        Ok(TypedHeader(Authorization(bearer))) => Ok(bearer.token().to_owned()),
        Err(_) => Err(refuse(
            parts,
            state,
            ErrorCode::MissingCredentials.error(format!("send `Authorization: Bearer <{what}>`")),
        )),
    }
}

/// `error`, or `429` when this address has failed too often already.
fn refuse(parts: &Parts, state: &AppState, error: ApiError) -> ApiError {
    let client = ClientAddr::of(parts, state);
    match state.limits.check_failure(client) {
        Ok(()) => error,
        Err(limited) => limited,
    }
}

/// A request from the host's backend. `key_hash` names the key for per-key limits.
pub struct Backend {
    pub key_hash: String,
}

impl FromRequestParts<AppState> for Backend {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash(&bearer(parts, state, "api key").await?);
        if state.configured_api_keys.contains(&hash) {
            return Ok(Backend { key_hash: hash });
        }
        match api_keys::find(&state.pool, &hash).await? {
            Some(row) => {
                api_keys::touch(&state.pool, &row, state.clock.now()).await?;
                Ok(Backend { key_hash: hash })
            }
            None => Err(refuse(parts, state, ErrorCode::InvalidApiKey.error("unknown API key"))),
        }
    }
}

/// A widget or hosted-page session, bound to one tenant. Each request counts against the
/// token's own limit.
#[derive(Debug, Clone)]
pub struct LinkSession {
    pub tenant_id: TenantId,
    pub deployment_id: Option<DeploymentId>,
    pub category: Option<String>,
    pub row: LinkTokenRow,
}

impl FromRequestParts<AppState> for LinkSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts, state, "link token").await?;
        let row = match link_tokens::find(&state.pool, &sorted_token_key(&token)).await? {
            Some(row) => row,
            None => {
                return Err(refuse(
                    parts,
                    state,
                    ErrorCode::InvalidLinkToken.error("unknown link token"),
                ));
            }
        };
        if row.revoked_at.is_some() {
            let error = ErrorCode::RevokedLinkToken.error("this link token was revoked; ask for a new one");
            return Err(refuse(parts, state, error));
        }
        if row.expires_at <= state.clock.now() {
            let error = ErrorCode::ExpiredLinkToken.error("this link token has expired; ask for a new one");
            return Err(refuse(parts, state, error));
        }
        state.limits.check_link_token(&row.token_hash)?;
        if row.used_at.is_none() {
            link_tokens::mark_used(&state.pool, &row.token_hash, state.clock.now()).await?;
        }
        Ok(LinkSession {
            tenant_id: row.tenant_id.clone(),
            deployment_id: row.deployment_id.clone(),
            category: row.category.clone(),
            row,
        })
    }
}
