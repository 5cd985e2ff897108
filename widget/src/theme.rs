//! The host's `theme` option, applied to the Shadow DOM host element: `mode` becomes its
//! `data-theme` attribute (the stylesheet's `color-scheme` follows it), every other key a
//! `--pb-…` custom property (`accentText` → `--pb-accent-text`). Inline custom properties
//! on the host win over the stylesheet's `:host` defaults, and going through CSSOM
//! (`style.setProperty`) needs no `'unsafe-inline'` in the host's CSP.

use js_sys::Object;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlElement;

use crate::wire::string;

pub fn apply(host: &HtmlElement, theme: &JsValue) {
    if !theme.is_object() {
        return;
    }
    let style = host.style();
    for key in Object::keys(theme.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
    {
        let Some(value) = string(theme, &key) else { continue };
        if key == "mode" {
            _ = host.set_attribute("data-theme", &value);
        } else {
            // An invalid value is ignored by the browser, as in a stylesheet.
            _ = style.set_property(&property_name(&key), &value);
        }
    }
}

/// `accentText` → `--pb-accent-text`.
pub fn property_name(key: &str) -> String {
    let mut name = String::from("--pb-");
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            name.push('-');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}
