//! The webhook outbox: events, one delivery per endpoint, and the log of every try.

use std::collections::HashMap;

use plugboard_shared::{AccountId, Delivery, DeliveryTry, WebhookEvent};

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

/// One delivery of one of the newest events.
#[derive(sqlx::FromRow)]
struct DeliveryRow {
    event_id: String,
    event_type: String,
    account_id: String,
    created_at: i64,
    delivery_id: i64,
    endpoint: String,
    attempts: i64,
    delivered_at: Option<i64>,
    next_attempt_at: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
}

/// One try of one of those deliveries.
#[derive(sqlx::FromRow)]
struct TryRow {
    delivery_id: i64,
    at: i64,
    status_code: Option<i64>,
    error: Option<String>,
    latency_ms: i64,
}

/// Events among the newest `limit`.
const NEWEST: &str = "SELECT event_id FROM webhook_events ORDER BY created_at DESC, event_id LIMIT $1";

/// The newest `limit` events with their deliveries and every try of each.
pub async fn recent(pool: &Pool, limit: i64) -> sqlx::Result<Vec<WebhookEvent>> {
    let rows: Vec<DeliveryRow> = sqlx::query_as(&format!(
        "SELECT e.event_id, e.event_type, e.account_id, e.created_at, d.delivery_id, d.endpoint, d.attempts, \
         d.delivered_at, d.next_attempt_at, d.last_status, d.last_error FROM webhook_events e \
         JOIN webhook_deliveries d ON d.event_id = e.event_id WHERE e.event_id IN ({NEWEST}) \
         ORDER BY e.created_at DESC, e.event_id, d.delivery_id"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let tries: Vec<TryRow> = sqlx::query_as(&format!(
        "SELECT a.delivery_id, a.at, a.status_code, a.error, a.latency_ms FROM webhook_attempts a \
         JOIN webhook_deliveries d ON d.delivery_id = a.delivery_id WHERE d.event_id IN ({NEWEST}) \
         ORDER BY a.attempt_log_id"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut tries_of: HashMap<i64, Vec<DeliveryTry>> = HashMap::new();
    for row in tries {
        tries_of.entry(row.delivery_id).or_default().push(DeliveryTry {
            at: rfc3339(row.at),
            status_code: row.status_code,
            error: row.error,
            latency_ms: row.latency_ms,
        });
    }
    let mut events: Vec<WebhookEvent> = Vec::new();
    for row in rows {
        if events.last().is_none_or(|e| e.event_id != row.event_id) {
            events.push(WebhookEvent {
                event_id: row.event_id,
                event_type: row.event_type,
                account_id: row.account_id,
                created_at: rfc3339(row.created_at),
                deliveries: vec![],
            });
        }
        let delivered = row.delivered_at.map(rfc3339);
        let delivery = Delivery {
            endpoint: row.endpoint,
            attempts: row.attempts,
            next_attempt_at: delivered.is_none().then(|| rfc3339(row.next_attempt_at)),
            delivered_at: delivered,
            last_status: row.last_status,
            last_error: row.last_error,
            tries: tries_of.remove(&row.delivery_id).unwrap_or_default(),
        };
        if let Some(event) = events.last_mut() {
            event.deliveries.push(delivery);
        }
    }
    Ok(events)
}

/// Makes every delivery of `event_id` due again now, delivered or not (the receiver gets
/// the same event id again, and deduplicates on it if it already had it); `false` when
/// there is no such event.
pub async fn redeliver(pool: &Pool, event_id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET delivered_at = NULL, next_attempt_at = $1, lease_until = NULL \
         WHERE event_id = $2",
    )
    .bind(now)
    .bind(event_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}
