//! Where a call to a provider carries the account's credentials: the verification call
//! (`verify`) and proxied calls (`api_auth`, by default the same as `verify`).

use serde::Deserialize;

/// How the credential is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    #[default]
    Bearer,
    /// `Authorization: Basic` from the username and password templates.
    Basic,
    /// `<header>: <token>`.
    Header,
    /// `?<param>=<token>` in the URL.
    Query,
}

/// The credential part of a call: which scheme, and the templates it fills.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialAuth {
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
}

impl CredentialAuth {
    /// Every template it fills.
    pub fn templates(&self) -> impl Iterator<Item = &String> {
        [&self.token, &self.username, &self.password].into_iter().flatten()
    }

    pub(super) fn check(&self, what: &str) -> anyhow::Result<()> {
        match self.auth {
            AuthScheme::Header => anyhow::ensure!(
                self.header.is_some(),
                "{what}.header is required with auth = \"header\""
            ),
            AuthScheme::Query => {
                anyhow::ensure!(self.param.is_some(), "{what}.param is required with auth = \"query\"")
            }
            AuthScheme::Bearer | AuthScheme::Basic => {}
        }
        Ok(())
    }
}
