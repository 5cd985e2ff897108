//! The protected call that proves new credentials work before we report success.

use std::collections::BTreeMap;

use crate::catalog::template::{self, Values};
use crate::catalog::{ProviderDef, VerifyMethod};
use crate::credentials::Credentials;
use crate::provider_call::{authorize, template_values};
use crate::provider_time::provider_call;

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

    /// The account log's entry for this verification, begun at `started`.
    pub fn log_event(&self, started: std::time::Instant) -> crate::store::logs::Event<'_> {
        crate::store::logs::Event {
            action: "verify",
            ok: matches!(self, Self::Verified { .. }),
            status_code: self.status(),
            started,
            detail: match self {
                Self::Verified { .. } => None,
                Self::Failed { detail, .. } => Some(detail),
            },
        }
    }
}

/// Calls the provider's verification endpoint with `credentials`; `metadata` fills
/// `{metadata.…}` in its URL.
pub async fn verify_authorization(
    http: &reqwest::Client,
    def: &ProviderDef,
    credentials: &Credentials,
    metadata: &BTreeMap<String, String>,
) -> Verification {
    match request(http, def, &template_values(credentials, metadata)) {
        Ok(request) => provider_call(send(request, &def.verify.identity)).await,
        Err(missing) => Verification::Failed {
            detail: format!("the verification call needs {{{missing}}}"),
            status: None,
        },
    }
}

fn request(http: &reqwest::Client, def: &ProviderDef, values: &Values) -> Result<reqwest::RequestBuilder, String> {
    let verify = &def.verify;
    let url = template::fill(&verify.url, values)?;
    let mut request = match verify.method {
        VerifyMethod::Get => http.get(url),
        VerifyMethod::Post => http.post(url),
    }
    .header("Accept", "application/json");
    for (name, value) in &verify.headers {
        request = request.header(name, value);
    }
    authorize(request, &verify.credential(), values)
}

async fn send(request: reqwest::RequestBuilder, identity_pointer: &str) -> Verification {
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) if err.is_timeout() => {
            return Verification::Failed {
                detail: "the provider did not answer the verification call in time".into(),
                status: None,
            };
        }
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
    crate::catalog::metadata::text_at(body, pointer).unwrap_or_default()
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
