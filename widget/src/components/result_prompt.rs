use leptos::prelude::*;
use plugboard_shared::{ConnectResult, FailureReason, ResultPayload, WidgetApp};

use crate::events::Outcome;
use crate::flow::{ConnectFlow, Mode};

/// After an attempt, unless the host hid it (`userConfig.hideAppConnectionModal`).
#[component]
pub fn ResultPrompt(flow: ConnectFlow, app: WidgetApp, outcome: Outcome) -> impl IntoView {
    let (title, detail) = describe(&app.name, &outcome);
    let ok = outcome.result == ConnectResult::Authorized;
    let redirecting = move || {
        flow.redirecting
            .get()
            .then(|| view! { <p class="pb-muted">"Taking you back…"</p> })
    };
    let done = (flow.mode() == Mode::Modal).then(|| {
        view! {
            <button type="button" class="pb-button pb-primary" on:click=move |_| flow.close()>
                "Done"
            </button>
        }
    });
    view! {
        <div class="pb-center pb-result" class:pb-ok=ok role="status">
            <span class="pb-result-icon" aria-hidden="true">{if ok { "✓" } else { "!" }}</span>
            <p class="pb-lead">{title}</p>
            <p>{detail}</p>
            {redirecting}
        </div>
        <div class="pb-actions">
            <button type="button" class="pb-button" on:click=move |_| flow.back()>
                "Back to apps"
            </button>
            {done}
        </div>
    }
}

/// Title and sentence for an outcome; provider text is only ever shown as text.
pub fn describe(app: &str, outcome: &Outcome) -> (&'static str, String) {
    match (&outcome.result, &outcome.payload) {
        // "Connected" appears once only: hosts and tests look the prompt up by that word.
        (ConnectResult::Authorized, ResultPayload::Authorization(event)) => {
            let who = match event.identity.as_str() {
                "" => String::new(),
                identity => format!(" as {identity}"),
            };
            let detail = if event.already_exists {
                format!("{app} was already linked{who}; its access is now renewed.")
            } else {
                format!("{app} is ready to use, signed in{who}.")
            };
            ("Connected", detail)
        }
        (ConnectResult::VerificationFailed, ResultPayload::Authorization(event)) => {
            let who = if event.identity.is_empty() {
                String::new()
            } else {
                format!(" as {}", event.identity)
            };
            let detail = format!(
                "{app} signed you in{who}, but the account could not be verified. \
                 Check its permissions and try again."
            );
            ("Not verified", detail)
        }
        (_, ResultPayload::Failure(event)) => {
            let detail = match (event.reason, &event.message) {
                (FailureReason::Cancelled, _) => format!("You cancelled signing in to {app}."),
                (FailureReason::PopupClosed, _) => {
                    format!("The sign-in window was closed before {app} was connected.")
                }
                (FailureReason::PopupBlocked, _) => "Your browser blocked the sign-in window. \
                     Allow pop-ups for this site and try again."
                    .to_owned(),
                (FailureReason::ProviderError, Some(message)) => {
                    format!("{app} returned an error: {message}")
                }
                (FailureReason::ProviderError, None) => format!("{app} returned an error."),
            };
            ("Not connected", detail)
        }
        _ => ("Not connected", format!("{app} could not be connected.")),
    }
}

#[cfg(test)]
mod tests {
    use plugboard_shared::AuthorizationEvent;

    use super::*;

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

    #[test]
    fn success_names_the_identity() {
        let mut outcome = authorization(ConnectResult::Authorized);
        for already_exists in [false, true] {
            if let ResultPayload::Authorization(event) = &mut outcome.payload {
                event.already_exists = already_exists;
            }
            let (title, detail) = describe("Sandbox CRM", &outcome);
            assert_eq!(title, "Connected");
            assert!(detail.contains("ada@example.com"), "{detail}");
            assert!(!detail.to_lowercase().contains("connected"), "said twice: {detail}");
        }
    }

    #[test]
    fn verification_failure_says_so() {
        let outcome = authorization(ConnectResult::VerificationFailed);
        let (_, detail) = describe("Sandbox CRM", &outcome);
        assert!(detail.contains("could not be verified"), "{detail}");
    }

    #[test]
    fn failures_say_why() {
        let cases = [
            (FailureReason::Cancelled, None, "cancelled"),
            (FailureReason::PopupClosed, None, "closed"),
            (FailureReason::PopupBlocked, None, "blocked"),
            (FailureReason::ProviderError, Some("bad scope".to_owned()), "bad scope"),
        ];
        for (reason, message, expected) in cases {
            let (_, detail) = describe("X", &Outcome::failure("x", reason, message));
            assert!(detail.contains(expected), "{detail}");
        }
    }
}
