//! `cargo xtask test`: every check CI runs, in order of cost, stopping at the first
//! failure: fmt, clippy (native and wasm32), unit and integration tests on SQLite and then
//! on a private PostgreSQL, the widget's wasm-bindgen tests in headless Chromium, the
//! build, the widget's payload against its budget, schemathesis against the built server's
//! OpenAPI document, then Playwright against a real server.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::bail;

use crate::build::{self, BuildOptions};
use crate::payload;
use crate::postgres::{Durability, Postgres};
use crate::process::{cargo, run, target_dir};
use crate::schemathesis;
use crate::server::{Secrets, free_port, scratch_dir, scrub_plugboard_env};
use crate::steps::Steps;
use crate::tools::{self, Chromium, WASM_TARGET, WasmBindgen};

pub fn command(args: &[String]) -> anyhow::Result<()> {
    let mut skip_e2e = false;
    for arg in args {
        match arg.as_str() {
            "--skip-e2e" => skip_e2e = true,
            other => bail!("unknown option `{other}` for `cargo xtask test`"),
        }
    }
    let mut steps = Steps::default();
    let result = pipeline(&mut steps, skip_e2e);
    steps.print_summary("test");
    if result.is_ok() {
        println!("\nall checks passed");
    }
    result
}

fn pipeline(steps: &mut Steps, skip_e2e: bool) -> anyhow::Result<()> {
    steps.run("fmt: cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    })?;
    let (wasm_bindgen, chromium) = steps.run("tools: wasm32 target, wasm-bindgen CLI, Chromium", || {
        tools::ensure_wasm_target()?;
        let wasm_bindgen = tools::ensure_wasm_bindgen()?;
        let chromium = tools::ensure_chromium()?;
        println!("wasm-bindgen test runner: {}", wasm_bindgen.test_runner.display());
        println!("chromium: {}", chromium.browser.display());
        println!("chromedriver: {}", chromium.driver.display());
        Ok((wasm_bindgen, chromium))
    })?;
    // The widget and the console are browser-only, so they are linted for wasm32;
    // everything else natively.
    steps.run("clippy: shared, server, xtask", || {
        run(cargo()
            .args(["clippy", "--workspace"])
            .args(build::NATIVE_EXCLUDES)
            .arg("--all-targets")
            .args(["--", "-D", "warnings"]))
    })?;
    steps.run("clippy: widget and console (wasm32)", || {
        run(cargo()
            .args([
                "clippy",
                "-p",
                "plugboard-widget",
                "-p",
                "plugboard-console",
                "--target",
                WASM_TARGET,
                "--all-targets",
            ])
            .args(["--", "-D", "warnings"]))
    })?;
    steps.run("test: unit and integration tests (SQLite)", || {
        run(cargo().args(["test", "--workspace"]).args(build::NATIVE_EXCLUDES))
    })?;
    // The same integration tests on PostgreSQL, plus the ones that need it (two instances
    // on one database, the two schemas side by side), which plain `cargo test` lists as
    // ignored.
    steps.run("test: integration tests on a private PostgreSQL", || {
        let postgres = Postgres::start(Durability::None)?;
        run(cargo()
            .args([
                "test",
                "-p",
                "plugboard-server",
                "--test",
                "api",
                "--",
                "--include-ignored",
            ])
            .env("PLUGBOARD_TEST_POSTGRES_URL", &postgres.url))
    })?;
    steps.run("test: widget and console in headless Chromium", || {
        widget_tests(&wasm_bindgen, &chromium)
    })?;
    let options = BuildOptions {
        server_as_tested: true,
        ..BuildOptions::CHECKED
    };
    let built = build::build(steps, &options)?;
    steps.run(
        &format!("payload: at most {} B brotli", payload::BUDGET_BROTLI_BYTES),
        || {
            let files = payload::measure()?;
            payload::print(&files);
            payload::print_budget(&files);
            payload::check_budget(&files)
        },
    )?;
    steps.run("fuzz: schemathesis against /openapi.json", || {
        schemathesis::fuzz(&built.server_binary)
    })?;
    if skip_e2e {
        println!("\n(--skip-e2e: Playwright not run)");
        return Ok(());
    }
    steps.run("e2e: typecheck", || {
        run(Command::new(tools::npm_bin("tsc"))
            .arg("--noEmit")
            .current_dir(tools::e2e_dir()))
    })?;
    steps.run("e2e: Playwright against a real server", || {
        playwright(&built.server_binary, &chromium)
    })
}

/// `cargo test --target wasm32 --tests` for the widget and the console, with wasm-bindgen's
/// runner driving Chromium through chromedriver (`--tests`: doctests are plain `main`
/// programs the runner cannot host). The runner adds `headless` and `no-sandbox` itself;
/// webdriver.json names the browser binary (it lives under target/ because widget/ is not ours).
fn widget_tests(wasm_bindgen: &WasmBindgen, chromium: &Chromium) -> anyhow::Result<()> {
    let webdriver_json = target_dir().join("wasm-bindgen/webdriver.json");
    fs::create_dir_all(webdriver_json.parent().expect("has a parent"))?;
    let capabilities = format!(
        r#"{{"goog:chromeOptions": {{"binary": "{}", "args": ["disable-gpu", "no-first-run", "disable-background-networking", "disable-component-update", "disable-sync"]}}}}"#,
        chromium.browser.display()
    );
    fs::write(&webdriver_json, capabilities)?;
    run(cargo()
        .args([
            "test",
            "-p",
            "plugboard-widget",
            "-p",
            "plugboard-console",
            "--target",
            WASM_TARGET,
            "--tests",
        ])
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &wasm_bindgen.test_runner)
        .env("CHROMEDRIVER", &chromium.driver)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
        // Their logic is DOM logic: run every test in the browser, not in Node.
        .env("WASM_BINDGEN_USE_BROWSER", "1")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}

/// The Playwright suite. Its config starts the server and the cross-origin host page from
/// the `E2E_*` variables we choose here: free ports, a fresh data directory, fresh keys.
fn playwright(server_binary: &Path, chromium: &Chromium) -> anyhow::Result<()> {
    let secrets = Secrets::generate()?;
    let data_dir = scratch_dir("e2e")?;
    let result = run(&mut playwright_command(server_binary, chromium, &secrets, &data_dir)?);
    let _ = fs::remove_dir_all(&data_dir);
    result
}

fn playwright_command(
    server_binary: &Path,
    chromium: &Chromium,
    secrets: &Secrets,
    data_dir: &Path,
) -> anyhow::Result<Command> {
    let server_port = free_port()?;
    let host_port = free_port()?;
    let mut cmd = Command::new(tools::npm_bin("playwright"));
    scrub_plugboard_env(&mut cmd);
    cmd.arg("test")
        .current_dir(tools::e2e_dir())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("E2E_SERVER_BIN", server_binary)
        .env("E2E_SERVER_PORT", server_port.to_string())
        .env("E2E_HOST_PORT", host_port.to_string())
        .env("E2E_DATA_DIR", data_dir)
        .env("E2E_CHROMIUM", &chromium.browser)
        .env("E2E_API_KEY", &secrets.api_key)
        .env("E2E_APP_SECRET", &secrets.app_secret)
        .env("E2E_MASTER_KEY", &secrets.master_key);
    Ok(cmd)
}
