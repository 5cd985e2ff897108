use leptos::prelude::*;

use crate::route::Router;

/// A screen's `<h1>` and the document title. After a navigation it takes focus, so a
/// screen reader reads the new screen's name as it would after a page load.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let router = expect_context::<Router>();
    let heading = NodeRef::<leptos::html::H1>::new();
    document().set_title(&format!("{text} · Plugboard console"));
    Effect::new(move |_| {
        if let Some(heading) = heading.get()
            && router.navigated.get_untracked()
        {
            let _ = heading.focus();
        }
    });
    view! { <h1 class="page-title" tabindex="-1" node_ref=heading>{text}</h1> }
}
