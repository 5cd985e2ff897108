use leptos::prelude::*;

use super::account_list::account_list;
use super::app_card::app_card;
use super::category_tabs::{PANEL_ID, category_tabs, tab_id};
use super::search_box::search_box;
use crate::flow::{Apps, ConnectFlow};
use crate::i18n::fill;
use crate::search::{self, SEARCH_ABOVE};

/// The apps to pick from. A long list also gets a search box and category tabs, which
/// hide cards rather than render the list again: cheaper in the bundle, and no logo
/// reloads while someone types.
pub fn app_list(flow: ConnectFlow) -> impl IntoView {
    let t = flow.t;
    move || match flow.apps.get() {
        // Card-shaped placeholders: the dialog opens at its final size, without a jump.
        Apps::Loading => view! {
            <p class="pb-sr" role="status">{t.loading}</p>
            <ul class="pb-grid" aria-hidden="true">
                <li class="pb-skeleton"></li>
                <li class="pb-skeleton"></li>
                <li class="pb-skeleton"></li>
                <li class="pb-skeleton"></li>
            </ul>
        }
        .into_any(),
        // No "Try again" for a dead link: only a new link helps.
        Apps::Failed(error) => view! {
            <p class="pb-error" role="alert">{fill(t.load_failed, &[&flow.explain(&error)])}</p>
            <div class="pb-actions" hidden=error.is_dead_link()>
                <button type="button" class="pb-button pb-primary" on:click=move |_| flow.reload_apps()>
                    {t.retry}
                </button>
            </div>
        }
        .into_any(),
        Apps::Loaded(apps) if apps.is_empty() => view! { <p class="pb-muted">{t.no_apps}</p> }.into_any(),
        Apps::Loaded(apps) => {
            let long = apps.len() > SEARCH_ABOVE;
            let choices = search::tabs(&apps, t.all);
            // One category needs no tabs: "All" would show the same list.
            let tabbed = long && choices.len() > 2;
            // Rendered hidden rather than left out: an `Option` of a view costs more bytes.
            let search = search_box(flow, long);
            let tabs = category_tabs(flow, choices, tabbed);
            // Set without tabs too (naming no element then): an `Option` here costs more bytes.
            let labelled_by = move || tab_id(flow.category.read().as_deref());
            let some_shown = move || {
                flow.apps
                    .with(|apps| matches!(apps, Apps::Loaded(a) if a.iter().any(|app| flow.shows(app))))
            };
            let accounts = account_list(flow, apps.clone());
            let cards = apps
                .into_iter()
                .map(|app| app_card(flow, app).into_any())
                .collect_view();
            view! {
                {accounts}
                {search}
                {tabs}
                <div id=PANEL_ID role=tabbed.then_some("tabpanel") aria-labelledby=labelled_by>
                    <ul class="pb-grid">{cards}</ul>
                    // The status is always in the page, so screen readers announce its text
                    // when it appears.
                    <p class="pb-muted pb-no-match" role="status">
                        <span hidden=some_shown>{t.no_match}</span>
                    </p>
                </div>
            }
            .into_any()
        }
    }
}
