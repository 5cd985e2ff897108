//! Account events for the host's backend: `account.created`,
//! `account.verification_failed`, `account.needs_reauth`, `account.deleted`. Written to
//! a durable outbox first, then delivered at least once by a background worker with
//! exponential backoff, so neither a receiver outage nor a restart loses one.
//!
//! Each request carries `Plugboard-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" under webhooks.secret>`; receivers recompute it and reject old `t`.

use std::time::{Duration, Instant};

use plugboard_shared::IntegratedAccount;
use secrecy::ExposeSecret;
use serde_json::json;

use crate::clock::rfc3339;
use crate::crypto::{hmac_hex, random_token};
use crate::db::Conn;
use crate::state::AppState;
use crate::store::webhooks::{self, DueDelivery, Try};

/// How long one try may hold a delivery: the request timeout and a margin. A worker
/// that dies mid-try (crash, restart) delays that delivery by at most this.
const LEASE_SECS: i64 = 15;
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF_SECS: u64 = 3600;

/// What happened to an account.
#[derive(Debug, Clone, Copy)]
pub enum AccountEvent {
    Created,
    VerificationFailed,
    NeedsReauth,
    Deleted,
}

impl AccountEvent {
    fn name(self) -> &'static str {
        match self {
            Self::Created => "account.created",
            Self::VerificationFailed => "account.verification_failed",
            Self::NeedsReauth => "account.needs_reauth",
            Self::Deleted => "account.deleted",
        }
    }
}

/// Queues `event` for every endpoint in the caller's transaction, the one that makes the
/// account change it reports: both are stored, or (a crash, a failed write) neither.
/// Returns whether anything was queued; call [`wake`] once the transaction committed.
pub async fn queue(
    conn: &mut Conn,
    state: &AppState,
    event: AccountEvent,
    account: &IntegratedAccount,
) -> sqlx::Result<bool> {
    let endpoints = &state.config.webhooks.endpoints;
    if endpoints.is_empty() {
        return Ok(false);
    }
    let event_id = random_token("evt_");
    let payload = json!({
        "id": event_id,
        "type": event.name(),
        "created_at": rfc3339(state.clock.now()),
        "data": { "account": account },
    });
    webhooks::enqueue(
        conn,
        &event_id,
        event.name(),
        &account.account_id,
        &payload.to_string(),
        endpoints,
        state.clock.now(),
    )
    .await?;
    Ok(true)
}

/// Tells this instance's worker that committed events wait (others find them within a second).
pub fn wake(state: &AppState, queued: bool) {
    if queued {
        state.webhook_wakeup.notify_one();
    }
}

/// The `Plugboard-Signature` header value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!(
        "t={timestamp},v1={}",
        hmac_hex(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes())
    )
}

/// Delivers due events until the process ends; wakes on new events and every second
/// (for retries and for deliveries queued by other instances).
pub async fn run_worker(state: AppState) {
    loop {
        match webhooks::lease_due(&state.pool, 20, LEASE_SECS, state.clock.now()).await {
            Ok(due) if !due.is_empty() => {
                for delivery in due {
                    deliver(&state, delivery).await;
                }
                continue;
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "webhook outbox not readable"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), state.webhook_wakeup.notified()).await;
    }
}

async fn deliver(state: &AppState, delivery: DueDelivery) {
    let secret = state
        .config
        .webhooks
        .secret
        .as_ref()
        .map(|s| s.expose_secret().to_owned())
        .unwrap_or_default();
    let started = Instant::now();
    let sent = state
        .http
        .post(&delivery.endpoint)
        .timeout(DELIVERY_TIMEOUT)
        .header("content-type", "application/json")
        .header("plugboard-event-id", &delivery.event_id)
        .header(
            "plugboard-signature",
            signature(&secret, state.clock.now(), &delivery.payload),
        )
        .body(delivery.payload.clone())
        .send()
        .await;
    let (status_code, error) = match sent {
        Ok(response) if response.status().is_success() => (Some(response.status().as_u16()), None),
        Ok(response) => (
            Some(response.status().as_u16()),
            Some(format!("the receiver answered {}", response.status())),
        ),
        Err(err) => (None, Some(format!("not delivered: {}", err.without_url()))),
    };
    let retry_at = error
        .is_some()
        .then(|| state.clock.now() + backoff(state, delivery.attempts) as i64);
    let outcome = Try {
        status_code,
        error: error.as_deref(),
        latency_ms: started.elapsed().as_millis() as i64,
        retry_at,
    };
    if let Err(err) = webhooks::record_try(&state.pool, delivery.delivery_id, &outcome, state.clock.now()).await {
        tracing::warn!(error = %err, "webhook try not recorded; it will be retried after its lease");
    }
}

/// `initial_backoff_secs` × 2^attempts, capped at an hour.
fn backoff(state: &AppState, attempts: i64) -> u64 {
    let base = state.config.webhooks.initial_backoff_secs.max(1);
    base.saturating_mul(1 << attempts.clamp(0, 20)).min(MAX_BACKOFF_SECS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn signature_is_hmac_of_timestamp_dot_body() {
        let header = super::signature("whsec", 1700000000, "{}");
        let expected = crate::crypto::hmac_hex(b"whsec", b"1700000000.{}");
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
    }
}
