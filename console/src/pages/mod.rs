//! One module per screen.

pub mod account;
mod account_actions;
pub mod accounts;
pub mod apps;
pub mod audit;
pub mod keys;
mod link_list;
pub mod links;
pub mod sign_in;
pub mod webhooks;

use leptos::prelude::*;

use crate::components::PageTitle;
use crate::route::Route;

/// A hash that names no screen (a stale bookmark, a typo).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PageTitle text="Page not found"/>
        <p>"The console has no page at this address. "
            <a href=Route::Accounts.href()>"Go to the integrated accounts"</a>"."
        </p>
    }
}
