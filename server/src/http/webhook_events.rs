//! `GET /webhook-events`: the delivery log, so a host can see what reached its receiver.

use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Json;
use crate::auth::Backend;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::webhooks::{self, EventView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recent))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct EventPage {
    items: Vec<EventView>,
}

/// The newest 100 events, each with its deliveries' attempts and outcome.
#[utoipa::path(get, path = "/webhook-events", tag = "webhooks", security(("api_key" = [])),
    responses((status = 200, description = "The newest events with their deliveries", body = EventPage)))]
pub(super) async fn recent(State(state): State<AppState>, _backend: Backend) -> ApiResult<Json<EventPage>> {
    Ok(Json(EventPage {
        items: webhooks::recent(&state.pool, 100).await?,
    }))
}
