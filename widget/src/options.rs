//! What the host passes to `new Plugboard(…)` and `renderAccountConnectionModal(…)`: plain
//! JS objects, read field by field (see `wire`).

use plugboard_shared::{DeploymentId, WidgetSessionRequest};
use wasm_bindgen::JsValue;

use crate::wire::{boolean, get, string};

/// `new Plugboard(options)`, after the loader filled in `serverUrl`.
#[derive(Debug, Clone, Default, PartialEq)]
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
    pub fn from_js(options: &JsValue) -> Self {
        Self {
            server_url: string(options, "serverUrl").unwrap_or_default(),
            link_token: string(options, "linkToken"),
            app_id: string(options, "appId"),
            user_id: string(options, "userId"),
            hash: string(options, "hash"),
            deployment_id: string(options, "deploymentId"),
        }
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
                deployment_id: non_empty(&self.deployment_id).and_then(|d| DeploymentId::parse(d).ok()),
            })),
            _ => Err(MISSING_CREDENTIALS.to_owned()),
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `renderAccountConnectionModal(config)`, and `renderConnectPage(elementId, config)`.
/// Its `deploymentId` and `category` narrow the app list through the path the loader
/// builds (`appsPath` in public/widget.js).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModalConfig {
    /// `userConfig.hideAppConnectionModal`: the host shows its own success / failure
    /// prompt from the events.
    pub hide_result_prompt: bool,
    /// A BCP 47 tag (`de`, `pt-BR`); `None`: the browser's languages.
    pub locale: Option<String>,
    /// `{mode: "light"|"dark"|"auto", accent: "#0a7cff", radius: "4px", …}`: see `theme`.
    pub theme: wasm_bindgen::JsValue,
    /// Full-page redirects instead of a popup (`redirect: true`), for browsers where
    /// popups fail: in-app browsers of social apps are detected without it.
    pub redirect: bool,
}

impl ModalConfig {
    /// Lenient: a host that passes nothing, `null` or junk gets a modal with defaults.
    pub fn from_js(config: &JsValue) -> Self {
        Self {
            hide_result_prompt: boolean(&get(config, "userConfig"), "hideAppConnectionModal").unwrap_or(false),
            locale: string(config, "locale"),
            theme: get(config, "theme"),
            redirect: boolean(config, "redirect").unwrap_or_else(in_app_browser),
        }
    }
}

/// Webviews inside social and chat apps, where `window.open` either fails or opens a
/// window the person cannot get back from.
fn in_app_browser() -> bool {
    let agent = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    // The browser's `includes`: `str::contains` would add Rust's substring searcher.
    let agent = js_sys::JsString::from(agent);
    ["FBAN", "FBAV", "Instagram", "LinkedInApp", "Line/", "; wv)"]
        .iter()
        .any(|marker| agent.includes(marker, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn options(link_token: Option<&str>, app_id: Option<&str>, user_id: Option<&str>, hash: Option<&str>) -> Options {
        let own = |v: Option<&str>| v.map(str::to_owned);
        Options {
            server_url: "http://x/".into(),
            link_token: own(link_token),
            app_id: own(app_id),
            user_id: own(user_id),
            hash: own(hash),
            deployment_id: Some("d".into()),
        }
    }

    #[wasm_bindgen_test]
    fn a_link_token_is_enough() {
        let options = options(Some("t"), None, None, None);
        assert!(matches!(options.start(), Ok(Start::LinkToken(t)) if t == "t"));
        assert_eq!(options.server(), "http://x");
    }

    #[wasm_bindgen_test]
    fn integry_style_needs_all_three() {
        match options(None, Some("a"), Some("u"), Some("h")).start().unwrap() {
            Start::Signed(req) => {
                assert_eq!((req.app_id.as_str(), req.user_id.as_str()), ("a", "u"));
                assert_eq!(req.deployment_id.unwrap().as_str(), "d");
            }
            other => panic!("{other:?}"),
        }
        let partial = options(None, Some("a"), None, Some("h"));
        assert_eq!(partial.start().unwrap_err(), MISSING_CREDENTIALS);
        assert!(options(Some("  "), None, None, None).start().is_err());
    }
}
