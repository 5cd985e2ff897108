//! Connect attempts. Each step is a conditional UPDATE, so a replayed popup start or a
//! replayed callback finds nothing to update, on one instance or many.

use plugboard_shared::{AccountId, AppKey, AttemptOutcome, ConnectResult, ResultPayload, TenantId};

use crate::db::{Conn, Pool};

/// How long a person has to finish an attempt (RFC 9700 §2.1.1: short-lived, single-use).
pub const ATTEMPT_LIFETIME_SECS: i64 = 10 * 60;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub attempt_id: String,
    pub tenant_id: TenantId,
    pub app: AppKey,
    pub origin: String,
    pub state_hash: Option<String>,
    pub pkce_verifier: Option<String>,
    pub browser_hash: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub result: Option<ConnectResult>,
    /// JSON of the [`ResultPayload`], written with `result`.
    pub payload: Option<String>,
    /// JSON object of non-secret form values (see `catalog::ProviderDef::fields`).
    pub inputs: Option<String>,
    /// The account this attempt re-authorizes or creates with the host's id.
    pub account_id: Option<AccountId>,
    /// Redirect mode: where the callback sends the browser instead of the popup page.
    pub return_to: Option<String>,
}

impl AttemptRow {
    /// Pending, or how it ended (what the popup message said).
    pub fn outcome(&self) -> anyhow::Result<AttemptOutcome> {
        Ok(match (self.result, &self.payload) {
            (Some(result), Some(payload)) => AttemptOutcome::Complete {
                result,
                payload: serde_json::from_str::<ResultPayload>(payload)?,
            },
            _ => AttemptOutcome::Pending,
        })
    }
}

/// A new attempt of `tenant_id` at `app`, run from a page of `origin`.
pub struct NewAttempt<'a> {
    pub attempt_id: &'a str,
    pub tenant_id: &'a TenantId,
    pub app: &'a AppKey,
    pub origin: &'a str,
    pub inputs: Option<&'a str>,
    pub account_id: Option<&'a AccountId>,
    pub return_to: Option<&'a str>,
}

pub async fn create(pool: &Pool, new: &NewAttempt<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO connect_attempts (attempt_id, tenant_id, app, origin, created_at, expires_at, inputs, account_id, \
         return_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.attempt_id)
    .bind(new.tenant_id)
    .bind(new.app)
    .bind(new.origin)
    .bind(now)
    .bind(now + ATTEMPT_LIFETIME_SECS)
    .bind(new.inputs)
    .bind(new.account_id)
    .bind(new.return_to)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find(pool: &Pool, attempt_id: &str) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as("SELECT * FROM connect_attempts WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_optional(pool)
        .await
}

pub async fn find_by_state(pool: &Pool, state_hash: &str) -> sqlx::Result<Option<AttemptRow>> {
    sqlx::query_as("SELECT * FROM connect_attempts WHERE state_hash = $1")
        .bind(state_hash)
        .fetch_optional(pool)
        .await
}

/// Binds the attempt to its `state`, PKCE verifier and browser; `false` when it was
/// already started or has expired.
pub async fn start(
    pool: &Pool,
    attempt_id: &str,
    state_hash: &str,
    pkce_verifier: &str,
    browser_hash: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE connect_attempts SET state_hash = $1, pkce_verifier = $2, browser_hash = $3, started_at = $4 \
         WHERE attempt_id = $5 AND started_at IS NULL AND expires_at > $6",
    )
    .bind(state_hash)
    .bind(pkce_verifier)
    .bind(browser_hash)
    .bind(now)
    .bind(attempt_id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the attempt for finishing; `false` when someone (a replayed callback) already did.
pub async fn claim(pool: &Pool, attempt_id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE connect_attempts SET finished_at = $1, pkce_verifier = NULL \
         WHERE attempt_id = $2 AND finished_at IS NULL",
    )
    .bind(now)
    .bind(attempt_id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records how the attempt ended, for `GET /widget/attempts/{id}`.
pub async fn record_outcome(
    conn: &mut Conn,
    attempt_id: &str,
    result: ConnectResult,
    payload: &ResultPayload,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE connect_attempts SET result = $1, payload = $2 WHERE attempt_id = $3")
        .bind(result)
        .bind(serde_json::to_string(payload)?)
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}
