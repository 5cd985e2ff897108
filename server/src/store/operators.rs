//! Operators of the console: an e-mail, a role and an argon2id password hash.

use plugboard_shared::console::Role;

use crate::db::Pool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorRow {
    pub operator_id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
}

impl OperatorRow {
    /// The stored role; an unknown one (a row written by a later version) may do nothing
    /// more than support.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Support)
    }
}

pub async fn insert(pool: &Pool, row: &OperatorRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO operators (operator_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&row.operator_id)
    .bind(&row.email)
    .bind(&row.password_hash)
    .bind(&row.role)
    .bind(row.created_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// By e-mail, compared without case (people type `Ana@…` and `ana@…`).
pub async fn find_by_email(pool: &Pool, email: &str) -> sqlx::Result<Option<OperatorRow>> {
    sqlx::query_as("SELECT * FROM operators WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(pool)
        .await
}

pub async fn find(pool: &Pool, operator_id: &str) -> sqlx::Result<Option<OperatorRow>> {
    sqlx::query_as("SELECT * FROM operators WHERE operator_id = $1")
        .bind(operator_id)
        .fetch_optional(pool)
        .await
}
