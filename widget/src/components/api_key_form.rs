use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use plugboard_shared::{AuthMode, FormField, WidgetApp};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

use crate::flow::ConnectFlow;
use crate::i18n::Strings;

/// One labelled input per field: credentials for API-key, basic and client-credentials
/// apps (verified by the server before it answers), or what an OAuth provider needs
/// before its popup (a subdomain).
pub fn api_key_form(flow: ConnectFlow, app: WidgetApp) -> impl IntoView {
    let t = flow.t;
    let fields = form_fields(&app);
    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    let submit_app = app.clone();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(form) = event.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
            return;
        };
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        let values = names
            .iter()
            .map(|name| (name.clone(), data.get(name).as_string().unwrap_or_default()))
            .collect();
        flow.submit(submit_app.clone(), values);
    };
    let inputs = fields
        .into_iter()
        .enumerate()
        .map(|(i, field)| {
            let kind = if field.secret { "password" } else { "text" };
            view! {
                <label class="pb-field">
                    <span>{label(&field, t)}</span>
                    <input
                        name=field.name
                        type=kind
                        placeholder=field.placeholder
                        required
                        autocomplete="off"
                        spellcheck="false"
                        data-focus=(i == 0).then_some("")
                    />
                </label>
            }
            .into_any()
        })
        .collect_view();

    view! {
        <form class="pb-form" on:submit=on_submit>
            <div class="pb-form-title">
                <img class="pb-logo" src=app.logo_url alt="" width="32" height="32"/>
                <h3>{app.name}</h3>
            </div>
            {inputs}
            <p class="pb-muted" role="status" hidden=move || !flow.busy.get()>
                {t.checking}
            </p>
            <div class="pb-actions">
                <button type="button" class="pb-button" on:click=move |_| flow.back()>
                    {t.back}
                </button>
                <button type="submit" class="pb-button pb-primary" disabled=move || flow.busy.get()>
                    {t.connect}
                </button>
            </div>
        </form>
    }
}

/// The catalog normally lists the fields; these defaults keep an older server usable.
fn form_fields(app: &WidgetApp) -> Vec<FormField> {
    if let Some(fields) = app.fields.as_ref().filter(|f| !f.is_empty()) {
        return fields.clone();
    }
    let field = |name: &str, label: &str, secret| FormField {
        name: name.into(),
        label: label.into(),
        secret,
        placeholder: None,
    };
    match app.auth_mode {
        AuthMode::Basic => vec![
            field("username", "Username", false),
            field("password", "Password", true),
        ],
        AuthMode::Oauth2Cc => vec![
            field("client_id", "Client ID", false),
            field("client_secret", "Client secret", true),
        ],
        AuthMode::ApiKey | AuthMode::Oauth2 => vec![field("api_key", "API key", true)],
    }
}

/// The catalog's common labels in the widget's language; a label a provider words its own
/// way ("Helpdesk subdomain") stays as the catalog has it.
fn label(field: &FormField, t: &Strings) -> String {
    match field.label.as_str() {
        "API key" => t.api_key,
        "Username" => t.username,
        "Password" => t.password,
        "Client ID" => t.client_id,
        "Client secret" => t.client_secret,
        "Subdomain" => t.subdomain,
        other => other,
    }
    .to_owned()
}
