//! Integrated accounts. One row per tenant + app + identity: connecting the same identity
//! again updates the row and keeps its ids (`alreadyExists`).

use plugboard_shared::{AccountId, AccountStatus, AppKey, IntegratedAccount, TenantId};

use crate::clock::{self, rfc3339};
use crate::credentials::Credentials;
use crate::crypto::{MasterKey, random_token};
use crate::db::{Pool, is_unique_violation};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub authorization_id: i64,
    pub account_id: String,
    pub tenant_id: String,
    pub app: String,
    pub identity: String,
    pub status: String,
    pub credentials: Vec<u8>,
    pub connected_at: i64,
    pub verified_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub updated_at: i64,
}

impl AccountRow {
    /// The API view: everything but the credentials.
    pub fn to_api(&self) -> anyhow::Result<IntegratedAccount> {
        Ok(IntegratedAccount {
            account_id: AccountId::parse(self.account_id.clone())?,
            authorization_id: self.authorization_id,
            tenant_id: TenantId::parse(self.tenant_id.clone())?,
            app: AppKey::parse(self.app.clone())?,
            identity: self.identity.clone(),
            status: AccountStatus::parse(&self.status)
                .ok_or_else(|| anyhow::anyhow!("unknown stored status {:?}", self.status))?,
            connected_at: rfc3339(self.connected_at),
            verified_at: self.verified_at.map(rfc3339),
            expires_at: self.expires_at.map(rfc3339),
        })
    }
}

/// A freshly obtained connection, about to be stored.
pub struct NewAccount<'a> {
    pub tenant_id: &'a TenantId,
    pub app: &'a AppKey,
    pub identity: &'a str,
    pub status: AccountStatus,
    pub credentials: &'a Credentials,
    pub expires_at: Option<i64>,
    /// Reconnect / update mode: update this account whatever its identity, or create
    /// the new account with this id.
    pub account_id: Option<&'a str>,
}

/// Why [`upsert`] stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    /// Reconnecting an account to an identity another account of the tenant (same app)
    /// already holds: one identity is one account, so the person must pick that one.
    #[error("another account of this tenant already holds the identity")]
    IdentityTaken { holder: AccountRow },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores `new`, updating the existing row for the same tenant + app + identity.
/// Returns the row and whether it already existed.
pub async fn upsert(pool: &Pool, key: &MasterKey, new: &NewAccount<'_>) -> Result<(AccountRow, bool), UpsertError> {
    if let Some(account_id) = new.account_id {
        let existing = find(
            pool,
            &AccountId::parse(account_id.to_owned()).map_err(|e| sqlx::Error::Decode(e.into()))?,
        )
        .await?;
        if let Some(existing) = existing.filter(|row| row.tenant_id == new.tenant_id.as_str()) {
            return reconnect(pool, key, &existing, new).await.map(|row| (row, true));
        }
    }
    // Two tries: a concurrent insert of the same identity turns our insert into an update.
    for _ in 0..2 {
        if let Some(existing) = find_by_identity(pool, new).await? {
            return Ok((update(pool, key, &existing, new).await?, true));
        }
        match insert(pool, key, new).await {
            Ok(row) => return Ok((row, false)),
            Err(err) if is_unique_violation(&err) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(sqlx::Error::Protocol("account changed concurrently twice".into()).into())
}

/// Updates `existing` whatever identity it had, unless another account holds the new one
/// (checked first, and again by the unique constraint against a concurrent connection).
async fn reconnect(
    pool: &Pool,
    key: &MasterKey,
    existing: &AccountRow,
    new: &NewAccount<'_>,
) -> Result<AccountRow, UpsertError> {
    let holder = |found: Option<AccountRow>| found.filter(|row| row.authorization_id != existing.authorization_id);
    // A failed verification names nobody: the account keeps its identity (see `update`).
    let checked = if new.identity.is_empty() {
        None
    } else {
        find_by_identity(pool, new).await?
    };
    if let Some(holder) = holder(checked) {
        return Err(UpsertError::IdentityTaken { holder });
    }
    match update(pool, key, existing, new).await {
        Ok(row) => Ok(row),
        Err(err) if is_unique_violation(&err) => match holder(find_by_identity(pool, new).await?) {
            Some(holder) => Err(UpsertError::IdentityTaken { holder }),
            None => Err(err.into()),
        },
        Err(err) => Err(err.into()),
    }
}

async fn find_by_identity(pool: &Pool, new: &NewAccount<'_>) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as("SELECT * FROM integrated_accounts WHERE tenant_id = $1 AND app = $2 AND identity = $3")
        .bind(new.tenant_id.as_str())
        .bind(new.app.as_str())
        .bind(new.identity)
        .fetch_optional(pool)
        .await
}

fn verified_at(new: &NewAccount<'_>, now: i64) -> Option<i64> {
    (new.status == AccountStatus::Verified).then_some(now)
}

async fn insert(pool: &Pool, key: &MasterKey, new: &NewAccount<'_>) -> sqlx::Result<AccountRow> {
    let now = clock::now();
    let account_id = new
        .account_id
        .map_or_else(|| random_token("acc_").chars().take(28).collect(), str::to_owned);
    sqlx::query_as(
        "INSERT INTO integrated_accounts (account_id, tenant_id, app, identity, status, credentials, \
         connected_at, verified_at, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING *",
    )
    .bind(&account_id)
    .bind(new.tenant_id.as_str())
    .bind(new.app.as_str())
    .bind(new.identity)
    .bind(new.status.as_str())
    .bind(new.credentials.seal(key, &account_id))
    .bind(now)
    .bind(verified_at(new, now))
    .bind(new.expires_at)
    .bind(now)
    .fetch_one(pool)
    .await
}

/// New credentials and status for `existing`; an empty identity (verification failed)
/// leaves the known one in place.
async fn update(pool: &Pool, key: &MasterKey, existing: &AccountRow, new: &NewAccount<'_>) -> sqlx::Result<AccountRow> {
    let now = clock::now();
    sqlx::query_as(
        "UPDATE integrated_accounts SET status = $1, credentials = $2, verified_at = COALESCE($3, verified_at), \
         expires_at = $4, updated_at = $5, identity = COALESCE(NULLIF($6, ''), identity) \
         WHERE authorization_id = $7 RETURNING *",
    )
    .bind(new.status.as_str())
    .bind(new.credentials.seal(key, &existing.account_id))
    .bind(verified_at(new, now))
    .bind(new.expires_at)
    .bind(now)
    .bind(new.identity)
    .bind(existing.authorization_id)
    .fetch_one(pool)
    .await
}

pub async fn find(pool: &Pool, account_id: &AccountId) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as("SELECT * FROM integrated_accounts WHERE account_id = $1")
        .bind(account_id.as_str())
        .fetch_optional(pool)
        .await
}

/// Filters of `GET /integrated-accounts`; `None` means any.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: Option<String>,
    pub app: Option<String>,
    pub status: Option<String>,
}

/// One page in `authorization_id` order, after `after` (the cursor); asks for one row more
/// than `limit` to know whether a next page exists.
pub async fn list(pool: &Pool, filter: &Filter, after: i64, limit: i64) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as(
        "SELECT * FROM integrated_accounts WHERE authorization_id > $1 \
         AND ($2 IS NULL OR tenant_id = $2) AND ($3 IS NULL OR app = $3) AND ($4 IS NULL OR status = $4) \
         ORDER BY authorization_id LIMIT $5",
    )
    .bind(after)
    .bind(&filter.tenant_id)
    .bind(&filter.app)
    .bind(&filter.status)
    .bind(limit + 1)
    .fetch_all(pool)
    .await
}

/// Every account of this tenant, oldest first.
pub async fn of_tenant(pool: &Pool, tenant_id: &TenantId) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as("SELECT * FROM integrated_accounts WHERE tenant_id = $1 ORDER BY authorization_id")
        .bind(tenant_id.as_str())
        .fetch_all(pool)
        .await
}

/// Records a verification's outcome.
pub async fn set_status(pool: &Pool, account_id: &str, status: AccountStatus, verified: bool) -> sqlx::Result<()> {
    let now = clock::now();
    sqlx::query(
        "UPDATE integrated_accounts SET status = $1, verified_at = CASE WHEN $2 = 1 THEN $3 ELSE verified_at END, \
         updated_at = $4 WHERE account_id = $5",
    )
    .bind(status.as_str())
    .bind(i64::from(verified))
    .bind(now)
    .bind(now)
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the account's refresh lease until `until`; `false` while another caller (in this
/// process or another instance) holds it. A crashed holder's lease simply runs out.
pub async fn take_refresh_lease(pool: &Pool, account_id: &str, now: i64, until: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE integrated_accounts SET refresh_lease_until = $1 \
         WHERE account_id = $2 AND (refresh_lease_until IS NULL OR refresh_lease_until < $3)",
    )
    .bind(until)
    .bind(account_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn release_refresh_lease(pool: &Pool, account_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE integrated_accounts SET refresh_lease_until = NULL WHERE account_id = $1")
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stores refreshed credentials and releases the lease.
pub async fn store_refreshed(
    pool: &Pool,
    key: &MasterKey,
    account_id: &str,
    credentials: &Credentials,
    expires_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE integrated_accounts SET credentials = $1, expires_at = $2, updated_at = $3, \
         refresh_lease_until = NULL WHERE account_id = $4",
    )
    .bind(credentials.seal(key, account_id))
    .bind(expires_at)
    .bind(clock::now())
    .bind(account_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Removes the account and its credentials for good.
pub async fn delete(pool: &Pool, account_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM integrated_accounts WHERE account_id = $1")
        .bind(account_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An account the background pass should refresh, verify again, or both.
pub struct Due {
    pub account_id: String,
    pub expiring: bool,
    pub stale: bool,
}

/// Accounts the background pass should look at: tokens expiring before `expiring_before`
/// that can be refreshed, and verifications older than `verified_before`.
pub async fn due_for_maintenance(
    pool: &Pool,
    expiring_before: i64,
    verified_before: i64,
    limit: i64,
) -> sqlx::Result<Vec<Due>> {
    let rows: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT account_id, expires_at, COALESCE(verified_at, connected_at) FROM integrated_accounts \
         WHERE status <> 'needs_reauth' \
         AND ((expires_at IS NOT NULL AND expires_at <= $1) OR COALESCE(verified_at, connected_at) < $2) \
         ORDER BY authorization_id LIMIT $3",
    )
    .bind(expiring_before)
    .bind(verified_before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(account_id, expires_at, verified)| Due {
            account_id,
            expiring: expires_at.is_some_and(|at| at <= expiring_before),
            stale: verified < verified_before,
        })
        .collect())
}
