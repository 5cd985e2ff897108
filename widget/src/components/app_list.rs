use leptos::prelude::*;

use super::app_card::AppCard;
use crate::flow::{Apps, ConnectFlow};

#[component]
pub fn AppList(flow: ConnectFlow) -> impl IntoView {
    move || match flow.apps.get() {
        Apps::Loading => view! { <p class="pb-muted" role="status">"Loading apps…"</p> }.into_any(),
        Apps::Failed(message) => view! {
            <p class="pb-error" role="alert">{format!("Could not load the apps: {message}")}</p>
        }
        .into_any(),
        Apps::Loaded(apps) if apps.is_empty() => {
            view! { <p class="pb-muted">"No apps are available to connect yet."</p> }.into_any()
        }
        Apps::Loaded(apps) => {
            let cards = apps.into_iter().map(|app| view! { <AppCard flow app/> }).collect_view();
            view! { <ul class="pb-grid">{cards}</ul> }.into_any()
        }
    }
}
