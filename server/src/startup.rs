//! Builds the server from a [`Config`]; `main` and the integration tests share it, and
//! tests bind port 0.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::config::{Config, Mode};
use crate::crypto::{MasterKey, random_key, token_hash};
use crate::deployments::Deployments;
use crate::http::console::store::ConsoleSessions;
use crate::limits::Limits;
use crate::state::{AppState, Inner, Writes};
use crate::{db, http, serve};

/// A bound, ready-to-serve server.
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    listener: TcpListener,
}

impl Server {
    /// Opens the database, loads the catalog, binds `server.bind`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.server.bind)
            .await
            .with_context(|| format!("cannot listen on {} (server.bind)", config.server.bind))?;
        Self::build_on(config, listener).await
    }

    /// Same as [`Server::build`] on a socket bound already: tests bind port 0 first so
    /// `public_url` can name the real port.
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let key = master_key(&config)?;
        let base_url = config.base_url();
        let catalog = Catalog::load(&config.providers, config.sandbox_enabled(), &base_url)?;
        let deployments = Deployments::resolve(&config, &catalog, &key)?;
        let pool = db::connect(&config.server.database_url).await?;
        let console_sessions = ConsoleSessions::open(&db::prepared_url(&config.server.database_url)?).await?;
        if config.server.mode == Mode::Production {
            check_production(&config, &pool).await?;
        }
        let addr = listener.local_addr()?;
        let http = outbound_client(&config)?.build()?;
        // The proxy's URLs are filled with values from outside: only public addresses.
        let proxy_http = outbound_client(&config)?
            .dns_resolver(std::sync::Arc::new(crate::public_only::PublicOnly))
            .build()?;
        let state = AppState::new(Inner {
            configured_api_keys: config
                .security
                .api_keys
                .iter()
                .map(|k| token_hash(k.expose_secret()))
                .collect(),
            own_origin: config.own_origin(),
            webhook_wakeup: tokio::sync::Notify::new(),
            limits: Limits::new(&config.limits, &config.server.trusted_proxies),
            clock: Clock::default(),
            console_sessions,
            allowed_origins: config.allowed_origins(),
            base_url,
            catalog,
            deployments,
            writes: Writes::start(&pool),
            pool,
            key,
            http,
            proxy_http,
            config,
        });
        Ok(Self { addr, state, listener })
    }

    /// Serves until Ctrl-C / SIGTERM.
    pub async fn run(self) -> anyhow::Result<()> {
        // The background workers live exactly as long as the server: dropping this
        // future (shutdown, or a test aborting it) stops them all.
        let webhooks = crate::webhooks::run_worker(self.state.clone());
        let maintenance = crate::maintenance::run(self.state.clone());
        let limits = forget_idle_limits(self.state.clone());
        let sessions = self
            .state
            .console_sessions
            .clone()
            .delete_expired_every(Duration::from_secs(3600));
        let client_timeout = self.state.config.client_timeout();
        let app = http::router(self.state);
        tokio::select! {
            () = serve::serve(self.listener, app, client_timeout, shutdown_signal()) => {}
            () = webhooks => {}
            () = maintenance => {}
            () = limits => {}
            () = sessions => {}
        }
        Ok(())
    }
}

/// The client for every call to a provider or a webhook receiver. Redirects are off (a
/// provider's redirect must not steer credentials elsewhere); TLS trusts the operating
/// system's certificates plus `security.extra_ca_file`; nothing waits forever.
fn outbound_client(config: &Config) -> anyhow::Result<reqwest::ClientBuilder> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(config.provider_timeout());
    if let Some(path) = &config.security.extra_ca_file {
        let pem = std::fs::read(path).with_context(|| format!("security.extra_ca_file {}", path.display()))?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem)
            .with_context(|| format!("security.extra_ca_file {}: not PEM certificates", path.display()))?;
        anyhow::ensure!(
            !certificates.is_empty(),
            "security.extra_ca_file {} holds no certificate",
            path.display()
        );
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    Ok(builder)
}

/// What production refuses to start without, and what it warns about.
async fn check_production(config: &Config, pool: &db::Pool) -> anyhow::Result<()> {
    if config.security.api_keys.is_empty() && crate::store::api_keys::count(pool).await? == 0 {
        anyhow::bail!(
            "no API key: the backend API would be unusable. Create one with \
             `plugboard api-key create --label backend` (printed once, stored hashed) or list keys in \
             security.api_keys; for a local trial, run with --dev"
        );
    }
    if config.sandbox_enabled() {
        tracing::warn!(
            "server.sandbox = true in production: the sandbox provider's apps and routes are served; \
             turn it off unless this server is a staging instance"
        );
    }
    Ok(())
}

/// Every minute, drops rate-limit counts that are back at full allowance.
async fn forget_idle_limits(state: AppState) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        ticker.tick().await;
        state.limits.forget_idle();
    }
}

/// The current key plus any being rotated out.
pub fn master_key(config: &Config) -> anyhow::Result<MasterKey> {
    let previous = config
        .security
        .previous_master_keys
        .iter()
        .enumerate()
        .map(|(i, text)| {
            MasterKey::from_base64(text.expose_secret()).with_context(|| format!("security.previous_master_keys[{i}]"))
        });
    Ok(current_master_key(config)?.with_previous(previous.collect::<anyhow::Result<_>>()?))
}

/// The key from the configuration, else from its file, else a new file for local use.
fn current_master_key(config: &Config) -> anyhow::Result<MasterKey> {
    if let Some(text) = &config.security.master_key {
        return MasterKey::from_base64(text.expose_secret()).context("security.master_key / PLUGBOARD_MASTER_KEY");
    }
    let path = &config.security.master_key_file;
    if !path.exists() {
        create_key_file(path)?;
        tracing::warn!(path = %path.display(), "created a new master key; back it up, credentials cannot be read without it");
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    MasterKey::from_base64(&text).with_context(|| format!("security.master_key_file {}", path.display()))
}

fn create_key_file(path: &Path) -> anyhow::Result<()> {
    use base64::Engine;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let text = base64::engine::general_purpose::STANDARD.encode(random_key());
    write_private(path, &text).with_context(|| format!("cannot create {}", path.display()))
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

async fn shutdown_signal() {
    let ctrl_c = async { tokio::signal::ctrl_c().await.ok() };
    #[cfg(unix)]
    let terminate = async {
        let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        match signal.as_mut() {
            Some(s) => s.recv().await,
            None => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<Option<()>>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
