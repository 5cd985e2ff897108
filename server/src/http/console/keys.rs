//! Backend API keys, for admins: the list (never a key), a new key shown once, revocation.
//! Keys listed in `security.api_keys` live in the configuration and are not shown here.

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::Items;
use plugboard_shared::console::{ApiKeyInfo, CreatedApiKey, NewApiKey};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::Admin;
use crate::error::{ApiResult, ErrorCode};
use crate::http::extract::{Json, Path};
use crate::state::AppState;
use crate::store::api_keys;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

#[utoipa::path(get, path = "/console/api/keys", tag = "console", operation_id = "console_list_keys", security(("operator_session" = [])),
    responses((status = 200, description = "Stored API keys (label, created, last used), never the keys", body = Items<ApiKeyInfo>),
        (status = 403, description = "admin_only", body = plugboard_shared::ErrorBody)))]
pub(super) async fn list(State(state): State<AppState>, _admin: Admin) -> ApiResult<Json<Items<ApiKeyInfo>>> {
    let rows = api_keys::list(&state.pool).await?;
    Ok(Json(Items {
        items: rows.iter().map(api_keys::ApiKeyRow::info).collect(),
    }))
}

#[utoipa::path(post, path = "/console/api/keys", tag = "console", operation_id = "console_create_key", request_body = NewApiKey, security(("operator_session" = [])),
    responses((status = 201, description = "The new key, shown this once", body = CreatedApiKey),
        (status = 403, description = "admin_only", body = plugboard_shared::ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    Admin(operator): Admin,
    Json(body): Json<NewApiKey>,
) -> ApiResult<(StatusCode, Json<CreatedApiKey>)> {
    let label = body.label.trim();
    if label.is_empty() || label.len() > 100 {
        return Err(ErrorCode::InvalidBody.error("label: 1 to 100 characters saying what the key is for"));
    }
    let (key, row) = api_keys::create(&state.pool, label, state.clock.now()).await?;
    let info = row.info();
    operator.audit(&state, "create_api_key", &info.id).await?;
    Ok((StatusCode::CREATED, Json(CreatedApiKey { info, key })))
}

#[utoipa::path(delete, path = "/console/api/keys/{id}", tag = "console", operation_id = "console_revoke_key", params(("id" = String, Path)), security(("operator_session" = [])),
    responses((status = 204, description = "Revoked: requests with the key are refused from now on"),
        (status = 403, description = "admin_only", body = plugboard_shared::ErrorBody),
        (status = 404, description = "unknown_api_key", body = plugboard_shared::ErrorBody)))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    Admin(operator): Admin,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if !api_keys::revoke(&state.pool, &id).await? {
        return Err(ErrorCode::UnknownApiKey.error(format!("no stored API key {id:?}")));
    }
    operator.audit(&state, "revoke_api_key", &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
