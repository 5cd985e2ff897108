//! The built-in sandbox provider, so the whole product runs and is tested offline. It is
//! a real OAuth 2.0 authorization server: a login page with Allow / Deny, single-use
//! codes bound to the PKCE challenge and redirect URI, and a protected `/me`.
//!
//! Codes and tokens are self-contained and signed with a key derived from the master key,
//! so any instance can check them; only redeemed codes are written down.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::callback_page::escape_text;
use crate::clock;
use crate::crypto::{hmac_raw, token_hash};
use crate::db::is_unique_violation;
use crate::deployments::{SANDBOX_CLIENT_ID, expose};
use crate::state::AppState;

/// This user's tokens are rejected by `/me`, to show the verification-failure path.
pub const FAIL_VERIFY_USER: &str = "fail-verify";
/// Prefix of API keys the sandbox accepts.
pub const API_KEY_PREFIX: &str = "sk_sandbox_";
const CODE_LIFETIME_SECS: i64 = 60;
const ACCESS_LIFETIME_SECS: i64 = 3600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sandbox/oauth/authorize", get(login_page).post(decide))
        .route("/sandbox/oauth/token", axum::routing::post(token))
        .route("/sandbox/api/me", get(me))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct AuthorizeParams {
    client_id: String,
    redirect_uri: String,
    state: String,
    #[serde(default)]
    scope: String,
    code_challenge: String,
    code_challenge_method: String,
}

/// A signed, self-contained grant: what kind, for whom, until when, bound to what.
#[derive(Debug, Serialize, Deserialize)]
struct Grant {
    kind: String,
    user: String,
    exp: i64,
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    redirect_uri: String,
}

fn sign(state: &AppState, grant: &Grant) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(grant).expect("plain data"));
    let sig = URL_SAFE_NO_PAD.encode(hmac_raw(&state.key.derive("sandbox tokens"), body.as_bytes()));
    format!("sbx.{body}.{sig}")
}

fn open(state: &AppState, token: &str, kind: &str) -> Option<Grant> {
    let (body, sig) = token.strip_prefix("sbx.")?.split_once('.')?;
    let expected = URL_SAFE_NO_PAD.encode(hmac_raw(&state.key.derive("sandbox tokens"), body.as_bytes()));
    // Constant-time: the signature is a secret-derived value.
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes())) {
        return None;
    }
    let grant: Grant = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (grant.kind == kind && grant.exp > clock::now()).then_some(grant)
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

async fn login_page(State(state): State<AppState>, Query(params): Query<AuthorizeParams>) -> Response {
    if let Err(text) = check_request(&state, &params) {
        return (
            StatusCode::BAD_REQUEST,
            Html(format!("<p>Invalid authorization request: {text}</p>")),
        )
            .into_response();
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
        include_str!("sandbox_login.html"),
        hidden = hidden,
        scope = escape_text(&params.scope)
    ))
    .into_response()
}

#[derive(Debug, Deserialize)]
struct Decision {
    #[serde(flatten)]
    params: AuthorizeParams,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    decision: String,
}

async fn decide(State(state): State<AppState>, Form(form): Form<Decision>) -> Response {
    let params = &form.params;
    if let Err(text) = check_request(&state, params) {
        return (
            StatusCode::BAD_REQUEST,
            Html(format!("<p>Invalid authorization request: {text}</p>")),
        )
            .into_response();
    }
    let iss = format!("{}/sandbox", state.base_url);
    let mut target = url::Url::parse(&params.redirect_uri).expect("checked above");
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
                kind: "code".into(),
                user: form.username.trim().to_owned(),
                exp: clock::now() + CODE_LIFETIME_SECS,
                challenge: params.code_challenge.clone(),
                redirect_uri: params.redirect_uri.clone(),
            };
            query.append_pair("code", &sign(&state, &grant));
        }
        query.append_pair("state", &params.state).append_pair("iss", &iss);
    }
    Redirect::to(target.as_str()).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenForm {
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

async fn token(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    if !client_authenticated(&state, &headers, &form) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response();
    }
    let user = match form.grant_type.as_str() {
        "authorization_code" => match redeem_code(&state, &form).await {
            Ok(user) => user,
            Err(description) => return token_error("invalid_grant", description),
        },
        "refresh_token" => match form.refresh_token.as_deref().and_then(|t| open(&state, t, "refresh")) {
            Some(grant) => grant.user,
            None => return token_error("invalid_grant", "unknown or expired refresh token"),
        },
        _ => {
            return token_error("unsupported_grant_type", "use authorization_code or refresh_token");
        }
    };
    let access = Grant {
        kind: "access".into(),
        user: user.clone(),
        exp: clock::now() + ACCESS_LIFETIME_SECS,
        challenge: String::new(),
        redirect_uri: String::new(),
    };
    let refresh = Grant {
        kind: "refresh".into(),
        user,
        exp: clock::now() + 30 * 24 * 3600,
        challenge: String::new(),
        redirect_uri: String::new(),
    };
    Json(json!({
        "access_token": sign(&state, &access),
        "token_type": "Bearer",
        "expires_in": ACCESS_LIFETIME_SECS,
        "refresh_token": sign(&state, &refresh),
        "scope": "contacts.read profile",
    }))
    .into_response()
}

fn client_authenticated(state: &AppState, headers: &HeaderMap, form: &TokenForm) -> bool {
    let expected = state
        .deployments
        .credentials(&plugboard_shared::AppKey::parse("sandbox-crm").expect("valid"));
    let Some(secret) = expected.and_then(|c| expose(&c.client_secret)) else {
        return false;
    };
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let given = match basic {
        Some(pair) => pair.split_once(':').map(|(id, s)| (id.to_owned(), s.to_owned())),
        None => form.client_id.clone().zip(form.client_secret.clone()),
    };
    given.is_some_and(|(id, s)| id == SANDBOX_CLIENT_ID && s == secret)
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
        .bind(clock::now())
        .execute(&state.pool)
        .await;
    match used {
        Ok(_) => Ok(grant.user),
        Err(err) if is_unique_violation(&err) => Err("code was already used"),
        Err(_) => Err("could not record the code"),
    }
}

/// The protected call: accepts sandbox access tokens and `sk_sandbox_<name>` API keys.
async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let user = match token {
        Some(key) if key.starts_with(API_KEY_PREFIX) => Some(key[API_KEY_PREFIX.len()..].to_owned()),
        Some(token) => open(&state, token, "access").map(|g| g.user),
        None => None,
    };
    match user.filter(|u| !u.is_empty() && u != FAIL_VERIFY_USER) {
        Some(user) => {
            Json(json!({"login": user, "email": format!("{user}@sandbox.example"), "name": user})).into_response()
        }
        None => (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_token"}))).into_response(),
    }
}
