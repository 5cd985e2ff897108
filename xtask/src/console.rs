//! The operators' console (`console/`, served at `/console`): cargo → wasm-bindgen →
//! wasm-opt into public/console/pkg/, each file with `.br` and `.gz` siblings. Part of
//! every `cargo xtask build`, `run`, `test` and `bench`.
//!
//! Unlike the widget it has no size budget and no content hash: one page on the host's
//! own server loads it (public/console/boot.js names the files), not every host page.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::build::{self, BuildOptions};
use crate::payload;
use crate::process::{run, target_dir, workspace_root};
use crate::steps::Steps;
use crate::tools;

/// The files boot.js loads, as wasm-bindgen names them.
const FILES: [&str; 2] = ["plugboard_console.js", "plugboard_console_bg.wasm"];

pub fn pkg_dir() -> PathBuf {
    workspace_root().join("public/console/pkg")
}

pub fn build_console(steps: &mut Steps, options: &BuildOptions) -> anyhow::Result<()> {
    let compiled = crate::build::build_wasm_crate(steps, "console", "plugboard-console")?;
    let wasm_opt = tools::wasm_opt();
    if wasm_opt.is_none() && options.require_npm_tools {
        bail!("wasm-opt is missing: run `npm ci` in e2e/ (binaryen is among its packages)");
    }
    // wasm-bindgen's and wasm-opt's output stays under target/ with a stamp naming the
    // compiler output it came from, so an unchanged console skips both.
    let staged = target_dir().join("wasm-bindgen/console");
    let stamp_path = target_dir().join("wasm-bindgen/plugboard_console.stamp");
    let stamp = stamp_for(&compiled, wasm_opt.is_some())?;
    let current = FILES.iter().all(|f| staged.join(f).is_file())
        && fs::read_to_string(&stamp_path).is_ok_and(|have| have == stamp);
    if current {
        println!("{} is up to date with {}", staged.display(), compiled.display());
    } else {
        steps.run("console: wasm-bindgen --target web", || {
            let cli = tools::ensure_wasm_bindgen()?.cli;
            let _ = fs::remove_dir_all(&staged);
            run(Command::new(cli)
                .args(["--target", "web", "--no-typescript", "--out-dir"])
                .arg(&staged)
                .arg(&compiled))
        })?;
        match &wasm_opt {
            Some(wasm_opt) => steps.run("console: wasm-opt -O1", || {
                let wasm = staged.join(FILES[1]);
                run(Command::new(wasm_opt)
                    .args(build::WASM_OPT_FLAGS.iter().filter(|f| **f != "--converge"))
                    .arg(&wasm)
                    .arg("-o")
                    .arg(&wasm))
            })?,
            None => println!("warning: wasm-opt not found (run `npm ci` in e2e/ for it); the console is unoptimised"),
        }
        fs::write(&stamp_path, &stamp).with_context(|| format!("cannot write {}", stamp_path.display()))?;
    }
    steps.run("console: compress into public/console/pkg", || {
        let pkg = pkg_dir();
        fs::create_dir_all(&pkg)?;
        for name in FILES {
            let data = fs::read(staged.join(name)).with_context(|| format!("wasm-bindgen wrote no {name}"))?;
            build::write_served(&pkg.join(name), &data)?;
        }
        Ok(())
    })?;
    print_size()
}

/// The compiler output's modification time and size, and whether wasm-opt ran on it.
fn stamp_for(compiled: &Path, optimised: bool) -> anyhow::Result<String> {
    let meta = fs::metadata(compiled).with_context(|| format!("cargo produced no {}", compiled.display()))?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    Ok(format!("{mtime} {} wasm-opt: {optimised}\n", meta.len()))
}

/// The console's files as served (raw, gzip, brotli), as the build leaves them.
pub fn print_size() -> anyhow::Result<()> {
    let pkg = pkg_dir();
    println!("\nconsole bundle as served from public/console/pkg/ (bytes)");
    println!("  {:<44} {:>9} {:>9} {:>9}", "file", "raw", "gzip", "brotli");
    let mut total = [0; 3];
    for name in FILES {
        let path = pkg.join(name);
        let mut sizes = [0; 3];
        for (size, suffix) in sizes.iter_mut().zip(["", ".gz", ".br"]) {
            let file = payload::sibling(&path, suffix);
            *size = fs::metadata(&file)
                .with_context(|| format!("cannot read {}", file.display()))?
                .len();
        }
        let [raw, gz, br] = sizes;
        println!("  {name:<44} {raw:>9} {gz:>9} {br:>9}");
        for (t, s) in total.iter_mut().zip(sizes) {
            *t += s;
        }
    }
    let [raw, gz, br] = total;
    println!("  {:<44} {raw:>9} {gz:>9} {br:>9}", "total");
    Ok(())
}
