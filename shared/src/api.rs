//! Request and response bodies of the HTTP API (see the README's Backend API table).

use serde::{Deserialize, Serialize};

use crate::{AccountId, AppKey, DeploymentId, TenantId};

/// Body of `POST /link-token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkTokenRequest {
    /// Whose accounts this session may connect.
    pub tenant_id: TenantId,
    /// Only list this deployment's apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<DeploymentId>,
    /// Only list apps of this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Shown on the hosted page ("Connect your accounts to Acme").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// Who at the tenant the link is for (an e-mail, a login): kept with the token for the
    /// host's records and listed in the console's recent links; the widget does not show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Where the hosted page sends the person after a connection (`?account_id=…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Lifetime in seconds: default 4 hours, at most 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Reconnect / update mode: the account this session re-authorizes (keeping its ids),
    /// or the id the host wants the new account to get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    /// Lets the person disconnect this tenant's accounts from the widget
    /// (`DELETE /widget/accounts/{account_id}`); off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_disconnect: Option<bool>,
}

/// Answer of `POST /link-token` (201).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkTokenResponse {
    /// `ltk_…`: names the token for `DELETE /link-tokens/{id}`; safe to store and log.
    pub id: String,
    /// The opaque token; the server keeps only its hash.
    pub link_token: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The hosted connect page for this token.
    pub connect_url: String,
}

/// Body of `POST /widget/session`: the IntegryJS-style start.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetSessionRequest {
    /// Must equal the server's `security.app_id`.
    pub app_id: String,
    /// Becomes the tenant id.
    pub user_id: String,
    /// Hex HMAC-SHA256 of `user_id` under `security.app_secret`.
    pub hash: String,
    /// Only list this deployment's apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<DeploymentId>,
}

/// Answer of `POST /widget/session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetSessionResponse {
    /// A short-lived link token for this browser session.
    pub link_token: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// Answer of `GET /widget/session`: what the widget needs to know about its own token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The tenant the token is bound to.
    pub tenant_id: TenantId,
    /// Shown on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// Where the hosted page goes after a connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// RFC 3339.
    pub expires_at: String,
}

/// How an app's credentials are obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// Authorization code with PKCE, in a popup.
    Oauth2,
    /// Client credentials grant with a client id and secret the person enters.
    #[serde(rename = "oauth2_cc")]
    Oauth2Cc,
    /// An API key typed into a form.
    ApiKey,
    /// A username and password (HTTP basic) typed into a form.
    Basic,
}

/// One input of an API-key or basic-auth form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormField {
    /// Key in `ConnectRequest::fields`.
    pub name: String,
    /// Visible label.
    pub label: String,
    /// Masked input, never echoed back.
    #[serde(default)]
    pub secret: bool,
    /// Example value shown in the empty input (e.g. `yourcompany` for a subdomain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

/// One entry of `GET /widget/apps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetApp {
    /// The app's slug.
    pub key: AppKey,
    /// Display name, also the accessible name of its button.
    pub name: String,
    /// e.g. `crm`, `hris`.
    pub category: String,
    /// The category's display name in the session's language (`?locale=`, else the
    /// request's `Accept-Language`, else English): the widget's tab and search text.
    #[serde(default)]
    pub category_label: String,
    /// Absolute URL of the logo.
    pub logo_url: String,
    /// Popup or form.
    pub auth_mode: AuthMode,
    /// The form's inputs: credentials for API-key, basic and client-credentials apps;
    /// values asked before the popup (a subdomain…) for OAuth apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FormField>>,
    /// Whether this tenant already has an account for the app (`accounts` is not empty).
    pub connected: bool,
    /// This tenant's accounts of the app, oldest first.
    #[serde(default)]
    pub accounts: Vec<WidgetAccount>,
}

/// One of the tenant's accounts, as the widget lists it under its app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetAccount {
    /// `acc_…`: pass to `DELETE /widget/accounts/{account_id}` or as `ConnectRequest::account_id`.
    pub account_id: AccountId,
    /// Numeric id, as IntegryJS reports `authorizationId`.
    pub authorization_id: i64,
    /// Who the account is at the provider.
    pub identity: String,
    /// Outcome of the last verification or refresh.
    pub status: AccountStatus,
    /// Whether this session may disconnect the account.
    pub can_disconnect: bool,
}

/// Body of `POST /widget/connect/{app}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectRequest {
    /// Form values for API-key and basic apps; absent for OAuth apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
    /// Reconnect: re-authorize this existing account of the tenant (same app), keeping
    /// its ids, instead of adding one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<AccountId>,
    /// Redirect mode (OAuth apps only): instead of a popup, the page itself goes to
    /// `popup_url`, and the server sends the browser back here with
    /// `plugboard_attempt=<attempt_id>` added to the query. An absolute http(s) URL on the
    /// server's own origin or one of `allowed_origins`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
}

/// Answer of `POST /widget/connect/{app}` for an OAuth app.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectStarted {
    /// Identifies the attempt in the popup message and `GET /widget/attempts/{id}`.
    pub attempt_id: String,
    /// Where to point the popup.
    pub popup_url: String,
}

/// Stored status of an integrated account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// The last verification call returned 2xx.
    Verified,
    /// Credentials were obtained but the verification call did not return 2xx.
    VerificationFailed,
    /// The provider rejected a refresh: the person must connect again.
    NeedsReauth,
}

impl AccountStatus {
    /// The value as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::VerificationFailed => "verification_failed",
            Self::NeedsReauth => "needs_reauth",
        }
    }

    /// Parses the stored value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "verified" => Some(Self::Verified),
            "verification_failed" => Some(Self::VerificationFailed),
            "needs_reauth" => Some(Self::NeedsReauth),
            _ => None,
        }
    }
}

/// An integrated account as the backend API shows it: never the credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegratedAccount {
    /// `acc_…`.
    pub account_id: AccountId,
    /// Numeric id, as IntegryJS reports `authorizationId`.
    pub authorization_id: i64,
    /// Owner.
    pub tenant_id: TenantId,
    /// Catalog app.
    pub app: AppKey,
    /// Who the account is at the provider.
    pub identity: String,
    /// Outcome of the last verification or refresh.
    pub status: AccountStatus,
    /// RFC 3339.
    pub connected_at: String,
    /// RFC 3339; absent when never verified.
    #[serde(default)]
    pub verified_at: Option<String>,
    /// RFC 3339 expiry of the access token, when the provider gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Non-secret values the provider returned that later calls need (`instance_host`,
    /// `realm_id`, `cloud_id`…), as its catalog entry declares them.
    #[serde(default)]
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// Answer of `GET /integrated-accounts`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPage {
    /// This page.
    pub items: Vec<IntegratedAccount>,
    /// Pass as `start_key` for the next page; absent on the last one.
    pub next_start_key: Option<String>,
}

/// A page of items, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items<T> {
    /// The items.
    pub items: Vec<T>,
}

/// One try at delivering a webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryTry {
    /// RFC 3339.
    pub at: String,
    /// The receiver's status, when it answered.
    pub status_code: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
    /// How long it took.
    pub latency_ms: i64,
}

/// One endpoint's delivery of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// The receiver.
    pub endpoint: String,
    /// Tries so far.
    pub attempts: i64,
    /// RFC 3339, once delivered.
    pub delivered_at: Option<String>,
    /// RFC 3339, while not delivered.
    pub next_attempt_at: Option<String>,
    /// The last try's status.
    pub last_status: Option<i64>,
    /// The last try's error.
    pub last_error: Option<String>,
    /// Every try, oldest first.
    pub tries: Vec<DeliveryTry>,
}

/// One webhook event with its deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEvent {
    /// `evt_…`, also the `Plugboard-Event-Id` header.
    pub event_id: String,
    /// `account.created`, …
    #[serde(rename = "type")]
    pub event_type: String,
    /// The account it is about.
    pub account_id: String,
    /// RFC 3339.
    pub created_at: String,
    /// One per endpoint.
    pub deliveries: Vec<Delivery>,
}

/// One entry of an account's audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountLogEntry {
    /// RFC 3339.
    pub at: String,
    /// `verify`, `refresh`, `credentials_read`, `proxy`.
    pub action: String,
    /// `ok` or `failed`.
    pub outcome: String,
    /// The provider's HTTP status, when a call was made.
    pub status_code: Option<i64>,
    /// How long it took.
    pub latency_ms: i64,
    /// Why it failed, or what was called; never a secret.
    pub detail: Option<String>,
}

/// Query of `GET /integrated-accounts` and of the console's account list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AccountQuery {
    /// Only this tenant's accounts.
    pub tenant_id: Option<TenantId>,
    /// Only this app's.
    pub app: Option<AppKey>,
    /// Only accounts in this status.
    pub status: Option<AccountStatus>,
    /// Text found in the account id, tenant id or identity (any case).
    pub q: Option<String>,
    /// `next_start_key` of the previous page.
    pub start_key: Option<String>,
    /// At most this many (1–200, default 50).
    pub limit: Option<i64>,
}

/// Every error body: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Machine-readable code and human-readable message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable, snake_case, e.g. `invalid_link_token`.
    pub code: String,
    /// One sentence that says what to fix.
    pub message: String,
}
