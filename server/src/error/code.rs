//! Every error code the HTTP API answers, each with its one status and what it tells a
//! host. Handlers name a code; the README's table and `/openapi.json` list this same set
//! (a test compares them), so a code cannot be added in one place and missed in another.

use axum::http::StatusCode;

macro_rules! error_codes {
    ($($variant:ident = $status:ident, $code:literal, $meaning:literal;)*) => {
        /// A stable, snake_case error code (`{"error": {"code", …}}`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the README's table.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The HTTP status that always goes with it.
            pub fn status(self) -> StatusCode {
                match self {
                    $(Self::$variant => StatusCode::$status,)*
                }
            }

            /// What it means for the host, in one sentence.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Self::$variant => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidBody = BAD_REQUEST, "invalid_body", "The body is not the JSON this route takes (the message says which field).";
    InvalidQuery = BAD_REQUEST, "invalid_query", "A query parameter is malformed or unknown.";
    InvalidId = BAD_REQUEST, "invalid_id", "An id does not match its pattern (tenant, app, account, deployment).";
    InvalidLimit = BAD_REQUEST, "invalid_limit", "`limit` is outside 1–200.";
    InvalidStartKey = BAD_REQUEST, "invalid_start_key", "`start_key` did not come from `next_start_key`.";
    InvalidExpiresIn = BAD_REQUEST, "invalid_expires_in", "`expires_in` is outside 1 second–30 days.";
    InvalidRedirectUri = BAD_REQUEST, "invalid_redirect_uri", "`redirect_uri` is not an absolute http(s) URL.";
    InvalidReturnTo = BAD_REQUEST, "invalid_return_to", "`return_to` is not on this server or an allowed origin, or the app is not an OAuth app.";
    MissingField = BAD_REQUEST, "missing_field", "A form field the app needs is empty.";
    InvalidProxyPath = BAD_REQUEST, "invalid_proxy_path", "The proxied path climbs out of the provider's base URL (`..`).";
    InvalidField = BAD_REQUEST, "invalid_field", "A form value that goes into a URL holds more than letters, digits, dots and hyphens.";
    UnknownDeployment = BAD_REQUEST, "unknown_deployment", "No deployment has this id.";
    MissingCredentials = UNAUTHORIZED, "missing_credentials", "No `Authorization: Bearer …` header.";
    InvalidApiKey = UNAUTHORIZED, "invalid_api_key", "The API key is unknown or was revoked.";
    InvalidLinkToken = UNAUTHORIZED, "invalid_link_token", "The link token is unknown.";
    ExpiredLinkToken = UNAUTHORIZED, "expired_link_token", "The link token has expired; ask your backend for a new one.";
    RevokedLinkToken = UNAUTHORIZED, "revoked_link_token", "The link token was revoked (`DELETE /link-tokens/{id}`).";
    InvalidAppId = UNAUTHORIZED, "invalid_app_id", "`app_id` is not `security.app_id`.";
    InvalidHash = UNAUTHORIZED, "invalid_hash", "`hash` is not the HMAC-SHA256 of `user_id` under the app secret.";
    NotSignedIn = UNAUTHORIZED, "not_signed_in", "The console needs an operator's session: sign in (again; sessions end when idle and after some hours).";
    WrongPassword = UNAUTHORIZED, "wrong_password", "No operator has this e-mail and password.";
    OriginRequired = FORBIDDEN, "origin_required", "A connect request came without an `Origin` header (not from a browser page).";
    OriginNotAllowed = FORBIDDEN, "origin_not_allowed", "The page's origin is not in `server.allowed_origins`.";
    DisconnectNotAllowed = FORBIDDEN, "disconnect_not_allowed", "The link token does not allow disconnecting (this account).";
    InactiveDeployment = FORBIDDEN, "inactive_deployment", "The deployment is not active.";
    AdminOnly = FORBIDDEN, "admin_only", "Only an admin operator may do this (delete accounts, manage API keys).";
    TargetNotAllowed = FORBIDDEN, "target_not_allowed", "The provider's address is private, loopback or link-local, which the proxy does not call (unless the operator's `[[providers]]` entry says `private_network = true`).";
    OriginMismatch = FORBIDDEN, "origin_mismatch", "A console request that changes something came from another origin (CSRF).";
    NotFound = NOT_FOUND, "not_found", "No such path.";
    UnknownAccount = NOT_FOUND, "unknown_account", "No such account (for this tenant).";
    UnknownApp = NOT_FOUND, "unknown_app", "The app is not in the catalog or not available to this session.";
    UnknownAttempt = NOT_FOUND, "unknown_attempt", "No such connect attempt for this tenant.";
    UnknownLinkToken = NOT_FOUND, "unknown_link_token", "No link token has this id.";
    UnknownFile = NOT_FOUND, "unknown_file", "The built widget has no file of this name.";
    UnknownEvent = NOT_FOUND, "unknown_event", "No webhook event has this id.";
    UnknownApiKey = NOT_FOUND, "unknown_api_key", "No stored API key has this id.";
    SessionsDisabled = NOT_FOUND, "sessions_disabled", "Hash sessions need `security.app_id` and `security.app_secret`.";
    MethodNotAllowed = METHOD_NOT_ALLOWED, "method_not_allowed", "The path exists, the method does not.";
    RequestTimeout = REQUEST_TIMEOUT, "request_timeout", "The request body did not arrive in time.";
    AccountConflict = CONFLICT, "account_conflict", "`account_id` belongs to another tenant.";
    AccountMismatch = CONFLICT, "account_mismatch", "The link token re-authorizes another account.";
    AppMismatch = CONFLICT, "app_mismatch", "The account belongs to another app; reconnect it with its own app.";
    IdentityTaken = CONFLICT, "identity_taken", "The new credentials are an identity another account of the tenant holds.";
    NeedsReauth = CONFLICT, "needs_reauth", "The provider refused to renew the account; the person must connect it again.";
    RefreshInProgress = CONFLICT, "refresh_in_progress", "Another refresh of the account is taking too long; try again.";
    AppNotInCatalog = CONFLICT, "app_not_in_catalog", "The account's app left the catalog; delete the account.";
    AttemptUsed = CONFLICT, "attempt_used", "The connect attempt has already finished.";
    NotRefreshable = CONFLICT, "not_refreshable", "The account has no refresh token to renew (not OAuth, or the provider gave none).";
    BodyTooLarge = PAYLOAD_TOO_LARGE, "body_too_large", "The body is over the route's limit (64 KB for the JSON API).";
    RateLimited = TOO_MANY_REQUESTS, "rate_limited", "Over a limit of `[limits]`; wait for `Retry-After` seconds.";
    ProviderUnreachable = BAD_GATEWAY, "provider_unreachable", "The proxy could not reach the provider.";
    ProviderTimeout = GATEWAY_TIMEOUT, "provider_timeout", "The provider did not answer the proxied call in time (`proxy.timeout_secs`).";
    Internal = INTERNAL_SERVER_ERROR, "internal", "Something failed on the server; it was logged (never with a secret).";
    DatabaseUnavailable = SERVICE_UNAVAILABLE, "database_unavailable", "The database does not answer (`/readyz`).";
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_snake_case_and_errors() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert!(code.meaning().ends_with('.'));
        }
    }
}
