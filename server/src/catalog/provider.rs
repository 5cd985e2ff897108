//! One provider definition, as written in `server/catalog/*.toml` or `[[providers]]`,
//! and the checks that run on it at start-up.

use std::collections::BTreeMap;

use anyhow::{Context, bail, ensure};
use plugboard_shared::{AppKey, AuthMode, FormField};
use serde::Deserialize;

use super::credential_auth::{AuthScheme, CredentialAuth};
use super::metadata::{MetadataDef, Source};
use super::template::{self, Values};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    pub key: AppKey,
    pub name: String,
    pub category: String,
    pub auth_mode: AuthMode,
    /// File name under `public/logos/`, or an absolute https URL; none gives a monogram.
    pub logo: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    /// The refresh grant's endpoint, when it is not `token_url` (Figma).
    pub refresh_url: Option<String>,
    /// Body encoding of token requests: form (RFC 6749) or JSON (Notion).
    #[serde(default)]
    pub token_request: TokenRequest,
    /// Extra parameters of the code exchange and the refresh (expiring-token switches…).
    #[serde(default)]
    pub token_params: BTreeMap<String, String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "space")]
    pub scope_separator: String,
    /// Extra query parameters of the authorization request (`access_type = "offline"`…).
    #[serde(default)]
    pub authorization_params: BTreeMap<String, String>,
    #[serde(default)]
    pub token_auth: TokenAuth,
    #[serde(default = "yes")]
    pub pkce: bool,
    /// Whether access tokens are renewed with the refresh-token grant.
    #[serde(default = "yes")]
    pub refresh: bool,
    /// RFC 7009 token revocation endpoint.
    pub revoke_url: Option<String>,
    /// Expected `iss` on the callback (RFC 9207), when the provider sends one.
    pub issuer: Option<String>,
    /// What the person types: the credentials of form-based apps, or values such as a
    /// subdomain that an OAuth app needs before the popup opens.
    #[serde(default)]
    pub fields: Vec<FormField>,
    /// Values the provider returns that later calls need (see `metadata.rs`).
    #[serde(default)]
    pub metadata: Vec<MetadataDef>,
    pub verify: VerifyDef,
    /// Root of the provider's API: proxied calls go to `base_url` + path.
    pub base_url: String,
    /// How proxied calls carry the credentials; default: as the verification call does.
    pub api_auth: Option<CredentialAuth>,
    /// Headers every proxied call needs: constants (`Notion-Version`…) or templates of
    /// fields and metadata (Xero's `Xero-tenant-id = "{metadata.tenant_id}"`).
    #[serde(default)]
    pub api_headers: BTreeMap<String, String>,
    /// Proxied calls may reach private and loopback addresses (a self-hosted provider).
    /// Only the operator's `[[providers]]` may say so, never a catalog file.
    #[serde(default)]
    pub private_network: bool,
}

fn yes() -> bool {
    true
}

fn space() -> String {
    " ".into()
}

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuth {
    #[default]
    ClientSecretPost,
    ClientSecretBasic,
}

/// How token requests are encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenRequest {
    #[default]
    Form,
    Json,
}

/// The protected call that proves new credentials work.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyDef {
    pub url: String,
    #[serde(default)]
    pub method: VerifyMethod,
    /// JSON pointer (RFC 6901) to the identity in the response.
    pub identity: String,
    #[serde(default)]
    pub auth: AuthScheme,
    /// The credential template for `bearer`, `header` and `query`; default: the access
    /// token, else the `api_key` field.
    pub token: Option<String>,
    /// Header name for `auth = "header"`.
    pub header: Option<String>,
    /// Query parameter name for `auth = "query"`.
    pub param: Option<String>,
    /// Templates for `auth = "basic"`; default `{username}` and `{password}`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Constant headers some APIs require (`Notion-Version`…).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl VerifyDef {
    /// Its credential part, as proxied calls default to it.
    pub fn credential(&self) -> CredentialAuth {
        CredentialAuth {
            auth: self.auth,
            token: self.token.clone(),
            header: self.header.clone(),
            param: self.param.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum VerifyMethod {
    #[default]
    Get,
    Post,
}

/// Values the server itself provides to templates.
pub const SERVER_VALUES: [&str; 2] = ["public_url", "access_token"];

/// When a template is filled, which values exist: the typed fields always; metadata from
/// the callback once the provider answered; the rest once the token is in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// The authorization request: only typed fields.
    Authorize,
    /// The code exchange: plus callback metadata.
    Exchange,
    /// Anything after the token (verification, proxy, refresh, metadata requests).
    Connected,
}

impl ProviderDef {
    pub(super) fn fill_public_url(&mut self, public_url: &str) {
        let fill = |s: &mut String| *s = s.replace("{public_url}", public_url);
        for url in [
            &mut self.authorization_url,
            &mut self.token_url,
            &mut self.refresh_url,
            &mut self.revoke_url,
            &mut self.issuer,
        ] {
            url.as_mut().map(fill);
        }
        fill(&mut self.verify.url);
        fill(&mut self.base_url);
        for metadata in &mut self.metadata {
            metadata.request.as_mut().map(fill);
        }
    }

    /// How proxied calls carry the credentials.
    pub fn api_credential(&self) -> CredentialAuth {
        self.api_auth.clone().unwrap_or_else(|| self.verify.credential())
    }

    /// Every URL template, with the stage it is filled at.
    fn urls(&self) -> Vec<(&'static str, &str, Stage)> {
        let mut urls = vec![
            ("verify.url", self.verify.url.as_str(), Stage::Connected),
            ("base_url", self.base_url.as_str(), Stage::Connected),
        ];
        let optional = [
            ("authorization_url", &self.authorization_url, Stage::Authorize),
            ("token_url", &self.token_url, Stage::Exchange),
            ("refresh_url", &self.refresh_url, Stage::Connected),
            ("revoke_url", &self.revoke_url, Stage::Connected),
        ];
        urls.extend(
            optional
                .into_iter()
                .filter_map(|(name, url, stage)| url.as_deref().map(|u| (name, u, stage))),
        );
        urls.extend(
            self.metadata
                .iter()
                .filter_map(|m| m.request.as_deref().map(|u| ("metadata.request", u, Stage::Connected))),
        );
        urls
    }

    /// Field names that end up inside URLs: their values must be [`template::url_safe`].
    pub fn url_fields(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .urls()
            .into_iter()
            .flat_map(|(_, url, _)| template::placeholders(url))
            .filter(|n| !SERVER_VALUES.contains(n) && !n.starts_with("metadata."))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub(super) fn check(&self, allow_http: bool) -> anyhow::Result<()> {
        match self.auth_mode {
            AuthMode::Oauth2 => {
                self.check_url("authorization_url", self.authorization_url.as_deref(), allow_http)?;
                self.check_url("token_url", self.token_url.as_deref(), allow_http)?;
            }
            AuthMode::Oauth2Cc => {
                self.check_url("token_url", self.token_url.as_deref(), allow_http)?;
                for needed in ["client_id", "client_secret"] {
                    ensure!(
                        self.fields.iter().any(|f| f.name == needed),
                        "fields: oauth2_cc needs a {needed:?} field"
                    );
                }
            }
            AuthMode::ApiKey | AuthMode::Basic => {
                ensure!(
                    !self.fields.is_empty(),
                    "fields: an api_key or basic app needs at least one form field"
                );
            }
        }
        for (name, url, _) in self.urls() {
            self.check_url(name, Some(url), allow_http)?;
        }
        ensure!(
            self.verify.identity.starts_with('/'),
            "verify.identity {:?} must be a JSON pointer such as /email",
            self.verify.identity
        );
        self.verify.credential().check("verify")?;
        if let Some(api) = &self.api_auth {
            api.check("api_auth")?;
        }
        let mut names = std::collections::BTreeSet::new();
        for metadata in &self.metadata {
            metadata.check()?;
            ensure!(
                names.insert(&metadata.name),
                "metadata {} is declared twice",
                metadata.name
            );
        }
        self.check_placeholders()
    }

    /// Every placeholder names a value that exists when it is filled.
    fn check_placeholders(&self) -> anyhow::Result<()> {
        let connected = self.verify.credential();
        let api = self.api_credential();
        let credential_templates = connected
            .templates()
            .chain(api.templates())
            .map(|t| ("a credential template", t.as_str(), Stage::Connected));
        let metadata_headers = self
            .metadata
            .iter()
            .flat_map(|m| m.headers.values())
            .map(|t| ("metadata.headers", t.as_str(), Stage::Connected));
        let api_headers = self
            .api_headers
            .values()
            .map(|t| ("api_headers", t.as_str(), Stage::Connected));
        let all = self
            .urls()
            .into_iter()
            .chain(credential_templates)
            .chain(metadata_headers)
            .chain(api_headers);
        for (what, template, stage) in all {
            for name in template::placeholders(template) {
                self.check_placeholder(what, name, stage)?;
            }
        }
        Ok(())
    }

    fn check_placeholder(&self, what: &str, name: &str, stage: Stage) -> anyhow::Result<()> {
        if let Some(metadata) = name.strip_prefix("metadata.") {
            let declared = self.metadata.iter().find(|m| m.name == metadata);
            let Some(declared) = declared else {
                bail!("{what} uses {{{name}}}, but no metadata {metadata} is declared");
            };
            let known_at = match declared.source() {
                Source::Callback(_) => Stage::Exchange,
                Source::Token(_) | Source::Request { .. } => Stage::Connected,
            };
            ensure!(
                known_at <= stage,
                "{what} uses {{{name}}} before the provider has given it"
            );
            return Ok(());
        }
        let ok = self.fields.iter().any(|f| f.name == name)
            || name == "public_url"
            || (name == "access_token" && stage == Stage::Connected);
        ensure!(
            ok,
            "{what}: placeholder {{{name}}} is neither a field, public_url, access_token nor declared metadata"
        );
        Ok(())
    }

    /// A URL must parse once its placeholders hold sample values, and be https unless it
    /// points at this server (the sandbox) or at a loopback host (a developer's own
    /// identity provider): anything else would carry codes and tokens in the clear.
    fn check_url(&self, field: &str, url: Option<&str>, allow_http: bool) -> anyhow::Result<()> {
        let url = url.with_context(|| format!("{field} is required for {:?}", self.auth_mode))?;
        let samples: Values = template::placeholders(url)
            .into_iter()
            .map(|n| (n.to_owned(), "sample".to_owned()))
            .collect();
        let filled = template::fill(url, &samples).map_err(|n| anyhow::anyhow!("{field}: bad placeholder {n}"))?;
        let parsed = url::Url::parse(&filled).with_context(|| format!("{field} {url:?} is not a URL"))?;
        let local = allow_http || crate::config::is_loopback_host(&parsed);
        if parsed.scheme() != "https" && !(local && parsed.scheme() == "http") {
            bail!("{field} {url:?} must use https (http only for localhost, 127.0.0.0/8 or [::1])");
        }
        Ok(())
    }

    /// Absolute logo URL; a generated monogram when the catalog names none.
    pub fn logo_url(&self, base_url: &str) -> String {
        match &self.logo {
            Some(logo) if logo.starts_with("https://") => logo.clone(),
            Some(logo) => format!("{base_url}/logos/{logo}"),
            None => format!("{base_url}/logos/monogram/{}.svg", self.key),
        }
    }
}
