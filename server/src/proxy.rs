//! The proxy: a host's backend calls `…/integrated-accounts/{id}/proxy/<path>` and the
//! call goes to the provider at the catalog entry's `base_url` + path, with the account's
//! credentials put where the entry says, and the provider's answer comes back as it is.
//!
//! The caller's own credentials and cookies never reach the provider, and the provider's
//! cookies never reach the caller. Tokens about to expire are renewed first; a 401 renews
//! them once more and tries again; 429 and 503 with `Retry-After` are waited out for
//! idempotent methods, up to `proxy.retry_wait_secs`. Every call is in the account's log:
//! method, path (never the query), status, time, size, retries; never a body or a header.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use plugboard_shared::AccountId;

use crate::catalog::ProviderDef;
use crate::catalog::template;
use crate::credentials::Credentials;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::lifecycle::{self, ALWAYS, REFRESH_MARGIN_SECS};
use crate::provider_call::{authorize, template_values};
use crate::public_only::{is_private_target, is_public};
use crate::state::AppState;
use crate::store::logs::{self, Event};

/// Bodies up to this size are kept, so the call can be sent again (after a refresh, or a
/// 429); larger ones stream through once.
const REPLAYABLE_BYTES: u64 = 1024 * 1024;

/// Headers that describe one hop, not the message (RFC 9110 §7.6.1), or that carry the
/// caller's own credentials and addresses: never forwarded either way.
const NOT_FORWARDED: [&str; 16] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "authorization",
    "cookie",
    "content-length",
    "forwarded",
    "x-forwarded-for",
    "x-real-ip",
];

/// One proxied call, as the route hands it over.
pub struct Call {
    pub method: Method,
    /// The path after `/proxy`, as the caller wrote it (still percent-encoded).
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Body,
}

/// What the call did, for the account's log.
struct Done {
    method: Method,
    path: String,
    retries: u32,
    refreshed: bool,
    started: Instant,
}

pub async fn forward(state: &AppState, account_id: &AccountId, mut call: Call) -> ApiResult<Response> {
    let started = Instant::now();
    check_path(&call.path)?;
    let (row, mut credentials) = lifecycle::ensure_fresh(state, account_id, REFRESH_MARGIN_SECS).await?;
    let def = state
        .catalog
        .get(&row.app)
        .ok_or_else(|| ErrorCode::AppNotInCatalog.error(format!("app {} left the catalog", row.app)))?;
    let metadata = row.metadata();
    let limits = &state.config.proxy;
    let incoming = std::mem::take(&mut call.body);
    let body = Outgoing::read(&call.headers, incoming, limits.max_request_mb * 1024 * 1024).await?;
    let idempotent = matches!(
        call.method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    );
    let mut done = Done {
        method: call.method.clone(),
        path: call.path.clone(),
        retries: 0,
        refreshed: false,
        started,
    };
    let mut waited = Duration::ZERO;
    let mut body = Some(body);
    loop {
        let sending = body.take().unwrap_or(Outgoing::Spent);
        let mut replayable = sending.replay();
        let request = build(state, def, &credentials, &metadata, &call, sending)?;
        let response = send(state, def, request).await?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED && !done.refreshed && def.refresh && credentials.refresh_token.is_some() {
            // Perhaps revoked early, or a clock skew: renew once and, if the body allows,
            // try again. A refusal marks the account needs_reauth (and says so by webhook).
            credentials = lifecycle::ensure_fresh(state, account_id, ALWAYS).await?.1;
            done.refreshed = true;
            if replayable.is_some() {
                body = replayable.take();
                continue;
            }
        }
        let busy = matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE);
        if busy
            && idempotent
            && replayable.is_some()
            && let Some(wait) = retry_after(response.headers())
            && waited + wait <= Duration::from_secs(limits.retry_wait_secs)
        {
            tokio::time::sleep(wait).await;
            waited += wait;
            done.retries += 1;
            body = replayable.take();
            continue;
        }
        return Ok(answer(state, account_id, response, done));
    }
}

/// A path that leaves `base_url` (`..`, or `.` in any spelling) is refused: URL parsers
/// resolve dot segments, percent-encoded ones included.
fn check_path(path: &str) -> ApiResult<()> {
    let climbs = path.split('/').any(|segment| {
        let decoded = percent_decode(segment).to_ascii_lowercase();
        decoded == "." || decoded == ".." || decoded.contains('\\')
    });
    if climbs || !path.starts_with('/') {
        return Err(ErrorCode::InvalidProxyPath.error("the path may not contain . or .. segments"));
    }
    Ok(())
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The request to the provider: its URL, the caller's headers less ours and hop-by-hop
/// ones, the entry's headers, the credential, the body.
fn build(
    state: &AppState,
    def: &ProviderDef,
    credentials: &Credentials,
    metadata: &BTreeMap<String, String>,
    call: &Call,
    body: Outgoing,
) -> ApiResult<reqwest::RequestBuilder> {
    let values = template_values(credentials, metadata);
    let missing = |name: String| ErrorCode::AppNotInCatalog.error(format!("the app's base URL needs {{{name}}}"));
    let base = template::fill(&def.base_url, &values).map_err(missing)?;
    let mut url = format!("{}{}", base.trim_end_matches('/'), call.path);
    if let Some(query) = &call.query {
        url = format!("{url}?{query}");
    }
    let parsed =
        url::Url::parse(&url).map_err(|_| ErrorCode::InvalidProxyPath.error("the path does not make a URL"))?;
    // Dot segments were refused; this holds the rest of the URL to the base as well.
    if !parsed.as_str().starts_with(base.trim_end_matches('/')) {
        return Err(ErrorCode::InvalidProxyPath.error("the path leaves the app's base URL"));
    }
    if !may_reach_private(state, def)
        && let Some(ip) = parsed.host_str().and_then(|h| h.trim_matches(['[', ']']).parse().ok())
        && !is_public(ip)
    {
        return Err(target_not_allowed());
    }
    let client = if may_reach_private(state, def) {
        &state.http
    } else {
        &state.proxy_http
    };
    let mut request = client
        .request(call.method.clone(), parsed)
        .timeout(Duration::from_secs(state.config.proxy.timeout_secs));
    let hop_by_hop = connection_names(&call.headers);
    for (name, value) in &call.headers {
        let ours = NOT_FORWARDED.contains(&name.as_str()) || name.as_str().starts_with("plugboard-");
        if !ours && !hop_by_hop.contains(&name.as_str().to_owned()) {
            request = request.header(name, value);
        }
    }
    for (name, template) in &def.api_headers {
        let value = template::fill(template, &values).map_err(missing)?;
        request = request.header(name, value);
    }
    let request = authorize(request, &def.api_credential(), &values).map_err(missing)?;
    Ok(match body {
        Outgoing::Buffered(bytes) if bytes.is_empty() => request,
        Outgoing::Buffered(bytes) => request.body(bytes),
        Outgoing::Streamed(body) => request.body(body),
        Outgoing::Spent => request,
    })
}

/// Headers the `Connection` header names are for this hop only (RFC 9110 §7.6.1).
fn connection_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The sandbox is this server, and an operator may vouch for a self-hosted provider.
fn may_reach_private(state: &AppState, def: &ProviderDef) -> bool {
    def.private_network || (state.config.sandbox_enabled() && crate::catalog::SANDBOX_APPS.contains(&def.key.as_str()))
}

fn target_not_allowed() -> ApiError {
    ErrorCode::TargetNotAllowed.error("the provider's address is not public")
}

async fn send(state: &AppState, def: &ProviderDef, request: reqwest::RequestBuilder) -> ApiResult<reqwest::Response> {
    request.send().await.map_err(|err| {
        if is_private_target(&err) {
            target_not_allowed()
        } else if err.is_timeout() {
            ErrorCode::ProviderTimeout.error(format!("{} did not answer in time", def.name))
        } else if err.is_body() {
            ErrorCode::BodyTooLarge.error(format!("the body is over {} MB", state.config.proxy.max_request_mb))
        } else {
            tracing::info!(app = %def.key, error = %err.without_url(), "proxied call failed");
            ErrorCode::ProviderUnreachable.error(format!("{} could not be reached", def.name))
        }
    })
}

/// `Retry-After` as a wait: seconds, or an HTTP date (RFC 9110 §10.2.3).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

/// The provider's answer as it is, less hop-by-hop headers and cookies, its body streamed
/// (and cut off past `proxy.max_response_mb`); the log entry is written when it ends.
fn answer(state: &AppState, account_id: &AccountId, response: reqwest::Response, done: Done) -> Response {
    let status = response.status();
    let mut headers = HeaderMap::new();
    let hop_by_hop = connection_names(response.headers());
    for (name, value) in response.headers() {
        let hop = (NOT_FORWARDED.contains(&name.as_str()) && name != header::CONTENT_LENGTH)
            || hop_by_hop.contains(&name.as_str().to_owned());
        if !hop && name != header::SET_COOKIE {
            headers.append(name.clone(), value.clone());
        }
    }
    let limit = state.config.proxy.max_response_mb * 1024 * 1024;
    let expected = response.content_length();
    let log = Logger {
        state: state.clone(),
        account_id: account_id.clone(),
        status,
        done: Some(done),
    };
    let body = Body::from_stream(Counted {
        inner: response.bytes_stream().boxed(),
        bytes: 0,
        expected,
        limit,
        log,
    });
    let mut answer = Response::new(body);
    *answer.status_mut() = status;
    *answer.headers_mut() = headers;
    answer
}

/// The request body: kept when small enough to send again, else streamed once.
enum Outgoing {
    Buffered(Bytes),
    Streamed(reqwest::Body),
    /// A streamed body already sent: a retry cannot carry it.
    Spent,
}

impl Outgoing {
    async fn read(headers: &HeaderMap, body: Body, limit: u64) -> ApiResult<Self> {
        // A request with neither Content-Length nor Transfer-Encoding has no body (RFC
        // 9112 §6.3): a GET, usually.
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let chunked = headers.contains_key(header::TRANSFER_ENCODING);
        let length = declared.or((!chunked).then_some(0));
        if length.is_some_and(|l| l > limit) {
            return Err(ErrorCode::BodyTooLarge.error(format!("the body is over {} MB", limit / 1024 / 1024)));
        }
        if length.is_some_and(|l| l <= REPLAYABLE_BYTES) {
            let bytes = axum::body::to_bytes(body, REPLAYABLE_BYTES as usize)
                .await
                .map_err(|_| ErrorCode::InvalidBody.error("the body could not be read"))?;
            return Ok(Self::Buffered(bytes));
        }
        let mut sent = 0u64;
        let capped = body.into_data_stream().map(move |chunk| {
            let chunk = chunk.map_err(std::io::Error::other)?;
            sent += chunk.len() as u64;
            if sent > limit {
                return Err(std::io::Error::other("the body is over the proxy's limit"));
            }
            Ok(chunk)
        });
        Ok(Self::Streamed(reqwest::Body::wrap_stream(capped)))
    }

    /// A copy to send again, if this body can be.
    fn replay(&self) -> Option<Self> {
        match self {
            Self::Buffered(bytes) => Some(Self::Buffered(bytes.clone())),
            Self::Streamed(_) | Self::Spent => None,
        }
    }
}

/// Writes the call's log entry once, when its answer's body has ended (or was dropped).
struct Logger {
    state: AppState,
    account_id: AccountId,
    status: StatusCode,
    done: Option<Done>,
}

impl Logger {
    fn finish(&mut self, bytes: u64, cut: bool) {
        let Some(done) = self.done.take() else { return };
        let (state, account_id, status) = (self.state.clone(), self.account_id.clone(), self.status);
        let mut detail = format!("{} {} → {}, {bytes} B", done.method, done.path, status.as_u16());
        if done.retries > 0 {
            detail.push_str(&format!(", {} retries", done.retries));
        }
        if done.refreshed {
            detail.push_str(", refreshed");
        }
        if cut {
            detail.push_str(", cut off");
        }
        tokio::spawn(async move {
            let event = Event {
                action: "proxy",
                ok: status.as_u16() < 400 && !cut,
                status_code: Some(status.as_u16()),
                started: done.started,
                detail: Some(&detail),
            };
            let entry = logs::Entry::new(account_id, event, state.clock.now());
            state.writes.logs.write_later(entry).await;
        });
    }
}

/// The answer's body, counted on its way and cut off past `limit`.
struct Counted {
    inner: futures_util::stream::BoxStream<'static, reqwest::Result<Bytes>>,
    bytes: u64,
    /// The provider's Content-Length, if it sent one.
    expected: Option<u64>,
    limit: u64,
    log: Logger,
}

/// hyper stops polling a body once its Content-Length is sent, and a caller may hang up:
/// the log is written here then, cut off only if bytes are missing.
impl Drop for Counted {
    fn drop(&mut self) {
        let cut = self.expected.is_some_and(|expected| self.bytes < expected);
        self.log.finish(self.bytes, cut);
    }
}

impl Stream for Counted {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = &mut *self;
        match this.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.bytes += chunk.len() as u64;
                if this.bytes > this.limit {
                    this.log.finish(this.bytes, true);
                    return Poll::Ready(Some(Err(std::io::Error::other("the answer is over the proxy's limit"))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                this.log.finish(this.bytes, true);
                Poll::Ready(Some(Err(std::io::Error::other(err.without_url()))))
            }
            Poll::Ready(None) => {
                this.log.finish(this.bytes, false);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn paths_that_climb_out_are_refused() {
        for bad in ["/../admin", "/a/%2e%2e/b", "/a/./b", "/%2E", "/a\\..", "no-slash"] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        for ok in ["/records", "/a/b.c/d..e", "/v1/users/%2Fx", "/"] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(
            retry_after(&headers),
            Some(Duration::ZERO),
            "a date in the past: no wait"
        );
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
