//! The OAuth popup protocol (ARCHITECTURE.md, "The path of one connection", step 7): open, wait for the one message, and fall back to
//! the server's attempt outcome when the message never comes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{
    IntervalHandle, WindowListenerHandle, set_interval_with_handle, set_timeout, window_event_listener_untyped,
};
use leptos::task::spawn_local;
use plugboard_shared::{FailureReason, MESSAGE_SOURCE, PopupMessage};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

use crate::api::Api;
use crate::events::Outcome;
use crate::wire::{self, FromJs};

/// How often `popup.closed` is looked at; a person notices nothing under half a second.
const CLOSED_POLL: Duration = Duration::from_millis(400);
/// After the popup closed with the attempt still pending, one more look this much later:
/// the callback may have stored the result a moment after the window went away.
const LAST_LOOK: Duration = Duration::from_millis(1200);

/// What a message must match to be taken as this attempt's answer.
pub struct Expected<'a> {
    /// Origin of the Plugboard server (where the callback page lives).
    pub server_origin: &'a str,
    pub attempt_id: &'a str,
}

/// The message rules: from the server's origin, from the window we opened, for our
/// attempt. Anything else on `window` (other widgets, extensions, the host's own
/// messages, a hostile frame) is ignored, never trusted.
pub fn accept(event: &MessageEvent, popup: &JsValue, expected: &Expected) -> Option<PopupMessage> {
    if event.origin() != expected.server_origin {
        return None;
    }
    let source = event.source()?;
    if !js_sys::Object::is(source.as_ref(), popup) {
        return None;
    }
    let data = event.data();
    let message = match data.as_string() {
        Some(text) => wire::parse(&text)?,
        None => PopupMessage::from_js(&data)?,
    };
    is_ours(&message, expected.attempt_id).then_some(message)
}

/// The part of [`accept`] that needs no browser.
pub fn is_ours(message: &PopupMessage, attempt_id: &str) -> bool {
    message.source == MESSAGE_SOURCE && message.attempt_id == attempt_id
}

/// `https://host:port` of a URL, as `MessageEvent.origin` spells it.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// Must run synchronously in the click handler: Safari (and Chromium without a recent user
/// gesture) block `window.open` after an `await`. `None` means the browser blocked it.
pub fn open_blank() -> Option<Window> {
    let window = web_sys::window()?;
    let (width, height) = (520, 680);
    let left = outer(&window.screen_x()) + outer(&window.outer_width()) / 2 - width / 2;
    let top = outer(&window.screen_y()) + outer(&window.outer_height()) / 2 - height / 2;
    let features = format!("popup,width={width},height={height},left={left},top={top}");
    window
        .open_with_url_and_target_and_features("about:blank", "plugboard", &features)
        .ok()?
}

fn outer(value: &Result<JsValue, JsValue>) -> i32 {
    value.as_ref().ok().and_then(JsValue::as_f64).unwrap_or(0.0) as i32
}

/// Points the blank popup at the server's `popup_url`. A relative URL is resolved against
/// the server: the blank page would resolve it against the host page.
pub fn navigate(popup: &Window, popup_url: &str, server: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::new_with_base(popup_url, server)?.href();
    popup.location().set_href(&url)
}

type Done = Box<dyn FnOnce(Outcome)>;

/// One attempt being waited for. Message listener, closed poll and the attempt lookup all
/// race to [`Watch::finish`], which hands the outcome on exactly once.
struct Watch {
    done: RefCell<Option<Done>>,
    listener: RefCell<Option<WindowListenerHandle>>,
    interval: Cell<Option<IntervalHandle>>,
}

impl Watch {
    fn finish(&self, outcome: Outcome) {
        let Some(done) = self.done.borrow_mut().take() else {
            return;
        };
        if let Some(listener) = self.listener.borrow_mut().take() {
            listener.remove();
        }
        self.stop_polling();
        done(outcome);
    }

    fn stop_polling(&self) {
        if let Some(interval) = self.interval.take() {
            interval.clear();
        }
    }

    fn is_done(&self) -> bool {
        self.done.borrow().is_none()
    }
}

/// Waits for the outcome of `attempt_id` in `popup`, then calls `done` once.
pub fn watch(popup: Window, attempt_id: String, app: String, api: Rc<Api>, done: impl FnOnce(Outcome) + 'static) {
    let watch = Rc::new(Watch {
        done: RefCell::new(Some(Box::new(done))),
        listener: RefCell::new(None),
        interval: Cell::new(None),
    });
    let server_origin = origin_of(api.server()).unwrap_or_default();

    let listener = window_event_listener_untyped("message", {
        let (watch, popup, attempt_id) = (watch.clone(), popup.clone(), attempt_id.clone());
        move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else {
                return;
            };
            let expected = Expected {
                server_origin: &server_origin,
                attempt_id: &attempt_id,
            };
            if let Some(message) = accept(event, &popup, &expected) {
                watch.finish(message.into());
            }
        }
    });
    watch.listener.replace(Some(listener));

    let interval = set_interval_with_handle(
        {
            let watch = watch.clone();
            move || {
                if popup.closed().unwrap_or(true) && !watch.is_done() {
                    watch.stop_polling();
                    let (watch, api, attempt_id, app) = (watch.clone(), api.clone(), attempt_id.clone(), app.clone());
                    spawn_local(after_close(watch, api, attempt_id, app));
                }
            }
        },
        CLOSED_POLL,
    );
    watch.interval.set(interval.ok());
}

/// The popup is gone without a message we accepted: the server's record decides.
async fn after_close(watch: Rc<Watch>, api: Rc<Api>, attempt_id: String, app: String) {
    if let Some(outcome) = api.outcome(&attempt_id).await {
        return watch.finish(outcome);
    }
    let (later, api2) = (watch.clone(), api.clone());
    set_timeout(
        move || {
            spawn_local(async move {
                let outcome = api2.outcome(&attempt_id).await;
                let closed = || Outcome::failure(&app, FailureReason::PopupClosed, None);
                later.finish(outcome.unwrap_or_else(closed));
            })
        },
        LAST_LOOK,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    use plugboard_shared::{ConnectResult, FailureEvent, FailureReason, ResultPayload};

    fn message(attempt_id: &str) -> PopupMessage {
        let failure = FailureEvent {
            app: "sandbox-crm".into(),
            reason: FailureReason::Cancelled,
            message: None,
        };
        PopupMessage::new(attempt_id, ConnectResult::Error, ResultPayload::Failure(failure))
    }

    #[wasm_bindgen_test]
    fn accepts_our_attempt() {
        assert!(is_ours(&message("att_1"), "att_1"));
    }

    #[wasm_bindgen_test]
    fn rejects_other_attempts_and_sources() {
        assert!(!is_ours(&message("att_2"), "att_1"));
        let foreign = PopupMessage {
            source: "other".into(),
            ..message("att_1")
        };
        assert!(!is_ours(&foreign, "att_1"));
    }
}
