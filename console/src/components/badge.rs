use leptos::prelude::*;
use plugboard_shared::AccountStatus;

use crate::format;

/// A small label with an icon and words: the colour only repeats what the words say.
#[component]
pub fn Badge(
    /// `ok`, `error`, `warn` or `neutral`.
    tone: &'static str,
    /// A glyph before the words, hidden from screen readers.
    icon: &'static str,
    #[prop(into)] text: String,
) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{tone}")>
            <span class="badge-icon" aria-hidden="true">{icon}</span>
            {text}
        </span>
    }
}

/// An account's status: verified, verification failed or needs re-auth.
#[component]
pub fn StatusBadge(status: AccountStatus) -> impl IntoView {
    let (tone, icon) = match status {
        AccountStatus::Verified => ("ok", "✓"),
        AccountStatus::VerificationFailed => ("error", "✕"),
        AccountStatus::NeedsReauth => ("warn", "↻"),
    };
    view! { <Badge tone icon text=format::status(status)/> }
}
