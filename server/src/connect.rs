//! Finishing a connection, the same for the OAuth callback and the API-key form: verify
//! the new credentials with a protected call, then store them (sealed), the webhook event
//! and the attempt's outcome in one transaction, and answer the message the widget turns
//! into a host event.

use plugboard_shared::{
    AccountId, AccountStatus, AppKey, AuthorizationEvent, ConnectResult, FailureEvent, FailureReason, PopupMessage,
    ResultPayload, TenantId,
};

use std::collections::BTreeMap;

use crate::catalog::ProviderDef;
use crate::connect_metadata;
use crate::credentials::Credentials;
use crate::db::{self, Conn};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::AppState;
use crate::store::{accounts, attempts, logs};
use crate::verify::{Verification, verify_authorization};
use crate::webhooks::{self, AccountEvent};

/// Who is connecting what, in which attempt.
pub struct Connection<'a> {
    pub attempt_id: &'a str,
    pub tenant_id: &'a TenantId,
    pub app: &'a ProviderDef,
    /// Reconnect / update mode: the account to re-authorize or create with this id.
    pub account_id: Option<&'a AccountId>,
}

/// What a provider granted: the credentials, their expiry, and the metadata read so far.
pub struct Grant {
    pub credentials: Credentials,
    pub expires_at: Option<i64>,
    pub metadata: BTreeMap<String, String>,
}

/// Reads the metadata that needs the new credentials, then verifies and stores them; a
/// failed verification is stored too (status `verification_failed`) so the host can see
/// and retry it. A metadata request the credentials cannot make counts as a failed
/// verification: they do not work. A reconnect to an identity that another account of the
/// tenant holds stores nothing: `409 identity_taken`, which the caller records as the
/// attempt's failure (see [`identity_taken`]).
pub async fn complete(state: &AppState, connection: &Connection<'_>, grant: Grant) -> ApiResult<PopupMessage> {
    let Grant {
        credentials,
        expires_at,
        mut metadata,
    } = grant;
    let def = connection.app;
    let started = std::time::Instant::now();
    let verification = match connect_metadata::from_requests(&state.http, def, &credentials, &mut metadata).await {
        Ok(()) => verify_authorization(&state.http, def, &credentials, &metadata).await,
        Err(detail) => Verification::Failed { detail, status: None },
    };
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
        now: state.clock.now(),
        metadata: &metadata,
    };
    let mut tx = db::begin_write(&state.pool).await?;
    let (row, already_exists) = match accounts::upsert(&mut tx, &state.key, &new).await {
        Ok(stored) => stored,
        Err(err) => {
            // Nothing of this attempt is kept; then say who holds the identity, if that
            // is what stopped it (a reconnect meeting the unique tenant + app + identity).
            drop(tx);
            if let Some(holder) = accounts::identity_holder(&state.pool, &new, connection.account_id).await? {
                return Err(identity_taken_error(connection.app, &holder));
            }
            return Err(err.into());
        }
    };
    let event = match status {
        AccountStatus::Verified if !already_exists => Some(AccountEvent::Created),
        AccountStatus::VerificationFailed => Some(AccountEvent::VerificationFailed),
        _ => None,
    };
    let queued = match event {
        Some(event) => webhooks::queue(&mut tx, state, event, &row.to_api()).await?,
        None => false,
    };
    // The account's log starts with the call that verified it, or with why it did not.
    let checked = verification.log_event(started);
    logs::record(&mut tx, &row.account_id, checked, state.clock.now()).await?;
    let payload = ResultPayload::Authorization(AuthorizationEvent {
        identity: row.identity.clone(),
        authorization_id: row.authorization_id,
        flow_id: None,
        already_exists,
        account_id: row.account_id.to_string(),
        app: row.app.to_string(),
    });
    let message = record(&mut tx, connection.attempt_id, result, payload).await?;
    tx.commit().await?;
    webhooks::wake(state, queued);
    tracing::info!(app = %row.app, account_id = %row.account_id, status = status.as_str(), already_exists, "account stored");
    Ok(message)
}

fn identity_taken_error(app: &ProviderDef, holder: &accounts::AccountRow) -> ApiError {
    tracing::info!(app = %app.key, holder = %holder.account_id, "reconnect to an identity already connected");
    ErrorCode::IdentityTaken.error(format!(
        "{} is already connected as another {} account ({}); reconnect or disconnect that one instead",
        holder.identity, app.name, holder.account_id
    ))
}

/// The message of `complete`'s `409 identity_taken`, if that is what `err` is.
pub fn identity_taken(err: &ApiError) -> Option<&str> {
    match err {
        ApiError::Refused {
            code: ErrorCode::IdentityTaken,
            message,
        } => Some(message),
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
    let mut conn = state.pool.acquire().await?;
    record(&mut conn, attempt_id, ConnectResult::Error, payload).await
}

async fn record(
    conn: &mut Conn,
    attempt_id: &str,
    result: ConnectResult,
    payload: ResultPayload,
) -> ApiResult<PopupMessage> {
    attempts::record_outcome(conn, attempt_id, result, &payload).await?;
    Ok(PopupMessage::new(attempt_id, result, payload))
}
