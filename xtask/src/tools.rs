//! The tools a build or test needs beyond Rust, installed when missing: the wasm32 target,
//! the wasm-bindgen CLI (the exact version Cargo.lock pins), the e2e npm packages (which
//! bring wasm-opt and Playwright), Node.js and Chromium via apt when we are root.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, bail};

use crate::process::{cargo, find_in_path, is_root, output, run, target_dir, workspace_root};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Adds the wasm32 target through rustup unless the toolchain already has it.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let sysroot =
        output(Command::new("rustc").args(["--print", "sysroot"])).context("cannot run `rustc --print sysroot`")?;
    if Path::new(sysroot.trim()).join("lib/rustlib").join(WASM_TARGET).is_dir() {
        return Ok(());
    }
    if find_in_path("rustup").is_none() {
        bail!(
            "the {WASM_TARGET} target is missing and rustup is not installed: \
             install the target's standard library for your toolchain"
        );
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The wasm-bindgen CLI and its test runner, which must match the `wasm-bindgen` crate.
pub struct WasmBindgen {
    pub cli: PathBuf,
    pub test_runner: PathBuf,
}

/// Installs `wasm-bindgen-cli` of Cargo.lock's version into `target/tools` when missing.
/// Kept under target/ so every later run (and `cargo clean`-free CI caches) reuses it.
pub fn ensure_wasm_bindgen() -> anyhow::Result<WasmBindgen> {
    let version = locked_version("wasm-bindgen")?;
    let root = target_dir().join("tools");
    let tools = WasmBindgen {
        cli: root.join("bin/wasm-bindgen"),
        test_runner: root.join("bin/wasm-bindgen-test-runner"),
    };
    let wanted = format!("wasm-bindgen {version}");
    let installed = || output(Command::new(&tools.cli).arg("--version"));
    if installed().is_some_and(|v| v.trim() == wanted) && tools.test_runner.is_file() {
        return Ok(tools);
    }
    println!(
        "installing wasm-bindgen-cli {version} into {} (once; takes a few minutes)",
        root.display()
    );
    // No `--locked`: the CLI's published lock file pins crates that no longer build on
    // current Rust; `=version` still guarantees the CLI speaks the crate's schema.
    run(cargo()
        .args(["install", "wasm-bindgen-cli", "--force", "--version"])
        .arg(format!("={version}"))
        .arg("--root")
        .arg(&root))?;
    match installed() {
        Some(v) if v.trim() == wanted => Ok(tools),
        other => bail!("installed wasm-bindgen reports {other:?}, expected `{wanted}`"),
    }
}

/// The version of `package` recorded in Cargo.lock (the one the widget links).
pub fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = fs::read_to_string(workspace_root().join("Cargo.lock"))
        .context("cannot read Cargo.lock (run `cargo generate-lockfile`)")?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == name_line {
            let version = lines.next().and_then(|l| l.strip_prefix("version = \""));
            if let Some(v) = version.and_then(|v| v.strip_suffix('"')) {
                return Ok(v.to_owned());
            }
        }
    }
    bail!("Cargo.lock has no `{package}` package")
}

/// Chromium and the matching chromedriver.
pub struct Chromium {
    pub browser: PathBuf,
    pub driver: PathBuf,
}

/// Finds Chromium and chromedriver (`E2E_CHROMIUM` / `CHROMEDRIVER` override PATH),
/// installing Debian's packages when we are root and they are missing.
pub fn ensure_chromium() -> anyhow::Result<Chromium> {
    let find = || {
        let browser = env_path("E2E_CHROMIUM")
            .or_else(|| find_in_path("chromium"))
            .or_else(|| find_in_path("chromium-browser"))?;
        let driver = env_path("CHROMEDRIVER").or_else(|| find_in_path("chromedriver"))?;
        Some(Chromium { browser, driver })
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    if !apt_install(&["chromium", "chromium-driver"])? {
        bail!(
            "Chromium and chromedriver are needed for the browser tests. Install them \
             (Debian/Ubuntu: `sudo apt-get install chromium chromium-driver`) or point \
             E2E_CHROMIUM and CHROMEDRIVER at existing binaries."
        );
    }
    find().context("apt installed chromium and chromium-driver, but they are not on PATH")
}

/// npm, installing Debian's Node.js when we are root and it is missing.
pub fn ensure_npm() -> anyhow::Result<PathBuf> {
    if let Some(npm) = find_in_path("npm") {
        return Ok(npm);
    }
    if !apt_install(&["nodejs", "npm"])? {
        bail!(
            "Node.js (18 or newer) with npm is needed for wasm-opt and the Playwright tests: \
             install it from https://nodejs.org or with `sudo apt-get install nodejs npm`"
        );
    }
    find_in_path("npm").context("apt installed npm, but it is not on PATH")
}

/// `apt-get install -y packages` when we are root on a system with apt; false otherwise.
pub fn apt_install(packages: &[&str]) -> anyhow::Result<bool> {
    if !is_root() || find_in_path("apt-get").is_none() {
        return Ok(false);
    }
    println!("installing {} with apt-get", packages.join(" "));
    let apt = || {
        let mut cmd = Command::new("apt-get");
        cmd.env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(apt().args(["update", "-q"]))?;
    run(apt().args(["install", "-y", "-q"]).args(packages))?;
    Ok(true)
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file())
}

pub fn e2e_dir() -> PathBuf {
    workspace_root().join("e2e")
}

/// `npm ci` in e2e/ unless node_modules is already newer than the lock file.
/// Playwright must never download its own browsers: we drive Debian's Chromium.
pub fn ensure_npm_packages() -> anyhow::Result<()> {
    let npm = ensure_npm()?;
    let dir = e2e_dir();
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    if is_newer(&installed, &[&lock, &dir.join("package.json")]) {
        println!("e2e/node_modules is up to date with package-lock.json");
        return Ok(());
    }
    let verb = if lock.is_file() { "ci" } else { "install" };
    run(Command::new(npm)
        .args([verb, "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}

/// binaryen's wasm-opt from npm (Debian's older binaryen emits wasm browsers reject).
pub fn wasm_opt() -> Option<PathBuf> {
    npm_tool("wasm-opt")
}

/// An executable from e2e/node_modules/.bin, when `npm ci` installed it.
pub fn npm_tool(name: &str) -> Option<PathBuf> {
    Some(npm_bin(name)).filter(|p| p.is_file())
}

/// An executable from e2e/node_modules/.bin.
pub fn npm_bin(name: &str) -> PathBuf {
    e2e_dir().join("node_modules/.bin").join(name)
}

pub fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// True when `path` exists and is at least as new as every one of `inputs` that exists.
pub fn is_newer(path: &Path, inputs: &[&Path]) -> bool {
    let Some(out) = modified(path) else {
        return false;
    };
    inputs.iter().filter_map(|i| modified(i)).all(|i| i <= out)
}

/// Fails with a clear message when a required file is absent.
pub fn require_file(path: &Path, what: &str) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!("{what} not found at {}", path.display());
    }
    Ok(())
}
