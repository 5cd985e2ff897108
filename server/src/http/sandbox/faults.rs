//! Provider faults on demand. A sandbox user named `<stage>-<fault>` — `token-timeout`,
//! `token-500`, `token-malformed`, `token-slow`, and the same for `verify-` — makes that
//! stage of the connect misbehave the way real providers do on a bad day: hang past the
//! server's `limits.provider_timeout_secs`, fail, answer garbage, or answer late. The
//! switch travels with the login rather than the app, so one app shows every fault and
//! the person can retry at once as anyone else.

use std::time::Duration;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// The provider call a fault applies to.
#[derive(Clone, Copy)]
pub(super) enum Stage {
    /// The token endpoint (code and refresh grants).
    Token,
    /// The protected call that verifies new credentials (`/sandbox/api/me`).
    Verify,
}

enum Fault {
    /// Answers only after the server has given up.
    Timeout,
    /// 500 with an error body that is not RFC 6749's.
    Error,
    /// 200, `application/json`, cut off mid-way.
    Malformed,
    /// Answers correctly, in half the time the server waits.
    Slow,
}

impl Fault {
    fn named(user: &str, stage: Stage) -> Option<Self> {
        let prefix = match stage {
            Stage::Token => "token-",
            Stage::Verify => "verify-",
        };
        match user.strip_prefix(prefix)? {
            "timeout" => Some(Self::Timeout),
            "500" => Some(Self::Error),
            "malformed" => Some(Self::Malformed),
            "slow" => Some(Self::Slow),
            _ => None,
        }
    }
}

/// What `stage` answers for `user` instead of its normal answer, if `user` names a fault;
/// `None` (after any delay the fault asks for) means answer normally.
pub(super) async fn misbehave(state: &AppState, user: &str, stage: Stage) -> Option<Response> {
    let patience = state.config.provider_timeout();
    match Fault::named(user, stage)? {
        Fault::Timeout => {
            tokio::time::sleep(patience.saturating_add(Duration::from_secs(1))).await;
            None
        }
        Fault::Slow => {
            tokio::time::sleep(patience / 2).await;
            None
        }
        Fault::Error => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"message": "the sandbox is having an outage"})),
            )
                .into_response(),
        ),
        Fault::Malformed => Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"access_token": "sbx.trunc"#,
            )
                .into_response(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, Stage};

    #[test]
    fn a_fault_applies_only_to_its_stage() {
        assert!(matches!(Fault::named("token-500", Stage::Token), Some(Fault::Error)));
        assert!(Fault::named("token-500", Stage::Verify).is_none());
        assert!(matches!(Fault::named("verify-slow", Stage::Verify), Some(Fault::Slow)));
        assert!(Fault::named("alice", Stage::Token).is_none());
        assert!(Fault::named("token-", Stage::Token).is_none());
    }
}
