//! Browser tests: the parts of the widget whose logic is DOM logic. Run with
//! `cargo xtask test` (wasm-bindgen-test-runner driving headless Chromium).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use plugboard_shared::{
    AccountId, AccountStatus, AppKey, AttemptOutcome, AuthMode, AuthorizationEvent, ConnectRequest, ConnectResult,
    ConnectStarted, DeploymentId, ErrorBody, ErrorDetail, FailureEvent, FailureReason, FormField, PopupMessage,
    RemovalEvent, ResultPayload, SessionInfo, TenantId, WidgetAccount, WidgetApp, WidgetSessionRequest,
    WidgetSessionResponse,
};
use plugboard_widget::PlugboardWidget;
use plugboard_widget::popup::{Expected, accept};
use plugboard_widget::search;
use plugboard_widget::wire::{self, FromJs};
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

/// The loader's early app list answer is what the modal shows: here a refused deployment,
/// whose message reaches the person and whose code reaches the host. (Dead links and an
/// unreachable server are worded by the widget itself: see the next test and e2e.)
#[wasm_bindgen_test]
async fn modal_uses_the_loaders_prefetched_app_list() {
    let events: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = events.clone();
    let emit = Closure::<dyn Fn(String, JsValue)>::new(move |name, _payload| log.borrow_mut().push(name));
    let options = js_sys::JSON::parse(r#"{"serverUrl":"http://127.0.0.1:9","linkToken":"lt_test"}"#).unwrap();
    let widget = PlugboardWidget::new(options, emit.as_ref().unchecked_ref::<js_sys::Function>().clone()).unwrap();
    let answer = js_sys::JSON::parse(
        r#"{"ok":false,"status":400,"text":"{\"error\":{\"code\":\"unknown_deployment\",\"message\":\"No deployment x.\"}}"}"#,
    )
    .unwrap();
    widget
        .render_modal(
            JsValue::UNDEFINED,
            "/widget/apps?deployment_id=x".into(),
            js_sys::Promise::resolve(&answer).into(),
        )
        .unwrap();
    let root = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .query_selector("[data-plugboard]")
        .unwrap()
        .unwrap()
        .shadow_root()
        .unwrap();
    let mut text = None;
    for _ in 0..50 {
        sleep(20).await;
        text = root
            .query_selector("[role=alert]:not([hidden])")
            .unwrap()
            .and_then(|a| a.text_content());
        if text.is_some() {
            break;
        }
    }
    let text = text.expect("an error message");
    assert!(text.contains("No deployment x."), "{text}");
    assert_eq!(*events.borrow(), ["did-open", "error"]);
    widget.destroy();
    sleep(0).await;
    assert!(!root.host().is_connected(), "destroy removes the host element");
}

/// The modal against an unreachable server: it opens, says why it has no apps, offers to
/// try again, and emits `error` and nothing it should not.
#[wasm_bindgen_test]
async fn modal_opens_and_shows_a_server_error_as_text() {
    let events: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = events.clone();
    let emit = Closure::<dyn Fn(String, JsValue)>::new(move |name, _payload| log.borrow_mut().push(name));
    let options = js_sys::JSON::parse(r#"{"serverUrl":"http://127.0.0.1:9","linkToken":"lt_test"}"#).unwrap();
    let widget = PlugboardWidget::new(options, emit.as_ref().unchecked_ref::<js_sys::Function>().clone()).unwrap();

    widget
        .render_modal(JsValue::UNDEFINED, "/widget/apps".into(), JsValue::UNDEFINED)
        .unwrap();
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
        alert = root.query_selector("[role=alert]:not([hidden])").unwrap();
        if alert.is_some() {
            break;
        }
    }
    let text = alert.expect("an error message").text_content().unwrap();
    assert!(text.contains("The server could not be reached"), "{text}");
    let retry = root
        .query_selector(".pb-actions .pb-primary")
        .unwrap()
        .expect("a retry button");
    assert_eq!(retry.text_content().as_deref(), Some("Try again"));
    // The host hears it too, rather than a silent, empty widget.
    assert_eq!(*events.borrow(), ["did-open", "error"]);

    widget.close();
    sleep(0).await;
    assert!(document.query_selector("[data-plugboard]").unwrap().is_none());
    assert_eq!(*events.borrow(), ["did-open", "error", "did-close"]);
}

// The contract: `wire` reads exactly what serde writes for the shared types, and writes
// exactly what serde reads. Compared through `Debug`, which every shared type has.

fn read_back<T: serde::Serialize + FromJs + std::fmt::Debug>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap();
    format!(
        "{:?}",
        wire::parse::<T>(&json).unwrap_or_else(|| panic!("wire cannot read {json}"))
    )
}

#[wasm_bindgen_test]
fn wire_reads_what_the_server_writes() {
    let field = |secret, placeholder: Option<&str>| FormField {
        name: "subdomain".into(),
        label: "Subdomain".into(),
        secret,
        placeholder: placeholder.map(Into::into),
    };
    for (auth_mode, fields) in [
        (AuthMode::Oauth2, None),
        (AuthMode::Oauth2Cc, Some(vec![field(true, None)])),
        (AuthMode::ApiKey, Some(vec![])),
        (AuthMode::Basic, Some(vec![field(false, Some("yourcompany"))])),
    ] {
        let app = WidgetApp {
            key: AppKey::parse("sandbox-crm").unwrap(),
            name: "Sandbox CRM".into(),
            category: "crm".into(),
            category_label: "CRM".into(),
            logo_url: "https://p.example/logos/sandbox-crm.svg".into(),
            auth_mode,
            fields,
            connected: true,
            accounts: vec![WidgetAccount {
                account_id: AccountId::parse("acc_1").unwrap(),
                authorization_id: 7,
                identity: "ada@example.com".into(),
                status: AccountStatus::NeedsReauth,
                can_disconnect: true,
            }],
        };
        assert_eq!(read_back(&app), format!("{app:?}"));
        assert_eq!(read_back(&vec![app.clone()]), format!("{:?}", vec![app]));
    }

    let session = SessionInfo {
        tenant_id: TenantId::parse("t-1").unwrap(),
        owner_name: Some("Acme".into()),
        redirect_uri: None,
        expires_at: "2030-01-01T00:00:00Z".into(),
    };
    assert_eq!(read_back(&session), format!("{session:?}"));
    let started = ConnectStarted {
        attempt_id: "att_1".into(),
        popup_url: "https://p.example/oauth/start/att_1".into(),
    };
    assert_eq!(read_back(&started), format!("{started:?}"));
    let response = WidgetSessionResponse {
        link_token: "lt_1".into(),
        expires_at: "2030-01-01T00:00:00Z".into(),
    };
    assert_eq!(read_back(&response), format!("{response:?}"));

    let error = ErrorBody {
        error: ErrorDetail {
            code: "invalid_link_token".into(),
            message: "expired".into(),
        },
    };
    let json = serde_json::to_string(&error).unwrap();
    assert_eq!(
        format!("{:?}", wire::parse::<ErrorDetail>(&json).unwrap()),
        format!("{:?}", error.error)
    );
}

fn authorization(flow_id: Option<i64>) -> AuthorizationEvent {
    AuthorizationEvent {
        identity: "ada@sandbox.example".into(),
        authorization_id: 42,
        flow_id,
        already_exists: true,
        account_id: "acc_1".into(),
        app: "sandbox-crm".into(),
    }
}

fn failures() -> Vec<FailureEvent> {
    let reasons = [
        FailureReason::Cancelled,
        FailureReason::PopupClosed,
        FailureReason::PopupBlocked,
        FailureReason::ProviderError,
    ];
    reasons
        .into_iter()
        .map(|reason| FailureEvent {
            app: "sandbox-crm".into(),
            reason,
            message: Some("denied".into()),
        })
        .chain([FailureEvent {
            app: "x".into(),
            reason: FailureReason::Cancelled,
            message: None,
        }])
        .collect()
}

#[wasm_bindgen_test]
fn wire_reads_popup_messages_and_attempt_outcomes() {
    let mut payloads = vec![
        (
            ConnectResult::Authorized,
            ResultPayload::Authorization(authorization(None)),
        ),
        (
            ConnectResult::VerificationFailed,
            ResultPayload::Authorization(authorization(Some(7))),
        ),
    ];
    payloads.extend(
        failures()
            .into_iter()
            .map(|f| (ConnectResult::Error, ResultPayload::Failure(f))),
    );
    for (result, payload) in payloads {
        let message = PopupMessage::new("att_1", result, payload.clone());
        assert_eq!(read_back(&message), format!("{message:?}"));
        let outcome = AttemptOutcome::Complete { result, payload };
        assert_eq!(read_back(&outcome), format!("{outcome:?}"));
    }
    assert_eq!(read_back(&AttemptOutcome::Pending), "Pending");
}

#[wasm_bindgen_test]
fn wire_writes_what_hosts_and_the_server_read() {
    let stringify = |object: &js_sys::Object| js_sys::JSON::stringify(object).unwrap().as_string().unwrap();
    for event in [authorization(None), authorization(Some(3))] {
        let json = stringify(&wire::authorization_event(&event));
        assert_eq!(serde_json::from_str::<AuthorizationEvent>(&json).unwrap(), event);
        assert_eq!(json, serde_json::to_string(&event).unwrap(), "same fields, same order");
    }
    for event in failures() {
        let json = stringify(&wire::failure_event(&event));
        assert_eq!(serde_json::from_str::<FailureEvent>(&json).unwrap(), event);
    }

    let fields = vec![
        ("subdomain".to_owned(), "acme".to_owned()),
        ("api_key".to_owned(), "sk_1".to_owned()),
    ];
    let body = wire::connect_body(Some(&fields), Some("acc_1".into()), Some("https://h.example/p".into()));
    let body: ConnectRequest = serde_json::from_str(&body).unwrap();
    assert_eq!(body.fields, Some(fields.into_iter().collect::<BTreeMap<_, _>>()));
    assert_eq!(body.account_id.unwrap().as_str(), "acc_1");
    assert_eq!(body.return_to.as_deref(), Some("https://h.example/p"));
    let empty: ConnectRequest = serde_json::from_str(&wire::connect_body(None, None, None)).unwrap();
    assert_eq!((empty.fields, empty.account_id, empty.return_to), (None, None, None));

    let removal = RemovalEvent {
        authorization_id: 4,
        account_id: "acc_4".into(),
        app: "sandbox-crm".into(),
    };
    let json = stringify(&wire::removal_event(&removal));
    assert_eq!(
        json,
        serde_json::to_string(&removal).unwrap(),
        "same fields, same order"
    );
    assert_eq!(read_back(&removal), format!("{removal:?}"));

    let request = WidgetSessionRequest {
        app_id: "acme".into(),
        user_id: "u-1".into(),
        hash: "ab12".into(),
        deployment_id: Some(DeploymentId::parse("default").unwrap()),
    };
    let read: WidgetSessionRequest = serde_json::from_str(&wire::session_body(&request)).unwrap();
    assert_eq!(format!("{read:?}"), format!("{request:?}"));
}

// The app list's search and tabs: pure functions, run here because case folding and
// substring search are the browser's own.

/// `label`: the category's label, as the server sends it in the session's language.
fn app(name: &str, category: &str, label: &str) -> WidgetApp {
    WidgetApp {
        key: AppKey::parse("x").unwrap(),
        name: name.into(),
        category: category.into(),
        category_label: label.into(),
        logo_url: String::new(),
        auth_mode: AuthMode::ApiKey,
        fields: None,
        connected: false,
        accounts: Vec::new(),
    }
}

#[wasm_bindgen_test]
fn search_finds_every_word_in_the_name_or_category_ignoring_case() {
    let hr = app("Sandbox HR", "hris", "HRIS");
    for query in [
        "",
        "  ",
        "sandbox",
        "SANDBOX hr",
        "hr sand",
        "box",
        "hris",
        "HRIS sandbox",
    ] {
        assert!(search::matches(&hr, query, None), "{query:?}");
    }
    for query in ["crm", "sandbox crm", "sandboxhr"] {
        assert!(!search::matches(&hr, query, None), "{query:?}");
    }
    // The category's label counts too, in the person's language: "developer" or
    // "entwickler" finds a `dev-tools` app.
    assert!(search::matches(
        &app("GitHub", "dev-tools", "Developer tools"),
        "developer",
        None
    ));
    assert!(search::matches(
        &app("GitHub", "dev-tools", "Entwicklertools"),
        "entwickler",
        None
    ));
    // Beyond ASCII.
    let bank = app("Östgöta Bank", "banking", "Banking");
    assert!(search::matches(&bank, "ÖSTGÖTA", None));
    assert!(search::matches(&bank, "östgöta", None));
}

#[wasm_bindgen_test]
fn the_category_tab_narrows_too() {
    let hr = app("Sandbox HR", "hris", "HRIS");
    assert!(search::matches(&hr, "", Some("hris")));
    assert!(search::matches(&hr, "sandbox", Some("hris")));
    assert!(!search::matches(&hr, "", Some("crm")));
    assert!(!search::matches(&hr, "crm", Some("hris")));
}

#[wasm_bindgen_test]
fn tabs_are_all_then_each_category_once_by_label() {
    let apps = [
        app("Sandbox Tickets", "ticketing", "Ticketing"),
        app("Sandbox HR", "hris", "HRIS"),
        app("Sandbox CRM", "crm", "CRM"),
        app("Sandbox Payroll", "hris", "HRIS"),
        app("GitHub", "dev-tools", "Developer tools"),
        app("Odd", "", ""),
    ];
    let tabs = search::tabs(&apps, "All");
    let expected = [
        ("All", None),
        ("CRM", Some("crm")),
        ("Developer tools", Some("dev-tools")),
        ("HRIS", Some("hris")),
        ("Ticketing", Some("ticketing")),
    ];
    let tabs: Vec<(&str, Option<&str>)> = tabs.iter().map(|(l, c)| (l.as_str(), c.as_deref())).collect();
    assert_eq!(tabs, expected);
    assert_eq!(search::tabs(&[], "Alle"), [("Alle".to_owned(), None)]);
}

// Languages and themes.

#[wasm_bindgen_test]
fn each_locale_has_its_catalog_and_unknown_ones_fall_back() {
    use plugboard_widget::i18n::{fill, lookup, pick};
    for (tag, lang, title) in [
        ("en", "en", "Connect an account"),
        ("de-AT", "de", "Konto verbinden"),
        ("FR", "fr", "Connecter un compte"),
        ("es-419", "es", "Conectar una cuenta"),
        ("pt-BR", "pt-BR", "Conectar uma conta"),
        ("pt_PT", "pt-BR", "Conectar uma conta"),
    ] {
        let strings = lookup(tag).unwrap_or_else(|| panic!("no catalog for {tag}"));
        assert_eq!((strings.lang, strings.title), (lang, title));
    }
    for tag in ["", "d", "ja", "deu", "english"] {
        assert!(lookup(tag).is_none(), "{tag} matched");
    }
    // The catalogs line up with the languages the server labels categories in.
    for lang in plugboard_shared::language::LANGUAGES {
        assert_eq!(lookup(lang).map(|s| s.lang), Some(lang));
    }
    assert_eq!(pick(Some("de")).lang, "de");
    assert_eq!(
        pick(Some("xx")).lang,
        pick(None).lang,
        "an unknown locale is the browser's"
    );
    assert_eq!(fill("{} von {} trennen?", &["ada", "CRM"]), "ada von CRM trennen?");
    assert_eq!(fill("{} fehlt", &[]), " fehlt");
}

#[wasm_bindgen_test]
fn a_theme_sets_custom_properties_and_the_mode() {
    use plugboard_widget::theme;
    assert_eq!(theme::property_name("accentText"), "--pb-accent-text");
    let host: web_sys::HtmlElement = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("div")
        .unwrap()
        .unchecked_into();
    let options = js_sys::JSON::parse(r##"{"mode":"dark","accent":"#0a7cff","radius":"4px","bogus":"}"}"##).unwrap();
    theme::apply(&host, &options);
    assert_eq!(host.get_attribute("data-theme").as_deref(), Some("dark"));
    let style = host.style();
    assert_eq!(style.get_property_value("--pb-accent").unwrap(), "#0a7cff");
    assert_eq!(style.get_property_value("--pb-radius").unwrap(), "4px");
    theme::apply(&host, &JsValue::from_str("not an object"));
}
