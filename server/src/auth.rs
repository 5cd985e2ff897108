//! Who is calling: a host backend with an API key, or a widget with a link token. Both
//! come as `Authorization: Bearer …`; both are looked up by their SHA-256.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer;
use plugboard_shared::{DeploymentId, TenantId};

use crate::clock;
use crate::crypto::token_hash;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::link_tokens::{self, LinkTokenRow};

async fn bearer(parts: &mut Parts, state: &AppState, what: &str) -> Result<String, ApiError> {
    TypedHeader::<Authorization<Bearer>>::from_request_parts(parts, state)
        .await
        .map(|TypedHeader(Authorization(bearer))| bearer.token().to_owned())
        .map_err(|_| ApiError::unauthorized("missing_credentials", format!("send `Authorization: Bearer <{what}>`")))
}

/// A request from the host's backend.
pub struct Backend;

impl FromRequestParts<AppState> for Backend {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash(&bearer(parts, state, "api key").await?);
        let known =
            state.configured_api_keys.contains(&hash) || crate::store::api_keys::exists(&state.pool, &hash).await?;
        if known {
            Ok(Backend)
        } else {
            Err(ApiError::unauthorized("invalid_api_key", "unknown API key"))
        }
    }
}

/// A widget or hosted-page session, bound to one tenant.
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
        let row = link_tokens::find(&state.pool, &token_hash(&token))
            .await?
            .ok_or_else(|| ApiError::unauthorized("invalid_link_token", "unknown link token"))?;
        if row.revoked_at.is_some() {
            return Err(ApiError::unauthorized(
                "revoked_link_token",
                "this link token was revoked",
            ));
        }
        if row.expires_at <= clock::now() {
            return Err(ApiError::unauthorized(
                "expired_link_token",
                "this link token has expired; ask for a new one",
            ));
        }
        Ok(LinkSession {
            tenant_id: TenantId::parse(row.tenant_id.clone())?,
            deployment_id: row.deployment_id.clone().map(DeploymentId::parse).transpose()?,
            category: row.category.clone(),
            row,
        })
    }
}
