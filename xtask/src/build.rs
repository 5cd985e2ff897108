//! `cargo xtask build` and `cargo xtask run`: the widget (cargo → wasm-bindgen → wasm-opt)
//! into public/pkg/, then the server binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::{cargo, run, target_dir, workspace_root};
use crate::steps::Steps;
use crate::tools::{self, WASM_TARGET};

/// What ships is measured brotli-compressed, and wasm-opt's size passes (-Oz/-Os) shrink
/// the raw module but make it compress worse: -O1 run to a fixed point gives the smallest
/// brotli (2f3d6c2's widget, rustc opt-level "z": -Oz 86,503 B, -Os 86,610, -O2 87,515,
/// -O1 82,988, -O1 --converge 82,863; opt-level "s" is ~2 KB worse at every level).
/// The producers and target-features sections are metadata no browser reads. The
/// features are the post-MVP ones every browser we support has; without them wasm-opt
/// would lower bulk-memory and friends back into bigger code.
const WASM_OPT_FLAGS: &[&str] = &[
    "-O1",
    "--converge",
    "--strip-producers",
    "--strip-target-features",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

pub struct BuildOptions {
    /// Server in the `release` profile (the widget always uses `wasm-release`).
    pub release: bool,
    /// Fail instead of shipping an unoptimised bundle when wasm-opt is unavailable.
    pub require_wasm_opt: bool,
    /// Build the server as `cargo test --workspace` did (see [`build_server`]).
    pub server_as_tested: bool,
}

impl BuildOptions {
    /// What `cargo xtask build` and `run` do.
    pub const DEFAULT: Self = Self {
        release: false,
        require_wasm_opt: false,
        server_as_tested: false,
    };
    /// For `test` and `bench`: an optimised bundle is the one we measure and ship.
    pub const CHECKED: Self = Self {
        release: false,
        require_wasm_opt: true,
        server_as_tested: false,
    };
}

/// What a build produced.
pub struct Built {
    pub server_binary: PathBuf,
}

pub fn command(args: &[String]) -> anyhow::Result<()> {
    let (release, rest) = parse_release(args);
    if let Some(arg) = rest.first() {
        bail!("unknown option `{arg}`; usage: cargo xtask build [--release]");
    }
    let mut steps = Steps::default();
    let result = build(
        &mut steps,
        &BuildOptions {
            release,
            ..BuildOptions::DEFAULT
        },
    );
    steps.print_summary("build");
    result.map(|_| ())
}

/// `cargo xtask run [--release] [ARGS…]`: build, then run the server in the foreground.
pub fn run_command(args: &[String]) -> anyhow::Result<()> {
    let (release, server_args) = parse_release(args);
    let mut steps = Steps::default();
    let built = build(
        &mut steps,
        &BuildOptions {
            release,
            ..BuildOptions::DEFAULT
        },
    );
    steps.print_summary("build");
    let built = built?;
    println!("\nstarting {} (Ctrl-C stops it)", built.server_binary.display());
    // Ctrl-C reaches the server directly (same process group); we only pass its status on.
    run(Command::new(&built.server_binary).args(server_args))
}

/// `--release`, and every other argument in order.
fn parse_release(args: &[String]) -> (bool, Vec<String>) {
    let release = args.iter().any(|a| a == "--release");
    let rest = args.iter().filter(|a| *a != "--release").cloned().collect();
    (release, rest)
}

pub fn build(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<Built> {
    steps.run("tools: wasm32 target, wasm-bindgen CLI, npm packages", || {
        tools::ensure_wasm_target()?;
        tools::ensure_wasm_bindgen()?;
        match tools::ensure_npm_packages() {
            Err(err) if !options.require_wasm_opt => {
                println!("warning: {err:#}\n(continuing without wasm-opt)");
                Ok(())
            }
            other => other,
        }
    })?;
    build_widget(steps, options)?;
    build_server(steps, options)
}

pub fn build_widget(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<()> {
    steps.run("widget: cargo build (wasm-release)", || {
        run(cargo().args([
            "build",
            "-p",
            "plugboard-widget",
            "--target",
            WASM_TARGET,
            "--profile",
            "wasm-release",
        ]))
    })?;
    let compiled = target_dir()
        .join(WASM_TARGET)
        .join("wasm-release/plugboard_widget.wasm");
    let pkg = workspace_root().join("public/pkg");
    let bundle = Bundle {
        wasm: pkg.join("plugboard_widget_bg.wasm"),
        js: pkg.join("plugboard_widget.js"),
        stamp: target_dir().join("wasm-bindgen/plugboard_widget.stamp"),
    };
    let wasm_opt = tools::wasm_opt();
    if wasm_opt.is_none() && options.require_wasm_opt {
        bail!("wasm-opt is missing: run `npm ci` in e2e/ (binaryen is one of its packages)");
    }
    let want_stamp = stamp_for(&compiled, wasm_opt.is_some())?;
    if bundle.is_current(&want_stamp) {
        println!("public/pkg is up to date with {}", compiled.display());
        return Ok(());
    }
    steps.run("widget: wasm-bindgen --target web", || {
        let cli = tools::ensure_wasm_bindgen()?.cli;
        run(Command::new(cli)
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&pkg)
            .arg(&compiled))
    })?;
    match wasm_opt {
        Some(wasm_opt) => steps.run("widget: wasm-opt -O1 --converge", || {
            run(Command::new(wasm_opt)
                .args(WASM_OPT_FLAGS)
                .arg(&bundle.wasm)
                .arg("-o")
                .arg(&bundle.wasm))
        })?,
        None => println!(
            "warning: wasm-opt not found (run `npm ci` in e2e/ for it); \
             public/pkg holds an unoptimised, larger bundle"
        ),
    }
    bundle.write_stamp(&want_stamp)
}

/// public/pkg's outputs plus a stamp naming the input they were made from, so an
/// unchanged widget skips wasm-bindgen and wasm-opt (cargo already skips itself).
struct Bundle {
    wasm: PathBuf,
    js: PathBuf,
    stamp: PathBuf,
}

impl Bundle {
    fn is_current(&self, want: &str) -> bool {
        self.wasm.is_file() && self.js.is_file() && fs::read_to_string(&self.stamp).is_ok_and(|have| have == want)
    }

    fn write_stamp(&self, stamp: &str) -> anyhow::Result<()> {
        let dir = self.stamp.parent().expect("stamp has a parent");
        fs::create_dir_all(dir)?;
        fs::write(&self.stamp, stamp).with_context(|| format!("cannot write {}", self.stamp.display()))
    }
}

/// Identifies one compiler output: its modification time and size, and whether the
/// bundle made from it was optimised.
fn stamp_for(compiled: &Path, optimised: bool) -> anyhow::Result<String> {
    let meta = fs::metadata(compiled).with_context(|| format!("cargo produced no {}", compiled.display()))?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    Ok(format!("{mtime} {} wasm-opt={optimised}\n", meta.len()))
}

/// The `plugboard` binary. Right after `cargo test --workspace`, asking for the workspace's
/// tests again (`--no-run`) is free and leaves the binary the integration tests used in
/// target/debug; a plain `cargo build -p plugboard-server` would resolve features without
/// the dev-dependencies' and recompile part of the tree for nothing.
pub fn build_server(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<Built> {
    let profile = if options.release { "release" } else { "debug" };
    steps.run(&format!("server: cargo build ({profile})"), || {
        let mut cmd = cargo();
        if options.server_as_tested {
            cmd.args(["test", "--workspace", "--exclude", "plugboard-widget", "--no-run"]);
        } else {
            cmd.args(["build", "-p", "plugboard-server", "--bin", "plugboard"]);
        }
        if options.release {
            cmd.arg("--release");
        }
        run(&mut cmd)
    })?;
    let server_binary = target_dir().join(profile).join("plugboard");
    tools::require_file(&server_binary, "the server binary")?;
    Ok(Built { server_binary })
}
