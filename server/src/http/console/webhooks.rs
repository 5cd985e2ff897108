//! Webhook delivery history with redelivery.

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::{Items, WebhookEvent};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::Operator;
use crate::error::{ApiResult, ErrorCode};
use crate::http::extract::{Json, Path};
use crate::http::webhook_events::RECENT_EVENTS;
use crate::state::AppState;
use crate::store::webhooks;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recent)).routes(routes!(redeliver))
}

#[utoipa::path(get, path = "/console/api/webhooks", tag = "console", operation_id = "console_webhooks", security(("operator_session" = [])),
    responses((status = 200, description = "The newest events, each delivery with every try", body = Items<WebhookEvent>)))]
pub(super) async fn recent(State(state): State<AppState>, _operator: Operator) -> ApiResult<Json<Items<WebhookEvent>>> {
    Ok(Json(Items {
        items: webhooks::recent(&state.pool, RECENT_EVENTS).await?,
    }))
}

#[utoipa::path(post, path = "/console/api/webhooks/{event_id}/redeliver", tag = "console", operation_id = "console_redeliver", params(("event_id" = String, Path)), security(("operator_session" = [])),
    responses((status = 202, description = "Every delivery of the event is due again now (same event id: receivers deduplicate)"),
        (status = 404, description = "unknown_event", body = plugboard_shared::ErrorBody)))]
pub(super) async fn redeliver(
    State(state): State<AppState>,
    operator: Operator,
    Path(event_id): Path<String>,
) -> ApiResult<StatusCode> {
    if !webhooks::redeliver(&state.pool, &event_id, state.clock.now()).await? {
        return Err(ErrorCode::UnknownEvent.error(format!("no webhook event {event_id:?}")));
    }
    crate::webhooks::wake(&state, true);
    operator.audit(&state, "redeliver_webhook", &event_id).await?;
    Ok(StatusCode::ACCEPTED)
}
