use leptos::prelude::*;

use crate::format;

/// A readable time, the exact RFC 3339 value in `datetime` and as a tooltip; `none` when
/// there is no time (never verified, not delivered…).
#[component]
pub fn Time(#[prop(into)] at: Option<String>, #[prop(default = "—")] none: &'static str) -> impl IntoView {
    match at {
        Some(at) => {
            let readable = format::time(&at);
            view! { <time datetime=at.clone() title=at>{readable}</time> }.into_any()
        }
        None => view! { <span class="muted">{none}</span> }.into_any(),
    }
}
