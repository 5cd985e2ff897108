//! Minifies `public/widget.css` into `OUT_DIR` for `mount.rs` to compile in: the stylesheet
//! is written for people (comments, one property per idea), the bundle wants none of that.
//!
//! Twenty lines rather than a CSS crate: the rules are our own, plain CSS, and a real
//! minifier (lightningcss) would add minutes of build time for a few hundred bytes more.

use std::path::Path;

fn main() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/widget.css");
    println!("cargo::rerun-if-changed={}", source.display());
    let css = std::fs::read_to_string(&source).expect("public/widget.css is readable");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("widget.min.css");
    std::fs::write(out, minify(&css)).expect("OUT_DIR is writable");
}

/// Drops comments and the whitespace that cannot matter: runs of it become one space, and
/// none is kept next to `{ } ; , >` or after a declaration's `:` … but a `:` in a selector
/// (`a :hover` ≠ `a:hover`) keeps its space, so only spaces *after* `:` inside braces go.
fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*/").expect("comments are closed") + start + 2;
        rest = &rest[end..];
    }
    out.push_str(rest);
    let words: Vec<&str> = out.split_whitespace().collect();
    let mut css = String::with_capacity(out.len());
    let mut depth = 0;
    for word in words {
        let glue = |c: char| "{};,>".contains(c);
        let last = css.chars().last();
        let after_colon = depth > 0 && last == Some(':');
        if !css.is_empty() && !last.is_some_and(glue) && !word.starts_with(glue) && !after_colon {
            css.push(' ');
        }
        depth += word.matches('{').count();
        depth -= word.matches('}').count();
        css.push_str(word);
    }
    css
}
