use leptos::prelude::*;

use super::app_card::AppCard;
use super::category_tabs::{CategoryTabs, PANEL_ID, tab_id};
use super::search_box::SearchBox;
use crate::flow::{Apps, ConnectFlow};
use crate::search::{self, SEARCH_ABOVE};

/// The apps to pick from. A long list also gets a search box and category tabs, which
/// hide cards rather than render the list again: cheaper in the bundle, and no logo
/// reloads while someone types.
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
            let long = apps.len() > SEARCH_ABOVE;
            let choices = search::tabs(&apps);
            // One category needs no tabs: "All" would show the same list.
            let tabbed = long && choices.len() > 2;
            let search = long.then(|| view! { <SearchBox flow/> });
            let tabs = tabbed.then(|| view! { <CategoryTabs flow choices/> });
            // Set without tabs too (naming no element then): an `Option` here costs more bytes.
            let labelled_by = move || tab_id(flow.category.read().as_deref());
            let some_shown = move || {
                flow.apps
                    .with(|apps| matches!(apps, Apps::Loaded(a) if a.iter().any(|app| flow.shows(app))))
            };
            let cards = apps.into_iter().map(|app| view! { <AppCard flow app/> }).collect_view();
            view! {
                {search}
                {tabs}
                <div id=PANEL_ID role=tabbed.then_some("tabpanel") aria-labelledby=labelled_by>
                    <ul class="pb-grid">{cards}</ul>
                    // The status is always in the page, so screen readers announce its text
                    // when it appears.
                    <p class="pb-muted pb-no-match" role="status">
                        <span hidden=some_shown>"No apps match"</span>
                    </p>
                </div>
            }
            .into_any()
        }
    }
}
