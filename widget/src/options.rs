//! What the host passes to `new Plugboard(…)` and `renderAccountConnectionModal(…)`.
//!
//! The loader hands both over as JSON text: parsing them with serde here keeps the wasm
//! free of `serde-wasm-bindgen` and makes the rules testable without a browser.

use plugboard_shared::WidgetSessionRequest;
use serde::Deserialize;

/// `new Plugboard(options)`, after the loader filled in `serverUrl`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    pub server_url: String,
    pub link_token: Option<String>,
    pub app_id: Option<String>,
    pub user_id: Option<String>,
    pub hash: Option<String>,
    pub deployment_id: Option<String>,
}

/// How the widget gets its link token.
#[derive(Debug, Clone)]
pub enum Start {
    /// The host's backend already made one (`POST /link-token`).
    LinkToken(String),
    /// IntegryJS style: trade `app_id` + `user_id` + HMAC `hash` for one.
    Signed(WidgetSessionRequest),
}

/// The sentence the loader prints after "Plugboard: " when the options are unusable.
pub const MISSING_CREDENTIALS: &str = "pass either `linkToken` or `appId`, `userId` and `hash` to `new Plugboard(…)`";

impl Options {
    /// Parses the loader's JSON.
    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("invalid options: {e}"))
    }

    /// The server origin without a trailing slash, as the API paths are appended to it.
    pub fn server(&self) -> String {
        self.server_url.trim_end_matches('/').to_owned()
    }

    /// Picks the start mode; a link token wins when both are given.
    pub fn start(&self) -> Result<Start, String> {
        if let Some(token) = non_empty(&self.link_token) {
            return Ok(Start::LinkToken(token.to_owned()));
        }
        match (non_empty(&self.app_id), non_empty(&self.user_id), non_empty(&self.hash)) {
            (Some(app_id), Some(user_id), Some(hash)) => Ok(Start::Signed(WidgetSessionRequest {
                app_id: app_id.to_owned(),
                user_id: user_id.to_owned(),
                hash: hash.to_owned(),
                deployment_id: non_empty(&self.deployment_id)
                    .and_then(|d| plugboard_shared::DeploymentId::parse(d).ok()),
            })),
            _ => Err(MISSING_CREDENTIALS.to_owned()),
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `renderAccountConnectionModal(config)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModalConfig {
    pub deployment_id: Option<String>,
    pub category: Option<String>,
    pub user_config: UserConfig,
}

/// `config.userConfig`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserConfig {
    /// The host shows its own success / failure prompt from the events.
    pub hide_app_connection_modal: bool,
}

impl ModalConfig {
    /// Lenient: a host that passes `null` or junk still gets a modal with defaults.
    pub fn from_json(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_token_is_enough() {
        let options = Options::from_json(r#"{"serverUrl":"http://x/","linkToken":"t"}"#).unwrap();
        assert!(matches!(options.start(), Ok(Start::LinkToken(t)) if t == "t"));
        assert_eq!(options.server(), "http://x");
    }

    #[test]
    fn integry_style_needs_all_three() {
        let full = r#"{"serverUrl":"s","appId":"a","userId":"u","hash":"h","deploymentId":"d"}"#;
        match Options::from_json(full).unwrap().start().unwrap() {
            Start::Signed(req) => {
                assert_eq!((req.app_id.as_str(), req.user_id.as_str()), ("a", "u"));
                assert_eq!(req.deployment_id.unwrap().as_str(), "d");
            }
            other => panic!("{other:?}"),
        }
        let partial = Options::from_json(r#"{"serverUrl":"s","appId":"a","hash":"h"}"#).unwrap();
        assert_eq!(partial.start().unwrap_err(), MISSING_CREDENTIALS);
        let blank = Options::from_json(r#"{"serverUrl":"s","linkToken":"  "}"#).unwrap();
        assert!(blank.start().is_err());
    }

    #[test]
    fn modal_config_is_lenient() {
        assert_eq!(ModalConfig::from_json("null"), ModalConfig::default());
        let config = ModalConfig::from_json(
            r#"{"deploymentId":"default","userConfig":{"hideAppConnectionModal":true},"theme":{}}"#,
        );
        assert_eq!(config.deployment_id.as_deref(), Some("default"));
        assert!(config.user_config.hide_app_connection_modal);
    }
}
