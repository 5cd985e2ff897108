//! `cargo xtask build` and `cargo xtask run`: the widget (cargo → wasm-bindgen → wasm-opt
//! → esbuild, content-hashed and precompressed) into public/pkg/, the console
//! (console.rs) into public/console/pkg/, then the server binary.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use crate::console;
use crate::payload;
use crate::process::{cargo, run, target_dir, workspace_root};
use crate::steps::Steps;
use crate::tools::{self, WASM_TARGET};
use crate::unused_exports;

/// What ships is measured brotli-compressed, and wasm-opt's size passes (-Oz/-Os) shrink
/// the raw module but make it compress worse: -O1 run to a fixed point gives the smallest
/// brotli (2f3d6c2's widget, rustc opt-level "z": -Oz 86,503 B, -Os 86,610, -O2 87,515,
/// -O1 82,988, -O1 --converge 82,863; opt-level "s" is ~2 KB worse at every level).
/// The producers and target-features sections are metadata no browser reads. The
/// features are the post-MVP ones every browser we support has; without them wasm-opt
/// would lower bulk-memory and friends back into bigger code.
pub(crate) const WASM_OPT_FLAGS: &[&str] = &[
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
    /// Fail instead of shipping an unoptimised bundle when wasm-opt or esbuild is unavailable.
    pub require_npm_tools: bool,
    /// Build the server as `cargo test --workspace` did (see [`build_server`]).
    pub server_as_tested: bool,
}

impl BuildOptions {
    /// What `cargo xtask build` and `run` do.
    pub const DEFAULT: Self = Self {
        release: false,
        require_npm_tools: false,
        server_as_tested: false,
    };
    /// For `test` and `bench`: an optimised bundle is the one we measure and ship.
    pub const CHECKED: Self = Self {
        release: false,
        require_npm_tools: true,
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

/// `cargo xtask run [--release] [ARGS…]`: build, then run the server in the foreground in
/// development mode (sandbox, `/demo`, a development API key), which is what the README's
/// first command promises; the `plugboard` binary alone starts in production mode.
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
    run(Command::new(&built.server_binary).arg("--dev").args(server_args))
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
            Err(err) if !options.require_npm_tools => {
                println!("warning: {err:#}\n(continuing without wasm-opt and esbuild)");
                Ok(())
            }
            other => other,
        }
    })?;
    build_widget(steps, options)?;
    console::build_console(steps, options)?;
    build_server(steps, options)
}

/// `cargo build` of a browser crate (`plugboard-widget`…) for wasm32 with the
/// `wasm-release` profile, as step `{what}: …`; the compiled module's path.
pub fn build_wasm_crate(steps: &mut Steps, what: &str, package: &str) -> anyhow::Result<PathBuf> {
    steps.run(&format!("{what}: cargo build (wasm-release)"), || {
        run(cargo().args([
            "build",
            "-p",
            package,
            "--target",
            WASM_TARGET,
            "--profile",
            "wasm-release",
        ]))
    })?;
    Ok(target_dir()
        .join(WASM_TARGET)
        .join("wasm-release")
        .join(format!("{}.wasm", package.replace('-', "_"))))
}

pub fn build_widget(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<()> {
    let compiled = build_wasm_crate(steps, "widget", "plugboard-widget")?;
    let wasm_opt = tools::wasm_opt();
    let esbuild = tools::npm_tool("esbuild");
    if (wasm_opt.is_none() || esbuild.is_none()) && options.require_npm_tools {
        bail!("wasm-opt or esbuild is missing: run `npm ci` in e2e/ (binaryen and esbuild are among its packages)");
    }
    let staged = Staged::new();
    let want_stamp = stamp_for(&compiled, wasm_opt.is_some())?;
    if staged.is_current(&want_stamp) {
        println!("{} is up to date with {}", staged.dir.display(), compiled.display());
    } else {
        steps.run("widget: wasm-bindgen --target web", || {
            let cli = tools::ensure_wasm_bindgen()?.cli;
            let _ = fs::remove_dir_all(&staged.dir);
            run(Command::new(cli)
                .args(["--target", "web", "--no-typescript", "--out-dir"])
                .arg(&staged.dir)
                .arg(&compiled))
        })?;
        match &wasm_opt {
            Some(wasm_opt) => steps.run(&format!("widget: wasm-opt {}", WASM_OPT_FLAGS[..2].join(" ")), || {
                let features: Vec<&str> = WASM_OPT_FLAGS
                    .iter()
                    .copied()
                    .filter(|f| f.starts_with("--enable"))
                    .collect();
                unused_exports::drop_from_wasm(&wasm_opt.with_file_name("wasm-metadce"), &staged.wasm, &features)?;
                run(Command::new(wasm_opt)
                    .args(WASM_OPT_FLAGS)
                    .arg(&staged.wasm)
                    .arg("-o")
                    .arg(&staged.wasm))
            })?,
            None => println!(
                "warning: wasm-opt not found (run `npm ci` in e2e/ for it); \
                 public/pkg gets an unoptimised, larger bundle"
            ),
        }
        staged.write_stamp(&want_stamp)?;
    }
    if esbuild.is_none() {
        println!("warning: esbuild not found (run `npm ci` in e2e/ for it); the JS in public/pkg is not minified");
    }
    steps.run("widget: minify, hash and compress into public/pkg", || {
        package(&staged, esbuild.as_deref(), &payload::pkg_dir())
    })
}

/// wasm-bindgen's and wasm-opt's output under target/, plus a stamp naming the compiler
/// output they were made from, so an unchanged widget skips both (cargo already skips
/// itself).
struct Staged {
    dir: PathBuf,
    wasm: PathBuf,
    glue: PathBuf,
    stamp: PathBuf,
}

impl Staged {
    fn new() -> Self {
        let dir = target_dir().join("wasm-bindgen/out");
        Self {
            wasm: dir.join("plugboard_widget_bg.wasm"),
            glue: dir.join("plugboard_widget.js"),
            stamp: target_dir().join("wasm-bindgen/plugboard_widget.stamp"),
            dir,
        }
    }

    fn is_current(&self, want: &str) -> bool {
        self.wasm.is_file() && self.glue.is_file() && fs::read_to_string(&self.stamp).is_ok_and(|have| have == want)
    }

    fn write_stamp(&self, stamp: &str) -> anyhow::Result<()> {
        let dir = self.stamp.parent().expect("stamp has a parent");
        fs::create_dir_all(dir)?;
        fs::write(&self.stamp, stamp).with_context(|| format!("cannot write {}", self.stamp.display()))
    }
}

/// Identifies one compiler output: its modification time and size, and the wasm-opt
/// flags the bundle made from it went through.
fn stamp_for(compiled: &Path, optimised: bool) -> anyhow::Result<String> {
    let meta = fs::metadata(compiled).with_context(|| format!("cargo produced no {}", compiled.display()))?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let flags = if optimised {
        format!("metadce, {}", WASM_OPT_FLAGS.join(" "))
    } else {
        "none".to_owned()
    };
    Ok(format!("{mtime} {} wasm-opt: {flags}\n", meta.len()))
}

/// Fills public/pkg/ with what the server sends: the glue and the wasm under one content
/// hash (`plugboard_widget-<hash>.js`, `…-<hash>_bg.wasm`, cached for a year), the loaders
/// `widget.js` and `widget.mjs` naming that hash, all minified, each with `.br` and `.gz`
/// siblings. Files of earlier builds are removed.
fn package(staged: &Staged, esbuild: Option<&Path>, pkg: &Path) -> anyhow::Result<()> {
    let wasm = fs::read(&staged.wasm).with_context(|| format!("cannot read {}", staged.wasm.display()))?;
    let glue = unused_exports::drop_from_glue(&fs::read_to_string(&staged.glue)?)?;
    let glue = minify(esbuild, &glue)?;
    let hash = content_hash(&[&wasm, glue.as_bytes()]);
    let (glue_name, wasm_name) = (payload::glue_name(&hash), payload::wasm_name(&hash));
    // The loader passes the wasm's URL in; the glue's own default is renamed all the same.
    let glue = glue.replace("plugboard_widget_bg.wasm", &wasm_name);

    let public = workspace_root().join("public");
    let loader_source = fs::read_to_string(public.join("widget.js")).context("cannot read public/widget.js")?;
    if !loader_source.contains(payload::BUNDLE_PREFIX) {
        bail!(
            "public/widget.js no longer names the bundle as \"{}\" (+ \".js\" / \"_bg.wasm\"); \
             the build substitutes that string with the hashed name",
            payload::BUNDLE_PREFIX
        );
    }
    let loader = minify(
        esbuild,
        &loader_source.replace(payload::BUNDLE_PREFIX, &format!("{}-{hash}", payload::BUNDLE_PREFIX)),
    )?;
    let module_loader = minify(
        esbuild,
        &fs::read_to_string(public.join("widget.mjs")).context("cannot read public/widget.mjs")?,
    )?;

    fs::create_dir_all(pkg)?;
    // The bundle first and the loaders that name it after, so a running server never
    // serves a loader whose bundle is not there yet.
    let files: [(&str, &[u8]); 4] = [
        (&wasm_name, &wasm),
        (&glue_name, glue.as_bytes()),
        (payload::LOADER, loader.as_bytes()),
        (payload::MODULE_LOADER, module_loader.as_bytes()),
    ];
    let mut keep = Vec::new();
    for (name, data) in files {
        write_served(&pkg.join(name), data)?;
        keep.push(name.to_owned());
        keep.extend(payload::SIBLINGS.iter().map(|s| format!("{name}{s}")));
    }
    for entry in fs::read_dir(pkg)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && !keep.contains(&name) {
            fs::remove_file(entry.path()).with_context(|| format!("cannot remove {}", entry.path().display()))?;
            println!("removed public/pkg/{name}");
        }
    }
    println!(
        "public/pkg: {wasm_name}, {glue_name}, {}, {}",
        payload::LOADER,
        payload::MODULE_LOADER
    );
    Ok(())
}

/// The first 10 hex digits of the SHA-256 of `parts`, in order.
fn content_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize()[..5].iter().map(|b| format!("{b:02x}")).collect()
}

/// esbuild `--minify` over `source` (format kept: a classic script stays one, a module
/// stays a module; non-ASCII escaped, so a host page's charset cannot garble it), or
/// `source` unchanged without esbuild.
fn minify(esbuild: Option<&Path>, source: &str) -> anyhow::Result<String> {
    let Some(esbuild) = esbuild else {
        return Ok(source.to_owned());
    };
    let mut child = Command::new(esbuild)
        .args(["--minify", "--loader=js", "--log-level=warning"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", esbuild.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    writer.join().expect("writer thread")?;
    if !out.status.success() {
        bail!("esbuild --minify failed ({})", out.status);
    }
    String::from_utf8(out.stdout).context("esbuild wrote non-UTF-8")
}

/// Writes `data` and its `.br` and `.gz` siblings, each through a temporary file and a
/// rename; skipped when the file already holds `data` and has both siblings.
pub(crate) fn write_served(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    let current = fs::read(path).is_ok_and(|have| have == data)
        && payload::SIBLINGS.iter().all(|s| payload::sibling(path, s).is_file());
    if current {
        return Ok(());
    }
    let variants = [
        (payload::sibling(path, ".br"), payload::brotli(data)?),
        (payload::sibling(path, ".gz"), payload::gzip(data)?),
        (path.to_path_buf(), data.to_vec()),
    ];
    for (path, data) in variants {
        let tmp = payload::sibling(&path, ".tmp");
        fs::write(&tmp, &data).with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// `--exclude` for the browser-only crates (the widget, the console), which the native
/// clippy and test runs leave out: they are linted and tested for wasm32.
pub(crate) const NATIVE_EXCLUDES: [&str; 4] = ["--exclude", "plugboard-widget", "--exclude", "plugboard-console"];

/// The `plugboard` binary. Right after `cargo test --workspace`, asking for the workspace's
/// tests again (`--no-run`) is free and leaves the binary the integration tests used in
/// target/debug; a plain `cargo build -p plugboard-server` would resolve features without
/// the dev-dependencies' and recompile part of the tree for nothing.
pub fn build_server(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<Built> {
    let profile = if options.release { "release" } else { "debug" };
    steps.run(&format!("server: cargo build ({profile})"), || {
        let mut cmd = cargo();
        if options.server_as_tested {
            cmd.args(["test", "--workspace"]).args(NATIVE_EXCLUDES).arg("--no-run");
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
