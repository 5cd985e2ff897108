//! Plugboard's operators' console: a Leptos CSR app that public/console/index.html loads
//! at `/console`. It reads and changes everything through `/console/api/…` with the
//! operator's session cookie (`api`), navigates by URL hash (`route`) and draws one
//! screen per module of `pages`.

mod api;
mod components;
mod format;
mod pages;
mod route;
mod session;
mod shell;
mod theme;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::api::Api;
use crate::pages::sign_in::SignInPage;
use crate::session::Session;
use crate::shell::Shell;

// The unit tests use the browser (dates, URL encoding): `cargo xtask test` runs them in
// headless Chromium.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Runs when boot.js initialises the module: replaces the shell's "Loading" text with
/// the app. (Not in the unit tests' module, whose page has no shell.)
#[cfg_attr(not(test), wasm_bindgen(start))]
pub fn start() {
    let root = document()
        .get_element_by_id("console")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("index.html has a #console element");
    root.set_inner_html("");
    leptos::mount::mount_to(root, App).forget();
}

#[component]
fn App() -> impl IntoView {
    let session = RwSignal::new(Session::Checking);
    let api = Api::new(session);
    provide_context(api);
    provide_context(session);
    spawn_local(check_session(api, session));
    // Whether the sign-in page was shown in this page's life: the console that follows it
    // takes focus, as the form it replaces had it.
    let signed_in_here = StoredValue::new(false);
    move || match session.get() {
        Session::Checking => view! {
            <main class="centered">
                <p class="muted" role="status">"Loading the console…"</p>
            </main>
        }
        .into_any(),
        Session::SignedOut(notice) => {
            signed_in_here.set_value(true);
            view! { <SignInPage notice/> }.into_any()
        }
        Session::SignedIn(operator) => {
            let after_sign_in = signed_in_here.get_value();
            view! { <Shell operator after_sign_in/> }.into_any()
        }
        Session::Unknown(message) => view! {
            <main class="centered">
                <h1>"Plugboard console"</h1>
                <div class="notice notice-error" role="alert">
                    <p>{message}</p>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            session.set(Session::Checking);
                            spawn_local(check_session(api, session));
                        }
                    >
                        "Try again"
                    </button>
                </div>
            </main>
        }
        .into_any(),
    }
}

/// Asks who is signed in: the console, or the sign-in page on a 401.
async fn check_session(api: Api, session: RwSignal<Session>) {
    session.set(match api.session().await {
        Ok(operator) => Session::SignedIn(operator),
        Err(error) if error.status == 401 => Session::SignedOut(None),
        Err(error) => Session::Unknown(error.message),
    });
}
