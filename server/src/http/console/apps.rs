//! Apps and deployments: what each deployment lists, and the whole catalog with what an
//! app needs before it can be enabled.

use axum::extract::State;
use plugboard_shared::AuthMode;
use plugboard_shared::console::{AppsOverview, CatalogApp, DeploymentInfo};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::Operator;
use crate::catalog::categories;
use crate::http::extract::Json;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(overview))
}

#[utoipa::path(get, path = "/console/api/apps", tag = "console", operation_id = "console_apps", security(("operator_session" = [])),
    responses((status = 200, description = "The deployments and the catalog", body = AppsOverview)))]
pub(super) async fn overview(State(state): State<AppState>, _operator: Operator) -> Json<AppsOverview> {
    let deployments = state.deployments.all();
    let catalog = state
        .catalog
        .iter()
        .map(|def| CatalogApp {
            key: def.key.clone(),
            name: def.name.clone(),
            category: def.category.clone(),
            category_label: categories::label(&def.category, "en"),
            auth_mode: def.auth_mode,
            logo_url: def.logo_url(&state.base_url),
            configured: state.deployments.is_enabled(def),
            deployments: deployments
                .iter()
                .filter(|d| d.apps.contains(&def.key))
                .map(|d| d.id.clone())
                .collect(),
            fields: def.fields.iter().map(|f| f.label.clone()).collect(),
            redirect_uri: (def.auth_mode == AuthMode::Oauth2).then(|| format!("{}/oauth/callback", state.base_url)),
        })
        .collect();
    Json(AppsOverview {
        deployments: deployments
            .iter()
            .map(|d| DeploymentInfo {
                id: d.id.clone(),
                active: d.active,
                apps: d.apps.clone(),
            })
            .collect(),
        catalog,
    })
}
