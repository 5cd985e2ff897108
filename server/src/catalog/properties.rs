//! Catalog files and templates over generated input: any text, and above all the real
//! files with bytes cut out, pasted in or repeated, is a provider or an error, never a
//! panic, through loading's own checks; templates fill exactly what they name, and a value
//! `url_safe` lets into a URL cannot move its host.

use proptest::prelude::*;

use super::template::{self, Values};
use super::{CATALOG_DIR, ProviderDef, parse_file};

/// What `Catalog::load` does with one file: parse it, fill the public URL, check it.
fn load_one(name: &str, text: &str) -> anyhow::Result<ProviderDef> {
    let mut def = parse_file(name, Some(text))?;
    def.fill_public_url("http://127.0.0.1:8080");
    def.check(true)?;
    // What the server reads from an accepted provider.
    let _ = (def.api_credential(), def.url_fields());
    let _ = def.logo_url("http://127.0.0.1:8080");
    Ok(def)
}

/// The embedded files, by name and text.
fn catalog_files() -> Vec<(String, String)> {
    CATALOG_DIR
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| Some((f.path().display().to_string(), f.contents_utf8()?.to_owned())))
        .collect()
}

/// How a file is damaged: a cut, a paste of TOML-ish text, a repeated line.
#[derive(Debug, Clone)]
enum Damage {
    Cut { at: usize, len: usize },
    Paste { at: usize, text: String },
    RepeatLine { line: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    let pasted = prop_oneof![
        any::<String>(),
        "[\\[\\]{}=\"',.#\n a-z0-9_-]{1,16}",
        Just("\n[verify]\n".to_owned()),
        Just("\nauth_mode = \"oauth2\"\n".to_owned()),
        Just("{metadata.x}".to_owned()),
        Just("{".to_owned()),
    ];
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Damage::Cut { at, len }),
        (any::<usize>(), pasted).prop_map(|(at, text)| Damage::Paste { at, text }),
        any::<usize>().prop_map(|line| Damage::RepeatLine { line }),
    ]
}

/// The char boundary at or before `at` (clamped to the text).
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, damage: &Damage) -> String {
    match damage {
        Damage::Cut { at, len } => {
            let start = floor(text, at % (text.len() + 1));
            let end = floor(text, start + len);
            format!("{}{}", &text[..start], &text[end..])
        }
        Damage::Paste { at, text: pasted } => {
            let at = floor(text, at % (text.len() + 1));
            format!("{}{pasted}{}", &text[..at], &text[at..])
        }
        Damage::RepeatLine { line } => {
            let lines: Vec<&str> = text.lines().collect();
            let mut out = lines.clone();
            if !lines.is_empty() {
                let i = line % lines.len();
                out.insert(i, lines[i]);
            }
            out.join("\n")
        }
    }
}

proptest! {
    #[test]
    fn any_text_is_a_provider_or_an_error(text in any::<String>()) {
        let _ = load_one("any.toml", &text);
    }

    #[test]
    fn damaged_catalog_files_are_providers_or_errors(
        file in any::<prop::sample::Index>(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let files = catalog_files();
        let (name, text) = file.get(&files);
        let damaged = damages.iter().fold(text.clone(), |text, d| apply(&text, d));
        let _ = load_one(name, &damaged);
    }

    #[test]
    fn templates_fill_exactly_the_names_they_hold(
        parts in prop::collection::vec(("[^{}]{0,8}", "[a-z_.]{1,8}", "[^{}]{0,8}"), 0..5),
        tail in "[^{}]{0,8}",
    ) {
        let template: String =
            parts.iter().map(|(text, name, _)| format!("{text}{{{name}}}")).collect::<String>() + &tail;
        let values: Values = parts.iter().map(|(_, name, value)| (name.clone(), value.clone())).collect();
        let names: Vec<&str> = parts.iter().map(|(_, name, _)| name.as_str()).collect();
        prop_assert_eq!(template::placeholders(&template), names);
        let filled = template::fill(&template, &values).expect("every name has a value");
        prop_assert!(!filled.contains('{'), "{:?}", filled);
        if let Some((_, missing, _)) = parts.first() {
            let mut fewer = values.clone();
            fewer.remove(missing);
            prop_assert_eq!(template::fill(&template, &fewer), Err(missing.clone()));
        }
    }

    #[test]
    fn any_template_fills_or_names_what_is_missing(template in any::<String>(), value in any::<String>()) {
        let values: Values = template::placeholders(&template)
            .into_iter()
            .map(|name| (name.to_owned(), value.clone()))
            .collect();
        let _ = template::fill(&template, &values);
        let _ = template::fill(&template, &Values::new());
    }

    /// The guard against a typed subdomain becoming a request to another server.
    #[test]
    fn url_safe_values_cannot_move_the_host(value in prop_oneof![any::<String>(), "[a-zA-Z0-9.@:/?#_-]{1,20}"]) {
        if template::url_safe(&value) {
            let values: Values = [("subdomain".to_owned(), value.clone())].into();
            let filled = template::fill("https://{subdomain}.example.com/x", &values).expect("named");
            if let Ok(url) = url::Url::parse(&filled) {
                let host = url.host_str().unwrap_or_default();
                prop_assert!(host.ends_with(".example.com"), "{value:?} made host {host:?}");
                prop_assert_eq!(url.path(), "/x");
            }
        }
    }
}
