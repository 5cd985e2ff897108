use leptos::prelude::*;

use super::api_key_form::ApiKeyForm;
use super::app_list::AppList;
use super::result_prompt::ResultPrompt;
use super::waiting::Waiting;
use crate::flow::{ConnectFlow, Screen};

/// The body shared by the modal and the hosted page.
#[component]
pub fn Screens(flow: ConnectFlow) -> impl IntoView {
    let notice = move || {
        let text = flow.notice.get()?;
        Some(view! { <p class="pb-error" role="alert">{text}</p> })
    };
    let screen = move || match flow.screen.get() {
        Screen::Apps => view! { <AppList flow/> }.into_any(),
        Screen::Form(app) => view! { <ApiKeyForm flow app/> }.into_any(),
        Screen::Waiting(app) => view! { <Waiting flow app/> }.into_any(),
        Screen::Result(app, outcome) => view! { <ResultPrompt flow app outcome/> }.into_any(),
    };
    view! { <div class="pb-body">{notice} {screen}</div> }
}
