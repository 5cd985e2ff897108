//! Words and times as operators read them. The server speaks RFC 3339 and snake_case
//! codes; the screens show "2 Dec 2025, 14:05" and "Needs re-auth", keeping the exact
//! value in a `title` or `datetime` for whoever needs it.

use plugboard_shared::{AccountStatus, AuthMode};
use wasm_bindgen::JsValue;

/// `2025-12-02T14:05:09Z` → `2 Dec 2025, 14:05` in the browser's time zone; the input
/// unchanged when the browser cannot read it.
pub fn time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    // en-GB: day before month and a 24-hour clock, which no operator misreads.
    date.to_locale_string("en-GB", &options).into()
}

pub fn status(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Verified => "Verified",
        AccountStatus::VerificationFailed => "Verification failed",
        AccountStatus::NeedsReauth => "Needs re-auth",
    }
}

pub fn auth_mode(mode: AuthMode) -> &'static str {
    match mode {
        AuthMode::Oauth2 => "OAuth 2.0",
        AuthMode::Oauth2Cc => "OAuth 2.0 client credentials",
        AuthMode::ApiKey => "API key",
        AuthMode::Basic => "Username and password",
    }
}

/// The wire value of an auth mode, for filter selects.
pub fn auth_mode_value(mode: AuthMode) -> &'static str {
    match mode {
        AuthMode::Oauth2 => "oauth2",
        AuthMode::Oauth2Cc => "oauth2_cc",
        AuthMode::ApiKey => "api_key",
        AuthMode::Basic => "basic",
    }
}

/// `verify_account` → `Verify account`: audit actions and log actions are snake_case
/// codes the server may add to; any of them reads well this way.
pub fn code(code: &str) -> String {
    let spaced = code.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// `1234` → `1,234 ms`.
pub fn latency(ms: i64) -> String {
    let digits = ms.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out} ms", if ms < 0 { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn codes_read_as_words() {
        assert_eq!(code("verify_account"), "Verify account");
        assert_eq!(code("credentials_read"), "Credentials read");
        assert_eq!(code(""), "");
    }

    #[wasm_bindgen_test]
    fn latencies_group_thousands() {
        assert_eq!(latency(7), "7 ms");
        assert_eq!(latency(1234), "1,234 ms");
        assert_eq!(latency(1234567), "1,234,567 ms");
        assert_eq!(latency(-5), "-5 ms");
    }

    #[wasm_bindgen_test]
    fn times_are_readable_and_unreadable_ones_stay_as_they_came() {
        let shown = time("2025-12-02T14:05:09Z");
        assert!(shown.contains("2025") && shown.contains("Dec"), "{shown}");
        assert_eq!(time("not a time"), "not a time");
    }
}
