use leptos::prelude::*;

use super::screens::Screens;
use crate::flow::ConnectFlow;

/// The hosted page (`GET /connect?link_token=…`): the same screens, full page, no overlay.
#[component]
pub fn ConnectPage(flow: ConnectFlow) -> impl IntoView {
    let intro = move || match flow.session.get().and_then(|s| s.owner_name) {
        Some(owner) => format!("{owner} asks you to connect an account. Pick the app below."),
        None => "Pick the app you want to connect.".to_owned(),
    };
    view! {
        <section class="pb-page" aria-labelledby="pb-title">
            <header class="pb-header">
                <h1 id="pb-title">"Connect an account"</h1>
            </header>
            <p class="pb-muted pb-intro">{intro}</p>
            <Screens flow/>
        </section>
    }
}
