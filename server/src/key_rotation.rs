//! `plugboard keys rotate`: re-encrypts every stored credential under the current master
//! key, while servers keep running. The procedure (README): generate a key, start every
//! instance with it as `master_key` and the old one in `previous_master_keys`, run this,
//! then drop the old key.

use plugboard_shared::AccountId;

use crate::credentials::Credentials;
use crate::crypto::MasterKey;
use crate::db::Pool;

const BATCH: i64 = 200;

/// Re-seals every account; returns how many were rewritten. A row changed since it was
/// read (a refresh stored new credentials, already under the current key) is left alone.
pub async fn rotate(pool: &Pool, key: &MasterKey) -> anyhow::Result<usize> {
    let mut after = 0i64;
    let mut rewritten = 0;
    loop {
        let rows: Vec<(i64, AccountId, Vec<u8>)> = sqlx::query_as(
            "SELECT authorization_id, account_id, credentials FROM integrated_accounts \
             WHERE authorization_id > $1 ORDER BY authorization_id LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        let Some(last) = rows.last() else { return Ok(rewritten) };
        after = last.0;
        for (authorization_id, account_id, sealed) in rows {
            let credentials = Credentials::open(key, &sealed, &account_id)?;
            let done = sqlx::query(
                "UPDATE integrated_accounts SET credentials = $1 WHERE authorization_id = $2 AND credentials = $3",
            )
            .bind(credentials.seal(key, &account_id)?)
            .bind(authorization_id)
            .bind(&sealed)
            .execute(pool)
            .await?;
            rewritten += done.rows_affected() as usize;
        }
    }
}
