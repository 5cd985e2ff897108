//! The widget's side of the HTTP API (`/widget/*` in the README's API table). Every call carries the
//! link token as a bearer token; IntegryJS-style sessions trade their signed user id for
//! one on first use.
//!
//! One non-generic `fetch` does the I/O and only the JSON reading is generic: each response
//! type then costs its small reader, not another copy of the whole request state machine.

use std::cell::RefCell;
use std::fmt;

use plugboard_shared::{
    AttemptOutcome, ConnectStarted, ErrorDetail, PopupMessage, RemovalEvent, SessionInfo, WidgetApp,
    WidgetSessionResponse,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::events::Outcome;
use crate::options::Start;
use crate::wire::{self, Fields, FromJs};

/// A failed call. The host's `error` event gets it as is; the person sees it through
/// [`crate::flow::ConnectFlow::explain`], in their language where the widget knows the case.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The server's code (`invalid_link_token`, …) or `network` / `http`.
    pub code: String,
    /// One sentence, in English.
    pub message: String,
}

impl ApiError {
    fn new(code: &str, message: String) -> Self {
        Self {
            code: code.to_owned(),
            message,
        }
    }

    /// No answer from the server, or not its JSON (a proxy's error page).
    pub fn is_unreachable(&self) -> bool {
        matches!(self.code.as_str(), "network" | "http")
    }

    /// The link token is unknown, expired or revoked: trying again cannot help.
    pub fn is_dead_link(&self) -> bool {
        self.code.ends_with("_link_token")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub struct Api {
    server: String,
    start: Start,
    /// The link token once known; `RefCell` because the signed start fills it lazily.
    token: RefCell<Option<String>>,
}

impl Api {
    pub fn new(server: String, start: Start) -> Self {
        let token = match &start {
            Start::LinkToken(token) => Some(token.clone()),
            Start::Signed(_) => None,
        };
        Self {
            server,
            start,
            token: RefCell::new(token),
        }
    }

    /// The server origin, e.g. `https://plugboard.example.com`.
    pub fn server(&self) -> &str {
        &self.server
    }

    pub async fn session(&self) -> Result<SessionInfo, ApiError> {
        parse(&self.call("GET", "/widget/session".into(), None).await?)
    }

    /// `path`: `/widget/apps` and its query, as the loader built it; `prefetched`: the
    /// same request, already made by the loader.
    pub async fn apps(&self, path: &str, prefetched: Option<js_sys::Promise>) -> Result<Vec<WidgetApp>, ApiError> {
        let text = match prefetched {
            Some(answer) => {
                let answer = JsFuture::from(answer).await.map_err(|_| self.unreachable())?;
                let ok = wire::boolean(&answer, "ok").unwrap_or(false);
                let status = wire::get(&answer, "status").as_f64().unwrap_or(0.0) as u16;
                answer_of(ok, status, wire::string(&answer, "text").unwrap_or_default())?
            }
            None => self.call("GET", path.to_owned(), None).await?,
        };
        parse(&text)
    }

    fn unreachable(&self) -> ApiError {
        unreachable(&self.server)
    }

    /// Starts an OAuth attempt; the popup is pointed at the answer's `popup_url`.
    /// `fields`: values some providers need before the popup (a subdomain).
    /// `account`: the account a reconnect re-authorizes. `return_to`: redirect mode, where
    /// the provider's answer brings the page back to.
    pub async fn start_oauth(
        &self,
        app: &str,
        fields: Option<Fields>,
        account: Option<String>,
        return_to: Option<String>,
    ) -> Result<ConnectStarted, ApiError> {
        let body = wire::connect_body(fields.as_ref(), account, return_to);
        parse(&self.connect(app, body).await?)
    }

    /// API-key, basic and client-credentials apps: the server verifies at once and answers
    /// like the popup message.
    pub async fn submit_fields(
        &self,
        app: &str,
        fields: Fields,
        account: Option<String>,
    ) -> Result<PopupMessage, ApiError> {
        let body = wire::connect_body(Some(&fields), account, None);
        parse(&self.connect(app, body).await?)
    }

    /// "Disconnect": the server revokes and forgets the account.
    pub async fn disconnect(&self, account_id: &str) -> Result<RemovalEvent, ApiError> {
        let path = format!("/widget/accounts/{}", encode(account_id));
        parse(&self.call("DELETE", path, None).await?)
    }

    /// How `attempt_id` ended, by the server's record: the one way every path (a closed
    /// popup, a redirect-mode return) learns an outcome no message brought. `None` while
    /// pending, or when the server cannot say.
    pub async fn outcome(&self, attempt_id: &str) -> Option<Outcome> {
        let text = self
            .call("GET", format!("/widget/attempts/{}", encode(attempt_id)), None)
            .await
            .ok()?;
        match parse(&text).ok()? {
            AttemptOutcome::Complete { result, payload } => Some(Outcome { result, payload }),
            AttemptOutcome::Pending => None,
        }
    }

    async fn connect(&self, app: &str, body: String) -> Result<String, ApiError> {
        self.call("POST", format!("/widget/connect/{}", encode(app)), Some(body))
            .await
    }

    /// A call with the link token.
    async fn call(&self, method: &str, path: String, body: Option<String>) -> Result<String, ApiError> {
        let token = self.token().await?;
        fetch(&self.server, method, &path, body, Some(&token)).await
    }

    async fn token(&self) -> Result<String, ApiError> {
        if let Some(token) = self.token.borrow().clone() {
            return Ok(token);
        }
        let Start::Signed(request) = &self.start else {
            unreachable!("a link-token start always has its token");
        };
        let body = wire::session_body(request);
        let answer = fetch(&self.server, "POST", "/widget/session", Some(body), None).await?;
        let session: WidgetSessionResponse = parse(&answer)?;
        self.token.replace(Some(session.link_token.clone()));
        Ok(session.link_token)
    }
}

/// The one place that talks to the network. Returns the body of a 2xx answer, or the
/// server's `{"error": {…}}` as an [`ApiError`].
async fn fetch(
    server: &str,
    method: &str,
    path: &str,
    body: Option<String>,
    token: Option<&str>,
) -> Result<String, ApiError> {
    let unreachable = |_| unreachable(server);
    let headers = Headers::new().map_err(unreachable)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(token) = token {
        _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(body) = body {
        _ = headers.set("Content-Type", "application/json");
        init.set_body(&JsValue::from(body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| unreachable(JsValue::NULL))?;
    let promise = window.fetch_with_str_and_init(&format!("{server}{path}"), &init);
    let response: Response = JsFuture::from(promise).await.map_err(unreachable)?.unchecked_into();
    let text = match response.text() {
        Ok(text) => JsFuture::from(text)
            .await
            .map_err(unreachable)?
            .as_string()
            .unwrap_or_default(),
        Err(error) => return Err(unreachable(error)),
    };
    answer_of(response.ok(), response.status(), text)
}

fn unreachable(server: &str) -> ApiError {
    ApiError::new("network", format!("Could not reach Plugboard at {server}."))
}

/// The body of a 2xx answer, or the server's `{"error": {…}}` as an [`ApiError`].
fn answer_of(ok: bool, status: u16, text: String) -> Result<String, ApiError> {
    if ok {
        return Ok(text);
    }
    Err(match wire::parse::<ErrorDetail>(&text) {
        Some(error) => ApiError {
            code: error.code,
            message: error.message,
        },
        None => ApiError::new("http", format!("Plugboard answered with status {status}.")),
    })
}

fn parse<T: FromJs>(text: &str) -> Result<T, ApiError> {
    wire::parse(text).ok_or_else(|| {
        ApiError::new(
            "unexpected",
            "Plugboard sent an answer this widget does not understand.".into(),
        )
    })
}

/// Path segments and query values come from the server or the host: encode, never splice.
fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn a_dead_link_is_any_link_token_failure_and_nothing_else() {
        for code in ["invalid_link_token", "expired_link_token", "revoked_link_token"] {
            assert!(ApiError::new(code, String::new()).is_dead_link(), "{code}");
        }
        for code in ["network", "identity_taken", "link_token_required_here_not"] {
            assert!(!ApiError::new(code, String::new()).is_dead_link(), "{code}");
        }
    }

    #[wasm_bindgen_test]
    fn no_answer_and_a_foreign_answer_are_unreachable() {
        assert!(unreachable("https://plugboard.example").is_unreachable());
        assert!(
            answer_of(false, 502, "<html>Bad gateway</html>".into())
                .unwrap_err()
                .is_unreachable()
        );
        let server_said = answer_of(
            false,
            409,
            r#"{"error":{"code":"identity_taken","message":"m"}}"#.into(),
        );
        assert_eq!(server_said.unwrap_err().code, "identity_taken");
    }
}
