//! The bench's HTTP calls to its own server (ureq: blocking, plain http, a cookie jar per
//! agent for the popup's hops, redirects left to the caller so each hop is seen).

use anyhow::{Context, bail};
use serde_json::json;

/// An agent that keeps cookies and does not follow redirects.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().redirects(0).build()
}

/// Sends `request`, treating 4xx and 5xx as answers rather than errors.
pub fn send(request: ureq::Request, body: Option<&serde_json::Value>) -> anyhow::Result<ureq::Response> {
    let sent = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    match sent {
        Ok(response) | Err(ureq::Error::Status(_, response)) => Ok(response),
        Err(err) => Err(err.into()),
    }
}

/// `method url` with `headers` and an optional JSON `body`; the status and the JSON body.
pub fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let mut request = agent().request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let response = send(request, body)?;
    let status = response.status();
    let text = response.into_string()?;
    let json = if text.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).with_context(|| format!("{method} {url}: not JSON"))?
    };
    Ok((status, json))
}

/// A link token for the bench's tenant, issued with `api_key` (`Bearer …`).
pub fn link_token(server_url: &str, api_key: &str) -> anyhow::Result<String> {
    let (status, issued) = request(
        "POST",
        &format!("{server_url}/link-token"),
        &[("Authorization", api_key)],
        Some(&json!({"tenant_id": "bench"})),
    )?;
    if status != 201 {
        bail!("POST /link-token answered {status}: {issued}");
    }
    Ok(issued["link_token"].as_str().context("no link token")?.to_owned())
}
