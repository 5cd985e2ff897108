//! Finishing a connection, the same for the OAuth callback and the API-key form: verify
//! the new credentials with a protected call, store them (sealed), record the attempt's
//! outcome, and answer the message the widget turns into a host event.

use plugboard_shared::{
    AccountStatus, AppKey, AuthorizationEvent, ConnectResult, FailureEvent, FailureReason, PopupMessage, ResultPayload,
    TenantId,
};

use crate::catalog::ProviderDef;
use crate::credentials::Credentials;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{accounts, attempts};
use crate::verify::{Verification, verify_authorization};
use crate::webhooks::{self, AccountEvent};

/// Who is connecting what, in which attempt.
pub struct Connection<'a> {
    pub attempt_id: &'a str,
    pub tenant_id: &'a TenantId,
    pub app: &'a ProviderDef,
    /// Reconnect / update mode: the account to re-authorize or create with this id.
    pub account_id: Option<&'a str>,
}

/// Verifies and stores `credentials`; a failed verification is stored too (status
/// `verification_failed`) so the host can see and retry it. A reconnect to an identity
/// that another account of the tenant holds stores nothing: `409 identity_taken`, which
/// the caller records as the attempt's failure (see [`identity_taken`]).
pub async fn complete(
    state: &AppState,
    connection: &Connection<'_>,
    credentials: Credentials,
    expires_at: Option<i64>,
) -> ApiResult<PopupMessage> {
    let verification = verify_authorization(&state.http, connection.app, &credentials).await;
    let (status, identity, result) = match &verification {
        Verification::Verified { identity, .. } => {
            (AccountStatus::Verified, identity.as_str(), ConnectResult::Authorized)
        }
        Verification::Failed { detail, .. } => {
            tracing::info!(app = %connection.app.key, %detail, "verification failed");
            (AccountStatus::VerificationFailed, "", ConnectResult::VerificationFailed)
        }
    };
    let new = accounts::NewAccount {
        tenant_id: connection.tenant_id,
        app: &connection.app.key,
        identity,
        status,
        credentials: &credentials,
        expires_at,
        account_id: connection.account_id,
    };
    let (row, already_exists) = match accounts::upsert(&state.pool, &state.key, &new).await {
        Ok(stored) => stored,
        Err(accounts::UpsertError::IdentityTaken { holder }) => {
            tracing::info!(app = %connection.app.key, holder = %holder.account_id, "reconnect to an identity already connected");
            return Err(ApiError::conflict(
                IDENTITY_TAKEN,
                format!(
                    "{} is already connected as another {} account ({}); reconnect or disconnect that one instead",
                    holder.identity, connection.app.name, holder.account_id
                ),
            ));
        }
        Err(accounts::UpsertError::Database(err)) => return Err(err.into()),
    };
    let event = match status {
        AccountStatus::Verified if !already_exists => Some(AccountEvent::Created),
        AccountStatus::VerificationFailed => Some(AccountEvent::VerificationFailed),
        _ => None,
    };
    if let Some(event) = event {
        webhooks::publish(state, event, &row.to_api()?).await;
    }
    let payload = ResultPayload::Authorization(AuthorizationEvent {
        identity: row.identity.clone(),
        authorization_id: row.authorization_id,
        flow_id: None,
        already_exists,
        account_id: row.account_id.clone(),
        app: row.app.clone(),
    });
    tracing::info!(app = %row.app, account_id = %row.account_id, status = status.as_str(), already_exists, "account stored");
    record(state, connection.attempt_id, result, payload).await
}

const IDENTITY_TAKEN: &str = "identity_taken";

/// The message of `complete`'s `409 identity_taken`, if that is what `err` is.
pub fn identity_taken(err: &ApiError) -> Option<&str> {
    match err {
        ApiError::Conflict { code, message } if *code == IDENTITY_TAKEN => Some(message),
        _ => None,
    }
}

/// Ends an attempt without credentials (denied, provider error…).
pub async fn fail(
    state: &AppState,
    attempt_id: &str,
    app: &AppKey,
    reason: FailureReason,
    message: Option<String>,
) -> ApiResult<PopupMessage> {
    let payload = ResultPayload::Failure(FailureEvent {
        app: app.to_string(),
        reason,
        message,
    });
    record(state, attempt_id, ConnectResult::Error, payload).await
}

async fn record(
    state: &AppState,
    attempt_id: &str,
    result: ConnectResult,
    payload: ResultPayload,
) -> ApiResult<PopupMessage> {
    let message = PopupMessage::new(attempt_id, result, payload);
    let payload_text = serde_json::to_string(&message.payload).map_err(anyhow::Error::from)?;
    attempts::record_outcome(&state.pool, attempt_id, result.as_str(), &payload_text).await?;
    Ok(message)
}
