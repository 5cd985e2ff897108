use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::unique_id;

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    Failed,
}

/// "Copy", then a visible and announced "Copied" for a few seconds. Its accessible name
/// says what it copies ("Copy account id"), as several sit on one screen.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] what: String) -> impl IntoView {
    let state = RwSignal::new(Copied::Not);
    // Each click's reset is numbered, so an earlier click's timer cannot cut a later
    // confirmation short.
    let clicks = StoredValue::new(0u32);
    let copy = move |_| {
        let value = text.get_untracked();
        clicks.update_value(|n| *n += 1);
        let click = clicks.get_value();
        spawn_local(async move {
            state.try_set(if write_clipboard(&value).await {
                Copied::Yes
            } else {
                Copied::Failed
            });
            set_timeout(
                move || {
                    if clicks.try_get_value() == Some(click) {
                        state.try_set(Copied::Not);
                    }
                },
                Duration::from_secs(4),
            );
        });
    };
    let said = move || match state.get() {
        Copied::Not => "",
        Copied::Yes => "Copied",
        Copied::Failed => "Copy failed: select the text and copy it",
    };
    view! {
        <span class="copy">
            <button type="button" class="button button-small" on:click=copy>
                "Copy"<span class="sr-only">" " {what}</span>
            </button>
            <span class="copy-said" role="status">{said}</span>
        </span>
    }
}

/// A value to hand on (a link, a key): shown whole in a read-only field anyone can
/// select, with a copy button beside it.
#[component]
pub fn CopyField(#[prop(into)] label: String, #[prop(into)] value: String) -> impl IntoView {
    let id = unique_id("copy");
    let what = mid_sentence(&label);
    view! {
        <div class="copy-field">
            <label for=id.clone()>{label}</label>
            <div class="copy-field-row">
                <input id=id type="text" readonly class="mono" prop:value=value.clone()/>
                <CopyButton text=value what/>
            </div>
        </div>
    }
}

/// A label as it reads inside "Copy …": "Connect URL" → "connect URL", but "API key"
/// keeps its capitals (an acronym starts it).
fn mid_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

/// `navigator.clipboard.writeText`, false when the page may not (plain http on another
/// host than localhost has no clipboard API at all) or the browser refuses.
pub async fn write_clipboard(text: &str) -> bool {
    let navigator = window().navigator();
    let has_api = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined());
    if !has_api {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::mid_sentence;

    #[wasm_bindgen_test]
    fn labels_read_inside_a_sentence_keeping_acronyms() {
        assert_eq!(mid_sentence("Connect URL"), "connect URL");
        assert_eq!(mid_sentence("Reconnect link"), "reconnect link");
        assert_eq!(mid_sentence("API key"), "API key");
        assert_eq!(mid_sentence(""), "");
    }
}
