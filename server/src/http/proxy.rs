//! `ANY /integrated-accounts/{account_id}/proxy/{*path}`: the host's backend calls the
//! provider's API with the account's credentials (see `crate::proxy`). A provider SDK can
//! take `…/integrated-accounts/acc_…/proxy` as its base URL.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use plugboard_shared::AccountId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Path;
use crate::auth::Backend;
use crate::error::{ApiResult, ErrorCode};
use crate::proxy::{self, Call};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(call))
}

/// Where the proxied path starts, for the body-size layer (the proxy carries files).
pub fn is_proxy_path(path: &str) -> bool {
    path.starts_with("/integrated-accounts/") && path.contains("/proxy/")
}

#[utoipa::path(method(get, post, put, patch, delete, options), path = "/integrated-accounts/{account_id}/proxy/{*path}", tag = "accounts",
    operation_id = "proxy", params(("account_id" = AccountId, Path), ("path" = String, Path, description = "Appended to the app's base_url, with the query as sent")),
    security(("api_key" = [])),
    responses((status = "default", description = "The provider's answer as it is (any status, its headers less hop-by-hop ones and Set-Cookie, its body). Plugboard's own refusals carry a Plugboard-Error header"),
        (status = 404, description = "unknown_account", body = plugboard_shared::ErrorBody),
        (status = 409, description = "needs_reauth: the provider refused to renew the account", body = plugboard_shared::ErrorBody),
        (status = 403, description = "target_not_allowed: the provider's address is private", body = plugboard_shared::ErrorBody),
        (status = 502, description = "provider_unreachable", body = plugboard_shared::ErrorBody),
        (status = 504, description = "provider_timeout", body = plugboard_shared::ErrorBody)))]
pub(super) async fn call(
    State(state): State<AppState>,
    _backend: Backend,
    Path((account_id, _path)): Path<(AccountId, String)>,
    request: Request,
) -> ApiResult<Response> {
    let (parts, body) = request.into_parts();
    // The raw path, still percent-encoded as the caller sent it: the provider gets it so.
    let prefix = format!("/integrated-accounts/{account_id}/proxy");
    let path = parts
        .uri
        .path()
        .strip_prefix(&prefix)
        .ok_or_else(|| ErrorCode::InvalidProxyPath.error("the account id must be written as it is"))?
        .to_owned();
    let call = Call {
        method: parts.method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: Body::new(body),
    };
    proxy::forward(&state, &account_id, call).await
}
