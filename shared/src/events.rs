//! Payloads of the events the widget emits on the host page. Field names and types follow
//! IntegryJS (`authorizationId`, `alreadyExists`, …) so existing host code keeps working.

use serde::{Deserialize, Serialize};

/// Payload of `did-add-authorization` and `did-fail-authorization-verification`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationEvent {
    /// Who the account is at the provider.
    pub identity: String,
    /// Numeric id of the stored account.
    pub authorization_id: i64,
    /// IntegryJS compatibility; Plugboard has no flows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_id: Option<i64>,
    /// The same app + tenant + identity was already connected; its ids were kept.
    pub already_exists: bool,
    /// String id of the stored account.
    pub account_id: String,
    /// Catalog app.
    pub app: String,
}

/// Why a connection attempt ended without credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The person pressed Deny or cancelled at the provider.
    Cancelled,
    /// The popup was closed before the flow finished.
    PopupClosed,
    /// The browser refused to open the popup.
    PopupBlocked,
    /// The provider or the token exchange answered an error.
    ProviderError,
}

/// Payload of `did-fail-authorization`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailureEvent {
    /// Catalog app.
    pub app: String,
    /// What went wrong.
    pub reason: FailureReason,
    /// Human-readable detail, already safe to display as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Payload of `did-remove-authorization`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RemovalEvent {
    /// Numeric id of the removed account.
    pub authorization_id: i64,
    /// String id of the removed account.
    pub account_id: String,
    /// Catalog app.
    pub app: String,
}

/// Event names, as hosts subscribe to them.
pub mod names {
    /// Credentials stored and verified.
    pub const ADDED: &str = "did-add-authorization";
    /// Credentials stored, verification call failed.
    pub const VERIFICATION_FAILED: &str = "did-fail-authorization-verification";
    /// No credentials obtained.
    pub const FAILED: &str = "did-fail-authorization";
    /// An account was disconnected from the widget.
    pub const REMOVED: &str = "did-remove-authorization";
    /// The widget has its app list.
    pub const READY: &str = "ready";
    /// The modal opened.
    pub const OPENED: &str = "did-open";
    /// The modal closed.
    pub const CLOSED: &str = "did-close";
    /// The person picked an app.
    pub const SELECTED_APP: &str = "did-select-app";
}
