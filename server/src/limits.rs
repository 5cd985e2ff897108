//! Abuse limits with `governor` (GCRA): per API key on `POST /link-token`, per link token
//! on `/widget/*`, and per client address on routes that take no credential and on every
//! failed credential check. Counts live in this process: with several instances each
//! allows the full rate (README, "Running in production").

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{LimitsConfig, TrustedProxy};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One kind of limit; `None` when its rate is 0 (off).
struct Limiter<K: std::hash::Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);

impl<K: std::hash::Hash + Eq + Clone> Limiter<K> {
    fn per_minute(rate: u32) -> Self {
        Self(NonZeroU32::new(rate).map(|rate| DefaultKeyedRateLimiter::keyed(Quota::per_minute(rate))))
    }

    fn check(&self, key: &K) -> ApiResult<()> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }

    fn forget_idle(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

pub struct Limits {
    per_api_key: Limiter<String>,
    per_link_token: Limiter<String>,
    per_client: Limiter<IpAddr>,
    trusted_proxies: Vec<TrustedProxy>,
}

impl Limits {
    pub fn new(config: &LimitsConfig, trusted_proxies: &[TrustedProxy]) -> Self {
        Self {
            per_api_key: Limiter::per_minute(config.link_tokens_per_minute),
            per_link_token: Limiter::per_minute(config.widget_requests_per_minute),
            per_client: Limiter::per_minute(config.unauthenticated_per_minute),
            trusted_proxies: trusted_proxies.to_vec(),
        }
    }

    /// One more link token issued with the API key of this hash.
    pub fn check_link_token_issue(&self, key_hash: &str) -> ApiResult<()> {
        self.per_api_key.check(&key_hash.to_owned())
    }

    /// One more widget request with the link token of this hash.
    pub fn check_link_token(&self, token_hash: &str) -> ApiResult<()> {
        self.per_link_token.check(&token_hash.to_owned())
    }

    /// One more request without credentials, or with wrong ones, from `client`.
    pub fn check_failure(&self, client: ClientAddr) -> ApiResult<()> {
        self.per_client.check(&client.0)
    }

    /// Drops the counts of keys idle long enough to be back at full allowance, so the
    /// maps do not grow with every address ever seen.
    pub fn forget_idle(&self) {
        self.per_api_key.forget_idle();
        self.per_link_token.forget_idle();
        self.per_client.forget_idle();
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|proxy| proxy.0.contains(&ip))
    }
}

/// The address a request came from: the socket's peer, or, when that peer is a trusted
/// proxy, the nearest address in `X-Forwarded-For` that is not one of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    pub fn of(parts: &Parts, state: &AppState) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        if !state.limits.trusts(peer) {
            return Self(peer);
        }
        // Each proxy appends the address it got the request from: read from the right and
        // stop at the first hop we do not run (RFC 7239 §5.2; anything left of it is the
        // client's to write).
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        let client = forwarded
            .iter()
            .rev()
            .find(|ip| !state.limits.trusts(**ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer);
        Self(client)
    }
}

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts, state))
    }
}

/// Middleware for routes that take no credential: each request counts against its address.
pub async fn unauthenticated(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if let Err(limited) = state.limits.check_failure(ClientAddr::of(&parts, &state)) {
        return limited.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_answers_429_with_a_wait_and_zero_turns_it_off() {
        let limiter = Limiter::per_minute(2);
        let key = "k".to_owned();
        assert!(limiter.check(&key).is_ok() && limiter.check(&key).is_ok());
        match limiter.check(&key) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert!((1..=30).contains(&retry_after_secs)),
            other => panic!("{other:?}"),
        }
        assert!(limiter.check(&"other".to_owned()).is_ok(), "keys are counted apart");
        let off = Limiter::per_minute(0);
        assert!((0..1000).all(|_| off.check(&key).is_ok()));
    }
}
