use leptos::prelude::*;
use plugboard_shared::{ConnectResult, FailureReason, ResultPayload, WidgetApp};

use crate::events::Outcome;
use crate::flow::{ConnectFlow, Mode};
use crate::i18n::{Strings, fill};

/// After an attempt, unless the host hid it (`userConfig.hideAppConnectionModal`).
/// Failures offer a retry from a fresh click, which is also what a blocked popup needs:
/// the browser allows `window.open` inside a click.
pub fn result_prompt(flow: ConnectFlow, app: WidgetApp, outcome: Outcome) -> impl IntoView {
    let t = flow.t;
    let (title, detail) = describe(t, &app.name, &outcome);
    let ok = outcome.result == ConnectResult::Authorized;
    let blocked = matches!(&outcome.payload, ResultPayload::Failure(f) if f.reason == FailureReason::PopupBlocked);
    // One next step: "Done" after a success in the modal (the hosted page has nothing to
    // close), else try again.
    let (next, shown) = match (ok, blocked) {
        (true, _) => (t.done, flow.mode() == Mode::Modal),
        (false, true) => (t.open_window, true),
        (false, false) => (t.retry, true),
    };
    let on_next = move |_| if ok { flow.close() } else { flow.go(app.clone()) };
    view! {
        <div class="pb-center pb-result" class:pb-ok=ok role="status">
            <span class="pb-result-icon" aria-hidden="true">{if ok { "✓" } else { "!" }}</span>
            <p class="pb-lead">{title}</p>
            <p>{detail}</p>
            <p class="pb-muted" hidden=move || !flow.redirecting.get()>
                {t.taking_back}
            </p>
        </div>
        <div class="pb-actions">
            <button type="button" class="pb-button" on:click=move |_| flow.back()>
                {t.back_to_apps}
            </button>
            <button
                type="button"
                class="pb-button pb-primary"
                hidden=!shown
                data-focus=shown.then_some("")
                on:click=on_next
            >
                {next}
            </button>
        </div>
    }
}

/// Title and sentence for an outcome; provider text is only ever shown as text.
pub fn describe(t: &Strings, app: &str, outcome: &Outcome) -> (&'static str, String) {
    let who = |identity: &str| {
        if identity.is_empty() {
            String::new()
        } else {
            fill(t.as_who, &[identity])
        }
    };
    match (&outcome.result, &outcome.payload) {
        // "Connected" appears once only: hosts and tests look the prompt up by that word.
        (ConnectResult::Authorized, ResultPayload::Authorization(event)) => {
            let template = if event.already_exists { t.ok_again } else { t.ok_new };
            (t.connected, fill(template, &[app, &who(&event.identity)]))
        }
        (ConnectResult::VerificationFailed, ResultPayload::Authorization(event)) => {
            (t.unverified, fill(t.unverified_detail, &[app, &who(&event.identity)]))
        }
        (_, ResultPayload::Failure(event)) => {
            let detail = match (event.reason, &event.message) {
                (FailureReason::Cancelled, _) => fill(t.cancelled, &[app]),
                (FailureReason::PopupClosed, _) => fill(t.closed, &[app]),
                (FailureReason::PopupBlocked, _) => t.blocked.to_owned(),
                (FailureReason::ProviderError, Some(message)) => fill(t.provider_error, &[app, message]),
                (FailureReason::ProviderError, None) => fill(t.not_connected, &[app]),
            };
            (t.failed, detail)
        }
        _ => (t.failed, fill(t.not_connected, &[app])),
    }
}

#[cfg(test)]
mod tests {
    use plugboard_shared::AuthorizationEvent;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::i18n::EN;

    fn authorization(result: ConnectResult) -> Outcome {
        let event = AuthorizationEvent {
            identity: "ada@example.com".into(),
            authorization_id: 1,
            flow_id: None,
            already_exists: false,
            account_id: "acc_1".into(),
            app: "sandbox-crm".into(),
        };
        Outcome {
            result,
            payload: ResultPayload::Authorization(event),
        }
    }

    #[wasm_bindgen_test]
    fn success_names_the_identity() {
        let mut outcome = authorization(ConnectResult::Authorized);
        for already_exists in [false, true] {
            if let ResultPayload::Authorization(event) = &mut outcome.payload {
                event.already_exists = already_exists;
            }
            let (title, detail) = describe(&EN, "Sandbox CRM", &outcome);
            assert_eq!(title, "Connected");
            assert!(detail.contains("ada@example.com"), "{detail}");
            assert!(!detail.to_lowercase().contains("connected"), "said twice: {detail}");
        }
    }

    #[wasm_bindgen_test]
    fn verification_failure_says_so() {
        let outcome = authorization(ConnectResult::VerificationFailed);
        let (_, detail) = describe(&EN, "Sandbox CRM", &outcome);
        assert!(detail.contains("could not be verified"), "{detail}");
    }

    #[wasm_bindgen_test]
    fn failures_say_why() {
        let cases = [
            (FailureReason::Cancelled, None, "cancelled"),
            (FailureReason::PopupClosed, None, "closed"),
            (FailureReason::PopupBlocked, None, "blocked"),
            (FailureReason::ProviderError, Some("bad scope".to_owned()), "bad scope"),
        ];
        for (reason, message, expected) in cases {
            let (_, detail) = describe(&EN, "X", &Outcome::failure("x", reason, message));
            assert!(detail.contains(expected), "{detail}");
        }
    }
}
