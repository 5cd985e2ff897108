//! Connection metadata: values a provider returns that every later call needs (Salesforce's
//! instance, QuickBooks' realm, Atlassian's cloud id…). Declared per catalog entry, stored
//! on the account (not secret), and usable as `{metadata.name}` in its URLs.

use std::collections::BTreeMap;

use anyhow::ensure;
use serde::Deserialize;

use super::template;

/// One value and where it comes from: exactly one of `token`, `callback`, `request`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataDef {
    /// Used as `{metadata.<name>}`: lowercase letters, digits and `_`.
    pub name: String,
    /// A JSON pointer into the token response (`/instance_url`).
    pub token: Option<String>,
    /// A query parameter of the OAuth callback (`realmId`); known before the token
    /// exchange, so it may fill `token_url`.
    pub callback: Option<String>,
    /// A GET made right after the credentials are obtained (with the access token as a
    /// bearer unless `headers` says otherwise), and the pointer into its answer.
    pub request: Option<String>,
    pub pointer: Option<String>,
    /// Headers of that GET, as templates (`Authorization = "OAuth {access_token}"`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub format: MetadataFormat,
}

/// What shape the value has, and so how it is checked before it may fill a URL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataFormat {
    /// Letters, digits, dots, hyphens and underscores, as stored.
    #[default]
    Value,
    /// An https URL (http on loopback), of which only the host and port are kept.
    Host,
}

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    Callback(&'a str),
    Token(&'a str),
    Request { url: &'a str, pointer: &'a str },
}

impl MetadataDef {
    pub fn source(&self) -> Source<'_> {
        match (&self.callback, &self.token, &self.request, &self.pointer) {
            (Some(param), ..) => Source::Callback(param),
            (None, Some(pointer), ..) => Source::Token(pointer),
            (None, None, Some(url), Some(pointer)) => Source::Request { url, pointer },
            // `check` refuses every other shape at start-up.
            _ => Source::Token("/"),
        }
    }

    /// The placeholder it fills.
    pub fn placeholder(&self) -> String {
        format!("metadata.{}", self.name)
    }

    pub(super) fn check(&self) -> anyhow::Result<()> {
        let name = &self.name;
        ensure!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "metadata name {name:?} must be lowercase letters, digits and _"
        );
        let sources = [&self.token, &self.callback, &self.request]
            .into_iter()
            .flatten()
            .count();
        ensure!(
            sources == 1,
            "metadata {name}: give exactly one of token, callback, request"
        );
        ensure!(
            self.request.is_some() == self.pointer.is_some(),
            "metadata {name}: pointer goes with request (and only with it)"
        );
        for pointer in [&self.token, &self.pointer].into_iter().flatten() {
            ensure!(
                pointer.starts_with('/'),
                "metadata {name}: {pointer:?} is not a JSON pointer"
            );
        }
        ensure!(
            self.request.is_some() || self.headers.is_empty(),
            "metadata {name}: headers go with request"
        );
        Ok(())
    }

    /// `raw` as it may be stored and fill a URL, or why not.
    pub fn accept(&self, raw: &str) -> Result<String, String> {
        let value = match self.format {
            MetadataFormat::Value => raw.trim().to_owned(),
            MetadataFormat::Host => host_of(raw)?,
        };
        let ok = match self.format {
            MetadataFormat::Value => template::url_safe(&value.replace('_', "-")),
            MetadataFormat::Host => true,
        };
        if !ok {
            return Err(format!("metadata {}: {raw:?} may not fill a URL", self.name));
        }
        Ok(value)
    }
}

/// `host[:port]` of an https URL, or of an http one on a loopback host (the sandbox).
fn host_of(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|_| format!("{raw:?} is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{raw:?} carries credentials"));
    }
    let local = crate::config::is_loopback_host(&url);
    if url.scheme() != "https" && !(local && url.scheme() == "http") {
        return Err(format!("{raw:?} is not an https URL"));
    }
    let host = url
        .host_str()
        .filter(|h| template::url_safe(h))
        .ok_or(format!("{raw:?} has no plain host"))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The values read so far, as template values (`metadata.<name>` → value).
pub fn as_values(metadata: &BTreeMap<String, String>) -> template::Values {
    metadata
        .iter()
        .map(|(name, value)| (format!("metadata.{name}"), value.clone()))
        .collect()
}

/// A JSON pointer's value as text: strings as they are, numbers written out.
pub fn text_at(body: &serde_json::Value, pointer: &str) -> Option<String> {
    match body.pointer(pointer)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(format: MetadataFormat) -> MetadataDef {
        MetadataDef {
            name: "x".into(),
            token: Some("/x".into()),
            callback: None,
            request: None,
            pointer: None,
            headers: BTreeMap::new(),
            format,
        }
    }

    #[test]
    fn values_that_could_change_a_url_are_refused() {
        let value = def(MetadataFormat::Value);
        assert_eq!(value.accept("us19").unwrap(), "us19");
        assert_eq!(value.accept("4620816365_1234").unwrap(), "4620816365_1234");
        for bad in ["evil.com/x", "a@b", "a:1", "", "a?b", "../x"] {
            assert!(value.accept(bad).is_err(), "{bad:?}");
        }
        let host = def(MetadataFormat::Host);
        assert_eq!(
            host.accept("https://acme.my.salesforce.com").unwrap(),
            "acme.my.salesforce.com"
        );
        assert_eq!(host.accept("http://127.0.0.1:8080/sandbox").unwrap(), "127.0.0.1:8080");
        for bad in [
            "http://acme.example.com",
            "ftp://x",
            "acme.example.com",
            "https://user@x.com",
        ] {
            assert!(host.accept(bad).is_err(), "{bad:?}");
        }
    }
}
