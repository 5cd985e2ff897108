//! How much of a request's time went to waiting on providers, reported in its answer's
//! `Server-Timing` header (`app;dur=…, provider;dur=…`, milliseconds): browser devtools
//! show it, and `cargo xtask bench` subtracts it to measure our own share of a connect.

use std::cell::Cell;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static WAITED: Cell<Duration>;
}

/// Awaits `call`, a request to a provider, counting its time as the provider's.
pub async fn provider_call<F: Future>(call: F) -> F::Output {
    let started = Instant::now();
    let output = call.await;
    // Outside a request (background refreshes) there is nobody to tell.
    let _ = WAITED.try_with(|waited| waited.set(waited.get() + started.elapsed()));
    output
}

/// The middleware that adds the header.
pub async fn server_timing(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (mut response, waited) = WAITED
        .scope(Cell::new(Duration::ZERO), async {
            let response = next.run(request).await;
            (response, WAITED.with(Cell::get))
        })
        .await;
    let total = started.elapsed();
    let timing = if waited.is_zero() {
        format!("app;dur={:.2}", millis(total))
    } else {
        format!(
            "app;dur={:.2}, provider;dur={:.2}",
            millis(total.saturating_sub(waited)),
            millis(waited)
        )
    };
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
