//! Every request the console makes, to `/console/api/…` on its own origin. The operator's
//! session cookie (HttpOnly, path /console) goes along because fetch sends same-origin
//! credentials by default, and the browser adds the `Origin` header the server wants on
//! every POST and DELETE: nothing here handles either.

use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use plugboard_shared::console::{
    AccountDetail, ApiKeyInfo, AppsOverview, AuditEntry, AuthLink, AuthLinkSummary, CreatedApiKey, NewApiKey,
    NewAuthLink, OperatorInfo, SignIn,
};
use plugboard_shared::{AccountPage, ErrorBody, IntegratedAccount, Items, WebhookEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::session::Session;

const BASE: &str = "/console/api";

/// A refused or failed request, as the operator reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status; 0 when no answer came.
    pub status: u16,
    /// The server's error code (`admin_only`, `needs_reauth`…), or `network`.
    pub code: String,
    /// The server's message, which says what to do.
    pub message: String,
}

impl ApiError {
    fn network(err: impl std::fmt::Display) -> Self {
        Self {
            status: 0,
            code: "network".into(),
            message: format!("The server could not be reached ({err})."),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Filters of the integrated accounts list, as typed (the server checks them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountFilter {
    pub tenant_id: String,
    pub app: String,
    pub status: String,
    pub q: String,
}

/// The console's API client. Copy: it is only a handle on the session signal, which a
/// 401 from any call turns back to "signed out" so the sign-in page shows.
#[derive(Clone, Copy)]
pub struct Api {
    session: RwSignal<Session>,
}

impl Api {
    pub fn new(session: RwSignal<Session>) -> Self {
        Self { session }
    }

    pub async fn session(self) -> ApiResult<OperatorInfo> {
        self.json(Request::get(&url("/session"))).await
    }

    pub async fn sign_in(self, email: String, password: String) -> ApiResult<OperatorInfo> {
        self.send_json(Request::post(&url("/session")), &SignIn { email, password })
            .await
    }

    pub async fn sign_out(self) -> ApiResult<()> {
        self.empty(Request::delete(&url("/session"))).await
    }

    pub async fn accounts(self, filter: AccountFilter, start_key: Option<String>) -> ApiResult<AccountPage> {
        let params = [
            ("tenant_id", filter.tenant_id.trim().to_owned()),
            ("app", filter.app),
            ("status", filter.status),
            ("q", filter.q.trim().to_owned()),
            ("start_key", start_key.unwrap_or_default()),
        ];
        // An empty parameter would be a filter for the empty string: leave those out.
        let query = params.into_iter().filter(|(_, v)| !v.is_empty());
        self.json(Request::get(&url("/accounts")).query(query)).await
    }

    pub async fn account(self, id: String) -> ApiResult<AccountDetail> {
        self.json(Request::get(&account_url(&id, ""))).await
    }

    pub async fn verify(self, id: String) -> ApiResult<IntegratedAccount> {
        self.json(Request::post(&account_url(&id, "/verify"))).await
    }

    pub async fn refresh(self, id: String) -> ApiResult<IntegratedAccount> {
        self.json(Request::post(&account_url(&id, "/refresh"))).await
    }

    pub async fn reconnect_link(self, id: String) -> ApiResult<AuthLink> {
        self.json(Request::post(&account_url(&id, "/reconnect-link"))).await
    }

    pub async fn delete_account(self, id: String) -> ApiResult<()> {
        self.empty(Request::delete(&account_url(&id, ""))).await
    }

    pub async fn create_link(self, link: NewAuthLink) -> ApiResult<AuthLink> {
        self.send_json(Request::post(&url("/links")), &link).await
    }

    pub async fn links(self) -> ApiResult<Vec<AuthLinkSummary>> {
        self.items(Request::get(&url("/links"))).await
    }

    pub async fn revoke_link(self, id: String) -> ApiResult<()> {
        self.empty(Request::delete(&url(&format!("/links/{}", segment(&id)))))
            .await
    }

    pub async fn apps(self) -> ApiResult<AppsOverview> {
        self.json(Request::get(&url("/apps"))).await
    }

    pub async fn webhooks(self) -> ApiResult<Vec<WebhookEvent>> {
        self.items(Request::get(&url("/webhooks"))).await
    }

    pub async fn redeliver(self, event_id: String) -> ApiResult<()> {
        self.empty(Request::post(&url(&format!(
            "/webhooks/{}/redeliver",
            segment(&event_id)
        ))))
        .await
    }

    pub async fn keys(self) -> ApiResult<Vec<ApiKeyInfo>> {
        self.items(Request::get(&url("/keys"))).await
    }

    pub async fn create_key(self, label: String) -> ApiResult<CreatedApiKey> {
        self.send_json(Request::post(&url("/keys")), &NewApiKey { label }).await
    }

    pub async fn revoke_key(self, id: String) -> ApiResult<()> {
        self.empty(Request::delete(&url(&format!("/keys/{}", segment(&id)))))
            .await
    }

    pub async fn audit(self) -> ApiResult<Vec<AuditEntry>> {
        self.items(Request::get(&url("/audit"))).await
    }

    async fn items<T: DeserializeOwned>(self, request: RequestBuilder) -> ApiResult<Vec<T>> {
        Ok(self.json::<Items<T>>(request).await?.items)
    }

    async fn json<T: DeserializeOwned>(self, request: RequestBuilder) -> ApiResult<T> {
        let response = self.checked(request.send().await).await?;
        response.json().await.map_err(|err| ApiError {
            status: response.status(),
            code: "invalid_answer".into(),
            message: format!("The server's answer was not understood ({err})."),
        })
    }

    async fn send_json<B: Serialize, T: DeserializeOwned>(self, request: RequestBuilder, body: &B) -> ApiResult<T> {
        let request = request.json(body).map_err(|err| ApiError {
            status: 0,
            code: "invalid_body".into(),
            message: err.to_string(),
        })?;
        let response = self.checked(request.send().await).await?;
        response.json().await.map_err(|err| ApiError {
            status: response.status(),
            code: "invalid_answer".into(),
            message: format!("The server's answer was not understood ({err})."),
        })
    }

    async fn empty(self, request: RequestBuilder) -> ApiResult<()> {
        self.checked(request.send().await).await.map(drop)
    }

    /// The response when it is a success; otherwise the server's `{"error": …}` as an
    /// [`ApiError`]. A 401 means the session is gone (expired, signed out elsewhere):
    /// back to the sign-in page, unless that is where the request came from.
    async fn checked(self, sent: Result<Response, gloo_net::Error>) -> ApiResult<Response> {
        let response = sent.map_err(ApiError::network)?;
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        let error = match response.json::<ErrorBody>().await {
            Ok(body) => ApiError {
                status,
                code: body.error.code,
                message: sentence(&body.error.message),
            },
            Err(_) => ApiError {
                status,
                code: "http_error".into(),
                message: format!("The server answered {status} {}.", response.status_text()),
            },
        };
        if status == 401 && self.session.with_untracked(Session::is_signed_in) {
            self.session.set(Session::SignedOut(Some(
                "Your session has ended. Sign in again.".into(),
            )));
        }
        Err(error)
    }
}

/// The server words its messages for logs and API clients ("wrong e-mail or password");
/// on screen they read as sentences.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return "The server refused without saying why.".into(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn account_url(id: &str, rest: &str) -> String {
    url(&format!("/accounts/{}{rest}", segment(id)))
}

/// Ids come from the server, but one with a `/` or `?` must not become another path.
fn segment(id: &str) -> String {
    String::from(js_sys::encode_uri_component(id))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn server_messages_read_as_sentences() {
        assert_eq!(sentence("wrong e-mail or password"), "Wrong e-mail or password.");
        assert_eq!(sentence("Already one."), "Already one.");
        assert_eq!(sentence("  "), "The server refused without saying why.");
    }

    #[wasm_bindgen_test]
    fn ids_cannot_become_other_paths() {
        assert_eq!(
            account_url("a/b?c", "/verify"),
            "/console/api/accounts/a%2Fb%3Fc/verify"
        );
    }
}
