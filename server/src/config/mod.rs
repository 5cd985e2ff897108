//! Typed configuration: defaults, then the optional TOML file, then `PLUGBOARD_<SECTION>_<KEY>`
//! environment variables. Bad input stops start-up with a message naming the source, the
//! key and the fix, because an operator reads it once, in a terminal, at deploy time.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use ipnet::IpNet;
use plugboard_shared::{AppKey, DeploymentId};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

use crate::catalog::ProviderDef;

mod env;
#[cfg(test)]
mod properties;

/// Everything the server reads at start-up.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub server: ServerConfig,
    #[serde(default)]
    pub security: SecurityConfig,
    /// Catalog additions and overrides.
    #[serde(default)]
    pub providers: Vec<ProviderDef>,
    /// Client credentials that enable an app, by app key.
    #[serde(default)]
    pub apps: BTreeMap<String, AppCredentials>,
    #[serde(default)]
    pub deployments: Vec<Deployment>,
    #[serde(default)]
    pub webhooks: WebhooksConfig,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub console: ConsoleConfig,
    #[serde(default)]
    pub proxy: ProxyConfig,
}

/// The proxy (`/integrated-accounts/{id}/proxy/…`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProxyConfig {
    /// The longest a proxied call waits in all on 429/503 `Retry-After` before the
    /// provider's answer goes back as it is.
    pub retry_wait_secs: u64,
    /// How long a proxied call may take, its answer's body included.
    pub timeout_secs: u64,
    /// The largest request body a proxied call carries.
    pub max_request_mb: u64,
    /// The largest response body a proxied call hands back (cut off beyond).
    pub max_response_mb: u64,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self {
            retry_wait_secs: 10,
            timeout_secs: 60,
            max_request_mb: 10,
            max_response_mb: 100,
        }
    }
}

/// The operators' console.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// A session unused this long ends.
    pub idle_timeout_minutes: i64,
    /// A session ends this long after sign-in, however active.
    pub session_hours: i64,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            idle_timeout_minutes: 30,
            session_hours: 12,
        }
    }
}

/// What the server is run for. Production is the default of the `plugboard` binary;
/// `cargo xtask run` asks for development (`--dev`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Safe on the internet: no demo page, no key made for you, https, sandbox only on request.
    #[default]
    Production,
    /// A developer's machine: the sandbox, `/demo` (which mints link tokens for anyone who
    /// can reach it, hence loopback only) and a printed development API key.
    Development,
}

/// Abuse limits, per instance (several instances behind a load balancer each count on
/// their own). Past one: `429` with `Retry-After`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// `POST /link-token`, per API key.
    pub link_tokens_per_minute: u32,
    /// `/widget/*`, per link token.
    pub widget_requests_per_minute: u32,
    /// Per client address: routes that take no credential, and every failed API-key or
    /// link-token check.
    pub unauthenticated_per_minute: u32,
    /// How long a client may take to send its request headers, or to send the next piece
    /// of a body it started (slow or stalled clients are cut off, not waited for).
    pub client_timeout_secs: u64,
    /// How long a call to a provider (token exchange, refresh, verification, metadata)
    /// may take before the connect fails with a clear error instead of hanging the popup.
    pub provider_timeout_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        // Generous for a busy product: the point is bounding abuse, not rationing use.
        Self {
            link_tokens_per_minute: 6000,
            widget_requests_per_minute: 300,
            unauthenticated_per_minute: 60,
            client_timeout_secs: 10,
            provider_timeout_secs: 15,
        }
    }
}

/// Where account events are posted, and how they are signed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Receivers; each gets every event.
    pub endpoints: Vec<String>,
    /// HMAC-SHA256 key of the `Plugboard-Signature` header.
    pub secret: Option<SecretString>,
    /// First retry delay; each further retry doubles it, up to an hour.
    pub initial_backoff_secs: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            endpoints: Vec::new(),
            secret: None,
            initial_backoff_secs: 5,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub mode: Mode,
    pub bind: SocketAddr,
    /// Base of redirect URIs, popup and connect URLs.
    pub public_url: Url,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Host pages allowed to embed the widget, as origins (`https://app.example.com`).
    pub allowed_origins: Vec<String>,
    /// The host's own app: never listed.
    pub own_app: Option<String>,
    /// The built-in sandbox provider; unset means on in development only.
    pub sandbox: Option<bool>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (addresses or CIDR blocks).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Lifetime of the sandbox's access tokens; tests shorten it to exercise refresh.
    pub sandbox_token_lifetime: i64,
    /// Seconds between background passes that refresh expiring tokens and verify
    /// accounts again; 0 turns them off.
    pub maintenance_interval: u64,
    /// How old a verification may get before the background pass runs it again.
    pub reverify_after: i64,
    /// Static files (widget loader, wasm bundle, logos, demo page).
    pub public_dir: PathBuf,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            mode: Mode::Production,
            bind: ([127, 0, 0, 1], 8080).into(),
            public_url: Url::parse("http://127.0.0.1:8080").expect("valid default"),
            database_url: "sqlite://data/plugboard.db".into(),
            allowed_origins: Vec::new(),
            own_app: None,
            sandbox: None,
            trusted_proxies: Vec::new(),
            sandbox_token_lifetime: 3600,
            maintenance_interval: 60,
            reverify_after: 24 * 3600,
            public_dir: PathBuf::from("public"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// Read (or created, for local use) when `master_key` is not given.
    pub master_key_file: PathBuf,
    /// Base64 of 32 bytes; also `PLUGBOARD_MASTER_KEY`.
    pub master_key: Option<SecretString>,
    /// Keys being rotated out (base64): still read, never written. See `plugboard keys rotate`.
    pub previous_master_keys: Vec<SecretString>,
    /// Backend API keys, besides those created with `plugboard api-key create`.
    pub api_keys: Vec<SecretString>,
    /// Public id for Integry-style sessions.
    pub app_id: Option<String>,
    /// HMAC secret for Integry-style sessions' `hash`.
    pub app_secret: Option<SecretString>,
    /// Whether Integry-style sessions may disconnect accounts from the widget.
    pub widget_allow_disconnect: bool,
    /// PEM certificates trusted for outbound TLS besides the operating system's store
    /// (providers behind a company CA).
    pub extra_ca_file: Option<PathBuf>,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            master_key_file: PathBuf::from("data/master.key"),
            master_key: None,
            previous_master_keys: Vec::new(),
            api_keys: Vec::new(),
            app_id: None,
            app_secret: None,
            widget_allow_disconnect: false,
            extra_ca_file: None,
        }
    }
}

/// OAuth client credentials for one app.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    /// Name of an environment variable holding the secret.
    pub client_secret_env: Option<String>,
}

/// A named set of enabled apps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    pub id: DeploymentId,
    #[serde(default = "yes")]
    pub active: bool,
    pub apps: Vec<AppKey>,
}

fn yes() -> bool {
    true
}

impl Config {
    /// Reads `path` (if any) and the process environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::from_sources(path, &env)
    }

    /// Same as [`Config::load`] with an explicit environment, for tests.
    pub fn from_sources(path: Option<&Path>, env: &[(String, String)]) -> anyhow::Result<Self> {
        let source = path.map_or_else(|| "the environment".to_owned(), |p| p.display().to_string());
        let text = match path {
            Some(path) => Some(
                std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?,
            ),
            None => None,
        };
        Self::from_text(&source, text.as_deref(), env)
    }

    /// The file's `text` (named `source` in messages), if any, then `env`: what
    /// [`Config::from_sources`] does once the file is read, without the file system.
    fn from_text(source: &str, text: Option<&str>, env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut table = match text {
            Some(text) => text
                .parse::<toml::Table>()
                .with_context(|| format!("{source}: not valid TOML"))?,
            None => toml::Table::new(),
        };
        env::apply_env(&mut table, env)?;
        // serde_path_to_error names the key ("server.sandbox: invalid type…").
        let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| anyhow::anyhow!("{source}: {}: {}", e.path(), e.inner().message()))?;
        config
            .check()
            .with_context(|| format!("invalid configuration in {source}"))?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        let url = &self.server.public_url;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            bail!("server.public_url must be an http(s) URL such as https://connect.example.com");
        }
        if self.server.mode == Mode::Production && url.scheme() != "https" && !is_loopback_host(url) {
            bail!(
                "server.public_url must be https in production (cookies, tokens and codes travel over it); \
                 http is only for a loopback host, or run with server.mode = \"development\""
            );
        }
        if self.server.mode == Mode::Development && !self.server.bind.ip().is_loopback() {
            bail!(
                "server.bind {} is reachable from other machines, but development mode serves /demo, \
                 which hands out link tokens for any tenant: bind 127.0.0.1, or use production mode",
                self.server.bind
            );
        }
        for origin in &self.server.allowed_origins {
            parse_origin(origin).with_context(|| {
                format!("server.allowed_origins: {origin:?} is not an origin like https://app.example.com")
            })?;
        }
        for endpoint in &self.webhooks.endpoints {
            let url = Url::parse(endpoint).with_context(|| format!("webhooks.endpoints: {endpoint:?} is not a URL"))?;
            if !matches!(url.scheme(), "http" | "https") {
                bail!("webhooks.endpoints: {endpoint:?} must be an http(s) URL");
            }
        }
        if !self.webhooks.endpoints.is_empty() && self.webhooks.secret.is_none() {
            bail!("webhooks.secret is required with webhooks.endpoints: receivers check the signature with it");
        }
        self.check_ranges()?;
        let mut seen = std::collections::BTreeSet::new();
        for deployment in &self.deployments {
            if !seen.insert(deployment.id.as_str()) {
                bail!(
                    "deployments: id {:?} appears twice; give each deployment its own id",
                    deployment.id.as_str()
                );
            }
        }
        Ok(())
    }

    /// Durations and sizes the server turns into seconds since the epoch or bytes: past
    /// these bounds that arithmetic overflows (a panic on a request path, or a wrapped
    /// limit), and a duration under them ends every session or token at once.
    fn check_ranges(&self) -> anyhow::Result<()> {
        const YEAR_SECS: i64 = 366 * 24 * 3600;
        const MAX_MB: u64 = 1 << 20;
        let durations = [
            (
                "console.idle_timeout_minutes",
                self.console.idle_timeout_minutes,
                1,
                YEAR_SECS / 60,
            ),
            ("console.session_hours", self.console.session_hours, 1, YEAR_SECS / 3600),
            ("server.reverify_after", self.server.reverify_after, 0, 10 * YEAR_SECS),
            (
                "server.sandbox_token_lifetime",
                self.server.sandbox_token_lifetime,
                1,
                YEAR_SECS,
            ),
        ];
        for (key, value, min, max) in durations {
            if !(min..=max).contains(&value) {
                bail!("{key} = {value} is outside {min}–{max}");
            }
        }
        for (key, value) in [
            ("proxy.max_request_mb", self.proxy.max_request_mb),
            ("proxy.max_response_mb", self.proxy.max_response_mb),
        ] {
            if value > MAX_MB {
                bail!("{key} = {value} is over {MAX_MB} (a terabyte)");
            }
        }
        Ok(())
    }

    /// Whether the built-in sandbox provider runs: as configured, else in development only.
    pub fn sandbox_enabled(&self) -> bool {
        self.server.sandbox.unwrap_or(self.server.mode == Mode::Development)
    }

    /// `limits.provider_timeout_secs`, at least a second.
    pub fn provider_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.limits.provider_timeout_secs.max(1))
    }

    /// `limits.client_timeout_secs`, at least a second.
    pub fn client_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.limits.client_timeout_secs.max(1))
    }

    /// Whether `public_url` is https (Secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.server.public_url.scheme() == "https"
    }

    /// The origin (scheme://host[:port]) of `public_url`.
    pub fn own_origin(&self) -> String {
        self.server.public_url.origin().ascii_serialization()
    }

    /// Allowed host origins in their canonical form.
    pub fn allowed_origins(&self) -> Vec<String> {
        self.server
            .allowed_origins
            .iter()
            .filter_map(|o| parse_origin(o).ok())
            .collect()
    }

    /// `public_url` without a trailing slash, for building absolute URLs.
    pub fn base_url(&self) -> String {
        self.server.public_url.as_str().trim_end_matches('/').to_owned()
    }
}

/// One entry of `server.trusted_proxies`: an address (`10.0.0.7`) or a block (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy(pub IpNet);

impl TryFrom<String> for TrustedProxy {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let text = text.trim();
        text.parse::<IpNet>()
            .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
            .map(Self)
            .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR block such as 10.0.0.0/8"))
    }
}

/// `localhost`, `127.0.0.0/8` or `::1`: a host only this machine reaches.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Canonical `scheme://host[:port]` of an origin string; rejects paths and non-http schemes.
pub fn parse_origin(value: &str) -> anyhow::Result<String> {
    let url = Url::parse(value)?;
    let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !bare {
        bail!("not an origin");
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_production_on_loopback() {
        let config = Config::from_sources(None, &[]).unwrap();
        assert_eq!(config.server.mode, Mode::Production);
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:8080");
        assert!(!config.sandbox_enabled(), "the sandbox is opt-in in production");
        assert_eq!(config.own_origin(), "http://127.0.0.1:8080");
        let dev = Config::from_sources(None, &env(&[("PLUGBOARD_SERVER_MODE", "development")])).unwrap();
        assert!(dev.sandbox_enabled());
    }

    #[test]
    fn production_wants_https_unless_loopback() {
        let public_url = |url: &str, mode: &str| {
            Config::from_sources(
                None,
                &env(&[("PLUGBOARD_SERVER_PUBLIC_URL", url), ("PLUGBOARD_SERVER_MODE", mode)]),
            )
        };
        let err = public_url("http://connect.example.com", "production").unwrap_err();
        assert!(format!("{err:#}").contains("https"), "{err:#}");
        for ok in [
            "https://connect.example.com",
            "http://localhost:8080",
            "http://127.0.0.9",
            "http://[::1]:80",
        ] {
            assert!(public_url(ok, "production").is_ok(), "{ok}");
        }
        assert!(public_url("http://connect.example.com", "development").is_ok());
    }

    #[test]
    fn development_stays_on_loopback() {
        let err = Config::from_sources(
            None,
            &env(&[
                ("PLUGBOARD_SERVER_MODE", "development"),
                ("PLUGBOARD_SERVER_BIND", "0.0.0.0:8080"),
            ]),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("/demo"), "{err:#}");
    }

    #[test]
    fn env_overrides_every_section() {
        let config = Config::from_sources(
            None,
            &env(&[
                ("PLUGBOARD_SERVER_BIND", "127.0.0.1:9999"),
                (
                    "PLUGBOARD_SERVER_ALLOWED_ORIGINS",
                    "http://localhost:3000, https://app.example.com",
                ),
                ("PLUGBOARD_SERVER_SANDBOX", "false"),
                ("PLUGBOARD_SECURITY_APP_ID", "acme"),
                ("PLUGBOARD_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"),
                ("PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE", "5"),
                ("PLUGBOARD_MASTER_KEY", "abc"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(config.server.bind.port(), 9999);
        assert_eq!(
            config.allowed_origins(),
            ["http://localhost:3000", "https://app.example.com"]
        );
        assert_eq!(config.server.sandbox, Some(false));
        assert_eq!(config.security.app_id.as_deref(), Some("acme"));
        assert!(config.security.master_key.is_some());
        assert_eq!(config.server.trusted_proxies.len(), 2);
        assert_eq!(config.limits.unauthenticated_per_minute, 5);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let err = Config::from_sources(None, &env(&[("PLUGBOARD_SERVER_BINDD", "x")])).unwrap_err();
        assert!(format!("{err:#}").contains("bindd"), "{err:#}");
        let err = Config::from_sources(None, &env(&[("PLUGBOARD_SERVER_ALLOWED_ORIGINS", "localhost")])).unwrap_err();
        assert!(format!("{err:#}").contains("allowed_origins"), "{err:#}");
    }

    #[test]
    fn origins_are_canonical() {
        assert_eq!(
            parse_origin("https://App.Example.com").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(parse_origin("http://localhost:3000/").unwrap(), "http://localhost:3000");
        assert!(parse_origin("https://a.com/path").is_err());
        assert!(parse_origin("javascript:alert(1)").is_err());
    }
}
