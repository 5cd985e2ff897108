//! `GET /openapi.json`: the OpenAPI 3.1 document, generated from the handlers'
//! annotations and the shared types, so it cannot drift from the code.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Plugboard", description = "Link tokens, the connect widget's API, and verified integrated accounts."),
    paths(
        super::link_tokens::create,
        super::widget::start_session,
        super::widget::session_info,
        super::widget::list_apps,
        super::widget::connect_app,
        super::widget::attempt_outcome,
        super::widget::disconnect,
        super::oauth::start,
        super::oauth::callback,
        super::hosted::connect_page,
        super::accounts::list,
        super::accounts::show,
        super::accounts::remove,
        super::accounts::verify_again,
        super::accounts::credentials,
        super::accounts::audit_log,
        super::webhook_events::recent,
        super::health::live,
        super::health::ready,
    ),
    components(schemas(plugboard_shared::PopupMessage, plugboard_shared::AuthorizationEvent, plugboard_shared::FailureEvent)),
    modifiers(&BearerSchemes)
)]
struct ApiDoc;

/// Both credentials travel as `Authorization: Bearer …`.
struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, what) in [
            ("api_key", "A backend API key"),
            ("link_token", "A link token from POST /link-token"),
        ] {
            let scheme = HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(what))
                .build();
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
    }
}

pub fn router() -> Router<AppState> {
    let document = ApiDoc::openapi();
    Router::new().route("/openapi.json", get(move || async move { Json(document.clone()) }))
}
