//! The audit log of an account: every verification, refresh and credentials read, with
//! its outcome and timing. Never a secret.

use plugboard_shared::{AccountId, AccountLogEntry};

use futures_util::future::BoxFuture;

use crate::clock::rfc3339;
use crate::db::{Conn, Pool};
use crate::group_commit::{Rows, placeholders};

/// What happened, for [`record`].
pub struct Event<'a> {
    pub action: &'a str,
    pub ok: bool,
    pub status_code: Option<u16>,
    pub started: std::time::Instant,
    pub detail: Option<&'a str>,
}

pub async fn record(conn: &mut Conn, account_id: &AccountId, event: Event<'_>, now: i64) -> sqlx::Result<()> {
    Entry::insert_all(&[Entry::new(account_id.clone(), event, now)], conn).await
}

/// An entry to write later with others (proxied calls log one each: see `group_commit`).
pub struct Entry {
    account_id: AccountId,
    at: i64,
    action: String,
    ok: bool,
    status_code: Option<u16>,
    latency_ms: i64,
    detail: Option<String>,
}

impl Entry {
    pub fn new(account_id: AccountId, event: Event<'_>, now: i64) -> Self {
        Self {
            account_id,
            at: now,
            action: event.action.to_owned(),
            ok: event.ok,
            status_code: event.status_code,
            latency_ms: event.started.elapsed().as_millis() as i64,
            detail: event.detail.map(str::to_owned),
        }
    }
}

impl Rows for Entry {
    fn insert_all<'c>(entries: &'c [Self], conn: &'c mut Conn) -> BoxFuture<'c, sqlx::Result<()>> {
        Box::pin(async move {
            let sql = format!(
                "INSERT INTO account_logs (account_id, at, action, outcome, status_code, latency_ms, detail) VALUES {}",
                placeholders(entries.len(), 7)
            );
            let mut query = sqlx::query(&sql);
            for entry in entries {
                query = query
                    .bind(&entry.account_id)
                    .bind(entry.at)
                    .bind(&entry.action)
                    .bind(if entry.ok { "ok" } else { "failed" })
                    .bind(entry.status_code.map(i64::from))
                    .bind(entry.latency_ms)
                    .bind(&entry.detail);
            }
            query.execute(conn).await?;
            Ok(())
        })
    }
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
