//! The protected call that proves new credentials work before we report success.

use std::time::Duration;

use reqwest::header::AUTHORIZATION;

use crate::catalog::template::{self, Values};
use crate::catalog::{ProviderDef, VerifyAuth, VerifyMethod};
use crate::credentials::Credentials;

/// How long a provider may take to answer the verification call.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(15);

/// Outcome of a verification call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// 2xx; `identity` read from the response at the catalog's JSON pointer.
    Verified { identity: String, status: u16 },
    /// Anything else: a non-2xx status, an unreachable provider, an unreadable answer.
    Failed { detail: String, status: Option<u16> },
}

impl Verification {
    /// The provider's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Verified { status, .. } => Some(*status),
            Self::Failed { status, .. } => *status,
        }
    }
}

/// Calls the provider's verification endpoint with `credentials`.
pub async fn verify_authorization(
    http: &reqwest::Client,
    def: &ProviderDef,
    credentials: &Credentials,
) -> Verification {
    match request(http, def, credentials) {
        Ok(request) => send(request, &def.verify.identity).await,
        Err(missing) => Verification::Failed {
            detail: format!("the verification call needs {{{missing}}}"),
            status: None,
        },
    }
}

/// Templates see the typed fields and the access token.
fn values(credentials: &Credentials) -> Values {
    let mut values = credentials.fields.clone();
    if let Some(token) = &credentials.access_token {
        values.insert("access_token".into(), token.clone());
    }
    values
}

fn request(
    http: &reqwest::Client,
    def: &ProviderDef,
    credentials: &Credentials,
) -> Result<reqwest::RequestBuilder, String> {
    let verify = &def.verify;
    let values = values(credentials);
    let url = template::fill(&verify.url, &values)?;
    let mut request = match verify.method {
        VerifyMethod::Get => http.get(url),
        VerifyMethod::Post => http.post(url),
    }
    .timeout(VERIFY_TIMEOUT)
    .header("Accept", "application/json");
    for (name, value) in &verify.headers {
        request = request.header(name, value);
    }
    let token = || match &verify.token {
        Some(token) => template::fill(token, &values),
        None => values
            .get("access_token")
            .or_else(|| values.get("api_key"))
            .cloned()
            .ok_or_else(|| "access_token".into()),
    };
    Ok(match verify.auth {
        VerifyAuth::Bearer => request.header(AUTHORIZATION, format!("Bearer {}", token()?)),
        VerifyAuth::Header => request.header(verify.header.as_deref().unwrap_or("X-Api-Key"), token()?),
        VerifyAuth::Basic => {
            let username = template::fill(verify.username.as_deref().unwrap_or("{username}"), &values)?;
            let password = template::fill(verify.password.as_deref().unwrap_or("{password}"), &values)?;
            request.basic_auth(username, Some(password))
        }
    })
}

async fn send(request: reqwest::RequestBuilder, identity_pointer: &str) -> Verification {
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            return Verification::Failed {
                detail: format!("verification call failed: {}", err.without_url()),
                status: None,
            };
        }
    };
    let status = response.status();
    if !status.is_success() {
        return Verification::Failed {
            detail: format!("the provider answered {status} to the verification call"),
            status: Some(status.as_u16()),
        };
    }
    match response.json::<serde_json::Value>().await {
        Ok(body) => Verification::Verified {
            identity: identity_at(&body, identity_pointer),
            status: status.as_u16(),
        },
        Err(_) => Verification::Failed {
            detail: "the verification answer was not JSON".into(),
            status: Some(status.as_u16()),
        },
    }
}

/// The identity at `pointer`, as text; empty when absent.
fn identity_at(body: &serde_json::Value, pointer: &str) -> String {
    match body.pointer(pointer) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn identity_follows_the_pointer() {
        let body = json!({"data": {"email": "a@b.c", "id": 42}});
        assert_eq!(super::identity_at(&body, "/data/email"), "a@b.c");
        assert_eq!(super::identity_at(&body, "/data/id"), "42");
        assert_eq!(super::identity_at(&body, "/missing"), "");
    }
}
