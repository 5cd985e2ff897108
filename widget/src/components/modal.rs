use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use super::screens::Screens;
use crate::flow::ConnectFlow;

/// The overlay on the host page: a labelled, modal dialog (WAI-ARIA APG "Dialog (Modal)").
#[component]
pub fn Modal(flow: ConnectFlow) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    // On `window`: focus may still be on the host page when Escape is pressed.
    let escape = window_event_listener(ev::keydown, move |event| {
        if event.key() == "Escape" {
            event.prevent_default();
            flow.close();
        }
    });
    on_cleanup(move || escape.remove());
    // Keyboard and screen-reader users start inside the dialog, not behind it.
    Effect::new(move || {
        if let Some(dialog) = dialog.get() {
            _ = dialog.focus();
        }
    });
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
                    <h2 id="pb-title">"Connect an account"</h2>
                    <button
                        type="button"
                        class="pb-icon-button"
                        aria-label="Close"
                        on:click=move |_| flow.close()
                    >
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
                <Screens flow/>
            </div>
        </div>
    }
}
