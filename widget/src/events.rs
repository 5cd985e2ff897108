//! Events for the host page. The loader's `emit(name, payload)` callback hands the payload
//! object to `eventEmitter` listeners as is, with exactly the field names of
//! `plugboard_shared::events` (written by `wire`).

use plugboard_shared::{ConnectResult, FailureEvent, FailureReason, PopupMessage, RemovalEvent, ResultPayload, names};
use wasm_bindgen::JsValue;

use crate::wire;

/// The loader's callback.
#[derive(Clone)]
pub struct Emitter(js_sys::Function);

impl Emitter {
    pub fn new(callback: js_sys::Function) -> Self {
        Self(callback)
    }

    fn emit(&self, name: &str, payload: &JsValue) {
        // A throwing host listener must not break the widget; the loader reports it.
        _ = self.0.call2(&JsValue::NULL, &name.into(), payload);
    }

    /// `ready`, `did-open`, `did-close`, `did-select-app`: `{app?}`.
    pub fn lifecycle(&self, name: &str, app: Option<&str>) {
        let payload = wire::object();
        if let Some(app) = app {
            wire::set(&payload, "app", app);
        }
        self.emit(name, &payload);
    }

    /// `error`: `{code, message}`, for what went wrong outside an attempt (a bad link token,
    /// an unreachable server), so a host is never left with a silent widget.
    pub fn error(&self, code: &str, message: &str) {
        let payload = wire::object();
        wire::set(&payload, "code", code);
        wire::set(&payload, "message", message);
        self.emit("error", &payload);
    }

    pub fn removed(&self, event: &RemovalEvent) {
        self.emit(names::REMOVED, &wire::removal_event(event));
    }

    pub fn outcome(&self, outcome: &Outcome) {
        let payload = match &outcome.payload {
            ResultPayload::Authorization(event) => wire::authorization_event(event),
            ResultPayload::Failure(event) => wire::failure_event(event),
        };
        self.emit(event_name(outcome.result), &payload);
    }
}

/// How a connection attempt ended, whoever noticed it first (popup message, attempt
/// outcome, form answer, or the widget itself for blocked / closed popups).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub result: ConnectResult,
    pub payload: ResultPayload,
}

impl Outcome {
    /// The app's key, as every payload names it.
    pub fn app(&self) -> &str {
        match &self.payload {
            ResultPayload::Authorization(event) => &event.app,
            ResultPayload::Failure(event) => &event.app,
        }
    }

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
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn results_map_to_the_integry_event_names() {
        assert_eq!(event_name(ConnectResult::Authorized), "did-add-authorization");
        assert_eq!(
            event_name(ConnectResult::VerificationFailed),
            "did-fail-authorization-verification"
        );
        assert_eq!(event_name(ConnectResult::Error), "did-fail-authorization");
    }
}
