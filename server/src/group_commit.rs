//! Group commit for the rows many requests write at once (link tokens, proxy log
//! entries). One task per kind of row writes them: whatever has queued while the last
//! transaction was committing goes into the next one, as one multi-row `INSERT`, so one
//! statement and one fsync acknowledge them all. Writers of this instance wait in a queue
//! instead of in SQLite's busy handler, which sleeps in steps of up to 100 ms and made
//! the tail of `POST /link-token` hundreds of ms long. A caller of
//! [`GroupCommit::write`] hears back only once its row is committed: nothing
//! acknowledged is less durable than before.

use futures_util::future::BoxFuture;
use sqlx::Any;
use sqlx::pool::PoolConnection;
use tokio::sync::{mpsc, oneshot};

use crate::db::{self, Conn, Pool};

/// A kind of row that can be written many at a time.
pub trait Rows: Sized + Send + Sync + 'static {
    /// Inserts all of `rows` (at most [`MAX_BATCH`]) on `conn`.
    fn insert_all<'c>(rows: &'c [Self], conn: &'c mut Conn) -> BoxFuture<'c, sqlx::Result<()>>;
}

/// The most rows in one transaction: bounds how long the first of them waits, and the
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
    let outcome = write(held, rows).await;
    if outcome.is_err() {
        // It may be broken (the database went away): the next batch takes a fresh one.
        *conn = None;
    }
    outcome
}

async fn write<R: Rows>(conn: &mut Conn, rows: &[R]) -> sqlx::Result<()> {
    let mut tx = db::begin_write_on(conn).await?;
    R::insert_all(rows, &mut tx).await?;
    tx.commit().await
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

/// `($1, $2, $3), ($4, $5, $6)` for `rows` rows of `columns` values: the `VALUES` of a
/// multi-row `INSERT` whose parameters are bound row after row.
pub fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=columns).map(|c| format!("${}", row * columns + c)).collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_value_in_order() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(1, 1), "($1)");
    }
}
