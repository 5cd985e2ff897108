use leptos::prelude::*;
use plugboard_shared::WidgetApp;

use crate::flow::ConnectFlow;

/// While the provider's sign-in runs in the popup.
#[component]
pub fn Waiting(flow: ConnectFlow, app: WidgetApp) -> impl IntoView {
    view! {
        <div class="pb-center" role="status">
            <span class="pb-spinner" aria-hidden="true"></span>
            <p class="pb-lead">"Finish signing in in the window we opened"</p>
            <p class="pb-muted">
                {format!("{} opens in a separate window. Come back here when you are done.", app.name)}
            </p>
        </div>
        <div class="pb-actions">
            <button type="button" class="pb-button" on:click=move |_| flow.cancel_popup()>
                "Cancel"
            </button>
        </div>
    }
}
