//! The built-in sandbox provider, so the whole product runs and is tested offline. It is
//! a real OAuth 2.0 authorization server (`oauth.rs`: a login page with Allow / Deny,
//! single-use codes bound to the PKCE challenge and redirect URI, refresh and client
//! credentials grants, revocation) and a small API (`api.rs`: who am I, records with
//! paging, an echo of what arrived, a switch that answers 429 or 503) that the proxy and
//! the tests call as a host's backend would call a real provider. Users named for a fault
//! (`faults.rs`: `token-500`, `verify-timeout`…) make it fail the way providers do.
//!
//! Codes and tokens are self-contained and signed with a key derived from the master key,
//! so any instance can check them; only redeemed codes are written down.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::crypto::hmac_raw;
use crate::state::AppState;

mod api;
mod faults;
mod oauth;

/// This user's tokens are rejected by `/me`, to show the verification-failure path.
pub const FAIL_VERIFY_USER: &str = "fail-verify";
/// This user's refresh grants are refused, to show the `needs_reauth` path.
pub const REFRESH_FAILS_USER: &str = "refresh-fails";
/// This user's access tokens stop working after a minute, though the token response
/// announces the configured lifetime: a provider that revokes early, for the proxy's
/// 401-then-refresh path.
pub const SHORT_LIVED_USER: &str = "short-lived";
/// Prefix of API keys the sandbox accepts.
pub const API_KEY_PREFIX: &str = "sk_sandbox_";
const CODE_LIFETIME_SECS: i64 = 60;
const REFRESH_LIFETIME_SECS: i64 = 30 * 24 * 3600;
/// The client secret the client-credentials grant accepts, with any client id.
pub const CC_SECRET: &str = "sandbox-secret";
/// The password basic auth accepts, with any username.
pub const BASIC_PASSWORD: &str = "sandbox";

/// The sandbox plays a third-party provider: its routes take that provider's credentials
/// (or none), never ours.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(oauth::login_page, oauth::decide))
        .routes(routes!(oauth::token))
        .routes(routes!(oauth::revoke))
        .routes(routes!(api::me))
        .routes(routes!(api::whoami))
        .routes(routes!(api::records))
        .routes(routes!(api::instance_records))
        .routes(routes!(api::echo))
        .routes(routes!(api::flaky))
        .routes(routes!(api::stats))
}

/// A signed, self-contained grant: what kind, for whom, until when, bound to what.
#[derive(Debug, Serialize, Deserialize)]
struct Grant {
    kind: String,
    user: String,
    exp: i64,
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    redirect_uri: String,
}

impl Grant {
    fn new(kind: &str, user: &str, now: i64, lifetime_secs: i64) -> Self {
        let exp = now + lifetime_secs;
        Self {
            kind: kind.into(),
            user: user.into(),
            exp,
            challenge: String::new(),
            redirect_uri: String::new(),
        }
    }
}

fn sign(state: &AppState, grant: &Grant) -> String {
    // A grant that cannot be written signs as an empty body, which no check accepts.
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(grant).unwrap_or_default());
    let sig = URL_SAFE_NO_PAD.encode(hmac_raw(&state.key.derive("sandbox tokens"), body.as_bytes()));
    format!("sbx.{body}.{sig}")
}

fn open(state: &AppState, token: &str, kind: &str) -> Option<Grant> {
    let (body, sig) = token.strip_prefix("sbx.")?.split_once('.')?;
    let expected = URL_SAFE_NO_PAD.encode(hmac_raw(&state.key.derive("sandbox tokens"), body.as_bytes()));
    // Constant-time: the signature is a secret-derived value.
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes())) {
        return None;
    }
    let grant: Grant = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (grant.kind == kind && grant.exp > state.clock.now()).then_some(grant)
}

/// Counts what tests want to assert on ("exactly one refresh reached the provider").
async fn bump(state: &AppState, name: &str) -> i64 {
    let sql = "INSERT INTO sandbox_counters (name, value) VALUES ($1, 1) \
               ON CONFLICT (name) DO UPDATE SET value = sandbox_counters.value + 1 RETURNING value";
    match sqlx::query_as::<_, (i64,)>(sql).bind(name).fetch_one(&state.pool).await {
        Ok((value,)) => value,
        Err(err) => {
            tracing::warn!(error = %err, "sandbox counter not updated");
            0
        }
    }
}
