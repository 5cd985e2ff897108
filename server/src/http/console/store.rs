//! Where console sessions live: the database the rest of Plugboard uses, so any instance
//! serves any operator. tower-sessions' sqlx stores take a typed pool, so the console opens
//! a small one of its own next to the `Any` pool; this enum picks the store by backend.

use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Debug, Clone)]
pub enum ConsoleSessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl ConsoleSessions {
    /// Opens the store on `database_url` and creates its table when missing.
    pub async fn open(database_url: &str) -> anyhow::Result<Self> {
        let store = if database_url.starts_with("sqlite:") {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(2)
                .connect(database_url)
                .await?;
            let store = SqliteStore::new(pool);
            store.migrate().await?;
            Self::Sqlite(store)
        } else {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .connect(database_url)
                .await?;
            let store = PostgresStore::new(pool);
            store.migrate().await?;
            Self::Postgres(store)
        };
        Ok(store)
    }

    /// Deletes expired sessions every `period`, for as long as the server runs.
    pub async fn delete_expired_every(self, period: Duration) {
        let result = match self {
            Self::Sqlite(store) => store.continuously_delete_expired(period).await,
            Self::Postgres(store) => store.continuously_delete_expired(period).await,
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, "expired console sessions are no longer deleted");
        }
    }
}

#[async_trait]
impl SessionStore for ConsoleSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.create(record).await,
            Self::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.save(record).await,
            Self::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(store) => store.load(id).await,
            Self::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(store) => store.delete(id).await,
            Self::Postgres(store) => store.delete(id).await,
        }
    }
}
