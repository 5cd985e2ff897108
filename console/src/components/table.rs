use leptos::prelude::*;

/// A wide table in a box that scrolls sideways on narrow screens. The box takes focus
/// (tabindex) so keyboard users can scroll it too, which needs a name (WCAG 2.1.1).
#[component]
pub fn TableRegion(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-region" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}
