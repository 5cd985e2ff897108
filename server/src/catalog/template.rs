//! `{name}` placeholders in catalog URLs and verification settings, filled from values the
//! person typed (a subdomain), the server (`public_url`) or the credentials.

use std::collections::BTreeMap;

/// Values a template may use.
pub type Values = BTreeMap<String, String>;

/// The placeholder names in `template`, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        names.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    names
}

/// `template` with each `{name}` replaced; the first missing name is the error.
pub fn fill(template: &str, values: &Values) -> Result<String, String> {
    let mut out = template.to_owned();
    for name in placeholders(template) {
        let value = values.get(name).ok_or_else(|| name.to_owned())?;
        out = out.replacen(&format!("{{{name}}}"), value, 1);
    }
    Ok(out)
}

/// Whether `value` may go into a URL: a DNS label or host fragment, nothing that could
/// change the URL's host, path or authority (`/`, `@`, `:`, `?`, `#`…), which would turn
/// a subdomain field into a server-side request forgery.
pub fn url_safe(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 253
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !value.starts_with(['-', '.'])
        && !value.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_placeholder() {
        let values: Values = [("subdomain".to_owned(), "acme".to_owned())].into();
        assert_eq!(
            fill("https://{subdomain}.zendesk.com/x", &values).unwrap(),
            "https://acme.zendesk.com/x"
        );
        assert_eq!(fill("https://{region}.x.com", &values).unwrap_err(), "region");
        assert_eq!(placeholders("{a}/{b}"), ["a", "b"]);
    }

    #[test]
    fn url_values_cannot_change_the_host() {
        assert!(url_safe("acme") && url_safe("acme-eu.dev"));
        for bad in ["", "evil.com/", "a@b", "a:1", "a?x", "a#", "..", ".a", "a b", "ä"] {
            assert!(!url_safe(bad), "{bad:?}");
        }
    }
}
