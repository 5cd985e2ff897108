//! The operators' console API (`/console/api/…`) and its page. Every route here takes an
//! operator's session (`session.rs`) and nothing else: never an API key or a link token.
//! Requests that change something must come from the console's own origin.

use axum::middleware;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

mod accounts;
mod apps;
mod audit;
mod keys;
mod links;
mod page;
pub mod session;
pub mod store;
mod webhooks;

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::router())
        .merge(accounts::router())
        .merge(links::router())
        .merge(apps::router())
        .merge(webhooks::router())
        .merge(keys::router())
        .merge(audit::router())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            session::same_origin_writes,
        ))
        .layer(session::layer(state))
        .merge(page::router())
}
