//! Auth links (StackOne's "Create Auth Link", Truto's "Connect Account"): an operator makes
//! a hosted connect page link for a customer, sees the recent ones, revokes one.

use axum::extract::State;
use axum::http::StatusCode;
use plugboard_shared::Items;
use plugboard_shared::console::{AuthLink, AuthLinkSummary, NewAuthLink};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::Operator;
use crate::clock::rfc3339;
use crate::error::{ApiResult, ErrorCode};
use crate::http::extract::{Json, Path};
use crate::http::link_tokens::{NewLinkToken, check_redirect_uri, issue};
use crate::state::AppState;
use crate::store::link_tokens::{self, LinkTokenRow};

/// Days an auth link lives unless the operator says otherwise, as StackOne's do.
pub const LINK_DAYS: i64 = 5;
const MAX_LINK_DAYS: u32 = 30;
const RECENT: i64 = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, recent))
        .routes(routes!(revoke))
}

/// Issues `new` and answers its hosted-page link.
pub async fn create_link(state: &AppState, new: NewLinkToken) -> ApiResult<AuthLink> {
    let issued = issue(state, new).await?;
    Ok(AuthLink {
        connect_url: format!("{}/connect?link_token={}", state.base_url, issued.token),
        id: issued.id,
        expires_at: rfc3339(issued.expires_at),
    })
}

#[utoipa::path(post, path = "/console/api/links", tag = "console", operation_id = "console_create_link", request_body = NewAuthLink, security(("operator_session" = [])),
    responses((status = 201, description = "The hosted connect page link to send to the customer", body = AuthLink)))]
pub(super) async fn create(
    State(state): State<AppState>,
    operator: Operator,
    Json(body): Json<NewAuthLink>,
) -> ApiResult<(StatusCode, Json<AuthLink>)> {
    let days = body.expires_in_days.unwrap_or(LINK_DAYS as u32);
    if !(1..=MAX_LINK_DAYS).contains(&days) {
        return Err(ErrorCode::InvalidExpiresIn.error("an auth link lives 1 to 30 days"));
    }
    if let Some(id) = &body.deployment_id {
        state.deployments.check_exists(id)?;
    }
    if let Some(uri) = &body.redirect_uri {
        check_redirect_uri(uri)?;
    }
    let new = NewLinkToken {
        deployment_id: body.deployment_id,
        category: body.category.filter(|c| !c.is_empty()),
        owner_name: body.owner_name.filter(|o| !o.is_empty()),
        username: body.username.filter(|u| !u.is_empty()),
        redirect_uri: body.redirect_uri,
        created_by: operator.email.clone(),
        ..NewLinkToken::for_tenant(body.tenant_id.clone(), i64::from(days) * 24 * 3600)
    };
    let link = create_link(&state, new).await?;
    operator.audit(&state, "create_link", &link.id).await?;
    Ok((StatusCode::CREATED, Json(link)))
}

#[utoipa::path(get, path = "/console/api/links", tag = "console", operation_id = "console_recent_links", security(("operator_session" = [])),
    responses((status = 200, description = "The newest links, whoever made them", body = Items<AuthLinkSummary>)))]
pub(super) async fn recent(
    State(state): State<AppState>,
    _operator: Operator,
) -> ApiResult<Json<Items<AuthLinkSummary>>> {
    let rows = link_tokens::recent(&state.pool, RECENT).await?;
    Ok(Json(Items {
        items: rows.into_iter().map(summary).collect(),
    }))
}

fn summary(row: LinkTokenRow) -> AuthLinkSummary {
    AuthLinkSummary {
        // Tokens from before ids existed cannot be revoked by id; their hash prefix names them.
        id: row.id.unwrap_or_else(|| format!("hash_{}", &row.token_hash[..16])),
        tenant_id: row.tenant_id,
        owner_name: row.owner_name,
        username: row.username,
        account_id: row.account_id,
        created_by: row.created_by.unwrap_or_else(|| "api".to_owned()),
        created_at: rfc3339(row.created_at),
        expires_at: rfc3339(row.expires_at),
        used_at: row.used_at.map(rfc3339),
        revoked_at: row.revoked_at.map(rfc3339),
    }
}

#[utoipa::path(delete, path = "/console/api/links/{id}", tag = "console", operation_id = "console_revoke_link", params(("id" = String, Path)), security(("operator_session" = [])),
    responses((status = 204, description = "Revoked: the link answers 401 revoked_link_token from now on"),
        (status = 404, description = "unknown_link_token", body = plugboard_shared::ErrorBody)))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if !link_tokens::revoke(&state.pool, &id, state.clock.now()).await? {
        return Err(ErrorCode::UnknownLinkToken.error(format!("no link {id:?}")));
    }
    operator.audit(&state, "revoke_link", &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
