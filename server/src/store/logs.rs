//! The audit log of an account: every verification, refresh and credentials read, with
//! its outcome and timing. Never a secret.

use plugboard_shared::{AccountId, AccountLogEntry};

use crate::clock::rfc3339;
use crate::db::{Conn, Pool};

/// What happened, for [`record`].
pub struct Event<'a> {
    pub action: &'a str,
    pub ok: bool,
    pub status_code: Option<u16>,
    pub started: std::time::Instant,
    pub detail: Option<&'a str>,
}

pub async fn record(conn: &mut Conn, account_id: &AccountId, event: Event<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_logs (account_id, at, action, outcome, status_code, latency_ms, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(account_id)
    .bind(now)
    .bind(event.action)
    .bind(if event.ok { "ok" } else { "failed" })
    .bind(event.status_code.map(i64::from))
    .bind(event.started.elapsed().as_millis() as i64)
    .bind(event.detail)
    .execute(conn)
    .await?;
    Ok(())
}

type Row = (i64, String, String, Option<i64>, i64, Option<String>);

/// The newest `limit` entries, newest first.
pub async fn list(pool: &Pool, account_id: &AccountId, limit: i64) -> sqlx::Result<Vec<AccountLogEntry>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, action, outcome, status_code, latency_ms, detail FROM account_logs \
         WHERE account_id = $1 ORDER BY log_id DESC LIMIT $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(at, action, outcome, status_code, latency_ms, detail)| AccountLogEntry {
                at: rfc3339(at),
                action,
                outcome,
                status_code,
                latency_ms,
                detail,
            },
        )
        .collect())
}

pub async fn delete_for(conn: &mut Conn, account_id: &AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM account_logs WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
