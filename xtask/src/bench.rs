//! `cargo xtask bench`: what the widget costs a host page — bytes over the wire (raw,
//! gzip, brotli) against the budget, and the time from `renderAccountConnectionModal()`
//! to the painted app list over cold loads in headless Chromium.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::build::{self, BuildOptions};
use crate::process::{run, target_dir, workspace_root};
use crate::server::{Secrets, TestServer, scrub_plugboard_env};
use crate::steps::Steps;
use crate::tools;

/// The widget's whole payload (wasm + JS + CSS), brotli-compressed, must stay under this.
const BUDGET_BROTLI_BYTES: u64 = 150 * 1000;

/// The files a host page downloads to show the widget, by kind.
const PAYLOAD: &[(&str, &str)] = &[
    ("wasm", "public/pkg/plugboard_widget_bg.wasm"),
    ("JS", "public/widget.js"),
    ("JS", "public/pkg/plugboard_widget.js"),
    ("CSS", "public/widget.css"),
];

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
    let payload = steps.run("payload: compress", measure_payload)?;
    let samples = steps.run(&format!("load time: {loads} cold loads"), || {
        let server = TestServer::start(&built.server_binary, &Secrets::generate()?)?;
        load_times(&server.url, &chromium.browser, loads)
    })?;
    print_payload(&payload);
    print_load_times(&samples);
    print_budget(&payload);
    Ok(())
}

struct Sizes {
    kind: &'static str,
    path: &'static str,
    /// `None` when the file does not exist (e.g. CSS inlined into the wasm).
    bytes: Option<[u64; 3]>,
}

fn measure_payload() -> anyhow::Result<Vec<Sizes>> {
    let root = workspace_root();
    PAYLOAD
        .iter()
        .map(|&(kind, path)| {
            let bytes = match fs::read(root.join(path)) {
                Ok(data) => Some([data.len() as u64, gzip_len(&data)?, brotli_len(&data)?]),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                Err(err) => return Err(err).with_context(|| format!("cannot read {path}")),
            };
            Ok(Sizes { kind, path, bytes })
        })
        .collect()
}

fn gzip_len(data: &[u8]) -> anyhow::Result<u64> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?.len() as u64)
}

fn brotli_len(data: &[u8]) -> anyhow::Result<u64> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out.len() as u64)
}

fn print_payload(files: &[Sizes]) {
    println!("\nwidget payload (bytes)");
    println!("  {:<40} {:>9} {:>9} {:>9}", "file", "raw", "gzip", "brotli");
    for file in files {
        match file.bytes {
            Some([raw, gz, br]) => println!("  {:<40} {raw:>9} {gz:>9} {br:>9}", file.path),
            None => println!("  {:<40} {:>9}", file.path, "missing"),
        }
    }
    for kind in ["wasm", "JS", "CSS"] {
        let [raw, gz, br] = totals(files.iter().filter(|f| f.kind == kind));
        println!("  {:<40} {raw:>9} {gz:>9} {br:>9}", format!("total {kind}"));
    }
    let [raw, gz, br] = totals(files.iter());
    println!("  {:<40} {raw:>9} {gz:>9} {br:>9}", "total");
}

fn totals<'a>(files: impl Iterator<Item = &'a Sizes>) -> [u64; 3] {
    files
        .filter_map(|f| f.bytes)
        .fold([0; 3], |acc, b| [acc[0] + b[0], acc[1] + b[1], acc[2] + b[2]])
}

fn print_budget(files: &[Sizes]) {
    let brotli = totals(files.iter())[2];
    let verdict = if brotli <= BUDGET_BROTLI_BYTES {
        "within budget"
    } else {
        "OVER BUDGET"
    };
    println!(
        "\nbudget: {:.1} KB brotli of {} KB ({:.0}%): {verdict}",
        brotli as f64 / 1000.0,
        BUDGET_BROTLI_BYTES / 1000,
        brotli as f64 * 100.0 / BUDGET_BROTLI_BYTES as f64
    );
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
