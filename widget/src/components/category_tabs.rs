use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use crate::flow::ConnectFlow;

/// The element the tabs control: the app list (see `AppList`).
pub const PANEL_ID: &str = "pb-apps";

/// "All" and one tab per category, after WAI-ARIA APG "Tabs" with automatic activation:
/// choosing a tab filters at once, there is nothing to load. The tab list is one Tab stop;
/// the arrow keys, Home and End move between tabs.
pub fn category_tabs(flow: ConnectFlow, choices: Vec<(String, Option<String>)>, shown: bool) -> impl IntoView {
    let tabs = choices
        .iter()
        .map(|(label, choice)| {
            let (mine, click) = (choice.clone(), choice.clone());
            let selected = move || *flow.category.read() == mine;
            view! {
                <button
                    role="tab"
                    id=tab_id(choice.as_deref())
                    aria-controls=PANEL_ID
                    aria-selected={
                        let selected = selected.clone();
                        move || if selected() { "true" } else { "false" }
                    }
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| flow.category.set(click.clone())
                >
                    {label.clone()}
                </button>
            }
            .into_any()
        })
        .collect_view();
    let on_keydown = move |event: KeyboardEvent| {
        let last = choices.len() - 1;
        let current = flow
            .category
            .with_untracked(|category| choices.iter().position(|(_, c)| c == category))
            .unwrap_or(0);
        let next = match event.key().as_str() {
            "ArrowRight" if current < last => current + 1,
            "ArrowRight" => 0,
            "ArrowLeft" if current > 0 => current - 1,
            "ArrowLeft" | "End" => last,
            "Home" => 0,
            _ => return,
        };
        event.prevent_default();
        flow.category.set(choices[next].1.clone());
        // Focus follows the selection, as the pattern asks.
        let list = event.current_target().and_then(|t| t.dyn_into::<Element>().ok());
        let tab = list.and_then(|l| l.query_selector_all("[role=tab]").ok()?.item(next as u32));
        if let Some(tab) = tab.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            _ = tab.focus();
        }
    };
    view! {
        <div class="pb-tabs" role="tablist" hidden=!shown aria-label=flow.t.categories on:keydown=on_keydown>
            {tabs}
        </div>
    }
}

/// The tab's element id, which also labels the panel while that tab is selected.
pub fn tab_id(category: Option<&str>) -> String {
    format!("pb-tab-{}", category.unwrap_or("all"))
}
