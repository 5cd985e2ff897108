//! The operators' audit log: who created, re-verified, deleted or revoked what, and when.

use axum::extract::State;
use plugboard_shared::Items;
use plugboard_shared::console::AuditEntry;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::Operator;
use crate::error::ApiResult;
use crate::http::extract::Json;
use crate::state::AppState;
use crate::store::audit;

const RECENT: i64 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recent))
}

#[utoipa::path(get, path = "/console/api/audit", tag = "console", operation_id = "console_audit", security(("operator_session" = [])),
    responses((status = 200, description = "The newest entries", body = Items<AuditEntry>)))]
pub(super) async fn recent(State(state): State<AppState>, _operator: Operator) -> ApiResult<Json<Items<AuditEntry>>> {
    Ok(Json(Items {
        items: audit::recent(&state.pool, RECENT).await?,
    }))
}
