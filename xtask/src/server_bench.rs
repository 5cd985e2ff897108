//! Server figures for `cargo xtask bench`, each measured side by side with its baseline in
//! the same run: the proxy's cost over calling the provider directly.

use anyhow::bail;
use serde_json::json;

use crate::http_client::{link_token, request};
use crate::server::{Secrets, TestServer};
use crate::wrk::{self, Load, Measured};

/// The sandbox's records, called directly and through the proxy (`GET …/proxy/records`)
/// with the same load.
pub struct ProxyOverhead {
    pub direct: Measured,
    pub proxied: Measured,
}

impl ProxyOverhead {
    pub fn print(&self) {
        println!("\nproxy overhead (sandbox records, wrk -t2 -c8 -d5s, same run):");
        println!("  direct    {}", self.direct);
        println!("  proxied   {}", self.proxied);
        println!(
            "  the proxy adds {:.2} ms at the median ({:.2} ms at p99) and carries {:.0} % of the direct throughput",
            self.proxied.p50_ms - self.direct.p50_ms,
            self.proxied.p99_ms - self.direct.p99_ms,
            100.0 * self.proxied.requests_per_sec / self.direct.requests_per_sec
        );
    }
}

pub fn proxy_overhead(server: &TestServer, secrets: &Secrets) -> anyhow::Result<ProxyOverhead> {
    wrk::ensure_wrk()?;
    let account = api_key_account(server, secrets, "sk_sandbox_bench")?;
    let load = |url: &str, headers: &[(&str, &str)]| {
        wrk::run(&Load {
            url,
            method: "GET",
            headers,
            body: None,
            connections: 8,
            seconds: 5,
            pause_ms: None,
        })
    };
    let direct = load(
        &format!("{}/sandbox/api/records", server.url),
        &[("Authorization", "Bearer sk_sandbox_bench")],
    )?;
    let api_key = format!("Bearer {}", secrets.api_key);
    let proxied = load(
        &format!("{}/integrated-accounts/{account}/proxy/records", server.url),
        &[("Authorization", api_key.as_str())],
    )?;
    for (what, measured) in [("direct", direct), ("proxied", proxied)] {
        if measured.non_2xx > 0 {
            bail!(
                "{} of the {what} calls failed: the figures would mean nothing",
                measured.non_2xx
            );
        }
    }
    Ok(ProxyOverhead { direct, proxied })
}

/// Connects Sandbox HR with `key` for a bench tenant, as the widget would; its account id.
fn api_key_account(server: &TestServer, secrets: &Secrets, key: &str) -> anyhow::Result<String> {
    let api_key = format!("Bearer {}", secrets.api_key);
    let token = format!("Bearer {}", link_token(&server.url, &api_key)?);
    let (status, message) = request(
        "POST",
        &format!("{}/widget/connect/sandbox-hr", server.url),
        &[("Authorization", &token), ("Origin", &server.url)],
        Some(&json!({"fields": {"api_key": key}})),
    )?;
    let account = message["payload"]["accountId"].as_str();
    match (status, account) {
        (200, Some(account)) => Ok(account.to_owned()),
        _ => bail!("connecting Sandbox HR answered {status}: {message}"),
    }
}
