//! The audit log of an account: every verification, refresh and credentials read, with
//! its outcome and timing. Never a secret.

use plugboard_shared::{AccountId, AccountLogEntry};

use crate::clock::rfc3339;
use crate::db::{Conn, Pool};
use crate::group_commit::{AnyQuery, Rows, insert};

/// What happened, for [`record`].
pub struct Event<'a> {
    pub action: &'a str,
    pub ok: bool,
    pub status_code: Option<u16>,
    pub started: std::time::Instant,
    pub detail: Option<&'a str>,
}

pub async fn record(conn: &mut Conn, account_id: &AccountId, event: Event<'_>, now: i64) -> sqlx::Result<()> {
    insert(conn, &[Entry::new(account_id.clone(), event, now)]).await
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
    const INSERT: &'static str =
        "INSERT INTO account_logs (account_id, at, action, outcome, status_code, latency_ms, detail)";
    const COLUMNS: usize = 7;

    fn bind<'q>(&'q self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        query
            .bind(&self.account_id)
            .bind(self.at)
            .bind(&self.action)
            .bind(if self.ok { "ok" } else { "failed" })
            .bind(self.status_code.map(i64::from))
            .bind(self.latency_ms)
            .bind(&self.detail)
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
