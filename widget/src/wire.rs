//! The JSON of the HTTP API and of the events, read from and written to plain JS objects
//! as the `plugboard_shared` types.
//!
//! Why not serde_json: `JSON.parse` / `JSON.stringify` are native, while serde_json plus
//! the derived (de)serializers of these types add about 30 KB (brotli) to a bundle whose
//! budget is 100 KB. The field names below are the contract of `plugboard_shared`;
//! `tests/web.rs` checks every reader and writer against serde's own output of those
//! types, so the two cannot drift apart unnoticed.

use js_sys::{Array, JSON, Object, Reflect};
use plugboard_shared::{
    AccountId, AccountStatus, AppKey, AttemptOutcome, AuthMode, AuthorizationEvent, ConnectResult, ConnectStarted,
    DeploymentId, ErrorDetail, FailureEvent, FailureReason, FormField, PopupMessage, RemovalEvent, ResultPayload,
    SessionInfo, TenantId, WidgetAccount, WidgetApp, WidgetSessionRequest, WidgetSessionResponse,
};
use wasm_bindgen::{JsCast, JsValue};

/// A value read from a parsed JSON object.
pub trait FromJs: Sized {
    fn from_js(value: &JsValue) -> Option<Self>;
}

/// Parses `text` as JSON and reads it as `T`.
pub fn parse<T: FromJs>(text: &str) -> Option<T> {
    T::from_js(&JSON::parse(text).ok()?)
}

pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

pub fn boolean(object: &JsValue, key: &str) -> Option<bool> {
    get(object, key).as_bool()
}

fn integer(object: &JsValue, key: &str) -> Option<i64> {
    get(object, key).as_f64().filter(|n| n.fract() == 0.0).map(|n| n as i64)
}

/// `{}` to fill with [`set`].
pub fn object() -> Object {
    Object::new()
}

pub fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

fn set_some(object: &Object, key: &str, value: Option<impl Into<JsValue>>) {
    if let Some(value) = value {
        set(object, key, value);
    }
}

fn stringify(object: &Object) -> String {
    JSON::stringify(object)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn list<T: FromJs>(value: &JsValue) -> Option<Vec<T>> {
    let array = value.dyn_ref::<Array>()?;
    // A plain loop: `filter_map(…).collect()` costs about 200 bytes (brotli) more.
    let mut items = Vec::new();
    for item in array.iter() {
        if let Some(item) = T::from_js(&item) {
            items.push(item);
        }
    }
    Some(items)
}

impl<T: FromJs> FromJs for Vec<T> {
    /// Entries this widget cannot read are skipped, so one odd app does not hide the rest.
    fn from_js(value: &JsValue) -> Option<Self> {
        list(value)
    }
}

impl FromJs for FormField {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            name: string(value, "name")?,
            label: string(value, "label")?,
            secret: boolean(value, "secret").unwrap_or(false),
            placeholder: string(value, "placeholder"),
        })
    }
}

fn auth_mode(text: &str) -> Option<AuthMode> {
    Some(match text {
        "oauth2" => AuthMode::Oauth2,
        "oauth2_cc" => AuthMode::Oauth2Cc,
        "api_key" => AuthMode::ApiKey,
        "basic" => AuthMode::Basic,
        _ => return None,
    })
}

impl FromJs for WidgetApp {
    fn from_js(value: &JsValue) -> Option<Self> {
        let fields = get(value, "fields");
        Some(Self {
            key: AppKey::parse(string(value, "key")?).ok()?,
            name: string(value, "name")?,
            category: string(value, "category").unwrap_or_default(),
            category_label: string(value, "category_label").unwrap_or_default(),
            logo_url: string(value, "logo_url").unwrap_or_default(),
            auth_mode: auth_mode(&string(value, "auth_mode")?)?,
            fields: if fields.is_undefined() || fields.is_null() {
                None
            } else {
                list(&fields)
            },
            connected: boolean(value, "connected").unwrap_or(false),
            accounts: list(&get(value, "accounts")).unwrap_or_default(),
        })
    }
}

impl FromJs for WidgetAccount {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            account_id: AccountId::parse(string(value, "account_id")?).ok()?,
            authorization_id: integer(value, "authorization_id")?,
            identity: string(value, "identity").unwrap_or_default(),
            status: AccountStatus::parse(&string(value, "status")?)?,
            can_disconnect: boolean(value, "can_disconnect").unwrap_or(false),
        })
    }
}

impl FromJs for SessionInfo {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            tenant_id: TenantId::parse(string(value, "tenant_id")?).ok()?,
            owner_name: string(value, "owner_name"),
            redirect_uri: string(value, "redirect_uri"),
            expires_at: string(value, "expires_at").unwrap_or_default(),
        })
    }
}

impl FromJs for WidgetSessionResponse {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            link_token: string(value, "link_token")?,
            expires_at: string(value, "expires_at").unwrap_or_default(),
        })
    }
}

impl FromJs for ConnectStarted {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            attempt_id: string(value, "attempt_id")?,
            popup_url: string(value, "popup_url")?,
        })
    }
}

/// The `error` member of `{"error": {"code", "message"}}`.
impl FromJs for ErrorDetail {
    fn from_js(value: &JsValue) -> Option<Self> {
        let error = get(value, "error");
        Some(Self {
            code: string(&error, "code")?,
            message: string(&error, "message")?,
        })
    }
}

fn connect_result(text: &str) -> Option<ConnectResult> {
    ConnectResult::parse(text)
}

fn failure_reason(text: &str) -> Option<FailureReason> {
    Some(match text {
        "cancelled" => FailureReason::Cancelled,
        "popup_closed" => FailureReason::PopupClosed,
        "popup_blocked" => FailureReason::PopupBlocked,
        "provider_error" => FailureReason::ProviderError,
        _ => return None,
    })
}

pub fn failure_reason_str(reason: FailureReason) -> &'static str {
    match reason {
        FailureReason::Cancelled => "cancelled",
        FailureReason::PopupClosed => "popup_closed",
        FailureReason::PopupBlocked => "popup_blocked",
        FailureReason::ProviderError => "provider_error",
    }
}

impl FromJs for AuthorizationEvent {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            identity: string(value, "identity").unwrap_or_default(),
            authorization_id: integer(value, "authorizationId")?,
            flow_id: integer(value, "flowId"),
            already_exists: boolean(value, "alreadyExists").unwrap_or(false),
            account_id: string(value, "accountId")?,
            app: string(value, "app")?,
        })
    }
}

impl FromJs for FailureEvent {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            app: string(value, "app")?,
            // A reason this widget does not know yet is still a failure to report.
            reason: string(value, "reason")
                .and_then(|r| failure_reason(&r))
                .unwrap_or(FailureReason::ProviderError),
            message: string(value, "message"),
        })
    }
}

/// `result` says which payload to expect; serde's untagged enum would guess by shape.
fn result_and_payload(value: &JsValue) -> Option<(ConnectResult, ResultPayload)> {
    let result = connect_result(&string(value, "result")?)?;
    let payload = get(value, "payload");
    let payload = match result {
        ConnectResult::Error => ResultPayload::Failure(FailureEvent::from_js(&payload)?),
        _ => ResultPayload::Authorization(AuthorizationEvent::from_js(&payload)?),
    };
    Some((result, payload))
}

impl FromJs for PopupMessage {
    fn from_js(value: &JsValue) -> Option<Self> {
        let (result, payload) = result_and_payload(value)?;
        Some(Self {
            source: string(value, "source")?,
            attempt_id: string(value, "attempt_id")?,
            result,
            payload,
        })
    }
}

impl FromJs for AttemptOutcome {
    fn from_js(value: &JsValue) -> Option<Self> {
        match string(value, "status")?.as_str() {
            "pending" => Some(Self::Pending),
            "complete" => result_and_payload(value).map(|(result, payload)| Self::Complete { result, payload }),
            _ => None,
        }
    }
}

impl FromJs for RemovalEvent {
    fn from_js(value: &JsValue) -> Option<Self> {
        Some(Self {
            authorization_id: integer(value, "authorizationId")?,
            account_id: string(value, "accountId")?,
            app: string(value, "app")?,
        })
    }
}

pub fn removal_event(event: &RemovalEvent) -> Object {
    let object = object();
    set(&object, "authorizationId", event.authorization_id as f64);
    set(&object, "accountId", event.account_id.as_str());
    set(&object, "app", event.app.as_str());
    object
}

/// Event payloads for the host page, with the IntegryJS field names.
pub fn authorization_event(event: &AuthorizationEvent) -> Object {
    let object = object();
    set(&object, "identity", event.identity.as_str());
    set(&object, "authorizationId", event.authorization_id as f64);
    set_some(&object, "flowId", event.flow_id.map(|id| id as f64));
    set(&object, "alreadyExists", event.already_exists);
    set(&object, "accountId", event.account_id.as_str());
    set(&object, "app", event.app.as_str());
    object
}

pub fn failure_event(event: &FailureEvent) -> Object {
    let object = object();
    set(&object, "app", event.app.as_str());
    set(&object, "reason", failure_reason_str(event.reason));
    set_some(&object, "message", event.message.as_deref());
    object
}

/// Form values as (field name, value), in the form's order. Not a `BTreeMap`: a form has a
/// few fields with distinct names, and the map's code (node splits, a sort) cost 3.5 KB of
/// the bundle (brotli).
pub type Fields = Vec<(String, String)>;

/// Body of `POST /widget/connect/{app}`.
pub fn connect_body(fields: Option<&Fields>, account_id: Option<String>, return_to: Option<String>) -> String {
    let body = object();
    set_some(&body, "account_id", account_id);
    set_some(&body, "return_to", return_to);
    if let Some(fields) = fields {
        let values = object();
        for (name, value) in fields {
            set(&values, name, value.as_str());
        }
        set(&body, "fields", values);
    }
    stringify(&body)
}

/// Body of `POST /widget/session`.
pub fn session_body(request: &WidgetSessionRequest) -> String {
    let body = object();
    set(&body, "app_id", request.app_id.as_str());
    set(&body, "user_id", request.user_id.as_str());
    set(&body, "hash", request.hash.as_str());
    set_some(
        &body,
        "deployment_id",
        request.deployment_id.as_ref().map(DeploymentId::as_str),
    );
    stringify(&body)
}
