use leptos::prelude::*;
use plugboard_shared::WidgetApp;

use crate::flow::ConnectFlow;

/// One app. The button's accessible name is exactly the app's name (hosts and tests find
/// it by that), so the logo has an empty `alt` and the "Connected" badge sits outside the
/// button, linked as its description. The badge itself is `aria-hidden`: a screen reader
/// hears "Connected" once, as the button's description, not again as loose text.
pub fn app_card(flow: ConnectFlow, app: WidgetApp) -> impl IntoView {
    let badge_id = format!("pb-connected-{}", app.key);
    let badge = view! {
        <span class="pb-badge" id=badge_id.clone() aria-hidden="true" hidden=!app.connected>
            {flow.t.connected}
        </span>
    };
    let described_by = app.connected.then_some(badge_id);
    let (name, logo) = (app.name.clone(), app.logo_url.clone());
    let filtered_out = {
        let app = app.clone();
        move || !flow.shows(&app)
    };
    view! {
        <li class="pb-app" hidden=filtered_out>
            <button
                type="button"
                class="pb-app-button"
                aria-describedby=described_by
                on:click=move |_| flow.select(app.clone())
            >
                <img class="pb-logo" src=logo alt="" width="40" height="40"/>
                <span class="pb-app-name">{name}</span>
            </button>
            {badge}
        </li>
    }
}
