//! `cargo xtask build|run|test|bench` — Plugboard's only build tooling (README, "Two commands"; ARCHITECTURE.md).
//!
//! Everything a fresh machine lacks is installed on the way (the wasm32 target, the
//! wasm-bindgen CLI matching Cargo.lock, the npm packages of `e2e/`, Chromium via apt when
//! running as root), so CI needs nothing but `bash .ci/run`.

mod bench;
mod build;
mod connect_bench;
mod console;
mod fsync_probe;
mod http_client;
mod load_bench;
mod payload;
mod postgres;
mod process;
mod schemathesis;
mod server;
mod server_bench;
mod steps;
mod test;
mod tools;
mod unused_exports;
mod wrk;

use std::process::ExitCode;

use anyhow::bail;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  build [--release]        build the widget (wasm, wasm-bindgen, wasm-opt, esbuild; hashed and
                           precompressed) into public/pkg/, the operators' console into
                           public/console/pkg/ and the server binary `plugboard`
  run [--release] [ARGS]   build, then start the server on http://127.0.0.1:8080
                           (extra ARGS go to `plugboard`, e.g. `--config plugboard.toml`)
  test [--skip-e2e]        fmt check, clippy -D warnings, unit and integration tests, widget
                           tests in headless Chromium, build, payload budget, schemathesis
                           against /openapi.json, Playwright e2e
  fuzz                     build the server only and run schemathesis against it (the
                           step `test` runs after its build)
  bench [--loads N] [--release]
                           widget payload (raw, gzip, brotli) and render-to-paint time over
                           N cold loads in headless Chromium (default 20; --release serves
                           them from a release build of the server)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> anyhow::Result<()> {
    std::env::set_current_dir(process::workspace_root())?;
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    match command {
        "build" => build::command(rest),
        "run" => build::run_command(rest),
        "test" => test::command(rest),
        "bench" => bench::command(rest),
        "fuzz" => schemathesis::command(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}
