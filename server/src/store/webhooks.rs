//! The webhook outbox: events, one delivery per endpoint, and the log of every try.

use plugboard_shared::AccountId;
use serde::Serialize;

use crate::clock::rfc3339;
use crate::db::{Conn, Pool};

/// Writes `event` and a due delivery for each endpoint, in the caller's transaction: the
/// event is queued with the account change it reports, or neither is stored.
pub async fn enqueue(
    conn: &mut Conn,
    event_id: &str,
    event_type: &str,
    account_id: &AccountId,
    payload: &str,
    endpoints: &[String],
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO webhook_events (event_id, event_type, account_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event_id)
    .bind(event_type)
    .bind(account_id)
    .bind(payload)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for endpoint in endpoints {
        sqlx::query(
            "INSERT INTO webhook_deliveries (event_id, endpoint, attempts, next_attempt_at) VALUES ($1, $2, 0, $3)",
        )
        .bind(event_id)
        .bind(endpoint)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A delivery that is due, with its event.
#[derive(Debug, sqlx::FromRow)]
pub struct DueDelivery {
    pub delivery_id: i64,
    pub endpoint: String,
    pub attempts: i64,
    pub event_id: String,
    pub payload: String,
}

/// Leases up to `limit` due deliveries for `lease_secs`; each is taken by one worker,
/// on whichever instance, because the lease is a conditional UPDATE.
pub async fn lease_due(pool: &Pool, limit: i64, lease_secs: i64, now: i64) -> sqlx::Result<Vec<DueDelivery>> {
    let candidates: Vec<DueDelivery> = sqlx::query_as(
        "SELECT d.delivery_id, d.endpoint, d.attempts, d.event_id, e.payload FROM webhook_deliveries d \
         JOIN webhook_events e ON e.event_id = d.event_id \
         WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $2) \
         ORDER BY d.delivery_id LIMIT $3",
    )
    .bind(now)
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut leased = Vec::new();
    for delivery in candidates {
        let taken = sqlx::query(
            "UPDATE webhook_deliveries SET lease_until = $1 WHERE delivery_id = $2 \
             AND delivered_at IS NULL AND (lease_until IS NULL OR lease_until < $3)",
        )
        .bind(now + lease_secs)
        .bind(delivery.delivery_id)
        .bind(now)
        .execute(pool)
        .await?;
        if taken.rows_affected() == 1 {
            leased.push(delivery);
        }
    }
    Ok(leased)
}

/// The outcome of one try, for [`record_try`].
pub struct Try<'a> {
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub latency_ms: i64,
    /// When to try again; `None` when delivered.
    pub retry_at: Option<i64>,
}

pub async fn record_try(pool: &Pool, delivery_id: i64, outcome: &Try<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, latency_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(delivery_id)
    .bind(now)
    .bind(outcome.status_code.map(i64::from))
    .bind(outcome.error)
    .bind(outcome.latency_ms)
    .execute(pool)
    .await?;
    let delivered_at = outcome.retry_at.is_none().then_some(now);
    sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, lease_until = NULL, delivered_at = $1, \
         next_attempt_at = COALESCE($2, next_attempt_at), last_status = $3, last_error = $4 WHERE delivery_id = $5",
    )
    .bind(delivered_at)
    .bind(outcome.retry_at)
    .bind(outcome.status_code.map(i64::from))
    .bind(outcome.error)
    .bind(delivery_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// An event with the state of its deliveries, for `GET /webhook-events`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub event_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub account_id: String,
    pub created_at: String,
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub endpoint: String,
    pub attempts: i64,
    pub delivered_at: Option<String>,
    pub next_attempt_at: Option<String>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

type DeliveryRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    Option<String>,
);

/// The newest `limit` events with their deliveries.
pub async fn recent(pool: &Pool, limit: i64) -> sqlx::Result<Vec<EventView>> {
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "SELECT e.event_id, e.event_type, e.account_id, d.endpoint, e.created_at, d.attempts, d.delivered_at, \
         d.next_attempt_at, d.last_status, d.last_error FROM webhook_events e \
         JOIN webhook_deliveries d ON d.event_id = e.event_id \
         WHERE e.event_id IN (SELECT event_id FROM webhook_events ORDER BY created_at DESC, event_id LIMIT $1) \
         ORDER BY e.created_at DESC, e.event_id, d.delivery_id",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut events: Vec<EventView> = Vec::new();
    for (event_id, event_type, account_id, endpoint, created_at, attempts, delivered_at, next, status, error) in rows {
        if events.last().is_none_or(|e| e.event_id != event_id) {
            events.push(EventView {
                event_id,
                event_type,
                account_id,
                created_at: rfc3339(created_at),
                deliveries: vec![],
            });
        }
        let delivered = delivered_at.map(rfc3339);
        let next_attempt_at = delivered.is_none().then(|| rfc3339(next));
        let delivery = DeliveryView {
            endpoint,
            attempts,
            delivered_at: delivered,
            next_attempt_at,
            last_status: status,
            last_error: error,
        };
        if let Some(event) = events.last_mut() {
            event.deliveries.push(delivery);
        }
    }
    Ok(events)
}
