//! Operators' sessions: signing in and out, and the [`Operator`] extractor every console
//! route takes. The cookie is HttpOnly, SameSite=Strict, scoped to `/console` and Secure
//! over https; sessions live in the database (see `store.rs`). Idle and absolute expiry
//! are checked here against the server's clock, so tests can move past them.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plugboard_shared::console::{OperatorInfo, Role, SignIn};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::ConsoleSessions;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::extract::Json;
use crate::limits::ClientAddr;
use crate::state::AppState;
use crate::store::{audit, operators};

/// The session cookie, also named in `/openapi.json`'s security scheme.
pub const COOKIE: &str = "plugboard_console";
const OPERATOR: &str = "operator_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";
/// How stale "last seen" may get before it is written again (a write per request would
/// make every console read a database write).
const SEEN_GRANULARITY_SECS: i64 = 60;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(current, sign_in, sign_out))
}

/// The session layer of the console's routes.
pub fn layer(state: &AppState) -> SessionManagerLayer<ConsoleSessions> {
    let idle = state.config.console.idle_timeout_minutes.max(1);
    SessionManagerLayer::new(state.console_sessions.clone())
        .with_name(COOKIE)
        .with_path("/console")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(state.config.is_https())
        // A backstop on the database's own clock, so rows of abandoned sessions expire;
        // the checks that count are in `Operator`.
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(idle)))
}

/// A console request that changes something must come from a page of this server: the
/// SameSite=Strict cookie already stays home, and this refuses the rest (a form posted
/// from another origin, a request from a subdomain that shares the site).
pub async fn same_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if !safe && origin != Some(state.own_origin.as_str()) {
        let error = ErrorCode::OriginMismatch.error("changes must come from the console's own pages");
        return error.into_response();
    }
    next.run(request).await
}

/// The signed-in operator.
#[derive(Debug, Clone)]
pub struct Operator {
    pub id: String,
    pub email: String,
    pub role: Role,
    signed_in_at: i64,
}

impl Operator {
    fn info(&self, state: &AppState) -> OperatorInfo {
        OperatorInfo {
            email: self.email.clone(),
            role: self.role,
            session_ends_at: rfc3339(self.signed_in_at + state.config.console.session_hours * 3600),
        }
    }

    /// Records what this operator did to `target` (an account, a link, a key, an event).
    pub async fn audit(&self, state: &AppState, action: &str, target: &str) -> ApiResult<()> {
        audit::record(&state.pool, &self.email, action, target, state.clock.now()).await?;
        Ok(())
    }
}

fn not_signed_in(message: &str) -> ApiError {
    ErrorCode::NotSignedIn.error(message)
}

async fn session(parts: &mut Parts, state: &AppState) -> ApiResult<Session> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, text)| ApiError::Internal(anyhow::anyhow!("console session layer missing: {text}")))
}

async fn get<T: serde::de::DeserializeOwned>(session: &Session, key: &str) -> ApiResult<Option<T>> {
    session.get(key).await.map_err(|e| ApiError::Internal(e.into()))
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let session = session(parts, state).await?;
        let now = state.clock.now();
        let (Some(id), Some(signed_in_at), Some(seen_at)) = (
            get::<String>(&session, OPERATOR).await?,
            get::<i64>(&session, SIGNED_IN_AT).await?,
            get::<i64>(&session, SEEN_AT).await?,
        ) else {
            return Err(not_signed_in("sign in to the console"));
        };
        let console = &state.config.console;
        if now - seen_at > console.idle_timeout_minutes * 60 || now - signed_in_at > console.session_hours * 3600 {
            session.flush().await.map_err(|e| ApiError::Internal(e.into()))?;
            return Err(not_signed_in("your session has ended; sign in again"));
        }
        // An operator removed from the database is signed out everywhere at once.
        let Some(row) = operators::find(&state.pool, &id).await? else {
            session.flush().await.map_err(|e| ApiError::Internal(e.into()))?;
            return Err(not_signed_in("this operator no longer exists"));
        };
        if now - seen_at > SEEN_GRANULARITY_SECS {
            session
                .insert(SEEN_AT, now)
                .await
                .map_err(|e| ApiError::Internal(e.into()))?;
        }
        Ok(Operator {
            role: row.role(),
            id: row.operator_id,
            email: row.email,
            signed_in_at,
        })
    }
}

/// An operator who may do everything: deleting accounts, managing API keys.
pub struct Admin(pub Operator);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let operator = Operator::from_request_parts(parts, state).await?;
        if operator.role != Role::Admin {
            return Err(ErrorCode::AdminOnly.error("only an admin operator may do this"));
        }
        Ok(Admin(operator))
    }
}

#[utoipa::path(get, path = "/console/api/session", tag = "console", operation_id = "console_current", security(("operator_session" = [])),
    responses((status = 200, description = "Who is signed in", body = OperatorInfo)))]
pub(super) async fn current(State(state): State<AppState>, operator: Operator) -> Json<OperatorInfo> {
    Json(operator.info(&state))
}

#[utoipa::path(post, path = "/console/api/session", tag = "console", operation_id = "console_sign_in", request_body = SignIn,
    responses((status = 200, description = "Signed in: the session cookie is set", body = OperatorInfo),
        (status = 401, description = "wrong_password", body = plugboard_shared::ErrorBody)))]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    Json(body): Json<SignIn>,
) -> ApiResult<Json<OperatorInfo>> {
    let Some(row) = crate::operators::check_sign_in(&state.pool, &body.email, &body.password).await? else {
        state.limits.check_failure(client)?;
        tracing::info!("console sign-in refused");
        return Err(ErrorCode::WrongPassword.error("wrong e-mail or password"));
    };
    let now = state.clock.now();
    // A new id for the signed-in session: one planted before sign-in is worthless after
    // (session fixation).
    let internal = |e: tower_sessions::session::Error| ApiError::Internal(e.into());
    session.cycle_id().await.map_err(internal)?;
    session.insert(OPERATOR, &row.operator_id).await.map_err(internal)?;
    session.insert(SIGNED_IN_AT, now).await.map_err(internal)?;
    session.insert(SEEN_AT, now).await.map_err(internal)?;
    let operator = Operator {
        role: row.role(),
        id: row.operator_id,
        email: row.email,
        signed_in_at: now,
    };
    operator.audit(&state, "sign_in", &operator.email).await?;
    Ok(Json(operator.info(&state)))
}

#[utoipa::path(delete, path = "/console/api/session", tag = "console", operation_id = "console_sign_out",
    responses((status = 204, description = "Signed out (also when no one was)")))]
pub(super) async fn sign_out(session: Session) -> ApiResult<StatusCode> {
    session.flush().await.map_err(|e| ApiError::Internal(e.into()))?;
    Ok(StatusCode::NO_CONTENT)
}
