//! Provider definitions: the files in `server/catalog/` (embedded in the binary, so a
//! deployment is one file) overlaid with `[[providers]]` from the configuration.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use include_dir::{Dir, include_dir};
use plugboard_shared::{AppKey, AuthMode, FormField};
use serde::Deserialize;

static CATALOG_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// Apps served by the built-in sandbox provider; dropped when `sandbox = false`.
pub const SANDBOX_APPS: [&str; 2] = ["sandbox-crm", "sandbox-hr"];

/// One provider, as written in a catalog file or `[[providers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDef {
    pub key: AppKey,
    pub name: String,
    pub category: String,
    pub auth_mode: AuthMode,
    /// File name under `public/logos/`, or an absolute URL.
    pub logo: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub token_auth: TokenAuth,
    #[serde(default = "yes")]
    pub pkce: bool,
    /// Expected `iss` on the callback (RFC 9207), when the provider sends one.
    pub issuer: Option<String>,
    /// Inputs of the API-key / basic form.
    #[serde(default)]
    pub fields: Vec<FormField>,
    pub verify: VerifyDef,
}

fn yes() -> bool {
    true
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
    /// JSON pointer (RFC 6901) to the identity in the response.
    pub identity: String,
    /// How the credential is presented.
    #[serde(default)]
    pub auth: VerifyAuth,
}

/// Where the verification call puts the credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyAuth {
    /// `Authorization: Bearer <access token or api key>`.
    #[default]
    Bearer,
    /// `Authorization: Basic` from the `username` and `password` fields.
    Basic,
}

/// All known providers by key.
#[derive(Debug, Clone)]
pub struct Catalog {
    providers: BTreeMap<AppKey, ProviderDef>,
}

impl Catalog {
    /// The embedded files plus `overrides`; `public_url` fills `{public_url}` in URLs.
    pub fn load(overrides: &[ProviderDef], sandbox: bool, public_url: &str) -> anyhow::Result<Self> {
        let mut providers = BTreeMap::new();
        for file in CATALOG_DIR.files() {
            let name = file.path().display().to_string();
            let text = file
                .contents_utf8()
                .with_context(|| format!("catalog/{name}: not UTF-8"))?;
            let def: ProviderDef = toml::from_str(text).with_context(|| format!("catalog/{name}"))?;
            if providers.insert(def.key.clone(), def).is_some() {
                bail!("catalog/{name}: key appears in another catalog file too");
            }
        }
        for def in overrides {
            providers.insert(def.key.clone(), def.clone());
        }
        if !sandbox {
            providers.retain(|key, _| !SANDBOX_APPS.contains(&key.as_str()));
        }
        for def in providers.values_mut() {
            def.fill(public_url);
            def.check()
                .with_context(|| format!("provider {:?}", def.key.as_str()))?;
        }
        Ok(Self { providers })
    }

    pub fn get(&self, key: &AppKey) -> Option<&ProviderDef> {
        self.providers.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ProviderDef> {
        self.providers.values()
    }
}

impl ProviderDef {
    fn fill(&mut self, public_url: &str) {
        let fill = |s: &mut String| *s = s.replace("{public_url}", public_url);
        self.authorization_url.as_mut().map(fill);
        self.token_url.as_mut().map(fill);
        self.issuer.as_mut().map(fill);
        fill(&mut self.verify.url);
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.auth_mode == AuthMode::Oauth2 {
            for (field, value) in [
                ("authorization_url", &self.authorization_url),
                ("token_url", &self.token_url),
            ] {
                let value = value
                    .as_deref()
                    .with_context(|| format!("{field} is required for oauth2"))?;
                url::Url::parse(value).with_context(|| format!("{field} {value:?} is not a URL"))?;
            }
        } else if self.fields.is_empty() {
            bail!("fields: an api_key or basic app needs at least one form field");
        }
        url::Url::parse(&self.verify.url).with_context(|| format!("verify.url {:?} is not a URL", self.verify.url))?;
        if !self.verify.identity.is_empty() && !self.verify.identity.starts_with('/') {
            bail!(
                "verify.identity {:?} must be a JSON pointer such as /email",
                self.verify.identity
            );
        }
        Ok(())
    }

    /// Absolute logo URL.
    pub fn logo_url(&self, base_url: &str) -> String {
        match &self.logo {
            Some(logo) if logo.starts_with("https://") => logo.clone(),
            Some(logo) => format!("{base_url}/logos/{logo}"),
            None => format!("{base_url}/logos/default.svg"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads_and_fills_the_public_url() {
        let catalog = Catalog::load(&[], true, "http://127.0.0.1:8080").unwrap();
        let crm = catalog.get(&AppKey::parse("sandbox-crm").unwrap()).unwrap();
        assert_eq!(crm.name, "Sandbox CRM");
        assert_eq!(
            crm.token_url.as_deref(),
            Some("http://127.0.0.1:8080/sandbox/oauth/token")
        );
        let hr = catalog.get(&AppKey::parse("sandbox-hr").unwrap()).unwrap();
        assert_eq!(hr.auth_mode, AuthMode::ApiKey);
    }

    #[test]
    fn sandbox_off_drops_the_sandbox_apps() {
        let catalog = Catalog::load(&[], false, "http://x").unwrap();
        assert!(catalog.iter().all(|p| !SANDBOX_APPS.contains(&p.key.as_str())));
    }
}
