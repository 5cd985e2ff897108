//! Link tokens, stored by hash; the public `id` names one for revocation.

use plugboard_shared::{AccountId, DeploymentId, TenantId};

use crate::db::Pool;
use crate::group_commit::{AnyQuery, Rows};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkTokenRow {
    /// `ltk_…`: safe to show and log, unlike the token.
    pub id: Option<String>,
    pub token_hash: String,
    pub tenant_id: TenantId,
    pub deployment_id: Option<DeploymentId>,
    pub category: Option<String>,
    pub owner_name: Option<String>,
    pub username: Option<String>,
    pub redirect_uri: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    /// Reconnect / update mode (see `LinkTokenRequest::account_id`).
    pub account_id: Option<AccountId>,
    /// 1 when the person may disconnect accounts from the widget.
    pub allow_disconnect: i64,
    /// `api`, or the e-mail of the operator who made it in the console.
    pub created_by: Option<String>,
    /// When the widget first used it.
    pub used_at: Option<i64>,
}

impl LinkTokenRow {
    /// Whether this session may disconnect accounts.
    pub fn allows_disconnect(&self) -> bool {
        self.allow_disconnect != 0
    }
}

/// Issued tokens are group-committed: many arrive at once (see `group_commit`).
impl Rows for LinkTokenRow {
    const INSERT: &'static str = "INSERT INTO link_tokens (id, token_hash, tenant_id, deployment_id, category, \
        owner_name, username, redirect_uri, created_at, expires_at, revoked_at, account_id, allow_disconnect, created_by)";
    const COLUMNS: usize = 14;

    fn bind<'q>(&'q self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        query
            .bind(&self.id)
            .bind(&self.token_hash)
            .bind(&self.tenant_id)
            .bind(&self.deployment_id)
            .bind(&self.category)
            .bind(&self.owner_name)
            .bind(&self.username)
            .bind(&self.redirect_uri)
            .bind(self.created_at)
            .bind(self.expires_at)
            .bind(self.revoked_at)
            .bind(&self.account_id)
            .bind(self.allow_disconnect)
            .bind(&self.created_by)
    }
}

pub async fn find(pool: &Pool, token_hash: &str) -> sqlx::Result<Option<LinkTokenRow>> {
    sqlx::query_as("SELECT * FROM link_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(pool)
        .await
}

/// Notes the first use of a token (the console's "used" column).
pub async fn mark_used(pool: &Pool, token_hash: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE link_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// The newest `limit` tokens, newest first: ids begin with their creation time, so this
/// reads the end of their index.
pub async fn recent(pool: &Pool, limit: i64) -> sqlx::Result<Vec<LinkTokenRow>> {
    sqlx::query_as("SELECT * FROM link_tokens ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// Revokes the token with this public id; `false` when there is none.
pub async fn revoke(pool: &Pool, id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE link_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}
