//! Backend API keys created with `plugboard api-key create` or in the console, stored
//! hashed; the public `id` names one for listing and revocation.

use plugboard_shared::console::ApiKeyInfo;

use crate::clock::rfc3339;
use crate::crypto::{random_token, token_hash};
use crate::db::Pool;

/// How stale `last_used_at` may get: updating it on every request would make every
/// backend call a write.
const LAST_USED_GRANULARITY_SECS: i64 = 60;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: Option<String>,
    pub key_hash: String,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl ApiKeyRow {
    pub fn info(&self) -> ApiKeyInfo {
        ApiKeyInfo {
            // Keys made before ids existed are named by a prefix of their hash.
            id: self
                .id
                .clone()
                .unwrap_or_else(|| format!("hash_{}", &self.key_hash[..16])),
            label: self.label.clone(),
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
        }
    }
}

pub async fn find(pool: &Pool, key_hash: &str) -> sqlx::Result<Option<ApiKeyRow>> {
    sqlx::query_as("SELECT id, key_hash, label, created_at, last_used_at FROM api_keys WHERE key_hash = $1")
        .bind(key_hash)
        .fetch_optional(pool)
        .await
}

/// Notes that `row` was used now, at most once a [`LAST_USED_GRANULARITY_SECS`].
pub async fn touch(pool: &Pool, row: &ApiKeyRow, now: i64) -> sqlx::Result<()> {
    if row.last_used_at.is_some_and(|at| at > now - LAST_USED_GRANULARITY_SECS) {
        return Ok(());
    }
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE key_hash = $2")
        .bind(now)
        .bind(&row.key_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn count(pool: &Pool) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys").fetch_one(pool).await?;
    Ok(n)
}

/// Every stored key, newest first.
pub async fn list(pool: &Pool) -> sqlx::Result<Vec<ApiKeyRow>> {
    sqlx::query_as("SELECT id, key_hash, label, created_at, last_used_at FROM api_keys ORDER BY created_at DESC")
        .fetch_all(pool)
        .await
}

/// Creates a key and returns it with its row: the only moment it exists in clear.
pub async fn create(pool: &Pool, label: &str, now: i64) -> sqlx::Result<(String, ApiKeyRow)> {
    let key = random_token("pb_live_");
    let row = ApiKeyRow {
        id: Some(random_token("key_").chars().take(20).collect()),
        key_hash: token_hash(&key),
        label: label.to_owned(),
        created_at: now,
        last_used_at: None,
    };
    sqlx::query("INSERT INTO api_keys (id, key_hash, label, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&row.id)
        .bind(&row.key_hash)
        .bind(&row.label)
        .bind(row.created_at)
        .execute(pool)
        .await?;
    Ok((key, row))
}

/// Deletes the key `id` names (see [`ApiKeyRow::info`]); `false` when there is none.
pub async fn revoke(pool: &Pool, id: &str) -> sqlx::Result<bool> {
    let done = match id.strip_prefix("hash_") {
        Some(prefix) if prefix.len() == 16 => {
            sqlx::query("DELETE FROM api_keys WHERE id IS NULL AND key_hash LIKE $1")
                .bind(format!("{prefix}%"))
                .execute(pool)
                .await?
        }
        _ => {
            sqlx::query("DELETE FROM api_keys WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}
