use leptos::prelude::*;

use crate::flow::ConnectFlow;

/// Narrows a long app list as the person types. `type=search` gives it the searchbox
/// role; its name is `aria-label`, as the placeholder vanishes once there is text. Escape
/// still closes the modal, as everywhere in it (the browser's own clear button empties it).
pub fn search_box(flow: ConnectFlow, shown: bool) -> impl IntoView {
    view! {
        <input
            type="search"
            hidden=!shown
            aria-label=flow.t.search
            placeholder=flow.t.search
            // Set once: the input is made again only when the list is, e.g. back from a form.
            value=flow.query.get_untracked()
            on:input=move |event| flow.query.set(event_target_value(&event))
        />
    }
}
