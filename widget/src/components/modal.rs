use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, ShadowRoot};

use super::screens::screens;
use crate::flow::ConnectFlow;

/// The overlay on the host page: a labelled modal dialog that keeps focus inside while
/// open (WAI-ARIA APG, "Dialog (Modal)").
#[component]
pub fn Modal(flow: ConnectFlow) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    // On `window`: focus may still be on the host page when a key is pressed.
    let keys = window_event_listener(ev::keydown, move |event| match event.key().as_str() {
        "Escape" => {
            event.prevent_default();
            flow.close();
        }
        "Tab" => {
            if let Some(dialog) = dialog.get_untracked() {
                keep_focus_inside(&dialog, &event);
            }
        }
        _ => {}
    });
    on_cleanup(move || keys.remove());
    let close_on_backdrop = move |event: ev::MouseEvent| {
        if event.target() == event.current_target() {
            flow.close();
        }
    };

    view! {
        <div class="pb-overlay" on:click=close_on_backdrop>
            <div
                class="pb-dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="pb-title"
                tabindex="-1"
                node_ref=dialog
            >
                <header class="pb-header">
                    <h2 id="pb-title">{flow.t.title}</h2>
                    <button type="button" class="pb-icon-button" aria-label=flow.t.close on:click=move |_| flow.close()>
                        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                            <path
                                d="M6 6l12 12M18 6L6 18"
                                stroke="currentColor"
                                stroke-width="2"
                                stroke-linecap="round"
                            ></path>
                        </svg>
                    </button>
                </header>
                {screens(flow)}
            </div>
        </div>
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to the last,
/// and a Tab while focus is outside (on the host page) comes back in.
fn keep_focus_inside(dialog: &HtmlElement, event: &KeyboardEvent) {
    // Not the unselected category tabs (`tabindex=-1`: a tab list is one Tab stop), nor the
    // apps a search hides.
    let selector = "button:not([disabled],[tabindex='-1'],[hidden] *),input,[href]";
    let Ok(controls) = dialog.query_selector_all(selector) else {
        return;
    };
    let control = |i: u32| controls.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok());
    let (Some(first), Some(last)) = (control(0), control(controls.length().saturating_sub(1))) else {
        return;
    };
    let active = dialog
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element());
    let is = |element: &HtmlElement| active.as_ref().is_some_and(|a| a == element.as_ref());
    let outside = active.is_none() || active.as_ref().is_some_and(|a| a == dialog.as_ref());
    let target = match (event.shift_key(), outside) {
        (true, true) => Some(last),
        (false, true) => Some(first),
        (true, false) if is(&first) => Some(last),
        (false, false) if is(&last) => Some(first),
        _ => None,
    };
    if let Some(target) = target {
        event.prevent_default();
        _ = target.focus();
    }
}
