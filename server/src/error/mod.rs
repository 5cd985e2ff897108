//! The one error type of the HTTP API. Every refusal names an [`ErrorCode`], which knows
//! its status; every response is `{"error": {"code", "message"}}`. Internal causes are
//! logged, never sent.

mod code;

use axum::Json;
use axum::extract::rejection::{BytesRejection, FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
pub use code::ErrorCode;
use plugboard_shared::{ErrorBody, ErrorDetail, InvalidId};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A refusal the caller can act on.
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    /// Over a rate limit: also sends `Retry-After`.
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ErrorCode {
    /// This code with a message saying what to fix.
    pub fn error(self, message: impl Into<String>) -> ApiError {
        ApiError::Refused {
            code: self,
            message: message.into(),
        }
    }
}

impl ApiError {
    /// The code this error answers with.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Refused { code, .. } => *code,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            // A database that cannot be reached is a state to wait out, not a bug.
            Self::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_),
            ) => ErrorCode::DatabaseUnavailable,
            Self::Database(_) | Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether this is `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code() == code
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let message = match &self {
            Self::Database(_) | Self::Internal(_) => {
                tracing::error!(error = %format!("{self:#}"), code = code.as_str(), "internal error");
                code.meaning().to_owned()
            }
            _ => self.to_string(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.as_str().to_owned(),
                message,
            },
        };
        let mut response = (code.status(), Json(body)).into_response();
        // Through the proxy, the provider's own errors come back too: this header says
        // the answer is Plugboard's.
        response
            .headers_mut()
            .insert("plugboard-error", HeaderValue::from_static(code.as_str()));
        if let Self::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        response
    }
}

impl From<InvalidId> for ApiError {
    fn from(err: InvalidId) -> Self {
        ErrorCode::InvalidId.error(err.to_string())
    }
}

/// A body that could not be read: too large, too slow, or cut off.
fn unreadable(rejection: &BytesRejection, text: String) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge.error("the body is over this route's size limit"),
        _ if is_timeout(rejection) => ErrorCode::RequestTimeout.error("the body did not arrive in time"),
        _ => ErrorCode::InvalidBody.error(text),
    }
}

fn is_timeout(rejection: &BytesRejection) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(rejection);
    while let Some(err) = source {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = err.source();
    }
    false
}

// Rejections of axum's extractors keep the JSON shape (see `http::extract`).
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match &rejection {
            JsonRejection::BytesRejection(bytes) => unreadable(bytes, rejection.body_text()),
            _ => ErrorCode::InvalidBody.error(rejection.body_text()),
        }
    }
}

impl From<FormRejection> for ApiError {
    fn from(rejection: FormRejection) -> Self {
        match &rejection {
            FormRejection::BytesRejection(bytes) => unreadable(bytes, rejection.body_text()),
            _ => ErrorCode::InvalidBody.error(rejection.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ErrorCode::InvalidQuery.error(rejection.body_text())
    }
}

/// Paths hold only ids, which parse through their checked types.
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ErrorCode::InvalidId.error(rejection.body_text())
    }
}
