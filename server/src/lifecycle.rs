//! Keeping integrated accounts alive: verifying them again, handing the host fresh
//! credentials (refreshing first when needed, one refresh at a time per account across
//! every instance), and deleting them with revocation at the provider.

use std::time::{Duration, Instant};

use plugboard_shared::{AccountId, AccountStatus};

use crate::catalog::ProviderDef;
use crate::connect_metadata;
use crate::credentials::Credentials;
use crate::db;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::oauth_client::{self, credentials_from};
use crate::state::AppState;
use crate::store::accounts::{self, AccountRow};
use crate::store::logs::{self, Event};
use crate::verify::{Verification, verify_authorization};
use crate::webhooks::{self, AccountEvent};

/// Refresh this long before expiry, so a token handed out is good for a while.
pub const REFRESH_MARGIN_SECS: i64 = 60;
/// How long a refresh may hold the lease; a crashed holder blocks no longer than this.
const LEASE_SECS: i64 = 30;
/// How long a caller waits for another caller's refresh before giving up.
const LEASE_WAIT: Duration = Duration::from_secs(LEASE_SECS as u64 + 5);

/// An account and its provider, loaded together.
pub struct Loaded<'s> {
    pub row: AccountRow,
    pub def: &'s ProviderDef,
    pub credentials: Credentials,
}

pub async fn load<'s>(state: &'s AppState, account_id: &AccountId) -> ApiResult<Loaded<'s>> {
    let row = accounts::find(&state.pool, account_id)
        .await?
        .ok_or_else(|| unknown(account_id))?;
    let def = state.catalog.get(&row.app).ok_or_else(|| {
        ErrorCode::AppNotInCatalog.error(format!(
            "app {} is no longer in the catalog; delete the account",
            row.app
        ))
    })?;
    let credentials = Credentials::open(&state.key, &row.credentials, &row.account_id)?;
    Ok(Loaded { row, def, credentials })
}

fn unknown(account_id: &AccountId) -> ApiError {
    ErrorCode::UnknownAccount.error(format!("no account {account_id}"))
}

/// Runs the verification call again and records its outcome. An account that stops
/// verifying is reported (`account.verification_failed`) in the same transaction.
pub async fn reverify(state: &AppState, account_id: &AccountId) -> ApiResult<AccountRow> {
    let loaded = load(state, account_id).await?;
    let started = Instant::now();
    let verification = verify_authorization(&state.http, loaded.def, &loaded.credentials, &loaded.row.metadata()).await;
    let status = match &verification {
        Verification::Verified { .. } => AccountStatus::Verified,
        Verification::Failed { .. } => AccountStatus::VerificationFailed,
    };
    let ok = status == AccountStatus::Verified;
    let mut tx = db::begin_write(&state.pool).await?;
    // Deleted while the provider answered: nothing left to record.
    if !accounts::set_status(&mut tx, account_id, status, ok, state.clock.now()).await? {
        return Err(unknown(account_id));
    }
    logs::record(&mut tx, account_id, verification.log_event(started), state.clock.now()).await?;
    let row = accounts::find(&mut *tx, account_id)
        .await?
        .ok_or_else(|| unknown(account_id))?;
    let queued = if !ok && loaded.row.status == AccountStatus::Verified {
        webhooks::queue(&mut tx, state, AccountEvent::VerificationFailed, &row.to_api()).await?
    } else {
        false
    };
    tx.commit().await?;
    webhooks::wake(state, queued);
    Ok(row)
}

/// Credentials the host can use now: refreshed first when they expire within a minute.
pub async fn fresh_credentials(state: &AppState, account_id: &AccountId) -> ApiResult<(AccountRow, Credentials)> {
    let started = Instant::now();
    let (row, credentials) = ensure_fresh(state, account_id, REFRESH_MARGIN_SECS).await?;
    let event = Event {
        action: "credentials_read",
        ok: true,
        status_code: None,
        started,
        detail: None,
    };
    logs::record(
        &mut *state.pool.acquire().await?,
        &row.account_id,
        event,
        state.clock.now(),
    )
    .await?;
    Ok((row, credentials))
}

/// Refreshes the account if its token expires within `margin_secs`, at most once: a
/// caller that finds the lease taken waits for that refresh and uses its result.
pub async fn ensure_fresh(
    state: &AppState,
    account_id: &AccountId,
    margin_secs: i64,
) -> ApiResult<(AccountRow, Credentials)> {
    let give_up_at = Instant::now() + LEASE_WAIT;
    let first = load(state, account_id).await?;
    let seen_expiry = first.row.expires_at;
    let mut loaded = first;
    loop {
        if loaded.row.status == AccountStatus::NeedsReauth {
            return Err(needs_reauth());
        }
        // Fresh enough, or renewed by someone else since we first looked.
        if !needs_refresh(&loaded, state.clock.now(), margin_secs) || loaded.row.expires_at != seen_expiry {
            return Ok((loaded.row, loaded.credentials));
        }
        let now = state.clock.now();
        if accounts::take_refresh_lease(&state.pool, &loaded.row.account_id, now, now + LEASE_SECS).await? {
            // Someone may have refreshed between our read and our lease: read again.
            let current = load(state, account_id).await?;
            if current.row.expires_at != seen_expiry {
                accounts::release_refresh_lease(&mut *state.pool.acquire().await?, &current.row.account_id).await?;
            } else {
                refresh(state, &current).await?;
            }
            let renewed = load(state, account_id).await?;
            return Ok((renewed.row, renewed.credentials));
        }
        if Instant::now() > give_up_at {
            return Err(ErrorCode::RefreshInProgress.error("another refresh of this account is taking too long"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        loaded = load(state, account_id).await?;
    }
}

fn needs_reauth() -> ApiError {
    ErrorCode::NeedsReauth.error("the provider refused to renew this account; connect it again")
}

fn needs_refresh(loaded: &Loaded<'_>, now: i64, margin_secs: i64) -> bool {
    let expiring = margin_secs == ALWAYS || loaded.row.expires_at.is_some_and(|at| at <= now + margin_secs);
    expiring && can_refresh(loaded)
}

/// Whether the account can be renewed at all: the provider has the refresh grant and gave
/// a refresh token.
pub fn can_refresh(loaded: &Loaded<'_>) -> bool {
    loaded.def.refresh && loaded.credentials.refresh_token.is_some()
}

/// A margin of [`ensure_fresh`] that refreshes whatever the expiry ("Refresh now").
pub const ALWAYS: i64 = i64::MAX;

/// Renews the account now (the console's "Refresh now"), with the same single-flight
/// lease as any refresh.
pub async fn refresh_now(state: &AppState, account_id: &AccountId) -> ApiResult<AccountRow> {
    if !can_refresh(&load(state, account_id).await?) {
        return Err(ErrorCode::NotRefreshable.error("this account has no refresh token to renew"));
    }
    Ok(ensure_fresh(state, account_id, ALWAYS).await?.0)
}

/// The refresh-token grant (RFC 6749 §6), under the lease the caller holds. A refusal
/// marks the account `needs_reauth`: only the person can fix it.
async fn refresh(state: &AppState, loaded: &Loaded<'_>) -> ApiResult<()> {
    let started = Instant::now();
    let account_id = &loaded.row.account_id;
    let mut metadata = loaded.row.metadata();
    let result = oauth_client::refresh(state, loaded.def, &loaded.credentials, &metadata).await?;
    match result {
        Ok(granted) => {
            let (mut credentials, expires_at) =
                credentials_from(&granted.token, loaded.credentials.fields.clone(), state.clock.now());
            // Providers that do not rotate refresh tokens omit them from the answer.
            credentials.refresh_token = credentials
                .refresh_token
                .or_else(|| loaded.credentials.refresh_token.clone());
            // Values the refresh answer carries again replace the old ones; the rest stay.
            let mut renewed = metadata.clone();
            if connect_metadata::from_token_answer(loaded.def, &granted.answer, &mut renewed).is_ok() {
                metadata = renewed;
            }
            let refreshed = accounts::Refreshed {
                credentials: &credentials,
                expires_at,
                metadata: &metadata,
            };
            let mut tx = db::begin_write(&state.pool).await?;
            accounts::store_refreshed(&mut tx, &state.key, account_id, &refreshed, state.clock.now()).await?;
            let event = Event {
                action: "refresh",
                ok: true,
                status_code: Some(200),
                started,
                detail: None,
            };
            logs::record(&mut tx, account_id, event, state.clock.now()).await?;
            tx.commit().await?;
            Ok(())
        }
        Err(message) => {
            let mut tx = db::begin_write(&state.pool).await?;
            accounts::set_status(
                &mut tx,
                account_id,
                AccountStatus::NeedsReauth,
                false,
                state.clock.now(),
            )
            .await?;
            accounts::release_refresh_lease(&mut tx, account_id).await?;
            let event = Event {
                action: "refresh",
                ok: false,
                status_code: None,
                started,
                detail: Some(&message),
            };
            logs::record(&mut tx, account_id, event, state.clock.now()).await?;
            let queued = match accounts::find(&mut *tx, account_id).await? {
                Some(row) => webhooks::queue(&mut tx, state, AccountEvent::NeedsReauth, &row.to_api()).await?,
                None => false,
            };
            tx.commit().await?;
            webhooks::wake(state, queued);
            tracing::info!(%account_id, "refresh refused; account needs re-authorization");
            Err(needs_reauth())
        }
    }
}

/// Removes the account, its credentials and its log for good (with its webhook event, in
/// one transaction), then revokes the tokens at the provider when the catalog says how
/// (RFC 7009). In that order, a delete that fails keeps a working account rather than one
/// whose tokens are dead; a failed revocation is logged and the account stays gone, as the
/// host asked.
pub async fn delete(state: &AppState, account_id: &AccountId) -> ApiResult<()> {
    let loaded = load(state, account_id).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    // Deleted meanwhile by another request: that one reported it.
    if !accounts::delete(&mut tx, account_id).await? {
        return Err(unknown(account_id));
    }
    logs::delete_for(&mut tx, account_id).await?;
    let queued = webhooks::queue(&mut tx, state, AccountEvent::Deleted, &loaded.row.to_api()).await?;
    tx.commit().await?;
    webhooks::wake(state, queued);
    if let Some(url) = &loaded.def.revoke_url {
        revoke(state, &loaded, url).await;
    }
    Ok(())
}

async fn revoke(state: &AppState, loaded: &Loaded<'_>, url: &str) {
    let token = loaded
        .credentials
        .refresh_token
        .as_ref()
        .or(loaded.credentials.access_token.as_ref());
    let Some(token) = token else { return };
    let mut form = vec![("token", token.clone())];
    let mut request = state.http.post(url).timeout(Duration::from_secs(10));
    if let Some(creds) = state.deployments.credentials(&loaded.def.key) {
        let secret = crate::deployments::expose(&creds.client_secret);
        request = request.basic_auth(&creds.client_id, secret);
        form.push(("client_id", creds.client_id.clone()));
    }
    match request.form(&form).send().await {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => tracing::warn!(app = %loaded.def.key, status = %response.status(), "revocation refused"),
        Err(err) => tracing::warn!(app = %loaded.def.key, error = %err.without_url(), "revocation failed"),
    }
}
