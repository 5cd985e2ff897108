//! The sign-in page. Operators are created on the command line
//! (`plugboard operator create`); there is no sign-up here.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Api;
use crate::session::Session;
use crate::theme::ThemePicker;

#[component]
pub fn SignInPage(
    /// Why the operator is here (signed out, session ended), if there is something to say.
    notice: Option<String>,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let session = expect_context::<RwSignal<Session>>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    document().set_title("Sign in · Plugboard console");
    // After a sign-out or an ended session the control that had focus is gone: start
    // again in the form. On a fresh page load focus stays where the browser puts it.
    let email_input = NodeRef::<leptos::html::Input>::new();
    if notice.is_some() {
        Effect::new(move |_| {
            if let Some(input) = email_input.get() {
                let _ = input.focus();
            }
        });
    }

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api.sign_in(email.get_untracked(), password.get_untracked()).await {
                Ok(operator) => session.set(Session::SignedIn(operator)),
                Err(err) => {
                    // The server's own words: wrong password, or how long to wait (429).
                    error.set(Some(err.message));
                    password.set(String::new());
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <header class="topbar">
            <span class="brand">
                <span class="brand-mark" aria-hidden="true">"P"</span>
                <span>"Plugboard" <span class="brand-sub">" console"</span></span>
            </span>
            <div class="topbar-end"><ThemePicker/></div>
        </header>
        <main id="main" class="sign-in">
            <form class="card sign-in-card" on:submit=submit>
                <h1>"Sign in"</h1>
                <p class="muted">"For the operators of this Plugboard server."</p>
                <p class="notice notice-ok" role="status" hidden=notice.is_none()>{notice.clone()}</p>
                <div class="field">
                    <label for="sign-in-email">"E-mail"</label>
                    <input
                        id="sign-in-email"
                        node_ref=email_input
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        prop:value=email
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="sign-in-password">"Password"</label>
                    <input
                        id="sign-in-password"
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="sign-in-error"
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <div id="sign-in-error" role="alert">
                    {move || error.get().map(|e| view! {
                        <p class="notice notice-error"><span aria-hidden="true">"⚠ "</span>{e}</p>
                    })}
                </div>
                <button type="submit" class="button button-primary button-wide" disabled=busy>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="muted small">
                    "No account? An admin creates one with "
                    <code>"plugboard operator create --email … --role admin|support"</code>"."
                </p>
            </form>
        </main>
    }
}
