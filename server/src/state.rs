//! The one cheap-to-clone value every handler gets through axum's `State`.

use std::ops::Deref;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::MasterKey;
use crate::db::Pool;
use crate::deployments::Deployments;
use crate::group_commit::GroupCommit;
use crate::http::console::store::ConsoleSessions;
use crate::limits::Limits;
use crate::store::link_tokens::LinkTokenRow;
use crate::store::logs;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    pub catalog: Catalog,
    pub deployments: Deployments,
    pub pool: Pool,
    /// The rows many requests write at once, group-committed.
    pub writes: Writes,
    pub key: MasterKey,
    /// Outbound client for token exchanges and verification calls. Redirects are off:
    /// a provider's redirect must not steer our credentials elsewhere (SSRF).
    pub http: reqwest::Client,
    /// The proxy's client: as `http`, but it connects only to public addresses.
    pub proxy_http: reqwest::Client,
    /// SHA-256 of the API keys from the configuration.
    pub configured_api_keys: Vec<String>,
    /// `public_url` without a trailing slash.
    pub base_url: String,
    /// Origin of `public_url`.
    pub own_origin: String,
    /// Host origins allowed to embed the widget.
    pub allowed_origins: Vec<String>,
    /// Wakes the webhook worker when an event is queued.
    pub webhook_wakeup: tokio::sync::Notify,
    /// Rate limits of this instance.
    pub limits: Limits,
    /// The time every expiry and retry is measured by (tests move it).
    pub clock: Clock,
    /// Where operators' console sessions are kept.
    pub console_sessions: ConsoleSessions,
}

/// One writer per kind of row that arrives in bursts (see `group_commit`).
pub struct Writes {
    pub link_tokens: GroupCommit<LinkTokenRow>,
    pub logs: GroupCommit<logs::Entry>,
}

impl Writes {
    pub fn start(pool: &Pool) -> Self {
        Self {
            link_tokens: GroupCommit::start(pool.clone()),
            logs: GroupCommit::start(pool.clone()),
        }
    }
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        Self(Arc::new(inner))
    }

    /// Whether a page of `origin` may run a connect attempt.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        origin == self.own_origin || self.allowed_origins.iter().any(|o| o == origin)
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
