//! The widget's payload: the files `cargo xtask build` writes into public/pkg/ (names,
//! compressed siblings) and what a host page downloads from them, measured the one way
//! `bench` reports and `test` enforces.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::process::workspace_root;

/// What a host page downloads to show the widget (loader + glue + wasm; the CSS is
/// compiled into the wasm), brotli-compressed, must stay under this.
pub const BUDGET_BROTLI_BYTES: u64 = 100 * 1000;

/// The loader's source names the bundle by this prefix (`+ ".js"`, `+ "_bg.wasm"`); the
/// built loader names `{BUNDLE_PREFIX}-{hash}` instead.
pub const BUNDLE_PREFIX: &str = "/pkg/plugboard_widget";
/// The built loaders in public/pkg/, served at `/widget.js` and `/widget.mjs`.
pub const LOADER: &str = "widget.js";
pub const MODULE_LOADER: &str = "widget.mjs";
/// Every served file has these precompressed siblings.
pub const SIBLINGS: [&str; 2] = [".br", ".gz"];

/// The wasm-bindgen JS glue for one content hash.
pub fn glue_name(hash: &str) -> String {
    format!("plugboard_widget-{hash}.js")
}

/// The wasm module for one content hash.
pub fn wasm_name(hash: &str) -> String {
    format!("plugboard_widget-{hash}_bg.wasm")
}

pub fn pkg_dir() -> PathBuf {
    workspace_root().join("public/pkg")
}

/// gzip at its best level (what the build serves as `.gz`).
pub fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// brotli at quality 11 (what the build serves as `.br`).
pub fn brotli(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

/// One downloaded file and its size as served: raw, gzip, brotli.
pub struct Sizes {
    pub kind: &'static str,
    pub name: String,
    pub bytes: [u64; 3],
}

/// The built loader in public/pkg/, and the hashed glue and wasm it names, each measured
/// by its `.gz` and `.br` siblings: exactly the bytes the server sends.
pub fn measure() -> anyhow::Result<Vec<Sizes>> {
    let pkg = pkg_dir();
    let loader_path = pkg.join(LOADER);
    let loader = fs::read_to_string(&loader_path)
        .with_context(|| format!("no built loader at {} (run `cargo xtask build`)", loader_path.display()))?;
    let hash = bundle_hash(&loader).with_context(|| {
        format!(
            "{} does not name a hashed bundle ({BUNDLE_PREFIX}-<hash>)",
            loader_path.display()
        )
    })?;
    [
        ("JS", LOADER.to_owned()),
        ("JS", glue_name(hash)),
        ("wasm", wasm_name(hash)),
    ]
    .into_iter()
    .map(|(kind, name)| {
        let path = pkg.join(&name);
        let bytes = [
            file_len(&path)?,
            file_len(&sibling(&path, ".gz"))?,
            file_len(&sibling(&path, ".br"))?,
        ];
        Ok(Sizes { kind, name, bytes })
    })
    .collect()
}

/// The hex hash after the first `{BUNDLE_PREFIX}-` in a built loader.
fn bundle_hash(loader: &str) -> Option<&str> {
    let marker = format!("{BUNDLE_PREFIX}-");
    let start = loader.find(&marker)? + marker.len();
    let rest = &loader[start..];
    let end = rest.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// `path` with `suffix` appended to its file name (`x.js` → `x.js.br`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn file_len(path: &Path) -> anyhow::Result<u64> {
    let meta =
        fs::metadata(path).with_context(|| format!("cannot read {} (run `cargo xtask build`)", path.display()))?;
    Ok(meta.len())
}

pub fn total_brotli(files: &[Sizes]) -> u64 {
    totals(files.iter())[2]
}

pub fn print(files: &[Sizes]) {
    println!("\nwidget payload as served from public/pkg/ (bytes)");
    println!("  {:<44} {:>9} {:>9} {:>9}", "file", "raw", "gzip", "brotli");
    for file in files {
        let [raw, gz, br] = file.bytes;
        println!("  {:<44} {raw:>9} {gz:>9} {br:>9}", file.name);
    }
    for kind in ["wasm", "JS"] {
        let [raw, gz, br] = totals(files.iter().filter(|f| f.kind == kind));
        println!("  {:<44} {raw:>9} {gz:>9} {br:>9}", format!("total {kind}"));
    }
    let [raw, gz, br] = totals(files.iter());
    println!("  {:<44} {raw:>9} {gz:>9} {br:>9}", "total");
}

fn totals<'a>(files: impl Iterator<Item = &'a Sizes>) -> [u64; 3] {
    files.fold([0; 3], |acc, f| {
        [acc[0] + f.bytes[0], acc[1] + f.bytes[1], acc[2] + f.bytes[2]]
    })
}

/// One line: the brotli total against the budget.
pub fn print_budget(files: &[Sizes]) {
    let brotli = total_brotli(files);
    let verdict = if brotli <= BUDGET_BROTLI_BYTES {
        "within budget"
    } else {
        "OVER BUDGET"
    };
    println!(
        "\nbudget: {brotli} B brotli of {BUDGET_BROTLI_BYTES} B ({:.0}%): {verdict}",
        brotli as f64 * 100.0 / BUDGET_BROTLI_BYTES as f64
    );
}

/// Fails when the payload is over budget.
pub fn check_budget(files: &[Sizes]) -> anyhow::Result<()> {
    let brotli = total_brotli(files);
    if brotli > BUDGET_BROTLI_BYTES {
        bail!("widget payload {brotli} B brotli exceeds the {BUDGET_BROTLI_BYTES} B budget");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_read_from_the_built_loader() {
        let loader = r#"var p=e+"/pkg/plugboard_widget-0123abcdef";import(p+".js")"#;
        assert_eq!(bundle_hash(loader), Some("0123abcdef"));
        assert_eq!(bundle_hash(r#"var p=e+"/pkg/plugboard_widget";"#), None);
    }

    #[test]
    fn over_budget_fails_with_the_figures() {
        let file = |br| Sizes {
            kind: "wasm",
            name: "x".into(),
            bytes: [0, 0, br],
        };
        assert!(check_budget(&[file(60_000), file(40_000)]).is_ok());
        let err = check_budget(&[file(60_000), file(40_001)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "widget payload 100001 B brotli exceeds the 100000 B budget"
        );
    }
}
