//! The widget's side of the HTTP API (`/widget/*` in DESIGN.md). Every call carries the
//! link token as a bearer token; IntegryJS-style sessions trade their signed user id for
//! one on first use.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};
use plugboard_shared::{
    AttemptOutcome, ConnectRequest, ConnectStarted, ErrorBody, PopupMessage, SessionInfo, WidgetApp,
    WidgetSessionResponse,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::options::Start;

/// A failed call, worded for the person in front of the widget.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The server's code (`invalid_link_token`, …) or `network` / `http_<status>`.
    pub code: String,
    /// One sentence, shown as text.
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Which apps to list: the modal config's filters.
#[derive(Debug, Clone, Default)]
pub struct AppFilter {
    pub deployment_id: Option<String>,
    pub category: Option<String>,
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
        self.send(Request::get(&self.url("/widget/session"))).await
    }

    pub async fn apps(&self, filter: &AppFilter) -> Result<Vec<WidgetApp>, ApiError> {
        let query = [("deployment_id", &filter.deployment_id), ("category", &filter.category)];
        let query = query.iter().filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)));
        self.send(Request::get(&self.url("/widget/apps")).query(query)).await
    }

    /// Starts an OAuth attempt; the popup is pointed at the answer's `popup_url`.
    /// `fields`: values some providers need before the popup (a subdomain).
    pub async fn start_oauth(
        &self,
        app: &str,
        fields: Option<BTreeMap<String, String>>,
    ) -> Result<ConnectStarted, ApiError> {
        let body = ConnectRequest { fields };
        self.send_json(Request::post(&self.connect_url(app)), &body).await
    }

    /// API-key, basic and client-credentials apps: the server verifies at once and answers
    /// like the popup message.
    pub async fn submit_fields(&self, app: &str, fields: BTreeMap<String, String>) -> Result<PopupMessage, ApiError> {
        let body = ConnectRequest { fields: Some(fields) };
        self.send_json(Request::post(&self.connect_url(app)), &body).await
    }

    pub async fn attempt(&self, attempt_id: &str) -> Result<AttemptOutcome, ApiError> {
        let path = format!("/widget/attempts/{}", encode(attempt_id));
        self.send(Request::get(&self.url(&path))).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server)
    }

    fn connect_url(&self, app: &str) -> String {
        self.url(&format!("/widget/connect/{}", encode(app)))
    }

    async fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, ApiError> {
        let request = request.header("Authorization", &self.bearer().await?);
        read(request.send().await, &self.server).await
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = request.header("Authorization", &self.bearer().await?);
        let request = request.json(body).map_err(|e| unexpected(&e))?;
        read(request.send().await, &self.server).await
    }

    async fn bearer(&self) -> Result<String, ApiError> {
        if let Some(token) = self.token.borrow().clone() {
            return Ok(format!("Bearer {token}"));
        }
        let Start::Signed(body) = &self.start else {
            unreachable!("a link-token start always has its token");
        };
        let request = Request::post(&self.url("/widget/session"))
            .json(body)
            .map_err(|e| unexpected(&e))?;
        let session: WidgetSessionResponse = read(request.send().await, &self.server).await?;
        self.token.replace(Some(session.link_token.clone()));
        Ok(format!("Bearer {}", session.link_token))
    }
}

async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>, server: &str) -> Result<T, ApiError> {
    let response = response.map_err(|_| ApiError {
        code: "network".into(),
        message: format!("Could not reach Plugboard at {server}. Check your connection."),
    })?;
    if response.ok() {
        return response.json().await.map_err(|e| unexpected(&e));
    }
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError {
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(ApiError {
            code: format!("http_{status}"),
            message: format!("Plugboard answered with status {status}."),
        }),
    }
}

fn unexpected(error: &gloo_net::Error) -> ApiError {
    ApiError {
        code: "unexpected".into(),
        message: format!("Unexpected answer: {error}"),
    }
}

/// Path segments come from the server, but an attempt id is still not ours to trust.
fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}
