use leptos::prelude::*;
use plugboard_shared::WidgetApp;

use crate::flow::ConnectFlow;
use crate::i18n::{Strings, fill};

/// While the provider's sign-in runs in the popup.
pub fn waiting(flow: ConnectFlow, app: WidgetApp) -> impl IntoView {
    let t = flow.t;
    view! {
        <div class="pb-center" role="status">
            <span class="pb-spinner" aria-hidden="true"></span>
            <p class="pb-lead">{t.waiting}</p>
            <p class="pb-muted">{fill(t.waiting_detail, &[&app.name])}</p>
        </div>
        <div class="pb-actions">
            <button type="button" class="pb-button" on:click=move |_| flow.cancel_popup()>
                {t.cancel}
            </button>
            // Behind the page, a popup is easy to lose; a click brings it back to the front.
            <button type="button" class="pb-button pb-primary" on:click=move |_| flow.show_popup()>
                {t.show_window}
            </button>
        </div>
    }
}

/// Redirect mode, between the click and the provider's page: words only, nothing to do.
pub fn leaving(t: &Strings, app: &WidgetApp) -> impl IntoView {
    view! {
        <div class="pb-center" role="status">
            <span class="pb-spinner" aria-hidden="true"></span>
            <p class="pb-lead">{fill(t.redirecting, &[&app.name])}</p>
        </div>
    }
}
