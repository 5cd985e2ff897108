//! The sandbox's authorization server: the login page, the code, refresh and
//! client-credentials grants, and revocation (RFC 6749, RFC 7636, RFC 7009).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::faults::{Stage, misbehave};
use super::{
    CC_SECRET, CODE_LIFETIME_SECS, Grant, REFRESH_FAILS_USER, REFRESH_LIFETIME_SECS, SHORT_LIVED_USER, bump, open, sign,
};
use crate::crypto::token_hash;
use crate::db::is_unique_violation;
use crate::deployments::{SANDBOX_CLIENT_ID, expose};
use crate::error::ErrorCode;
use crate::http::callback_page::escape_text;
use crate::http::extract::{Form, Query};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub(super) struct AuthorizeParams {
    client_id: String,
    redirect_uri: String,
    state: String,
    #[serde(default)]
    scope: String,
    code_challenge: String,
    code_challenge_method: String,
}

fn check_request(state: &AppState, params: &AuthorizeParams) -> Result<(), &'static str> {
    if params.client_id != SANDBOX_CLIENT_ID {
        return Err("unknown client_id");
    }
    if params.redirect_uri != format!("{}/oauth/callback", state.base_url) {
        return Err("redirect_uri is not registered for this client");
    }
    if params.code_challenge_method != "S256" || params.code_challenge.len() < 43 {
        return Err("PKCE with S256 is required");
    }
    Ok(())
}

#[utoipa::path(get, path = "/sandbox/oauth/authorize", tag = "sandbox", operation_id = "sandbox_login_page", params(AuthorizeParams),
    responses((status = 200, description = "The sandbox's login page", content_type = "text/html")))]
pub(super) async fn login_page(State(state): State<AppState>, Query(params): Query<AuthorizeParams>) -> Response {
    if let Err(text) = check_request(&state, &params) {
        return invalid_request(ErrorCode::InvalidQuery, text);
    }
    let hidden: String = [
        ("client_id", &params.client_id),
        ("redirect_uri", &params.redirect_uri),
        ("state", &params.state),
        ("scope", &params.scope),
        ("code_challenge", &params.code_challenge),
        ("code_challenge_method", &params.code_challenge_method),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape_text(value)
        )
    })
    .collect();
    Html(format!(
        include_str!("login.html"),
        hidden = hidden,
        scope = escape_text(&params.scope)
    ))
    .into_response()
}

/// An authorization request the sandbox cannot honour. Never a redirect (RFC 6749
/// §4.1.2.1: the redirect_uri itself may be the bad part); the JSON error like every
/// other refusal, so a fuzzer or a test reads the same shape everywhere.
fn invalid_request(code: ErrorCode, text: &str) -> Response {
    code.error(format!("invalid authorization request: {text}"))
        .into_response()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct Decision {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    decision: String,
}

#[utoipa::path(post, path = "/sandbox/oauth/authorize", tag = "sandbox", operation_id = "sandbox_decide", request_body(content = Decision, content_type = "application/x-www-form-urlencoded"),
    responses((status = 303, description = "Back to the client's redirect_uri with a code or an error")))]
pub(super) async fn decide(State(state): State<AppState>, Form(form): Form<Decision>) -> Response {
    let params = &form.params;
    if let Err(text) = check_request(&state, params) {
        return invalid_request(ErrorCode::InvalidBody, text);
    }
    let iss = format!("{}/sandbox", state.base_url);
    let Ok(mut target) = url::Url::parse(&params.redirect_uri) else {
        return invalid_request(ErrorCode::InvalidRedirectUri, "redirect_uri is not a URL");
    };
    {
        let mut query = target.query_pairs_mut();
        if form.decision != "allow" {
            query
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user denied access");
        } else if form.username.trim().is_empty() || form.password.is_empty() {
            query
                .append_pair("error", "access_denied")
                .append_pair("error_description", "No credentials were entered");
        } else {
            let grant = Grant {
                challenge: params.code_challenge.clone(),
                redirect_uri: params.redirect_uri.clone(),
                ..Grant::new("code", form.username.trim(), state.clock.now(), CODE_LIFETIME_SECS)
            };
            query.append_pair("code", &sign(&state, &grant));
        }
        // The data centre, in the callback as Zoho names its accounts server.
        query
            .append_pair("state", &params.state)
            .append_pair("iss", &iss)
            .append_pair("region", "eu1");
    }
    Redirect::to(target.as_str()).into_response()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct TokenForm {
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn token_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

#[utoipa::path(post, path = "/sandbox/oauth/token", tag = "sandbox", operation_id = "sandbox_token", request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "RFC 6749 token response"), (status = 400, description = "RFC 6749 error response"), (status = 401, description = "invalid_client")))]
pub(super) async fn token(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    if form.grant_type == "client_credentials" {
        return client_credentials_grant(&state, &headers, &form);
    }
    if !client_authenticated(&state, &headers, &form) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    let user = match form.grant_type.as_str() {
        "authorization_code" => match redeem_code(&state, &form).await {
            Ok(user) => user,
            Err(description) => return token_error("invalid_grant", description),
        },
        "refresh_token" => match refresh_grant(&state, form.refresh_token.as_deref()).await {
            Some(grant) if grant.user != REFRESH_FAILS_USER => {
                bump(&state, "refreshes").await;
                grant.user
            }
            _ => return token_error("invalid_grant", "unknown, expired or revoked refresh token"),
        },
        _ => {
            return token_error("unsupported_grant_type", "use authorization_code or refresh_token");
        }
    };
    if let Some(fault) = misbehave(&state, &user, Stage::Token).await {
        return fault;
    }
    access_answer(&state, user, true)
}

/// A token response for `user`; client-credentials grants get no refresh token (RFC 6749 §4.4.3).
fn access_answer(state: &AppState, user: String, with_refresh: bool) -> Response {
    let lifetime = state.config.server.sandbox_token_lifetime;
    let real = if user == SHORT_LIVED_USER { 60 } else { lifetime };
    let mut body = json!({
        "access_token": sign(state, &Grant::new("access", &user, state.clock.now(), real)),
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": "contacts.read profile",
        // Connection metadata, as Salesforce names an instance: later calls go there.
        "instance": super::api::instance_of(&user),
    });
    if with_refresh {
        body["refresh_token"] = sign(
            state,
            &Grant::new("refresh", &user, state.clock.now(), REFRESH_LIFETIME_SECS),
        )
        .into();
    }
    Json(body).into_response()
}

/// Any client id works with the secret [`CC_SECRET`]; the id becomes the identity.
fn client_credentials_grant(state: &AppState, headers: &HeaderMap, form: &TokenForm) -> Response {
    match client_of(headers, form) {
        Some((id, secret)) if !id.is_empty() && secret == CC_SECRET => access_answer(state, id, false),
        _ => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client", "error_description": "The client id or secret is wrong"})),
        )
            .into_response(),
    }
}

/// The client's id and secret, from HTTP basic auth or the form (RFC 6749 §2.3.1).
fn client_of(headers: &HeaderMap, form: &TokenForm) -> Option<(String, String)> {
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    match basic {
        Some(pair) => pair.split_once(':').map(|(id, s)| (form_decode(id), form_decode(s))),
        None => form.client_id.clone().zip(form.client_secret.clone()),
    }
}

/// RFC 6749 §2.3.1 form-encodes the id and secret before basic auth.
fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Our own server, as the sandbox's registered client for the code grant.
fn client_authenticated(state: &AppState, headers: &HeaderMap, form: &TokenForm) -> bool {
    let crm = plugboard_shared::AppKey::parse(crate::catalog::SANDBOX_APPS[0]);
    let expected = crm.ok().and_then(|app| state.deployments.credentials(&app));
    let Some(secret) = expected.and_then(|c| expose(&c.client_secret)) else {
        return false;
    };
    client_of(headers, form).is_some_and(|(id, s)| id == SANDBOX_CLIENT_ID && s == secret)
}

async fn redeem_code(state: &AppState, form: &TokenForm) -> Result<String, &'static str> {
    let code = form.code.as_deref().ok_or("code is required")?;
    let grant = open(state, code, "code").ok_or("unknown or expired code")?;
    if form.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err("redirect_uri does not match the authorization request");
    }
    let verifier = form
        .code_verifier
        .as_deref()
        .ok_or("code_verifier is required (PKCE)")?;
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return Err("code_verifier does not match the code_challenge");
    }
    let used = sqlx::query("INSERT INTO sandbox_used_codes (code_hash, used_at) VALUES ($1, $2)")
        .bind(token_hash(code))
        .bind(state.clock.now())
        .execute(&state.pool)
        .await;
    match used {
        Ok(_) => Ok(grant.user),
        Err(err) if is_unique_violation(&err) => Err("code was already used"),
        Err(_) => Err("could not record the code"),
    }
}

/// A refresh grant that is signed, unexpired and not revoked.
async fn refresh_grant(state: &AppState, token: Option<&str>) -> Option<Grant> {
    let token = token?;
    let grant = open(state, token, "refresh")?;
    let revoked: Option<(String,)> =
        sqlx::query_as("SELECT token_hash FROM sandbox_revoked_tokens WHERE token_hash = $1")
            .bind(token_hash(token))
            .fetch_optional(&state.pool)
            .await
            .ok()?;
    revoked.is_none().then_some(grant)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(super) struct RevokeForm {
    token: String,
}

/// RFC 7009: always 200, whether or not the token was known.
#[utoipa::path(post, path = "/sandbox/oauth/revoke", tag = "sandbox", operation_id = "sandbox_revoke", request_body(content = RevokeForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Revoked, or never known")))]
pub(super) async fn revoke(State(state): State<AppState>, Form(form): Form<RevokeForm>) -> Response {
    let sql = "INSERT INTO sandbox_revoked_tokens (token_hash, revoked_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    let _ = sqlx::query(sql)
        .bind(token_hash(&form.token))
        .bind(state.clock.now())
        .execute(&state.pool)
        .await;
    bump(&state, "revocations").await;
    StatusCode::OK.into_response()
}
