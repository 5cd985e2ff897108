//! `PLUGBOARD_<SECTION>_<KEY>` environment variables, overlaid on the file's table before
//! it is deserialized, so both sources go through the same typed checks.

use anyhow::Context;

/// Sections whose keys may be set from the environment.
const SECTIONS: [&str; 6] = ["server", "security", "webhooks", "limits", "console", "proxy"];
/// Keys whose environment value is a comma-separated list.
const LIST_KEYS: [&str; 5] = [
    "allowed_origins",
    "api_keys",
    "endpoints",
    "previous_master_keys",
    "trusted_proxies",
];
/// Keys whose environment value is a number.
const NUMBER_KEYS: [&str; 15] = [
    "initial_backoff_secs",
    "sandbox_token_lifetime",
    "maintenance_interval",
    "reverify_after",
    "link_tokens_per_minute",
    "widget_requests_per_minute",
    "unauthenticated_per_minute",
    "client_timeout_secs",
    "provider_timeout_secs",
    "idle_timeout_minutes",
    "session_hours",
    "retry_wait_secs",
    "timeout_secs",
    "max_request_mb",
    "max_response_mb",
];

/// Overlays `PLUGBOARD_SERVER_*` / `PLUGBOARD_SECURITY_*` (and `PLUGBOARD_MASTER_KEY`).
pub(super) fn apply_env(table: &mut toml::Table, env: &[(String, String)]) -> anyhow::Result<()> {
    for (name, value) in env {
        let Some(rest) = name.strip_prefix("PLUGBOARD_") else {
            continue;
        };
        let rest = if rest == "MASTER_KEY" {
            "SECURITY_MASTER_KEY"
        } else {
            rest
        };
        let Some((section, key)) = SECTIONS.iter().find_map(|s| {
            rest.strip_prefix(&s.to_uppercase())
                .and_then(|k| k.strip_prefix('_'))
                .map(|k| (*s, k))
        }) else {
            continue;
        };
        let key = key.to_lowercase();
        let entry = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .with_context(|| format!("[{section}] must be a table"))?;
        entry.insert(key.clone(), env_value(&key, value));
    }
    Ok(())
}

fn env_value(key: &str, value: &str) -> toml::Value {
    if LIST_KEYS.contains(&key) {
        let items = value.split(',').map(str::trim).filter(|s| !s.is_empty());
        return toml::Value::Array(items.map(|s| toml::Value::String(s.to_owned())).collect());
    }
    if let Some(number) = NUMBER_KEYS.contains(&key).then(|| value.parse::<i64>().ok()).flatten() {
        return toml::Value::Integer(number);
    }
    match value {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(value.to_owned()),
    }
}
