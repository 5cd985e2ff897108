//! How oauth2's token requests reach a provider: through our outbound client, as JSON
//! where the provider wants it (Notion), and with the raw answer kept, because the
//! standard token response drops fields later calls need (Salesforce's `instance_url`,
//! Pipedrive's `api_domain`).

use std::sync::Mutex;

use oauth2::{HttpRequest, HttpResponse};

use crate::catalog::TokenRequest;
use crate::provider_time::provider_call;

#[derive(Debug, thiserror::Error)]
pub enum TokenHttpError {
    #[error("the token request could not be sent: {0}")]
    Send(#[from] reqwest::Error),
    #[error("the token request could not be written: {0}")]
    Body(String),
}

/// One token request's transport; keeps the provider's last answer.
pub struct TokenHttp<'a> {
    http: &'a reqwest::Client,
    format: TokenRequest,
    answer: Mutex<Option<(http::StatusCode, Vec<u8>)>>,
}

impl<'a> TokenHttp<'a> {
    pub fn new(http: &'a reqwest::Client, format: TokenRequest) -> Self {
        Self {
            http,
            format,
            answer: Mutex::new(None),
        }
    }

    /// Sends `request` (oauth2 writes it as a form) and returns the provider's answer.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TokenHttpError> {
        let request = match self.format {
            TokenRequest::Form => request,
            TokenRequest::Json => as_json(request)?,
        };
        let request = reqwest::Request::try_from(request)?;
        let response = provider_call(self.http.execute(request)).await?;
        let status = response.status();
        let mut answer = http::Response::builder().status(status);
        for (name, value) in response.headers() {
            answer = answer.header(name, value);
        }
        let body = provider_call(response.bytes()).await?.to_vec();
        if let Ok(mut kept) = self.answer.lock() {
            *kept = Some((status, body.clone()));
        }
        answer.body(body).map_err(|e| TokenHttpError::Body(e.to_string()))
    }

    /// The last answer as JSON, for metadata pointers.
    pub fn answer(&self) -> serde_json::Value {
        let kept = self
            .answer
            .lock()
            .ok()
            .and_then(|a| a.as_ref().map(|(_, body)| body.clone()));
        serde_json::from_slice(&kept.unwrap_or_default()).unwrap_or(serde_json::Value::Null)
    }

    /// The last answer's status, if one came.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.answer.lock().ok()?.as_ref().map(|(status, _)| *status)
    }
}

// A boxed `Send` future: oauth2's blanket impl for closures leaves the future's lifetime
// higher-ranked, which axum's handlers (that must be `Send`) cannot accept.
impl<'c> oauth2::AsyncHttpClient<'c> for TokenHttp<'_> {
    type Error = TokenHttpError;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, TokenHttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// The same request with its form body as a JSON object of strings.
fn as_json(request: HttpRequest) -> Result<HttpRequest, TokenHttpError> {
    let (mut parts, body) = request.into_parts();
    let object: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
        .collect();
    let body = serde_json::to_vec(&object).map_err(|e| TokenHttpError::Body(e.to_string()))?;
    parts.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Ok(http::Request::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_form_body_becomes_a_json_object() {
        let request = http::Request::post("https://api.notion.com/v1/oauth/token")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(b"grant_type=authorization_code&code=a%2Bb&redirect_uri=https%3A%2F%2Fx%2Fcb".to_vec())
            .unwrap();
        let json = super::as_json(request).unwrap();
        assert_eq!(json.headers()[http::header::CONTENT_TYPE], "application/json");
        let body: serde_json::Value = serde_json::from_slice(json.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"grant_type": "authorization_code", "code": "a+b", "redirect_uri": "https://x/cb"})
        );
    }
}
