//! Drops what wasm-streams exports. Leptos links it for server functions, which the widget
//! never calls, and its three `#[wasm_bindgen]` classes (`IntoUnderlyingSource`, `…Sink`,
//! `…ByteSource`) are exports: roots no optimiser may remove, so their code stayed in the
//! wasm and their classes in the JS glue. Removing the exports with binaryen's
//! `wasm-metadce` lets wasm-opt drop the code behind them (1.1 KB brotli), and the glue
//! loses the classes (0.25 KB).

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::process::run;

/// wasm-bindgen's export names for those classes all contain this.
const UNUSED: &str = "intounderlying";
const UNUSED_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// Removes the unused exports from `wasm` in place; `features` are wasm-opt's `--enable-…`.
pub fn drop_from_wasm(wasm_metadce: &Path, wasm: &Path, features: &[&str]) -> anyhow::Result<()> {
    let bytes = fs::read(wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
    let mut roots = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::ExportSection(exports) = payload? {
            for export in exports {
                roots.push(export?.name.to_owned());
            }
        }
    }
    // metadce's graph: every other export is a root, so only the unused ones can go.
    let graph: Vec<serde_json::Value> = roots
        .iter()
        .enumerate()
        .map(|(i, name)| match name.contains(UNUSED) {
            true => serde_json::json!({ "name": format!("e{i}"), "export": name }),
            false => serde_json::json!({ "name": format!("e{i}"), "export": name, "root": true }),
        })
        .collect();
    let graph_file = wasm.with_extension("metadce.json");
    fs::write(&graph_file, serde_json::to_vec(&graph)?)?;
    run(Command::new(wasm_metadce)
        .args(features)
        .arg("--graph-file")
        .arg(&graph_file)
        .arg(wasm)
        .arg("-o")
        .arg(wasm))
}

/// `glue` without the classes' declarations, their `Symbol.dispose` lines and their
/// finalization registries. Fails when the glue does not have them in the expected shape,
/// so a wasm-bindgen upgrade cannot leave a half-edited file behind.
pub fn drop_from_glue(glue: &str) -> anyhow::Result<String> {
    let mut glue = glue.to_owned();
    for class in UNUSED_CLASSES {
        let start = glue
            .find(&format!("export class {class} {{"))
            .with_context(|| format!("the glue has no class {class}"))?;
        let end = start + glue[start..].find("\n}\n").context("the class has no end")? + 3;
        glue.replace_range(start..end, "");
        let dispose = format!("if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n");
        glue = glue.replacen(&dispose, "", 1);
        let registry = format!("const {class}Finalization = ");
        if let Some(start) = glue.find(&registry) {
            let end = start + glue[start..].find(";\n").context("the registry has no end")? + 2;
            glue.replace_range(start..end, "");
        }
        if glue.contains(class) {
            bail!("the glue still names {class} after removing it");
        }
    }
    Ok(glue)
}
