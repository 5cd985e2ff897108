//! The OAuth 2.0 authorization-code dance with PKCE S256 (RFC 6749, RFC 7636, RFC 9700):
//! `GET /oauth/start/{attempt_id}` in the popup, `GET /oauth/callback` from the provider.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use oauth2::{CsrfToken, PkceCodeChallenge};
use plugboard_shared::{FailureReason, PopupMessage};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callback_page::{dead_end, deliver};
use super::extract::{Path, Query};
use crate::catalog::ProviderDef;
use crate::catalog::template::Values;
use crate::connect::{self, Connection, Grant};
use crate::connect_metadata;
use crate::crypto::{random_token, token_hash};
use crate::error::ApiResult;
use crate::oauth_client::{authorize_client, credentials_from, exchange_code, scopes};
use crate::state::AppState;
use crate::store::attempts::{self, AttemptRow};

/// Query parameter that carries the attempt id back to `return_to` in redirect mode.
const RETURN_PARAM: &str = "plugboard_attempt";

/// Binds an attempt to the browser that started it, so a callback URL replayed in
/// another browser (login CSRF, RFC 9700 §4.7) finds no match.
const BROWSER_COOKIE: &str = "plugboard_browser";

/// Opened by the popup and the provider: no credential but the attempt and its state.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start)).routes(routes!(callback))
}

#[utoipa::path(get, path = "/oauth/start/{attempt_id}", tag = "oauth", params(("attempt_id" = String, Path)),
    responses((status = 303, description = "To the provider's authorization page, with state and PKCE S256"), (status = 400, description = "Expired or already used (an HTML page: the popup shows it)", content_type = "text/html")))]
pub(super) async fn start(State(state): State<AppState>, jar: CookieJar, Path(attempt_id): Path<String>) -> Response {
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
        state.clock.now(),
    )
    .await?;
    anyhow::ensure!(started, "attempt already started or expired");
    let client = authorize_client(state, def, &inputs(&attempt))?;
    let mut request = client
        .authorize_url(|| CsrfToken::new(state_token))
        .add_scopes(scopes(def));
    for (name, value) in &def.authorization_params {
        request = request.add_extra_param(name, value);
    }
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
    state
        .catalog
        .get(&attempt.app)
        .ok_or_else(|| anyhow::anyhow!("app {} left the catalog", attempt.app))
}

/// What the provider sends back (RFC 6749 §4.1.2, RFC 9207).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

#[utoipa::path(get, path = "/oauth/callback", tag = "oauth", params(CallbackQuery),
    responses((status = 200, description = "A page that posts the result to the opener and closes", content_type = "text/html"), (status = 303, description = "Redirect mode (the attempt has a return_to): back to return_to with plugboard_attempt=<attempt_id> added to its query; read the outcome with GET /widget/attempts/{attempt_id}"), (status = 400, description = "Unknown, expired or replayed state, or another browser", content_type = "text/html"), (status = 503, description = "The database did not answer", content_type = "text/html")))]
pub(super) async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let attempt = match find_attempt(&state, &jar, &query).await {
        Ok(attempt) => attempt,
        Err(Refusal::Stale(text)) => return dead_end(StatusCode::BAD_REQUEST, text),
        Err(Refusal::Broken(err)) => {
            tracing::error!(error = %err, "oauth callback could not read its attempt");
            return dead_end(StatusCode::SERVICE_UNAVAILABLE, ON_OUR_SIDE);
        }
    };
    let finished = finish(&state, &attempt, query, &query_pairs(raw.as_deref())).await;
    if let Err(err) = &finished {
        tracing::error!(error = %format!("{err:#}"), "oauth callback failed");
        // The attempt is claimed and will not finish: say so to whoever asks for it.
        let message = "something went wrong on our side; try again".to_owned();
        let recorded = connect::fail(
            &state,
            &attempt.attempt_id,
            &attempt.app,
            FailureReason::ProviderError,
            Some(message),
        )
        .await;
        if let Err(err) = recorded {
            tracing::error!(error = %err, "attempt outcome not recorded");
        }
    }
    if let Some(return_to) = &attempt.return_to {
        return back_to(return_to, &attempt.attempt_id);
    }
    match finished {
        Ok(message) => deliver(&message, &attempt.origin),
        Err(_) => dead_end(StatusCode::INTERNAL_SERVER_ERROR, ON_OUR_SIDE),
    }
}

const ON_OUR_SIDE: &str = "Something went wrong on our side. Close this window and try again.";

/// Why a callback found no attempt to finish: the person's (a stale or replayed link),
/// or ours (the database did not answer), which the page must not blame on them.
enum Refusal {
    Stale(&'static str),
    Broken(sqlx::Error),
}

/// Redirect mode: the whole page went to the provider, so instead of the popup page the
/// browser goes back to the host's page, which reads the outcome with
/// `GET /widget/attempts/{attempt_id}`. `return_to` was checked against the allowed
/// origins when the attempt was created.
fn back_to(return_to: &str, attempt_id: &str) -> Response {
    let Ok(mut url) = url::Url::parse(return_to) else {
        return dead_end(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Go back to the app and try again.",
        );
    };
    url.query_pairs_mut().append_pair(RETURN_PARAM, attempt_id);
    let mut response = Redirect::to(url.as_str()).into_response();
    let headers = response.headers_mut();
    // The callback URL held the code and state: keep it out of the host's Referer.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The attempt this callback answers, claimed so that no replay can finish it again.
async fn find_attempt(state: &AppState, jar: &CookieJar, query: &CallbackQuery) -> Result<AttemptRow, Refusal> {
    const STALE: Refusal =
        Refusal::Stale("This sign-in has expired or was already used. Close this window and try again.");
    let state_token = query
        .state
        .as_deref()
        .ok_or(Refusal::Stale("The provider did not return a state parameter."))?;
    let attempt = attempts::find_by_state(&state.pool, &token_hash(state_token))
        .await
        .map_err(Refusal::Broken)?
        .ok_or(STALE)?;
    let browser = jar.get(BROWSER_COOKIE).map(|c| token_hash(c.value()));
    if browser.is_none() || browser != attempt.browser_hash {
        return Err(Refusal::Stale(
            "This sign-in was started in another browser. Start again from the app.",
        ));
    }
    if attempt.expires_at <= state.clock.now() {
        return Err(STALE);
    }
    match attempts::claim(&state.pool, &attempt.attempt_id, state.clock.now()).await {
        Ok(true) => Ok(attempt),
        Ok(false) => Err(STALE),
        Err(err) => Err(Refusal::Broken(err)),
    }
}

/// Every parameter of the callback's query, for metadata a provider sends there.
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn finish(
    state: &AppState,
    attempt: &AttemptRow,
    query: CallbackQuery,
    pairs: &[(String, String)],
) -> ApiResult<PopupMessage> {
    let def = provider(state, attempt)?;
    let fail = |reason, message: String| connect::fail(state, &attempt.attempt_id, &def.key, reason, Some(message));
    // RFC 9207: a provider that names itself must name the one this attempt went to
    // (mix-up attacks, RFC 9700 §4.4).
    if let (Some(expected), Some(iss)) = (&def.issuer, &query.iss)
        && expected != iss
    {
        return fail(
            FailureReason::ProviderError,
            "the response came from an unexpected issuer".into(),
        )
        .await;
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
    let inputs = inputs(attempt);
    // Some providers name the data centre the token URL is at in the callback (Zoho).
    let mut metadata = match connect_metadata::from_callback(def, pairs) {
        Ok(metadata) => metadata,
        Err(message) => return fail(FailureReason::ProviderError, message).await,
    };
    let mut values = inputs.clone();
    values.extend(crate::catalog::metadata::as_values(&metadata));
    let granted = match exchange_code(state, def, &values, code, attempt.pkce_verifier.clone()).await? {
        Ok(granted) => granted,
        Err(message) => {
            tracing::warn!(app = %def.key, "token exchange failed");
            return fail(FailureReason::ProviderError, message).await;
        }
    };
    if let Err(message) = connect_metadata::from_token_answer(def, &granted.answer, &mut metadata) {
        return fail(FailureReason::ProviderError, message).await;
    }
    // The typed values (a subdomain…) go with the credentials: later calls need them.
    let (credentials, expires_at) = credentials_from(&granted.token, inputs, state.clock.now());
    let connection = Connection {
        attempt_id: &attempt.attempt_id,
        tenant_id: &attempt.tenant_id,
        app: def,
        account_id: attempt.account_id.as_ref(),
    };
    let grant = Grant {
        credentials,
        expires_at,
        metadata,
    };
    match connect::complete(state, &connection, grant).await {
        // The person reached the provider as someone already connected: an ordinary
        // failed attempt for the widget, not a broken page.
        Err(err) => match connect::identity_taken(&err) {
            Some(message) => fail(FailureReason::ProviderError, message.to_owned()).await,
            None => Err(err),
        },
        stored => stored,
    }
}

/// Values typed before the popup, kept on the attempt.
fn inputs(attempt: &AttemptRow) -> Values {
    attempt
        .inputs
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default()
}
