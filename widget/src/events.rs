//! Events for the host page. The loader's `emit(name, json)` callback parses the JSON and
//! hands it to `eventEmitter` listeners, so payloads cross the boundary as plain objects
//! with exactly the field names of `plugboard_shared::events`.

use plugboard_shared::{ConnectResult, FailureEvent, FailureReason, PopupMessage, ResultPayload, names};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// The loader's callback.
#[derive(Clone)]
pub struct Emitter(js_sys::Function);

impl Emitter {
    pub fn new(callback: js_sys::Function) -> Self {
        Self(callback)
    }

    pub fn emit(&self, name: &str, payload: &impl Serialize) {
        let json = serde_json::to_string(payload).unwrap_or_else(|_| "{}".into());
        // A throwing host listener must not break the widget; the loader reports it.
        let _ = self.0.call2(&JsValue::NULL, &name.into(), &json.into());
    }

    /// `ready`, `did-open`, `did-close`, `did-select-app`: `{app?}`.
    pub fn lifecycle(&self, name: &str, app: Option<&str>) {
        self.emit(name, &Lifecycle { app });
    }

    pub fn outcome(&self, outcome: &Outcome) {
        match &outcome.payload {
            ResultPayload::Authorization(event) => self.emit(event_name(outcome.result), event),
            ResultPayload::Failure(event) => self.emit(event_name(outcome.result), event),
        }
    }
}

#[derive(Serialize)]
struct Lifecycle<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<&'a str>,
}

/// How a connection attempt ended, whoever noticed it first (popup message, attempt
/// outcome, form answer, or the widget itself for blocked / closed popups).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub result: ConnectResult,
    pub payload: ResultPayload,
}

impl Outcome {
    pub fn failure(app: &str, reason: FailureReason, message: Option<String>) -> Self {
        let event = FailureEvent {
            app: app.to_owned(),
            reason,
            message,
        };
        Self {
            result: ConnectResult::Error,
            payload: ResultPayload::Failure(event),
        }
    }
}

impl From<PopupMessage> for Outcome {
    fn from(message: PopupMessage) -> Self {
        Self {
            result: message.result,
            payload: message.payload,
        }
    }
}

pub fn event_name(result: ConnectResult) -> &'static str {
    match result {
        ConnectResult::Authorized => names::ADDED,
        ConnectResult::VerificationFailed => names::VERIFICATION_FAILED,
        ConnectResult::Error => names::FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_map_to_the_integry_event_names() {
        assert_eq!(event_name(ConnectResult::Authorized), "did-add-authorization");
        assert_eq!(
            event_name(ConnectResult::VerificationFailed),
            "did-fail-authorization-verification"
        );
        assert_eq!(event_name(ConnectResult::Error), "did-fail-authorization");
    }

    #[test]
    fn lifecycle_payload_omits_a_missing_app() {
        assert_eq!(serde_json::to_string(&Lifecycle { app: None }).unwrap(), "{}");
        let json = serde_json::to_string(&Lifecycle {
            app: Some("sandbox-crm"),
        })
        .unwrap();
        assert_eq!(json, r#"{"app":"sandbox-crm"}"#);
    }

    #[test]
    fn failures_serialize_like_the_contract() {
        let outcome = Outcome::failure("sandbox-crm", FailureReason::PopupBlocked, None);
        let ResultPayload::Failure(event) = outcome.payload else {
            unreachable!()
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(json, r#"{"app":"sandbox-crm","reason":"popup_blocked"}"#);
    }
}
