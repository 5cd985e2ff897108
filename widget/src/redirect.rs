//! Redirect mode: for browsers where a popup cannot work, the whole page goes to the
//! provider and comes back with `?plugboard_attempt=…`; the server's record of that
//! attempt then says how it ended (ARCHITECTURE.md, "The path of one connection").

use leptos::prelude::window;
use wasm_bindgen::JsValue;

const PARAM: &str = "plugboard_attempt";

/// Where the provider's answer should bring the person back: this page as it is now.
pub fn return_url() -> String {
    let href = window().location().href().unwrap_or_default();
    match web_sys::Url::new(&href) {
        Ok(url) => {
            url.search_params().delete(PARAM);
            url.href()
        }
        Err(_) => href,
    }
}

/// The attempt this page came back from, if it did. The parameter leaves the address bar
/// at once, so a reload or a shared link does not report the attempt twice.
pub fn take_returned_attempt() -> Option<String> {
    let href = window().location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    let attempt = url.search_params().get(PARAM).filter(|a| !a.is_empty())?;
    url.search_params().delete(PARAM);
    if let Ok(history) = window().history() {
        _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
    Some(attempt)
}
