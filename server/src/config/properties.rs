//! The configuration over generated input: any file text and any `PLUGBOARD_*` value is a
//! configuration or an error naming what is wrong, never a panic, and valid values come
//! back as they were written, from the file and from the environment alike.

use proptest::prelude::*;

use super::Config;

const SECTIONS: [&str; 6] = ["server", "security", "webhooks", "limits", "console", "proxy"];

/// Every key of every section, and a few that are not.
const KEYS: [&str; 39] = [
    "mode",
    "bind",
    "public_url",
    "database_url",
    "allowed_origins",
    "own_app",
    "sandbox",
    "trusted_proxies",
    "sandbox_token_lifetime",
    "maintenance_interval",
    "reverify_after",
    "public_dir",
    "master_key_file",
    "master_key",
    "previous_master_keys",
    "api_keys",
    "app_id",
    "app_secret",
    "widget_allow_disconnect",
    "extra_ca_file",
    "endpoints",
    "secret",
    "initial_backoff_secs",
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
    "providers",
    "apps",
    "deployments",
    "",
    "no_such_key",
];

/// Each numeric key in its own section, so every one is reached often.
const NUMBERS: [(&str, &str); 15] = [
    ("server", "sandbox_token_lifetime"),
    ("server", "maintenance_interval"),
    ("server", "reverify_after"),
    ("webhooks", "initial_backoff_secs"),
    ("limits", "link_tokens_per_minute"),
    ("limits", "widget_requests_per_minute"),
    ("limits", "unauthenticated_per_minute"),
    ("limits", "client_timeout_secs"),
    ("limits", "provider_timeout_secs"),
    ("console", "idle_timeout_minutes"),
    ("console", "session_hours"),
    ("proxy", "retry_wait_secs"),
    ("proxy", "timeout_secs"),
    ("proxy", "max_request_mb"),
    ("proxy", "max_response_mb"),
];

/// A section and a key: half the time a numeric key where it belongs, else any pair.
fn entry() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        prop::sample::select(&NUMBERS[..]),
        (prop::sample::select(&SECTIONS[..]), prop::sample::select(&KEYS[..])),
    ]
}

/// Values of every TOML type, with numbers at the edges of every integer type the
/// configuration uses and strings that look like what the keys take.
fn toml_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(toml::Value::Integer),
        prop::sample::select(vec![0, -1, 1, i64::MAX, i64::MIN, u32::MAX as i64 + 1, 1 << 44])
            .prop_map(toml::Value::Integer),
        any::<f64>().prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
        text_value().prop_map(toml::Value::String),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
        ]
    })
}

/// Text a key of the configuration might be given: near-valid URLs, addresses,
/// origins and numbers, and anything at all.
fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "https?://[a-z0-9.:\\[\\]/-]{0,24}",
        "[0-9./:]{0,20}",
        "-?[0-9]{1,22}",
        "(development|production|[a-z]{0,10})",
        "[a-zA-Z0-9+/=, ]{0,50}",
    ]
}

/// What start-up reads from an accepted configuration; none of it may panic either.
fn use_it(config: &Config) {
    let _ = config.sandbox_enabled();
    let _ = config.client_timeout();
    let _ = config.provider_timeout();
    let _ = config.is_https();
    let _ = config.own_origin();
    let _ = config.allowed_origins();
    let _ = config.base_url();
    // What the server turns them into: seconds since the epoch it adds them to
    // (console/session.rs, maintenance.rs, the sandbox), and bytes (proxy.rs).
    let now = 4_102_444_800_i64; // 2100-01-01
    let console = &config.console;
    assert!(
        console.idle_timeout_minutes >= 1 && console.session_hours >= 1,
        "{console:?}"
    );
    assert!(
        console
            .idle_timeout_minutes
            .checked_mul(60)
            .and_then(|s| s.checked_add(now))
            .is_some()
    );
    assert!(
        console
            .session_hours
            .checked_mul(3600)
            .and_then(|s| s.checked_add(now))
            .is_some()
    );
    assert!(now.checked_sub(config.server.reverify_after).is_some());
    assert!(now.checked_add(config.server.sandbox_token_lifetime).is_some());
    assert!(config.proxy.max_request_mb.checked_mul(1024 * 1024).is_some());
    assert!(config.proxy.max_response_mb.checked_mul(1024 * 1024).is_some());
}

fn env_name(section: &str, key: &str) -> String {
    format!("PLUGBOARD_{}_{}", section.to_uppercase(), key.to_uppercase())
}

proptest! {
    #[test]
    fn any_file_text_is_a_config_or_an_error(text in any::<String>()) {
        if let Ok(config) = Config::from_text("test.toml", Some(&text), &[]) {
            use_it(&config);
        }
    }

    #[test]
    fn any_value_of_any_key_is_a_config_or_an_error(
        entries in prop::collection::vec((entry(), toml_value()), 1..4),
    ) {
        let mut text = String::new();
        for ((section, key), value) in &entries {
            if key.is_empty() {
                continue;
            }
            text.push_str(&format!("[{section}]\n{key} = {value}\n"));
        }
        if let Ok(config) = Config::from_text("test.toml", Some(&text), &[]) {
            use_it(&config);
        }
    }

    #[test]
    fn any_environment_is_a_config_or_an_error(
        entries in prop::collection::vec((entry(), text_value()), 1..4),
        master_key_alias in any::<Option<String>>(),
    ) {
        let mut env: Vec<(String, String)> =
            entries.into_iter().map(|((s, k), v)| (env_name(s, k), v)).collect();
        env.extend(master_key_alias.map(|v| ("PLUGBOARD_MASTER_KEY".to_owned(), v)));
        if let Ok(config) = Config::from_text("the environment", None, &env) {
            use_it(&config);
        }
    }

    #[test]
    fn limits_round_trip_from_the_file_and_the_environment(
        link_tokens in any::<u32>(),
        widget in any::<u32>(),
        unauthenticated in any::<u32>(),
        in_env in any::<bool>(),
    ) {
        let values = [
            ("link_tokens_per_minute", link_tokens),
            ("widget_requests_per_minute", widget),
            ("unauthenticated_per_minute", unauthenticated),
        ];
        let config = if in_env {
            let env: Vec<_> = values.iter().map(|(k, v)| (env_name("limits", k), v.to_string())).collect();
            Config::from_text("the environment", None, &env)
        } else {
            let text: String = values.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
            Config::from_text("test.toml", Some(&format!("[limits]\n{text}")), &[])
        };
        let limits = config.expect("limits within u32 are valid").limits;
        prop_assert_eq!(
            (limits.link_tokens_per_minute, limits.widget_requests_per_minute, limits.unauthenticated_per_minute),
            (link_tokens, widget, unauthenticated)
        );
    }

    #[test]
    fn allowed_origins_round_trip_in_their_canonical_form(
        origins in prop::collection::vec(("https?", "[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,6})?", any::<Option<u16>>()), 0..4),
    ) {
        let written: Vec<String> = origins
            .iter()
            .map(|(scheme, host, port)| match port {
                Some(port) => format!("{scheme}://{host}:{port}"),
                None => format!("{scheme}://{host}"),
            })
            .collect();
        let expected: Vec<String> = origins
            .iter()
            .map(|(scheme, host, port)| {
                let default = if scheme == "https" { 443 } else { 80 };
                match port {
                    Some(port) if *port != default => format!("{scheme}://{host}:{port}"),
                    _ => format!("{scheme}://{host}"),
                }
            })
            .collect();
        let env = [("PLUGBOARD_SERVER_ALLOWED_ORIGINS".to_owned(), written.join(", "))];
        let config = Config::from_text("the environment", None, &env).expect("origins are valid");
        prop_assert_eq!(config.allowed_origins(), expected);
    }
}
