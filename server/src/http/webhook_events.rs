//! `GET /webhook-events`: the delivery log, so a host can see what reached its receiver.

use axum::extract::State;
use plugboard_shared::{Items, WebhookEvent};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;
use crate::auth::Backend;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::webhooks;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recent))
}

/// How many events the log shows.
pub const RECENT_EVENTS: i64 = 100;

/// The newest events, each with its deliveries' tries and outcome.
#[utoipa::path(get, path = "/webhook-events", tag = "webhooks", security(("api_key" = [])),
    responses((status = 200, description = "The newest events with their deliveries", body = Items<WebhookEvent>)))]
pub(super) async fn recent(State(state): State<AppState>, _backend: Backend) -> ApiResult<Json<Items<WebhookEvent>>> {
    Ok(Json(Items {
        items: webhooks::recent(&state.pool, RECENT_EVENTS).await?,
    }))
}
