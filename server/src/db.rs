//! The connection pool. `sqlx::Any` lets one code path serve SQLite (one instance, the
//! default) and PostgreSQL (several instances); the backend is picked from the URL.

use std::str::FromStr;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

pub type Pool = AnyPool;
/// One connection, or a transaction (`&mut *tx`): what store functions that write take.
pub type Conn = sqlx::AnyConnection;

/// Opens the database (creating a SQLite file and its folder when missing) and migrates it.
pub async fn connect(url: &str) -> anyhow::Result<Pool> {
    install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite { prepare_sqlite(url)? } else { url.to_owned() };
    let pool = AnyPoolOptions::new()
        .max_connections(if sqlite { 10 } else { 16 })
        // A database that stops answering (no reset, just silence) fails requests with
        // 503 in seconds instead of holding them for sqlx's default 30.
        .acquire_timeout(std::time::Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    // WAL lets readers run beside the writer; foreign keys are off by default.
                    // SQLite's own checkpoint (in the commit that takes the WAL past 1,000
                    // pages) is what keeps the WAL small: a checkpoint beside a writer that
                    // never pauses copies the pages but cannot rewind the WAL, which grew by
                    // 50 MB a second under `POST /link-token` load.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA cache_size = -32768;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let migrator = if sqlite {
        sqlx::migrate!("migrations/sqlite")
    } else {
        sqlx::migrate!("migrations/postgres")
    };
    migrator.run(&pool).await.context("database migration failed")?;
    Ok(pool)
}

/// `url` as [`connect`] opens it (a SQLite file is created when missing), for the other
/// pools that share the database (console sessions).
pub fn prepared_url(url: &str) -> anyhow::Result<String> {
    if url.starts_with("sqlite:") {
        prepare_sqlite(url)
    } else {
        Ok(url.to_owned())
    }
}

fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).context("bad sqlite URL")?;
    if let Some(parent) = options.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("redacted"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a transaction that read first could not upgrade once another writer had
/// committed, and would fail instead of waiting its turn.
pub async fn begin_write(pool: &Pool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

/// `true` when the error is a unique-constraint violation (both backends).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
