//! The frame around every screen once signed in: skip link, header (who is signed in,
//! theme, sign out), navigation, and the `<main>` where the current route's page goes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::console::{OperatorInfo, Role};
use wasm_bindgen::JsCast;

use crate::api::{AccountFilter, Api};
use crate::components::{Catalog, Outcome, OutcomeRegion};
use crate::pages;
use crate::route::{self, Route, Router};
use crate::session::Session;
use crate::theme::ThemePicker;

/// A message for the next screen, e.g. "Deleted account …" shown on the list that a
/// deletion returns to. It stays while that screen does and goes with the next
/// navigation.
#[derive(Clone, Copy)]
pub struct Flash {
    message: RwSignal<Option<(Route, Outcome)>>,
}

impl Flash {
    pub fn show(&self, on: Route, outcome: Outcome) {
        self.message.set(Some((on, outcome)));
    }
}

/// The accounts list's filters and page, kept while the operator looks at an account.
#[derive(Clone, Copy, Default)]
pub struct AccountsState {
    pub filter: RwSignal<AccountFilter>,
    /// `start_key` of each page after the first, in order: "Previous page" pops one.
    pub pages: RwSignal<Vec<String>>,
}

const NAV: [(Route, &str); 6] = [
    (Route::Accounts, "Integrated accounts"),
    (Route::Links, "Auth links"),
    (Route::Apps, "Apps"),
    (Route::Webhooks, "Webhooks"),
    (Route::Keys, "API keys"),
    (Route::Audit, "Audit log"),
];

#[component]
pub fn Shell(
    operator: OperatorInfo,
    /// Whether the operator just signed in on this page (focus then goes to the heading).
    after_sign_in: bool,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let router = route::follow_hash(after_sign_in);
    provide_context(router);
    provide_context(Catalog(LocalResource::new(move || api.apps())));
    provide_context(AccountsState::default());
    let flash = Flash {
        message: RwSignal::new(None),
    };
    provide_context(flash);
    Effect::new(move |_| {
        let here = router.route.get();
        if flash
            .message
            .with_untracked(|m| m.as_ref().is_some_and(|(on, _)| *on != here))
        {
            flash.message.set(None);
        }
    });
    let flash_outcome = Signal::derive(move || flash.message.get().map(|(_, outcome)| outcome));

    let admin = operator.role == Role::Admin;
    let page = move || match router.route.get() {
        Route::Accounts => view! { <pages::accounts::AccountsPage/> }.into_any(),
        Route::Account(id) => view! { <pages::account::AccountPage id/> }.into_any(),
        Route::Links => view! { <pages::links::LinksPage/> }.into_any(),
        Route::Apps => view! { <pages::apps::AppsPage/> }.into_any(),
        Route::Webhooks => view! { <pages::webhooks::WebhooksPage/> }.into_any(),
        Route::Keys if admin => view! { <pages::keys::KeysPage/> }.into_any(),
        Route::Keys => view! { <pages::keys::AdminOnly/> }.into_any(),
        Route::Audit => view! { <pages::audit::AuditPage/> }.into_any(),
        Route::NotFound => view! { <pages::NotFoundPage/> }.into_any(),
    };
    view! {
        <SkipLink/>
        <Header operator/>
        <div class="layout">
            <Nav admin/>
            <main id="main" tabindex="-1">
                <OutcomeRegion outcome=flash_outcome/>
                {page}
            </main>
        </div>
    }
}

/// The first stop of the Tab key. Its target is an element, not a route: the click
/// moves focus itself instead of letting `#main` become the URL's hash.
#[component]
fn SkipLink() -> impl IntoView {
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(main) = document().get_element_by_id("main") {
            let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    view! { <a class="skip-link" href="#main" on:click=skip>"Skip to content"</a> }
}

#[component]
fn Header(operator: OperatorInfo) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = expect_context::<RwSignal<Session>>();
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        spawn_local(async move {
            // Whatever the answer, this browser is done with the session; a network
            // failure leaves the cookie, which the server expires on its own.
            let _ = api.sign_out().await;
            session.set(Session::SignedOut(Some("You have signed out.".into())));
        });
    };
    let role = match operator.role {
        Role::Admin => "Admin",
        Role::Support => "Support",
    };
    view! {
        <header class="topbar">
            <a class="brand" href=Route::Accounts.href()>
                <span class="brand-mark" aria-hidden="true">"P"</span>
                <span>"Plugboard" <span class="brand-sub">" console"</span></span>
            </a>
            <div class="topbar-end">
                <p class="operator">
                    <span class="sr-only">"Signed in as "</span>
                    <span class="operator-email">{operator.email}</span>
                    <span class="badge badge-neutral">{role}</span>
                </p>
                <ThemePicker/>
                <button type="button" class="button" disabled=signing_out on:click=sign_out>
                    "Sign out"
                </button>
            </div>
        </header>
    }
}

#[component]
fn Nav(admin: bool) -> impl IntoView {
    let router = expect_context::<Router>();
    let links = NAV
        .into_iter()
        // Support operators cannot manage keys: no link to a page that would refuse them.
        .filter(|(route, _)| admin || *route != Route::Keys)
        .map(|(route, label)| {
            let href = route.href();
            let current = move || (router.route.get().section() == route).then_some("page");
            view! {
                <li>
                    <a href=href aria-current=current>{label}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="nav" aria-label="Console">
            <ul>{links}</ul>
        </nav>
    }
}
