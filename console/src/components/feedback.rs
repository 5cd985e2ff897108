use leptos::prelude::*;

use crate::api::{ApiError, ApiResult};

/// What came of something the operator did, said where they did it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

impl Outcome {
    /// The server's message for a refusal.
    pub fn failed(error: &ApiError) -> Self {
        Self::Failed(error.message.clone())
    }
}

/// Two live regions that are always in the page (a region added together with its text
/// is often not announced): successes politely, failures as an alert.
#[component]
pub fn OutcomeRegion(#[prop(into)] outcome: Signal<Option<Outcome>>) -> impl IntoView {
    let done = move || match outcome.get() {
        Some(Outcome::Done(text)) => Some(view! {
            <p class="notice notice-ok"><span aria-hidden="true">"✓ "</span>{text}</p>
        }),
        _ => None,
    };
    let failed = move || match outcome.get() {
        Some(Outcome::Failed(text)) => Some(view! {
            <p class="notice notice-error"><span aria-hidden="true">"⚠ "</span>{text}</p>
        }),
        _ => None,
    };
    view! {
        <div class="outcome" role="status">{done}</div>
        <div class="outcome" role="alert">{failed}</div>
    }
}

/// A load that failed: the server's message and a way to try again.
#[component]
pub fn LoadError(error: ApiError, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="notice notice-error load-error" role="alert">
            <p><span aria-hidden="true">"⚠ "</span>{error.message}</p>
            <button type="button" class="button" on:click=move |_| retry()>"Try again"</button>
        </div>
    }
}

/// The three states of a screen's data: loading (announced), failed (with Try again),
/// loaded (`ok`). A reload keeps the old data on screen until the new arrives.
pub fn loaded<T, V>(
    resource: LocalResource<ApiResult<T>>,
    what: &'static str,
    ok: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <p class="muted loading" role="status">"Loading " {what} "…"</p> }.into_any(),
        Some(Err(error)) => view! { <LoadError error retry=move || resource.refetch()/> }.into_any(),
        Some(Ok(value)) => ok.clone()(value).into_any(),
    }
}
