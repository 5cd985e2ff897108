//! `GET /webhook-events`: the delivery log, so a host can see what reached its receiver.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use plugboard_shared::ErrorBody;
use serde::Serialize;

use crate::auth::Backend;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::webhooks::{self, EventView};

pub fn router() -> Router<AppState> {
    Router::new().route("/webhook-events", get(recent))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct EventPage {
    items: Vec<EventView>,
}

/// The newest 100 events, each with its deliveries' attempts and outcome.
#[utoipa::path(get, path = "/webhook-events", tag = "webhooks", security(("api_key" = [])),
    responses((status = 200, description = "The newest events with their deliveries", body = EventPage), (status = 400, description = "Invalid input", body = ErrorBody), (status = 401, description = "Missing or unknown credentials", body = ErrorBody)))]
pub(super) async fn recent(State(state): State<AppState>, _backend: Backend) -> ApiResult<Json<EventPage>> {
    Ok(Json(EventPage {
        items: webhooks::recent(&state.pool, 100).await?,
    }))
}
