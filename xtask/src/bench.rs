//! `cargo xtask bench`: what the widget costs a host page — bytes over the wire (raw,
//! gzip, brotli; see payload.rs) against the budget, and the time from `renderAccountConnectionModal()`
//! to the painted app list over cold loads in headless Chromium.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::build::{self, BuildOptions};
use crate::connect_bench;
use crate::load_bench;
use crate::payload;
use crate::postgres::{Durability, Postgres};
use crate::process::{run, target_dir};
use crate::server::{Secrets, TestServer, scrub_plugboard_env};
use crate::server_bench;
use crate::steps::Steps;
use crate::tools;

/// OAuth connects per backend for the server-time figures: enough for a p99.
const CONNECTS: usize = 200;

pub fn command(args: &[String]) -> anyhow::Result<()> {
    let options = parse_options(args)?;
    let mut steps = Steps::default();
    let result = bench(&mut steps, &options);
    steps.print_summary("bench");
    result
}

struct BenchOptions {
    loads: u32,
    /// Serve from a release build, so server time does not blur the widget's.
    release: bool,
}

fn parse_options(args: &[String]) -> anyhow::Result<BenchOptions> {
    const USAGE: &str = "usage: cargo xtask bench [--loads N] [--release]";
    let mut options = BenchOptions {
        loads: 20,
        release: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--release" => options.release = true,
            "--loads" => {
                let n = args.next().context(USAGE)?;
                options.loads = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .context("--loads needs a positive number")?;
            }
            _ => bail!("unknown option `{arg}`\n{USAGE}"),
        }
    }
    Ok(options)
}

fn bench(steps: &mut Steps, options: &BenchOptions) -> anyhow::Result<()> {
    let loads = options.loads;
    let build_options = BuildOptions {
        release: options.release,
        ..BuildOptions::CHECKED
    };
    let built = build::build(steps, &build_options)?;
    let chromium = steps.run("tools: Chromium", tools::ensure_chromium)?;
    let payload = steps.run("payload: measure public/pkg", payload::measure)?;
    let samples = steps.run(&format!("load time: {loads} cold loads"), || {
        let server = TestServer::start(&built.server_binary, &Secrets::generate()?)?;
        load_times(&server.url, &chromium.browser, loads)
    })?;
    let proxy = steps.run("proxy overhead: direct vs proxied sandbox calls (wrk)", || {
        let secrets = Secrets::generate()?;
        let server = TestServer::start(&built.server_binary, &secrets)?;
        server_bench::proxy_overhead(&server, &secrets)
    })?;
    // The build leaves hundreds of MB for the kernel to write out; a commit's fsync waits
    // behind that, and the load runs would measure the build instead of the server.
    steps.run("disk: write out what the build left (sync)", || {
        run(&mut Command::new("sync"))
    })?;
    let postgres = steps.run("tools: PostgreSQL (durable, as in production)", || {
        Postgres::start(Durability::Full)
    })?;
    let (mut loads, mut connects) = (Vec::new(), Vec::new());
    for (backend, database_url) in [
        ("SQLite", None),
        ("PostgreSQL", Some(format!("{}/postgres", postgres.url))),
    ] {
        let start = || -> anyhow::Result<(Secrets, TestServer)> {
            let secrets = Secrets::generate()?;
            let server = TestServer::start_on(&built.server_binary, &secrets, database_url.as_deref())?;
            Ok((secrets, server))
        };
        loads.push(steps.run(&format!("load: {backend} (wrk)"), || {
            let (secrets, server) = start()?;
            load_bench::measure(&server, &secrets, backend)
        })?);
        connects.push(
            steps.run(&format!("connect: {CONNECTS} OAuth connects on {backend}"), || {
                let (secrets, server) = start()?;
                Ok((backend, connect_bench::measure(&server, &secrets, CONNECTS)?))
            })?,
        );
    }
    payload::print(&payload);
    print_load_times(&samples);
    proxy.print();
    for load in &loads {
        load.print();
    }
    for (backend, times) in &connects {
        times.print(backend);
    }
    payload::print_budget(&payload);
    Ok(())
}

/// Runs e2e/bench through Playwright (a new browser context, so a cold cache, per load)
/// and reads back one `renderAccountConnectionModal → apps painted` duration per line.
fn load_times(server_url: &str, chromium: &Path, loads: u32) -> anyhow::Result<Vec<f64>> {
    let out = target_dir().join("bench/load-times.txt");
    fs::create_dir_all(out.parent().expect("has a parent"))?;
    let _ = fs::remove_file(&out);
    let mut cmd = Command::new(tools::npm_bin("playwright"));
    scrub_plugboard_env(&mut cmd);
    run(cmd
        .args(["test", "--config", "bench.config.ts"])
        .current_dir(tools::e2e_dir())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("E2E_SERVER_URL", server_url)
        .env("E2E_CHROMIUM", chromium)
        .env("BENCH_LOADS", loads.to_string())
        .env("BENCH_OUT", &out))?;
    let text = fs::read_to_string(&out).with_context(|| format!("the bench wrote no {}", out.display()))?;
    let samples: Vec<f64> = text
        .lines()
        .map(|l| l.trim().parse::<f64>().with_context(|| format!("bad sample `{l}`")))
        .collect::<anyhow::Result<_>>()?;
    if samples.is_empty() {
        bail!("the bench recorded no load");
    }
    Ok(samples)
}

fn print_load_times(samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    println!(
        "\nrenderAccountConnectionModal() → apps painted, {n} cold loads (headless Chromium):\n  \
         median {median:.1} ms   min {:.1} ms   max {:.1} ms",
        sorted[0],
        sorted[n - 1]
    );
}
