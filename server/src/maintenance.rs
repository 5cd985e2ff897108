//! The background pass that keeps accounts alive without waiting for a caller: it
//! refreshes tokens about to expire and verifies accounts whose last verification is
//! older than `server.reverify_after`. Every instance may run it; the refresh lease and
//! idempotent verification make overlapping passes harmless.

use std::time::Duration;

use crate::lifecycle::{ensure_fresh, reverify};
use crate::state::AppState;
use crate::store::accounts;

/// Refresh this long ahead in the background, so callers rarely wait for a refresh.
const BACKGROUND_MARGIN_SECS: i64 = 5 * 60;
const BATCH: i64 = 100;

pub async fn run(state: AppState) {
    let every = state.config.server.maintenance_interval;
    if every == 0 {
        return std::future::pending().await;
    }
    let mut ticker = tokio::time::interval(Duration::from_secs(every));
    loop {
        ticker.tick().await;
        if let Err(err) = pass(&state).await {
            tracing::warn!(error = %err, "maintenance pass failed; retrying next tick");
        }
    }
}

async fn pass(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now();
    let stale_before = now - state.config.server.reverify_after;
    let due = accounts::due_for_maintenance(&state.pool, now + BACKGROUND_MARGIN_SECS, stale_before, BATCH).await?;
    for due in due {
        let account_id = due.account_id;
        // Failures are already recorded on the account (needs_reauth, verification_failed)
        // and reported to the host by webhook; the pass just moves on.
        if due.expiring
            && let Err(err) = ensure_fresh(state, &account_id, BACKGROUND_MARGIN_SECS).await
        {
            tracing::info!(%account_id, error = %err, "background refresh did not succeed");
            continue;
        }
        if due.stale
            && let Err(err) = reverify(state, &account_id).await
        {
            tracing::info!(%account_id, error = %err, "background verification did not run");
        }
    }
    Ok(())
}
