//! The tiny page the popup ends on. It posts exactly one message to `window.opener`
//! with `targetOrigin` = the attempt's origin (never `"*"`), then closes.
//!
//! Provider-controlled text (error descriptions, identities) reaches the page only as
//! JSON inside a `type="application/json"` block with `<`, `>` and `&` escaped, so a
//! `</script>` in a provider's message cannot end the block (an XSS otherwise). The
//! script runs under a per-response nonce; nothing loads from anywhere.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plugboard_shared::{ConnectResult, PopupMessage};

use crate::crypto::random_token;

/// The page that delivers `message` to a window of `target_origin`.
pub fn deliver(message: &PopupMessage, target_origin: &str) -> Response {
    let (title, text) = match message.result {
        ConnectResult::Authorized => ("Connected", "Your account is connected. You can close this window."),
        ConnectResult::VerificationFailed => (
            "Not verified",
            "Your account could not be verified. You can close this window.",
        ),
        ConnectResult::Error => (
            "Not connected",
            "The connection did not complete. You can close this window.",
        ),
    };
    let (Some(message), Some(target)) = (script_json(message), script_json(&target_origin)) else {
        return dead_end(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Close this window and try again.",
        );
    };
    let nonce = random_token("");
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <body style=\"font:16px system-ui,sans-serif;margin:3rem;text-align:center\"><h1>{title}</h1><p>{text}</p>\
         <script type=\"application/json\" id=\"message\">{message}</script>\
         <script type=\"application/json\" id=\"target\">{target}</script>\
         <script nonce=\"{nonce}\">{SCRIPT}</script></body></html>"
    );
    page(StatusCode::OK, body, &nonce)
}

/// A page for callbacks that cannot be tied to an attempt: no message is posted, because
/// we do not know which origin may receive it.
pub fn dead_end(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Plugboard</title>\
         <body style=\"font:16px system-ui,sans-serif;margin:3rem;text-align:center\"><h1>Not connected</h1><p>{}</p></body></html>",
        escape_text(text)
    );
    page(status, body, "unused")
}

const SCRIPT: &str = "(function(){var m=JSON.parse(document.getElementById('message').textContent);\
var t=JSON.parse(document.getElementById('target').textContent);\
if(window.opener){window.opener.postMessage(m,t);}\
setTimeout(function(){window.close();},50);})();";

fn page(status: StatusCode, body: String, nonce: &str) -> Response {
    let csp = format!(
        "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The nonce is URL-safe base64, so the policy is always a valid header; were it not,
    // the strictest policy (no script at all) would go out instead.
    let csp = HeaderValue::try_from(csp).unwrap_or(HeaderValue::from_static("default-src 'none'"));
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

/// JSON that is safe inside `<script type="application/json">`.
fn script_json(value: &impl serde::Serialize) -> Option<String> {
    let json = serde_json::to_string(value).ok()?;
    Some(
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
    )
}

/// Text that is safe between HTML tags.
pub fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use plugboard_shared::{FailureEvent, FailureReason, ResultPayload};

    use super::*;

    #[test]
    fn provider_text_cannot_close_the_script_block() {
        let payload = ResultPayload::Failure(FailureEvent {
            app: "x".into(),
            reason: FailureReason::ProviderError,
            message: Some("</script><script>alert(1)</script>".into()),
        });
        let json = script_json(&PopupMessage::new("att_1", ConnectResult::Error, payload)).unwrap();
        assert!(!json.contains('<') && !json.contains('>'));
        let back: PopupMessage = serde_json::from_str(&json).unwrap();
        let ResultPayload::Failure(failure) = back.payload else {
            panic!()
        };
        assert_eq!(failure.message.unwrap(), "</script><script>alert(1)</script>");
    }

    #[test]
    fn escape_text_escapes_markup() {
        assert_eq!(escape_text("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
    }
}
