//! One provider definition, as written in `server/catalog/*.toml` or `[[providers]]`,
//! and the checks that run on it at start-up.

use std::collections::BTreeMap;

use anyhow::{Context, bail, ensure};
use plugboard_shared::{AppKey, AuthMode, FormField};
use serde::Deserialize;

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
    pub verify: VerifyDef,
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
    pub auth: VerifyAuth,
    /// The credential template for `bearer` and `header`; default: the access token,
    /// else the `api_key` field.
    pub token: Option<String>,
    /// Header name for `auth = "header"`.
    pub header: Option<String>,
    /// Templates for `auth = "basic"`; default `{username}` and `{password}`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Constant headers some APIs require (`Notion-Version`…).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum VerifyMethod {
    #[default]
    Get,
    Post,
}

/// Where the verification call puts the credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyAuth {
    /// `Authorization: Bearer <token>`.
    #[default]
    Bearer,
    /// `Authorization: Basic` from the username and password templates.
    Basic,
    /// `<header>: <token>`.
    Header,
}

/// Values the server itself provides to templates.
pub const SERVER_VALUES: [&str; 2] = ["public_url", "access_token"];

impl ProviderDef {
    pub(super) fn fill_public_url(&mut self, public_url: &str) {
        let fill = |s: &mut String| *s = s.replace("{public_url}", public_url);
        for url in [
            &mut self.authorization_url,
            &mut self.token_url,
            &mut self.revoke_url,
            &mut self.issuer,
        ] {
            url.as_mut().map(fill);
        }
        fill(&mut self.verify.url);
    }

    /// Field names that end up inside URLs: their values must be [`template::url_safe`].
    pub fn url_fields(&self) -> Vec<&str> {
        let urls = [&self.authorization_url, &self.token_url, &self.revoke_url]
            .into_iter()
            .flatten();
        let mut names: Vec<&str> = urls
            .chain([&self.verify.url])
            .flat_map(|u| template::placeholders(u))
            .collect();
        names.retain(|n| !SERVER_VALUES.contains(n));
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
        if let Some(url) = &self.revoke_url {
            self.check_url("revoke_url", Some(url), allow_http)?;
        }
        self.check_url("verify.url", Some(&self.verify.url), allow_http)?;
        ensure!(
            self.verify.identity.starts_with('/'),
            "verify.identity {:?} must be a JSON pointer such as /email",
            self.verify.identity
        );
        if self.verify.auth == VerifyAuth::Header {
            ensure!(
                self.verify.header.is_some(),
                "verify.header is required with auth = \"header\""
            );
        }
        let declared: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        let templates = [&self.verify.token, &self.verify.username, &self.verify.password]
            .into_iter()
            .flatten();
        for name in templates
            .flat_map(|t| template::placeholders(t))
            .chain(self.url_fields())
        {
            ensure!(
                declared.contains(&name) || SERVER_VALUES.contains(&name),
                "placeholder {{{name}}} is neither a field nor one of {SERVER_VALUES:?}"
            );
        }
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
