//! Browser tests: the parts of the widget whose logic is DOM logic. Run with
//! `cargo xtask test` (wasm-bindgen-test-runner driving headless Chromium).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use plugboard_widget::PlugboardWidget;
use plugboard_widget::popup::{Expected, accept};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{MessageEvent, MessageEventInit};

wasm_bindgen_test_configure!(run_in_browser);

const SERVER: &str = "https://plugboard.example";
const MESSAGE: &str = r#"{"source":"plugboard","attempt_id":"att_1","result":"error",
    "payload":{"app":"sandbox-crm","reason":"cancelled"}}"#;

fn message(origin: &str, source: Option<&web_sys::Window>, data: &str) -> MessageEvent {
    let init = MessageEventInit::new();
    init.set_origin(origin);
    init.set_source_opt_window(source);
    init.set_data(&js_sys::JSON::parse(data).unwrap());
    MessageEvent::new_with_event_init_dict("message", &init).unwrap()
}

fn expected() -> Expected<'static> {
    Expected {
        server_origin: SERVER,
        attempt_id: "att_1",
    }
}

#[wasm_bindgen_test]
fn accepts_the_answer_from_our_popup() {
    // The test page's own window stands in for the popup: any Window object will do.
    let popup = web_sys::window().unwrap();
    let accepted = accept(&message(SERVER, Some(&popup), MESSAGE), &popup, &expected());
    assert_eq!(accepted.unwrap().attempt_id, "att_1");
}

#[wasm_bindgen_test]
fn rejects_messages_from_another_origin() {
    let popup = web_sys::window().unwrap();
    let event = message("https://evil.example", Some(&popup), MESSAGE);
    assert!(accept(&event, &popup, &expected()).is_none());
}

#[wasm_bindgen_test]
fn rejects_messages_from_another_window() {
    let popup = web_sys::window().unwrap();
    assert!(accept(&message(SERVER, None, MESSAGE), &popup, &expected()).is_none());
    let other = JsValue::from(js_sys::Object::new());
    assert!(accept(&message(SERVER, Some(&popup), MESSAGE), &other, &expected()).is_none());
}

#[wasm_bindgen_test]
fn rejects_messages_for_another_attempt() {
    let popup = web_sys::window().unwrap();
    let event = message(SERVER, Some(&popup), &MESSAGE.replace("att_1", "att_2"));
    assert!(accept(&event, &popup, &expected()).is_none());
}

async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().unwrap();
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(wait).await.unwrap();
}

/// The modal against an unreachable server: it opens, says why it has no apps, and
/// emits nothing it should not.
#[wasm_bindgen_test]
async fn modal_opens_and_shows_a_server_error_as_text() {
    let events: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = events.clone();
    let emit = Closure::<dyn Fn(String, String)>::new(move |name, _json| log.borrow_mut().push(name));
    let options = r#"{"serverUrl":"http://127.0.0.1:9","linkToken":"lt_test"}"#;
    let widget = PlugboardWidget::new(options, emit.as_ref().unchecked_ref::<js_sys::Function>().clone()).unwrap();

    widget.render_modal("{}").unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document
        .query_selector("[data-plugboard]")
        .unwrap()
        .expect("a host element");
    let root = host.shadow_root().expect("an open shadow root");
    let dialog = root.query_selector("[role=dialog]").unwrap().expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title = root.query_selector("#pb-title").unwrap().unwrap();
    assert_eq!(title.text_content().as_deref(), Some("Connect an account"));
    assert!(root.query_selector("button[aria-label=Close]").unwrap().is_some());

    let mut alert = None;
    for _ in 0..50 {
        sleep(100).await;
        alert = root.query_selector("[role=alert]").unwrap();
        if alert.is_some() {
            break;
        }
    }
    let text = alert.expect("an error message").text_content().unwrap();
    assert!(text.contains("Could not reach Plugboard"), "{text}");
    assert_eq!(*events.borrow(), ["did-open"]);

    widget.close();
    sleep(0).await;
    assert!(document.query_selector("[data-plugboard]").unwrap().is_none());
    assert_eq!(*events.borrow(), ["did-open", "did-close"]);
}
