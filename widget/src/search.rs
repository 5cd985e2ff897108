//! Narrowing a long app list in the browser: the search box's words and the category tab.
//! Pure functions over the list the server sent, so `tests/web.rs` checks them without
//! a server, and every keystroke filters at once with no request.

use js_sys::JsString;
use plugboard_shared::WidgetApp;

/// Lists up to this long fit on one screen; longer ones get the search box and tabs.
pub const SEARCH_ABOVE: usize = 8;

/// Whether `app` stays listed: it is in `category` (`None`: the "All" tab) and every word
/// of `query` appears in its name or category, ignoring case. An empty query keeps all.
///
/// Case and substrings are the browser's (`toLowerCase`, `includes`): all of Unicode, while
/// Rust's `str::to_lowercase` and `str::contains` would add more than 10 KB (brotli) of case
/// tables and searchers to the bundle.
pub fn matches(app: &WidgetApp, query: &str, category: Option<&str>) -> bool {
    if category.is_some_and(|c| c != app.category) {
        return false;
    }
    let haystack = lowercase(&format!("{} {} {}", app.name, app.category, app.category_label));
    String::from(lowercase(query))
        .split_whitespace()
        .all(|word| haystack.includes(word, 0))
}

fn lowercase(text: &str) -> JsString {
    JsString::from(text).to_lower_case()
}

/// The tabs for `apps`: `all` (`None`), then each category present once as its label and
/// slug, in the order of the labels. An app without a category is only under `all`.
pub fn tabs(apps: &[WidgetApp], all: &str) -> Vec<(String, Option<String>)> {
    let mut tabs = vec![(all.to_owned(), None)];
    for app in apps.iter().filter(|app| !app.category.is_empty()) {
        let label = &app.category_label;
        if let Err(at) = tabs[1..].binary_search_by(|(l, _)| l.cmp(label)) {
            tabs.insert(at + 1, (label.clone(), Some(app.category.clone())));
        }
    }
    tabs
}
