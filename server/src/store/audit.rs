//! What operators did in the console, and when: the who-did-what log.

use plugboard_shared::console::AuditEntry;

use crate::clock::rfc3339;
use crate::db::Pool;

pub async fn record(pool: &Pool, operator: &str, action: &str, target: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO operator_audit (at, operator, action, target) VALUES ($1, $2, $3, $4)")
        .bind(now)
        .bind(operator)
        .bind(action)
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub async fn recent(pool: &Pool, limit: i64) -> sqlx::Result<Vec<AuditEntry>> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT at, operator, action, target FROM operator_audit ORDER BY entry_id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(at, operator, action, target)| AuditEntry {
            at: rfc3339(at),
            operator,
            action,
            target,
        })
        .collect())
}
