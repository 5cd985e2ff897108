//! Group commit for the rows many requests write at once (link tokens, proxy log
//! entries). One task per kind of row writes them: whatever has queued while the last
//! batch was committing goes into the next one, as one multi-row `INSERT`, so one
//! statement and one fsync acknowledge them all. Writers of this instance wait in a queue
//! instead of in SQLite's busy handler, which sleeps in steps of up to 100 ms and made
//! the tail of `POST /link-token` hundreds of ms long. A caller of
//! [`GroupCommit::write`] hears back only once its row is committed: nothing
//! acknowledged is less durable than before.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use tokio::sync::{mpsc, oneshot};

use crate::db::{Conn, Pool};

/// A query on either backend, as rows bind their values into it.
pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// A kind of row that can be written many at a time.
pub trait Rows: Sized + Send + Sync + 'static {
    /// `INSERT INTO table (a, b, …)`: a batch adds its `VALUES`.
    const INSERT: &'static str;
    /// How many values [`Rows::bind`] binds: one per column of [`Rows::INSERT`].
    const COLUMNS: usize;
    /// Binds this row's values, in the order of [`Rows::INSERT`]'s columns.
    fn bind<'q>(&'q self, query: AnyQuery<'q>) -> AnyQuery<'q>;
}

/// The most rows in one statement: bounds how long the first of them waits, and the
/// statement's bind parameters (SQLite allows 32,766).
pub const MAX_BATCH: usize = 256;
/// Rows waiting beyond this make writers wait for room (back-pressure, not memory).
const QUEUE: usize = 4096;

struct Job<R> {
    row: R,
    /// `None` when nobody waits for the outcome (log entries).
    done: Option<oneshot::Sender<sqlx::Result<()>>>,
}

pub struct GroupCommit<R> {
    queue: mpsc::Sender<Job<R>>,
}

impl<R: Rows> GroupCommit<R> {
    /// Starts the writer task; it ends when the `GroupCommit` is dropped.
    pub fn start(pool: Pool) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(writer(pool, jobs));
        Self { queue }
    }

    /// Writes `row` and returns once it is committed (or failed).
    pub async fn write(&self, row: R) -> sqlx::Result<()> {
        let (done, outcome) = oneshot::channel();
        let job = Job { row, done: Some(done) };
        self.queue.send(job).await.map_err(|_| sqlx::Error::PoolClosed)?;
        outcome.await.map_err(|_| sqlx::Error::PoolClosed)?
    }

    /// Writes `row` without waiting; a failure is logged, not returned.
    pub async fn write_later(&self, row: R) {
        if self.queue.send(Job { row, done: None }).await.is_err() {
            tracing::warn!("a row was dropped: the writer has stopped");
        }
    }
}

async fn writer<R: Rows>(pool: Pool, mut jobs: mpsc::Receiver<Job<R>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The writer keeps its connection: SQLite drops a connection's page cache whenever
    // another connection wrote, so a batch on a fresh connection reads its pages again.
    let mut conn = None;
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (rows, waiting): (Vec<R>, Vec<_>) = batch.drain(..).map(|job| (job.row, job.done)).unzip();
        let together = rows.len() > 1 && commit(&pool, &mut conn, &rows).await.is_ok();
        for (i, done) in waiting.into_iter().enumerate() {
            // A batch that failed is written row by row: one bad row must not fail the rest.
            let outcome = if together {
                Ok(())
            } else {
                commit(&pool, &mut conn, &rows[i..=i]).await
            };
            report(done, outcome);
        }
    }
}

async fn commit<R: Rows>(pool: &Pool, conn: &mut Option<PoolConnection<Any>>, rows: &[R]) -> sqlx::Result<()> {
    let held = match conn {
        Some(held) => held,
        None => conn.insert(pool.acquire().await?),
    };
    let outcome = insert(held, rows).await;
    if outcome.is_err() {
        // It may be broken (the database went away): the next batch takes a fresh one.
        *conn = None;
    }
    outcome
}

/// Inserts `rows` in one statement: atomic on both backends without `BEGIN` and `COMMIT`,
/// which would cost two more round trips to the database (on SQLite, to its
/// connection's thread). Also for one row inside a caller's transaction.
pub async fn insert<R: Rows>(conn: &mut Conn, rows: &[R]) -> sqlx::Result<()> {
    let values = placeholders(conn.backend_name(), rows.len(), R::COLUMNS);
    let sql = format!("{} VALUES {values}", R::INSERT);
    rows.iter()
        .fold(sqlx::query(&sql), |query, row| row.bind(query))
        .execute(conn)
        .await?;
    Ok(())
}

fn report(done: Option<oneshot::Sender<sqlx::Result<()>>>, outcome: sqlx::Result<()>) {
    match done {
        // The caller may have gone (its request was cancelled): the row stays written.
        Some(done) => drop(done.send(outcome)),
        None => {
            if let Err(err) = outcome {
                tracing::warn!(error = %err, "a background row was not written");
            }
        }
    }
}

/// The `VALUES` of a multi-row `INSERT` whose parameters are bound row after row:
/// `($1, $2), ($3, $4)` on PostgreSQL, `(?, ?), (?, ?)` on SQLite. SQLite looks a named
/// parameter up by scanning a list of all of them, so a batch's thousands of `$n` cost
/// time that grows with their square; anonymous ones are bound by position.
fn placeholders(backend: &str, rows: usize, columns: usize) -> String {
    let value = |n: usize| {
        if backend == "SQLite" {
            "?".to_owned()
        } else {
            format!("${n}")
        }
    };
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=columns).map(|c| value(row * columns + c)).collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use plugboard_shared::TenantId;

    use super::{GroupCommit, placeholders};
    use crate::crypto::{sorted_token_key, time_ordered_id, time_ordered_token};
    use crate::db;
    use crate::store::link_tokens::LinkTokenRow;

    fn link_token() -> LinkTokenRow {
        LinkTokenRow {
            id: Some(time_ordered_id("ltk_")),
            token_hash: sorted_token_key(&time_ordered_token("lt_")),
            tenant_id: TenantId::parse("wal-test").unwrap(),
            deployment_id: None,
            category: None,
            owner_name: None,
            username: None,
            redirect_uri: None,
            created_at: 0,
            expires_at: 1,
            revoked_at: None,
            account_id: None,
            allow_disconnect: 0,
            created_by: None,
            used_at: None,
        }
    }

    /// Under load a batch is always in flight, so no checkpoint finds the writer paused:
    /// the WAL must still be rewound rather than grow with every row ever written.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_that_never_pauses_keeps_the_sqlite_wal_small() {
        let dir = tempfile::tempdir().unwrap();
        let pool = db::connect(&format!("sqlite://{}/p.db", dir.path().display()))
            .await
            .unwrap();
        let writes = Arc::new(GroupCommit::<LinkTokenRow>::start(pool.clone()));
        let writers: Vec<_> = (0..32)
            .map(|_| {
                let writes = writes.clone();
                tokio::spawn(async move {
                    for _ in 0..500 {
                        writes.write(link_token()).await.unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM link_tokens")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(stored, 16_000);
        let wal = std::fs::metadata(dir.path().join("p.db-wal")).unwrap().len();
        // SQLite checkpoints at 1,000 pages of 4 KiB; the commit that crosses it adds a few.
        assert!(wal < 5_000_000, "the WAL grew to {wal} bytes");
    }

    #[test]
    fn placeholders_number_every_value_in_order_on_postgres() {
        assert_eq!(placeholders("PostgreSQL", 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders("PostgreSQL", 1, 1), "($1)");
    }

    #[test]
    fn placeholders_are_positional_on_sqlite() {
        assert_eq!(placeholders("SQLite", 2, 2), "(?, ?), (?, ?)");
    }
}
