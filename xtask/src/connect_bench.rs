//! The server's own time for a whole OAuth connect against the sandbox: `POST
//! /widget/connect`, the popup's `/oauth/start`, and the callback (token exchange,
//! verification, storing), each answer's `Server-Timing` `app` share summed, so the
//! provider's time (the sandbox's token and verification calls) and the network are left
//! out. One connect after another, so each figure is a connect's own.

use anyhow::{Context, bail};
use serde_json::json;

use crate::http_client::{agent, link_token, send};
use crate::server::{Secrets, TestServer};

pub struct ConnectTimes {
    /// Milliseconds of server time per connect, sorted.
    server_ms: Vec<f64>,
    /// Milliseconds the same connects waited on the provider, sorted.
    provider_ms: Vec<f64>,
}

impl ConnectTimes {
    pub fn print(&self, backend: &str) {
        println!(
            "\nwhole OAuth connect on {backend}, server time without the provider's ({} connects in a row, Server-Timing):",
            self.server_ms.len()
        );
        println!(
            "  server     p50 {:6.2} ms   p99 {:6.2} ms",
            percentile(&self.server_ms, 50.0),
            percentile(&self.server_ms, 99.0)
        );
        println!(
            "  provider   p50 {:6.2} ms   p99 {:6.2} ms   (the sandbox's token and verification calls)",
            percentile(&self.provider_ms, 50.0),
            percentile(&self.provider_ms, 99.0)
        );
    }
}

pub fn measure(server: &TestServer, secrets: &Secrets, connects: usize) -> anyhow::Result<ConnectTimes> {
    let token = link_token(&server.url, &format!("Bearer {}", secrets.api_key))?;
    let (mut server_ms, mut provider_ms) = (Vec::new(), Vec::new());
    for i in 0..connects {
        let (ours, theirs) = connect(server, &token, &format!("bench-{i}"))?;
        server_ms.push(ours);
        provider_ms.push(theirs);
    }
    server_ms.sort_by(f64::total_cmp);
    provider_ms.sort_by(f64::total_cmp);
    Ok(ConnectTimes { server_ms, provider_ms })
}

/// One connect as `user` in a fresh browser: (server ms, provider ms).
fn connect(server: &TestServer, token: &str, user: &str) -> anyhow::Result<(f64, f64)> {
    let browser = agent();
    let mut timing = Timing::default();
    let started = send(
        browser
            .post(&format!("{}/widget/connect/sandbox-crm", server.url))
            .set("Authorization", &format!("Bearer {token}"))
            .set("Origin", &server.url),
        Some(&json!({})),
    )?;
    timing.add(&started)?;
    let started: serde_json::Value = started.into_json()?;
    let popup_url = started["popup_url"].as_str().context("no popup_url")?;
    let authorize = send(browser.get(popup_url), None)?;
    timing.add(&authorize)?;
    let authorize = location(&authorize)?;
    // The person signs in at the provider: not our time, and not measured.
    let (form_url, query) = authorize.split_once('?').context("no query on the authorize URL")?;
    let mut form: Vec<&str> = query.split('&').filter(|p| !p.starts_with("response_type=")).collect();
    let login = format!("username={user}&password=pw&decision=allow");
    form.push(&login);
    let signed_in = browser
        .post(form_url)
        .set("Content-Type", "application/x-www-form-urlencoded")
        .send_string(&form.join("&"));
    let signed_in = match signed_in {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(err) => return Err(err.into()),
    };
    let callback = send(browser.get(&location(&signed_in)?), None)?;
    timing.add(&callback)?;
    let page = callback.into_string()?;
    if !page.contains(r#""result":"authorized""#) {
        bail!("the connect as {user} did not succeed:\n{page}");
    }
    Ok((timing.app_ms, timing.provider_ms))
}

fn location(response: &ureq::Response) -> anyhow::Result<String> {
    match response.header("location") {
        Some(target) if (300..400).contains(&response.status()) => Ok(target.to_owned()),
        _ => bail!(
            "{} answered {} where a redirect was expected",
            response.get_url(),
            response.status()
        ),
    }
}

/// The `Server-Timing` shares of the answers so far.
#[derive(Default)]
struct Timing {
    app_ms: f64,
    provider_ms: f64,
}

impl Timing {
    fn add(&mut self, response: &ureq::Response) -> anyhow::Result<()> {
        let header = response
            .header("server-timing")
            .with_context(|| format!("no Server-Timing from {}", response.get_url()))?;
        for entry in header.split(',') {
            let (name, duration) = entry.trim().split_once(";dur=").context("bad Server-Timing")?;
            let ms: f64 = duration.parse()?;
            match name {
                "app" => self.app_ms += ms,
                "provider" => self.provider_ms += ms,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The `p`th percentile of sorted `values` (nearest rank).
fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}
