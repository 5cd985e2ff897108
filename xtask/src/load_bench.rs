//! How much load one instance carries, for `cargo xtask bench`: `wrk` on loopback against
//! `POST /link-token` (a durable write per request) and `GET /widget/apps` (a read), each
//! as a share of `GET /healthz` from the same binary in the same run (the ceiling: a
//! route that touches nothing), then again at half its own peak rate for the tail a
//! person would see. Also the server's memory idle and under 1,000 open connections.

use std::fs;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::fsync_probe::{self, FsyncTimes};
use crate::http_client::link_token;
use crate::server::{Secrets, TestServer};
use crate::wrk::{self, Load, Measured};

/// Connections for the peak runs: enough to keep both cores busy.
const PEAK_CONNECTIONS: u32 = 32;
const SECONDS: u32 = 10;
/// The pause each connection takes in a half-rate run is at least this long, so that
/// rounding it to whole milliseconds does not move the rate much.
const MIN_PAUSE_MS: f64 = 10.0;

pub struct RouteLoad {
    pub name: &'static str,
    pub peak: Measured,
    pub half: Measured,
    /// What the disk did during the half-rate run.
    pub disk: FsyncTimes,
}

pub struct LoadFigures {
    pub backend: &'static str,
    pub ceiling: Measured,
    pub routes: Vec<RouteLoad>,
    pub rss_idle_mb: f64,
    pub rss_busy_mb: f64,
    pub busy: Measured,
}

impl LoadFigures {
    pub fn print(&self) {
        println!(
            "\nload on {} (wrk -t2 -c{PEAK_CONNECTIONS} -d{SECONDS}s, loopback, same binary and run):",
            self.backend
        );
        println!("  GET /healthz        {}   (the ceiling)", self.ceiling);
        for route in &self.routes {
            println!(
                "  {:<19} {}   {:>5.1} % of the ceiling",
                route.name,
                route.peak,
                100.0 * route.peak.requests_per_sec / self.ceiling.requests_per_sec
            );
            println!(
                "    at half its peak  {}   ({:.0} % of its peak; {})",
                route.half,
                100.0 * route.half.requests_per_sec / route.peak.requests_per_sec,
                route.disk
            );
        }
        println!(
            "  memory: {:.1} MB idle, {:.1} MB with 1,000 connections on GET /widget/apps ({:.0} req/s)",
            self.rss_idle_mb, self.rss_busy_mb, self.busy.requests_per_sec
        );
    }
}

pub fn measure(server: &TestServer, secrets: &Secrets, backend: &'static str) -> anyhow::Result<LoadFigures> {
    wrk::ensure_wrk()?;
    let rss_idle_mb = rss_mb(server.pid())?;
    let api_key = format!("Bearer {}", secrets.api_key);
    let link_token = format!("Bearer {}", link_token(&server.url, &api_key)?);
    let healthz = format!("{}/healthz", server.url);
    let issue = format!("{}/link-token", server.url);
    let apps = format!("{}/widget/apps", server.url);
    let ceiling = checked(&Load {
        url: &healthz,
        method: "GET",
        headers: &[],
        body: None,
        connections: PEAK_CONNECTIONS,
        seconds: SECONDS,
        pause_ms: None,
    })?;
    let mut routes = Vec::new();
    for (name, load) in [
        (
            "POST /link-token",
            Load {
                url: &issue,
                method: "POST",
                headers: &[("Authorization", &api_key), ("Content-Type", "application/json")],
                body: Some(r#"{"tenant_id":"bench"}"#),
                connections: PEAK_CONNECTIONS,
                seconds: SECONDS,
                pause_ms: None,
            },
        ),
        (
            "GET /widget/apps",
            Load {
                url: &apps,
                method: "GET",
                headers: &[("Authorization", &link_token)],
                body: None,
                connections: PEAK_CONNECTIONS,
                seconds: SECONDS,
                pause_ms: None,
            },
        ),
    ] {
        let peak = checked(&load)?;
        let (half, disk) = fsync_probe::during(|| checked(&at_rate(&load, peak.requests_per_sec / 2.0)))?;
        routes.push(RouteLoad { name, peak, half, disk });
    }
    let (busy, rss_busy_mb) = wrk::run_sampling(
        &Load {
            url: &apps,
            method: "GET",
            headers: &[("Authorization", &link_token)],
            body: None,
            connections: 1000,
            seconds: 6,
            pause_ms: None,
        },
        Duration::from_secs(4),
        || rss_mb(server.pid()),
    )?;
    Ok(LoadFigures {
        backend,
        ceiling,
        routes,
        rss_idle_mb,
        rss_busy_mb: rss_busy_mb?,
        busy,
    })
}

/// `load` paced to about `rate` requests per second in all: each connection pauses
/// between requests, and there are enough connections that each pause is long.
fn at_rate<'a>(load: &Load<'a>, rate: f64) -> Load<'a> {
    let connections = (rate * MIN_PAUSE_MS / 1000.0).ceil().max(f64::from(PEAK_CONNECTIONS)) as u32;
    Load {
        connections,
        pause_ms: Some((1000.0 * f64::from(connections) / rate).round() as u32),
        ..*load
    }
}

/// A run whose every answer succeeded, or an error: figures from failures mean nothing.
fn checked(load: &Load<'_>) -> anyhow::Result<Measured> {
    let measured = wrk::run(load)?;
    if measured.non_2xx > 0 {
        bail!("{} answers from {} were not 2xx", measured.non_2xx, load.url);
    }
    Ok(measured)
}

/// Resident memory of process `pid`, from `/proc/<pid>/status`.
fn rss_mb(pid: u32) -> anyhow::Result<f64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS in /proc/<pid>/status")?;
    Ok(kb / 1024.0)
}
