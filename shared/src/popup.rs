//! The one message the OAuth popup posts to its opener, and the attempt outcome the widget
//! polls when that message never arrives (COOP headers and opener navigation can lose it).

use serde::{Deserialize, Serialize};

use crate::{AuthorizationEvent, FailureEvent};

/// Value of `PopupMessage::source`, so the widget can ignore unrelated messages.
pub const MESSAGE_SOURCE: &str = "plugboard";

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectResult {
    /// Stored and verified: `did-add-authorization`.
    Authorized,
    /// Stored, verification failed: `did-fail-authorization-verification`.
    VerificationFailed,
    /// No credentials: `did-fail-authorization`.
    Error,
}

impl ConnectResult {
    /// The value as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authorized => "authorized",
            Self::VerificationFailed => "verification_failed",
            Self::Error => "error",
        }
    }

    /// Parses what [`ConnectResult::as_str`] produced.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Authorized, Self::VerificationFailed, Self::Error]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// The event payload that goes with a [`ConnectResult`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ResultPayload {
    /// For `authorized` and `verification_failed`.
    Authorization(AuthorizationEvent),
    /// For `error`.
    Failure(FailureEvent),
}

/// `{source: "plugboard", attempt_id, result, payload}`: posted by the popup, and also the
/// answer of `POST /widget/connect/{app}` for form-based apps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PopupMessage {
    /// Always [`MESSAGE_SOURCE`].
    pub source: String,
    /// The attempt this answers.
    pub attempt_id: String,
    /// How it ended.
    pub result: ConnectResult,
    /// The event payload.
    pub payload: ResultPayload,
}

impl PopupMessage {
    /// A message for `attempt_id`.
    pub fn new(attempt_id: impl Into<String>, result: ConnectResult, payload: ResultPayload) -> Self {
        Self {
            source: MESSAGE_SOURCE.to_owned(),
            attempt_id: attempt_id.into(),
            result,
            payload,
        }
    }
}

/// Answer of `GET /widget/attempts/{attempt_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The popup has not come back yet.
    Pending,
    /// The attempt ended; same fields as the popup message.
    Complete {
        /// How it ended.
        result: ConnectResult,
        /// The event payload.
        payload: ResultPayload,
    },
}

#[cfg(test)]
mod tests {
    use super::ConnectResult;

    #[test]
    fn as_str_matches_the_wire_format_and_parses_back() {
        for result in [
            ConnectResult::Authorized,
            ConnectResult::VerificationFailed,
            ConnectResult::Error,
        ] {
            assert_eq!(serde_json::to_value(result).unwrap(), result.as_str());
            assert_eq!(ConnectResult::parse(result.as_str()), Some(result));
        }
        assert_eq!(ConnectResult::parse("Authorized"), None);
    }
}
