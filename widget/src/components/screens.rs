use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::account_list::confirm_disconnect;
use super::api_key_form::api_key_form;
use super::app_list::app_list;
use super::result_prompt::result_prompt;
use super::waiting::{leaving, waiting};
use crate::flow::{ConnectFlow, Screen};

/// The body shared by the modal and the hosted page.
pub fn screens(flow: ConnectFlow) -> impl IntoView {
    let body = NodeRef::<html::Div>::new();
    let screen = move || {
        // Focus moves with the screen, not left on a button that is gone (see `focus_in`).
        request_animation_frame(move || focus_in(body));
        screen_view(flow)
    };
    // Always in the page, so screen readers announce each new text.
    let status = move || flow.status.get();
    view! {
        <div class="pb-body" node_ref=body>
            <p class="pb-error" role="alert" hidden=move || flow.notice.read().is_none()>
                {move || flow.notice.get()}
            </p>
            <p class="pb-status" role="status">{status}</p>
            {screen}
        </div>
    }
}

fn screen_view(flow: ConnectFlow) -> AnyView {
    match flow.screen.get() {
        Screen::Apps => app_list(flow).into_any(),
        Screen::Form(app) => api_key_form(flow, app).into_any(),
        Screen::Waiting(app) => waiting(flow, app).into_any(),
        Screen::Leaving(app) => leaving(flow.t, &app).into_any(),
        Screen::Confirm(app, account) => confirm_disconnect(flow, app, account).into_any(),
        Screen::Result(app, outcome) => result_prompt(flow, app, outcome).into_any(),
    }
}

/// After a screen change: the element the screen marked `data-focus` (a form's first
/// input, a result's next step), else the dialog itself, so keyboard and screen-reader
/// users start in the new content. The hosted page has no dialog to fall back to.
fn focus_in(body: NodeRef<html::Div>) {
    let Some(body) = body.get_untracked() else { return };
    let target = body
        .query_selector("[data-focus]")
        .ok()
        .flatten()
        .or_else(|| body.closest("[role=dialog]").ok().flatten());
    if let Some(target) = target {
        _ = target.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}
