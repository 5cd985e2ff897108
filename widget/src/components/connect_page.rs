use leptos::prelude::*;

use super::screens::screens;
use crate::flow::ConnectFlow;
use crate::i18n::fill;

/// The hosted page (`GET /connect?link_token=…`): the same screens, full page, no overlay.
#[component]
pub fn ConnectPage(flow: ConnectFlow) -> impl IntoView {
    let t = flow.t;
    let intro = move || match flow.session.get().and_then(|s| s.owner_name) {
        Some(owner) => fill(t.page_intro_owner, &[&owner]),
        None => t.page_intro.to_owned(),
    };
    view! {
        <section class="pb-page" aria-labelledby="pb-title">
            <header class="pb-header">
                <h1 id="pb-title">{t.title}</h1>
            </header>
            <p class="pb-muted pb-intro">{intro}</p>
            {screens(flow)}
        </section>
    }
}
