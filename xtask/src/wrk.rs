//! Load from a real generator: Debian's `wrk` (installed with apt when missing and root),
//! run against a server of this bench, its answer read back as requests per second and
//! latency percentiles. Figures are only ever compared within one run (ratios).

use std::fmt;
use std::fs;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::process::{find_in_path, output, target_dir};
use crate::tools::apt_install;

/// What `wrk` measured for one target.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Answers that were not 2xx/3xx (wrk counts them): a bench that errors measures nothing.
    pub non_2xx: u64,
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms",
            self.requests_per_sec, self.p50_ms, self.p99_ms
        )
    }
}

/// One load: what to call, with what, how hard.
pub struct Load<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a str>,
    pub connections: u32,
    pub seconds: u32,
    /// Each connection waits this long before its next request, to hold a rate below
    /// the peak (wrk's `delay()`, whole milliseconds).
    pub pause_ms: Option<u32>,
}

pub fn ensure_wrk() -> anyhow::Result<()> {
    if find_in_path("wrk").is_some() {
        return Ok(());
    }
    if !apt_install(&["wrk"])? {
        bail!("the load figures need wrk: install it (Debian/Ubuntu: `sudo apt-get install wrk`)");
    }
    Ok(())
}

/// Runs `load` with two threads (the machine's two cores are shared with the server).
pub fn run(load: &Load<'_>) -> anyhow::Result<Measured> {
    let out = output(&mut command(load)?).with_context(|| format!("wrk against {} failed", load.url))?;
    parse(&out).with_context(|| format!("unexpected wrk output:\n{out}"))
}

/// Runs `load` and, `after` its start, `sample` (what the server looks like under it).
pub fn run_sampling<T>(load: &Load<'_>, after: Duration, sample: impl FnOnce() -> T) -> anyhow::Result<(Measured, T)> {
    let child = command(load)?
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start wrk")?;
    std::thread::sleep(after);
    let sampled = sample();
    let out = child.wait_with_output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "wrk against {} failed: {}",
            load.url,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let measured = parse(&text).with_context(|| format!("unexpected wrk output:\n{text}"))?;
    Ok((measured, sampled))
}

fn command(load: &Load<'_>) -> anyhow::Result<Command> {
    let script = target_dir().join("bench/wrk-request.lua");
    fs::create_dir_all(script.parent().expect("has a parent"))?;
    fs::write(&script, lua(load))?;
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "--latency", "-c"])
        .arg(load.connections.to_string())
        .arg("-d")
        .arg(format!("{}s", load.seconds))
        .arg("-s")
        .arg(&script)
        .arg(load.url);
    Ok(cmd)
}

/// The request as wrk's Lua script.
fn lua(load: &Load<'_>) -> String {
    let mut script = format!("wrk.method = {:?}\n", load.method);
    for (name, value) in load.headers {
        script.push_str(&format!("wrk.headers[{name:?}] = {value:?}\n"));
    }
    if let Some(body) = load.body {
        script.push_str(&format!("wrk.body = {body:?}\n"));
    }
    if let Some(ms) = load.pause_ms {
        script.push_str(&format!("function delay() return {ms} end\n"));
    }
    script
}

fn parse(out: &str) -> Option<Measured> {
    let number = |line: &str| line.split_whitespace().nth(1).map(str::to_owned);
    let requests_per_sec = out
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(number)?
        .parse()
        .ok()?;
    let percentile = |label: &str| {
        out.lines()
            .map(str::trim)
            .find(|l| l.starts_with(label))
            .and_then(number)
            .and_then(|v| millis(&v))
    };
    let non_2xx = out
        .lines()
        .find(|l| l.trim().starts_with("Non-2xx or 3xx responses:"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    Some(Measured {
        requests_per_sec,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
        non_2xx,
    })
}

/// `812.00us`, `1.23ms`, `2.01s` as milliseconds.
fn millis(value: &str) -> Option<f64> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_wrk_latency_output() {
        let out = "Running 2s test @ http://127.0.0.1:1/healthz\n  2 threads and 8 connections\n\
                   Latency Distribution\n     50%  812.00us\n     75%    1.10ms\n     90%    1.50ms\n     99%    3.25ms\n\
                   12000 requests in 2.00s, 1.5MB read\n  Non-2xx or 3xx responses: 2\nRequests/sec:   6000.50\nTransfer/sec:    750.00KB\n";
        let measured = super::parse(out).unwrap();
        assert_eq!(measured.requests_per_sec, 6000.5);
        assert!((measured.p50_ms - 0.812).abs() < 1e-9);
        assert_eq!(measured.p99_ms, 3.25);
        assert_eq!(measured.non_2xx, 2);
    }
}
