//! The protected call that proves new credentials work before we report success.

use std::time::Duration;

use reqwest::header::AUTHORIZATION;

use crate::catalog::{ProviderDef, VerifyAuth};
use crate::credentials::Credentials;

/// How long a provider may take to answer the verification call.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(15);

/// Outcome of a verification call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// 2xx; `identity` read from the response at the catalog's JSON pointer.
    Verified { identity: String },
    /// Anything else: a non-2xx status, an unreachable provider, an unreadable answer.
    Failed { detail: String },
}

/// Calls the provider's verification endpoint with `credentials`.
pub async fn verify_authorization(
    http: &reqwest::Client,
    def: &ProviderDef,
    credentials: &Credentials,
) -> Verification {
    let request = http
        .get(&def.verify.url)
        .timeout(VERIFY_TIMEOUT)
        .header("Accept", "application/json");
    let request = match def.verify.auth {
        VerifyAuth::Bearer => {
            let token = credentials
                .access_token
                .as_deref()
                .or_else(|| credentials.fields.get("api_key").map(String::as_str));
            request.header(AUTHORIZATION, format!("Bearer {}", token.unwrap_or_default()))
        }
        VerifyAuth::Basic => request.basic_auth(
            credentials
                .fields
                .get("username")
                .map(String::as_str)
                .unwrap_or_default(),
            credentials.fields.get("password"),
        ),
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            return Verification::Failed {
                detail: format!("verification call failed: {}", err.without_url()),
            };
        }
    };
    let status = response.status();
    if !status.is_success() {
        return Verification::Failed {
            detail: format!("the provider answered {status} to the verification call"),
        };
    }
    match response.json::<serde_json::Value>().await {
        Ok(body) => Verification::Verified {
            identity: identity_at(&body, &def.verify.identity),
        },
        Err(_) => Verification::Failed {
            detail: "the verification answer was not JSON".into(),
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
