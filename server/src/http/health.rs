//! Liveness and readiness for load balancers and orchestrators.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(live)).route("/readyz", get(ready))
}

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process answers")))]
pub(super) async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready when the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "The database answers"), (status = 500, description = "It does not")))]
pub(super) async fn ready(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    sqlx::query("SELECT 1").execute(&state.pool).await?;
    Ok(Json(json!({"status": "ready"})))
}
