//! Integrated accounts. One row per tenant + app + identity: connecting the same identity
//! again updates the row and keeps its ids (`alreadyExists`).

use std::collections::BTreeMap;

use plugboard_shared::{AccountId, AccountStatus, AppKey, IntegratedAccount, TenantId};

use crate::clock::rfc3339;
use crate::credentials::Credentials;
use crate::crypto::{MasterKey, random_token};
use crate::db::{Conn, Pool};

/// A stored account; its ids and status decode into their checked types.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub authorization_id: i64,
    pub account_id: AccountId,
    pub tenant_id: TenantId,
    pub app: AppKey,
    pub identity: String,
    pub status: AccountStatus,
    pub credentials: Vec<u8>,
    pub connected_at: i64,
    pub verified_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub updated_at: i64,
    /// JSON object of strings; see [`AccountRow::metadata`].
    pub metadata: String,
}

impl AccountRow {
    /// The API view: everything but the credentials.
    pub fn to_api(&self) -> IntegratedAccount {
        IntegratedAccount {
            account_id: self.account_id.clone(),
            authorization_id: self.authorization_id,
            tenant_id: self.tenant_id.clone(),
            app: self.app.clone(),
            identity: self.identity.clone(),
            status: self.status,
            connected_at: rfc3339(self.connected_at),
            verified_at: self.verified_at.map(rfc3339),
            expires_at: self.expires_at.map(rfc3339),
            metadata: self.metadata(),
        }
    }

    /// The connection metadata (only Plugboard writes the column, always as an object).
    pub fn metadata(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.metadata).unwrap_or_default()
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
    pub account_id: Option<&'a AccountId>,
    /// When it happened, by the server's clock.
    pub now: i64,
    /// What the provider returned that later calls need.
    pub metadata: &'a BTreeMap<String, String>,
}

/// Stores `new` in the caller's transaction (from [`crate::db::begin_write`]), updating the
/// row for the same tenant + app + identity when there is one; returns the row and whether
/// it already existed. A unique violation (a reconnect to an identity another account
/// holds) aborts the transaction: the caller rolls back and asks [`identity_holder`].
pub async fn upsert(conn: &mut Conn, key: &MasterKey, new: &NewAccount<'_>) -> sqlx::Result<(AccountRow, bool)> {
    if let Some(account_id) = new.account_id
        && let Some(row) = reconnect(conn, key, account_id, new).await?
    {
        return Ok((row, true));
    }
    if let Some(row) = insert_new(conn, key, new).await? {
        return Ok((row, false));
    }
    match update_identity(conn, key, new).await? {
        Some(row) => Ok((row, true)),
        // The insert met another unique key: the host's account id, held by another tenant.
        None => Err(sqlx::Error::Protocol(format!(
            "account id {:?} is taken",
            new.account_id
        ))),
    }
}

/// The account of the tenant other than `except` that holds `new`'s identity, if any.
pub async fn identity_holder(
    pool: &Pool,
    new: &NewAccount<'_>,
    except: Option<&AccountId>,
) -> sqlx::Result<Option<AccountRow>> {
    if new.identity.is_empty() {
        return Ok(None);
    }
    let found: Option<AccountRow> =
        sqlx::query_as("SELECT * FROM integrated_accounts WHERE tenant_id = $1 AND app = $2 AND identity = $3")
            .bind(new.tenant_id)
            .bind(new.app)
            .bind(new.identity)
            .fetch_optional(pool)
            .await?;
    Ok(found.filter(|row| Some(&row.account_id) != except))
}

fn verified_at(new: &NewAccount<'_>, now: i64) -> Option<i64> {
    (new.status == AccountStatus::Verified).then_some(now)
}

/// Inserts unless an account of the tenant already has this identity (or this id).
async fn insert_new(conn: &mut Conn, key: &MasterKey, new: &NewAccount<'_>) -> sqlx::Result<Option<AccountRow>> {
    let now = new.now;
    let account_id = match new.account_id {
        Some(id) => id.clone(),
        None => AccountId::parse(random_token("acc_").chars().take(28).collect::<String>())
            .map_err(|e| sqlx::Error::Encode(e.into()))?,
    };
    sqlx::query_as(
        "INSERT INTO integrated_accounts (account_id, tenant_id, app, identity, status, credentials, \
         connected_at, verified_at, expires_at, updated_at, metadata) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING *",
    )
    .bind(&account_id)
    .bind(new.tenant_id)
    .bind(new.app)
    .bind(new.identity)
    .bind(new.status)
    .bind(
        new.credentials
            .seal(key, &account_id)
            .map_err(|e| sqlx::Error::Encode(e.into()))?,
    )
    .bind(now)
    .bind(verified_at(new, now))
    .bind(new.expires_at)
    .bind(now)
    .bind(metadata_json(new.metadata)?)
    .fetch_optional(conn)
    .await
}

fn metadata_json(metadata: &BTreeMap<String, String>) -> sqlx::Result<String> {
    serde_json::to_string(metadata).map_err(|e| sqlx::Error::Encode(e.into()))
}

/// New credentials and status for the tenant's account with `new`'s identity.
async fn update_identity(conn: &mut Conn, key: &MasterKey, new: &NewAccount<'_>) -> sqlx::Result<Option<AccountRow>> {
    let found: Option<(AccountId,)> = sqlx::query_as(
        "SELECT account_id FROM integrated_accounts WHERE tenant_id = $1 AND app = $2 AND identity = $3",
    )
    .bind(new.tenant_id)
    .bind(new.app)
    .bind(new.identity)
    .fetch_optional(&mut *conn)
    .await?;
    match found {
        Some((account_id,)) => update(conn, key, &account_id, new).await,
        None => Ok(None),
    }
}

/// Re-authorizes the tenant's account `account_id` whatever its identity; `None` when the
/// tenant has no such account yet (the host named the id a new account gets).
async fn reconnect(
    conn: &mut Conn,
    key: &MasterKey,
    account_id: &AccountId,
    new: &NewAccount<'_>,
) -> sqlx::Result<Option<AccountRow>> {
    let owned: Option<(AccountId,)> =
        sqlx::query_as("SELECT account_id FROM integrated_accounts WHERE account_id = $1 AND tenant_id = $2")
            .bind(account_id)
            .bind(new.tenant_id)
            .fetch_optional(&mut *conn)
            .await?;
    match owned {
        Some(_) => update(conn, key, account_id, new).await,
        None => Ok(None),
    }
}

/// New credentials and status for `account_id`; an empty identity (verification failed)
/// leaves the known one in place.
async fn update(
    conn: &mut Conn,
    key: &MasterKey,
    account_id: &AccountId,
    new: &NewAccount<'_>,
) -> sqlx::Result<Option<AccountRow>> {
    let now = new.now;
    sqlx::query_as(
        "UPDATE integrated_accounts SET status = $1, credentials = $2, verified_at = COALESCE($3, verified_at), \
         expires_at = $4, updated_at = $5, identity = COALESCE(NULLIF($6, ''), identity), metadata = $8 \
         WHERE account_id = $7 RETURNING *",
    )
    .bind(new.status)
    .bind(
        new.credentials
            .seal(key, account_id)
            .map_err(|e| sqlx::Error::Encode(e.into()))?,
    )
    .bind(verified_at(new, now))
    .bind(new.expires_at)
    .bind(now)
    .bind(new.identity)
    .bind(account_id)
    .bind(metadata_json(new.metadata)?)
    .fetch_optional(conn)
    .await
}

/// The account, from the pool or inside a transaction (`&mut *tx`).
pub async fn find<'c>(db: impl sqlx::AnyExecutor<'c>, account_id: &AccountId) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as("SELECT * FROM integrated_accounts WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(db)
        .await
}

/// Filters of `GET /integrated-accounts`; `None` means any.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: Option<TenantId>,
    pub app: Option<AppKey>,
    pub status: Option<AccountStatus>,
    /// Text in the account id, tenant id or identity, any case.
    pub text: Option<String>,
}

/// `text` as a LIKE pattern that matches it anywhere, its own `%`, `_` and `\` literal.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page in `authorization_id` order, after `after` (the cursor); asks for one row more
/// than `limit` to know whether a next page exists.
pub async fn list(pool: &Pool, filter: &Filter, after: i64, limit: i64) -> sqlx::Result<Vec<AccountRow>> {
    // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    sqlx::query_as(
        "SELECT * FROM integrated_accounts WHERE authorization_id > $1 \
         AND ($2 IS NULL OR tenant_id = $2) AND ($3 IS NULL OR app = $3) AND ($4 IS NULL OR status = $4) \
         AND ($5 IS NULL OR LOWER(account_id) LIKE $5 ESCAPE '\\' OR LOWER(tenant_id) LIKE $5 ESCAPE '\\' \
              OR LOWER(identity) LIKE $5 ESCAPE '\\') \
         ORDER BY authorization_id LIMIT $6",
    )
    .bind(after)
    .bind(&filter.tenant_id)
    .bind(&filter.app)
    .bind(filter.status)
    .bind(filter.text.as_deref().map(contains_pattern))
    .bind(limit + 1)
    .fetch_all(pool)
    .await
}

/// Every account of this tenant, oldest first.
pub async fn of_tenant(pool: &Pool, tenant_id: &TenantId) -> sqlx::Result<Vec<AccountRow>> {
    sqlx::query_as("SELECT * FROM integrated_accounts WHERE tenant_id = $1 ORDER BY authorization_id")
        .bind(tenant_id)
        .fetch_all(pool)
        .await
}

/// Records a verification's outcome; `false` when the account is gone.
pub async fn set_status(
    conn: &mut Conn,
    account_id: &AccountId,
    status: AccountStatus,
    verified: bool,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE integrated_accounts SET status = $1, verified_at = CASE WHEN $2 = 1 THEN $3 ELSE verified_at END, \
         updated_at = $4 WHERE account_id = $5",
    )
    .bind(status)
    .bind(i64::from(verified))
    .bind(now)
    .bind(now)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the account's refresh lease until `until`; `false` while another caller (in this
/// process or another instance) holds it. A crashed holder's lease simply runs out.
pub async fn take_refresh_lease(pool: &Pool, account_id: &AccountId, now: i64, until: i64) -> sqlx::Result<bool> {
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

pub async fn release_refresh_lease(conn: &mut Conn, account_id: &AccountId) -> sqlx::Result<()> {
    sqlx::query("UPDATE integrated_accounts SET refresh_lease_until = NULL WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What a refresh brought.
pub struct Refreshed<'a> {
    pub credentials: &'a Credentials,
    pub expires_at: Option<i64>,
    /// The metadata, with what the refresh answer said anew (an instance that moved).
    pub metadata: &'a BTreeMap<String, String>,
}

/// Stores refreshed credentials and releases the lease.
pub async fn store_refreshed(
    conn: &mut Conn,
    key: &MasterKey,
    account_id: &AccountId,
    refreshed: &Refreshed<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE integrated_accounts SET credentials = $1, expires_at = $2, updated_at = $3, \
         refresh_lease_until = NULL, metadata = $5 WHERE account_id = $4",
    )
    .bind(
        refreshed
            .credentials
            .seal(key, account_id)
            .map_err(|e| sqlx::Error::Encode(e.into()))?,
    )
    .bind(refreshed.expires_at)
    .bind(now)
    .bind(account_id)
    .bind(metadata_json(refreshed.metadata)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the account and its credentials for good; `false` when it was gone already.
pub async fn delete(conn: &mut Conn, account_id: &AccountId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM integrated_accounts WHERE account_id = $1")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// An account the background pass should refresh, verify again, or both.
pub struct Due {
    pub account_id: AccountId,
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
    let rows: Vec<(AccountId, Option<i64>, i64)> = sqlx::query_as(
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
