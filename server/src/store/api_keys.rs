//! Backend API keys created with `plugboard api-key create` (stored hashed).

use crate::crypto::{random_token, token_hash};
use crate::db::Pool;

pub async fn exists(pool: &Pool, key_hash: &str) -> sqlx::Result<bool> {
    let found: Option<(String,)> = sqlx::query_as("SELECT key_hash FROM api_keys WHERE key_hash = $1")
        .bind(key_hash)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

pub async fn count(pool: &Pool) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys").fetch_one(pool).await?;
    Ok(n)
}

/// Creates a key and returns it: the only moment it exists in clear.
pub async fn create(pool: &Pool, label: &str, now: i64) -> sqlx::Result<String> {
    let key = random_token("pb_live_");
    sqlx::query("INSERT INTO api_keys (key_hash, label, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&key))
        .bind(label)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(key)
}
