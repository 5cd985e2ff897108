//! The OAuth 2.0 authorization-code dance with PKCE S256 (RFC 6749, RFC 7636, RFC 9700):
//! `GET /oauth/start/{attempt_id}` in the popup, `GET /oauth/callback` from the provider.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use plugboard_shared::{AppKey, FailureReason, TenantId};
use serde::Deserialize;

use super::callback_page::{dead_end, deliver};
use crate::catalog::{ProviderDef, TokenAuth};
use crate::clock;
use crate::connect::{self, Connection};
use crate::credentials::Credentials;
use crate::crypto::{random_token, token_hash};
use crate::deployments::expose;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::attempts::{self, AttemptRow};

/// Binds an attempt to the browser that started it, so a callback URL replayed in
/// another browser (login CSRF, RFC 9700 §4.7) finds no match.
const BROWSER_COOKIE: &str = "plugboard_browser";

type OAuthClient = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/start/{attempt_id}", get(start))
        .route("/oauth/callback", get(callback))
}

fn client(state: &AppState, def: &ProviderDef) -> anyhow::Result<OAuthClient> {
    let creds = state
        .deployments
        .credentials(&def.key)
        .ok_or_else(|| anyhow::anyhow!("no client credentials for {}", def.key))?;
    let mut client = BasicClient::new(ClientId::new(creds.client_id.clone()))
        .set_auth_uri(AuthUrl::new(def.authorization_url.clone().unwrap_or_default())?)
        .set_token_uri(TokenUrl::new(def.token_url.clone().unwrap_or_default())?)
        .set_redirect_uri(RedirectUrl::new(format!("{}/oauth/callback", state.base_url))?)
        .set_auth_type(match def.token_auth {
            TokenAuth::ClientSecretPost => AuthType::RequestBody,
            TokenAuth::ClientSecretBasic => AuthType::BasicAuth,
        });
    if let Some(secret) = expose(&creds.client_secret) {
        client = client.set_client_secret(ClientSecret::new(secret));
    }
    Ok(client)
}

async fn start(State(state): State<AppState>, jar: CookieJar, Path(attempt_id): Path<String>) -> Response {
    match begin(&state, jar, &attempt_id).await {
        Ok(response) => response,
        Err(err) => {
            tracing::warn!(error = %err, "oauth start failed");
            dead_end(
                StatusCode::BAD_REQUEST,
                "This sign-in link has expired or was already used. Close this window and try again.",
            )
        }
    }
}

async fn begin(state: &AppState, jar: CookieJar, attempt_id: &str) -> anyhow::Result<Response> {
    let attempt = attempts::find(&state.pool, attempt_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("unknown attempt"))?;
    let def = provider(state, &attempt)?;
    let browser = jar
        .get(BROWSER_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(|| random_token(""));
    let state_token = random_token("");
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let started = attempts::start(
        &state.pool,
        attempt_id,
        &token_hash(&state_token),
        verifier.secret(),
        &token_hash(&browser),
        clock::now(),
    )
    .await?;
    anyhow::ensure!(started, "attempt already started or expired");
    let client = client(state, def)?;
    let mut request = client
        .authorize_url(|| CsrfToken::new(state_token))
        .add_scopes(def.scopes.iter().cloned().map(Scope::new));
    if def.pkce {
        request = request.set_pkce_challenge(challenge);
    }
    let (url, _) = request.url();
    let cookie = Cookie::build((BROWSER_COOKIE, browser))
        .path("/oauth")
        .http_only(true)
        .secure(state.base_url.starts_with("https://"))
        .same_site(SameSite::Lax)
        .max_age(time::Duration::minutes(15))
        .build();
    Ok((jar.add(cookie), Redirect::to(url.as_str())).into_response())
}

fn provider<'s>(state: &'s AppState, attempt: &AttemptRow) -> anyhow::Result<&'s ProviderDef> {
    let key = AppKey::parse(attempt.app.clone())?;
    state
        .catalog
        .get(&key)
        .ok_or_else(|| anyhow::anyhow!("app {key} left the catalog"))
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

async fn callback(State(state): State<AppState>, jar: CookieJar, Query(query): Query<CallbackQuery>) -> Response {
    let attempt = match find_attempt(&state, &jar, &query).await {
        Ok(attempt) => attempt,
        Err(text) => return dead_end(StatusCode::BAD_REQUEST, text),
    };
    match finish(&state, &attempt, query).await {
        Ok(message) => deliver(&message, &attempt.origin),
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "oauth callback failed");
            dead_end(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. Close this window and try again.",
            )
        }
    }
}

/// The attempt this callback answers, claimed so that no replay can finish it again.
async fn find_attempt(state: &AppState, jar: &CookieJar, query: &CallbackQuery) -> Result<AttemptRow, &'static str> {
    const STALE: &str = "This sign-in has expired or was already used. Close this window and try again.";
    let state_token = query
        .state
        .as_deref()
        .ok_or("The provider did not return a state parameter.")?;
    let attempt = attempts::find_by_state(&state.pool, &token_hash(state_token))
        .await
        .ok()
        .flatten()
        .ok_or(STALE)?;
    let browser = jar.get(BROWSER_COOKIE).map(|c| token_hash(c.value()));
    if browser.is_none() || browser != attempt.browser_hash {
        return Err("This sign-in was started in another browser. Start again from the app.");
    }
    if attempt.expires_at <= clock::now()
        || !attempts::claim(&state.pool, &attempt.attempt_id, clock::now())
            .await
            .unwrap_or(false)
    {
        return Err(STALE);
    }
    Ok(attempt)
}

async fn finish(
    state: &AppState,
    attempt: &AttemptRow,
    query: CallbackQuery,
) -> ApiResult<plugboard_shared::PopupMessage> {
    let def = provider(state, attempt)?;
    let fail = |reason, message: String| connect::fail(state, &attempt.attempt_id, &def.key, reason, Some(message));
    // RFC 9207: a provider that names itself must name the one this attempt went to
    // (mix-up attacks, RFC 9700 §4.4).
    if let (Some(expected), Some(iss)) = (&def.issuer, &query.iss) {
        if expected != iss {
            return fail(
                FailureReason::ProviderError,
                "the response came from an unexpected issuer".into(),
            )
            .await;
        }
    }
    if let Some(error) = query.error {
        let reason = if error == "access_denied" {
            FailureReason::Cancelled
        } else {
            FailureReason::ProviderError
        };
        let message = query.error_description.unwrap_or(error);
        return fail(reason, message).await;
    }
    let Some(code) = query.code else {
        return fail(
            FailureReason::ProviderError,
            "the provider returned neither a code nor an error".into(),
        )
        .await;
    };
    let client = client(state, def)?;
    let mut exchange = client.exchange_code(AuthorizationCode::new(code));
    if let Some(verifier) = attempt.pkce_verifier.clone().filter(|_| def.pkce) {
        exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    let token = match exchange.request_async(&state.http).await {
        Ok(token) => token,
        Err(RequestTokenError::ServerResponse(err)) => {
            let message = err
                .error_description()
                .cloned()
                .unwrap_or_else(|| err.error().to_string());
            return fail(FailureReason::ProviderError, message).await;
        }
        Err(err) => {
            tracing::warn!(app = %def.key, error = %err, "token exchange failed");
            return fail(
                FailureReason::ProviderError,
                "the token exchange with the provider failed".into(),
            )
            .await;
        }
    };
    let credentials = Credentials {
        access_token: Some(token.access_token().secret().clone()),
        refresh_token: token.refresh_token().map(|t| t.secret().clone()),
        scope: token
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")),
        ..Credentials::default()
    };
    let expires_at = token.expires_in().map(|d| clock::now() + d.as_secs() as i64);
    let tenant_id = TenantId::parse(attempt.tenant_id.clone())?;
    let connection = Connection {
        attempt_id: &attempt.attempt_id,
        tenant_id: &tenant_id,
        app: def,
    };
    connect::complete(state, &connection, credentials, expires_at).await
}
