//! Bodies of the operators' console API (`/console/api/…`), which only an operator's
//! session may call. The console (a Leptos app in `console/`) and the server share them.

use serde::{Deserialize, Serialize};

use crate::{AccountId, AccountLogEntry, AppKey, AuthMode, DeploymentId, IntegratedAccount, TenantId};

/// What an operator may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    Admin,
    /// Reads, re-verifies, refreshes and creates links; cannot delete accounts or manage keys.
    Support,
}

impl Role {
    /// The value as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Support => "support",
        }
    }

    /// Parses what [`Role::as_str`] produced.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Admin, Self::Support].into_iter().find(|r| r.as_str() == value)
    }
}

/// Body of `POST /console/api/session`: signing in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignIn {
    /// The operator's e-mail, as given to `plugboard operator create`.
    pub email: String,
    /// Never logged, never stored in clear.
    pub password: String,
}

/// Answer of `GET /console/api/session` and of signing in: who is signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorInfo {
    /// The operator's e-mail.
    pub email: String,
    /// What they may do.
    pub role: Role,
    /// RFC 3339: the session ends then at the latest, however active it is.
    pub session_ends_at: String,
}

/// Answer of `GET /console/api/accounts/{account_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDetail {
    /// Every field of the account (never its credentials).
    pub account: IntegratedAccount,
    /// The app's display name.
    pub app_name: String,
    /// Absolute URL of the app's logo.
    pub logo_url: String,
    /// How the account was connected.
    pub auth_mode: AuthMode,
    /// Whether "Refresh now" applies (an OAuth account with a refresh token).
    pub can_refresh: bool,
    /// Its audit log, newest first.
    pub log: Vec<AccountLogEntry>,
}

/// Body of `POST /console/api/links`: an auth link for a customer (StackOne's "Create Auth
/// Link", Truto's "Connect Account").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAuthLink {
    /// The customer's id in the host's system (origin owner id).
    pub tenant_id: TenantId,
    /// The customer's name, shown on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// Who at the customer will connect (an e-mail), for the host's records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Only list apps of this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Only list this deployment's apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<DeploymentId>,
    /// Days until the link expires: default 5, at most 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u32>,
    /// Where the hosted page sends the customer after a connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
}

/// A link to the hosted connect page, as created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthLink {
    /// `ltk_…`: names the link for revocation.
    pub id: String,
    /// The hosted connect page: send it to the customer.
    pub connect_url: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// One of the recent links (`GET /console/api/links`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthLinkSummary {
    /// `ltk_…`.
    pub id: String,
    /// For whom.
    pub tenant_id: TenantId,
    /// The customer's name, if given.
    pub owner_name: Option<String>,
    /// Who at the customer, if given.
    pub username: Option<String>,
    /// The account it re-authorizes (a reconnect link), if any.
    pub account_id: Option<AccountId>,
    /// The operator's e-mail, or `api` for `POST /link-token`.
    pub created_by: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: String,
    /// RFC 3339: when the customer first opened it; absent while unused.
    pub used_at: Option<String>,
    /// RFC 3339: when it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// One catalog app, as the console's Apps page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogApp {
    /// The app's slug.
    pub key: AppKey,
    /// Display name.
    pub name: String,
    /// e.g. `crm`.
    pub category: String,
    /// The category's display name (English).
    pub category_label: String,
    /// How a customer connects it.
    pub auth_mode: AuthMode,
    /// Absolute URL of the logo.
    pub logo_url: String,
    /// Whether it can run: form-based apps always can; OAuth apps need `[apps.<key>]`
    /// client credentials.
    pub configured: bool,
    /// The deployments that list it.
    pub deployments: Vec<DeploymentId>,
    /// What the customer types (labels), for form-based apps and subdomains.
    pub fields: Vec<String>,
    /// The redirect URI to register at the provider (OAuth apps).
    pub redirect_uri: Option<String>,
}

/// One deployment and its apps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeploymentInfo {
    /// From the configuration.
    pub id: DeploymentId,
    /// Whether the widget lists it.
    pub active: bool,
    /// Its apps, in catalog order.
    pub apps: Vec<AppKey>,
}

/// Answer of `GET /console/api/apps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppsOverview {
    /// Every deployment (without any in the configuration, the one `default`).
    pub deployments: Vec<DeploymentInfo>,
    /// The whole catalog.
    pub catalog: Vec<CatalogApp>,
}

/// An API key, never the key itself (`GET /console/api/keys`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInfo {
    /// `key_…`: names it for revocation.
    pub id: String,
    /// What it is for.
    pub label: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, roughly (updated at most once a minute).
    pub last_used_at: Option<String>,
}

/// Body of `POST /console/api/keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    /// What it is for (`backend`, `billing-service`…).
    pub label: String,
}

/// Answer of `POST /console/api/keys`: the only time the key is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The stored key's public part.
    pub info: ApiKeyInfo,
    /// The key: store it now, Plugboard keeps only its hash.
    pub key: String,
}

/// One line of the operators' audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: String,
    /// The operator's e-mail.
    pub operator: String,
    /// `sign_in`, `create_link`, `verify_account`, `refresh_account`, `reconnect_link`,
    /// `delete_account`, `revoke_link`, `redeliver_webhook`, `create_api_key`, `revoke_api_key`.
    pub action: String,
    /// What it was done to (an account id, a link id, a key id, an event id).
    pub target: String,
}
