//! Apps and deployments: which apps each deployment lists, and the whole catalog with
//! what each app still needs before customers can connect it.

use leptos::prelude::*;
use plugboard_shared::AuthMode;
use plugboard_shared::console::{AppsOverview, CatalogApp, DeploymentInfo};

use crate::components::{AppLabel, Badge, Catalog, CopyButton, DataTable, Heading, PageTitle, loaded};
use crate::format;

const COLUMNS: &[Heading] = &[
    Heading::text("App"),
    Heading::text("Category"),
    Heading::text("Auth mode"),
    Heading::text("Deployments"),
    Heading::text("Set-up"),
];

#[component]
pub fn AppsPage() -> impl IntoView {
    let catalog = expect_context::<Catalog>();
    view! {
        <PageTitle text="Apps and deployments"/>
        {loaded(catalog.0, "the catalog", |overview: AppsOverview| view! {
            <Deployments deployments=overview.deployments/>
            <CatalogBrowser apps=overview.catalog/>
        })}
    }
}

#[component]
fn Deployments(deployments: Vec<DeploymentInfo>) -> impl IntoView {
    let cards = deployments
        .into_iter()
        .map(|d| {
            let heading = format!("deployment-{}", d.id);
            let labelled_by = heading.clone();
            let state = if d.active {
                view! { <Badge tone="ok" icon="●" text="Active"/> }.into_any()
            } else {
                view! { <Badge tone="neutral" icon="○" text="Inactive"/> }.into_any()
            };
            let count = d.apps.len();
            let apps = d
                .apps
                .into_iter()
                .map(|key| view! { <li><AppLabel key=key.to_string()/></li> })
                .collect_view();
            view! {
                <section class="card deployment" aria-labelledby=labelled_by>
                    <h3 id=heading>
                        <span class="mono">{d.id.to_string()}</span> " " {state}
                    </h3>
                    <p class="muted small">{count} {if count == 1 { " app" } else { " apps" }}</p>
                    <ul class="chips">{apps}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <section class="section">
            <h2>"Deployments"</h2>
            <div class="cards">{cards}</div>
        </section>
    }
}

const AUTH_MODES: [AuthMode; 4] = [AuthMode::Oauth2, AuthMode::Oauth2Cc, AuthMode::ApiKey, AuthMode::Basic];

#[component]
fn CatalogBrowser(apps: Vec<CatalogApp>) -> impl IntoView {
    let total = apps.len();
    let apps = StoredValue::new(apps);
    let words = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let mode = RwSignal::new(String::new());
    let shown = Memo::new(move |_| {
        let words = words.get().trim().to_lowercase();
        let (category, mode) = (category.get(), mode.get());
        apps.with_value(|apps| {
            apps.iter()
                .filter(|app| category.is_empty() || app.category == category)
                .filter(|app| mode.is_empty() || format::auth_mode_value(app.auth_mode) == mode)
                .filter(|app| {
                    words.is_empty()
                        || [app.name.as_str(), app.key.as_str(), app.category_label.as_str()]
                            .iter()
                            .any(|text| text.to_lowercase().contains(&words))
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let mut categories: Vec<(String, String)> = apps.with_value(|apps| {
        apps.iter()
            .map(|a| (a.category.clone(), a.category_label.clone()))
            .collect()
    });
    categories.sort_by(|a, b| a.1.cmp(&b.1));
    categories.dedup();
    let category_options = categories
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    let mode_options = AUTH_MODES
        .into_iter()
        .map(|m| view! { <option value=format::auth_mode_value(m)>{format::auth_mode(m)}</option> })
        .collect_view();
    view! {
        <section class="section">
            <h2>"Catalog"</h2>
            <form class="filters" role="search" aria-label="Filter the catalog" on:submit=|ev| ev.prevent_default()>
                <div class="field field-grow">
                    <label for="catalog-search">"Search"</label>
                    <input id="catalog-search" type="search" on:input=move |ev| words.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="catalog-category">"Category"</label>
                    <select id="catalog-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">"All categories"</option>
                        {category_options}
                    </select>
                </div>
                <div class="field">
                    <label for="catalog-mode">"Auth mode"</label>
                    <select id="catalog-mode" on:change=move |ev| mode.set(event_target_value(&ev))>
                        <option value="">"Any auth mode"</option>
                        {mode_options}
                    </select>
                </div>
            </form>
            <p class="muted" role="status">
                {move || format!("{} of {total} apps", shown.with(Vec::len))}
            </p>
            <DataTable label="Catalog" headings=COLUMNS>
                <For each=move || shown.get() key=|app| app.key.clone() let:app>
                    <CatalogRow app/>
                </For>
            </DataTable>
        </section>
    }
}

#[component]
fn CatalogRow(app: CatalogApp) -> impl IntoView {
    let deployments = if app.deployments.is_empty() {
        "none".to_owned()
    } else {
        app.deployments
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fields = (!app.fields.is_empty()).then(|| {
        view! { <p class="small muted">"Asks for: " {app.fields.join(", ")}</p> }
    });
    view! {
        <tr>
            <td>
                <AppLabel key=app.key.to_string()/>
                <span class="small muted mono block">{app.key.to_string()}</span>
            </td>
            <td>{app.category_label.clone()}</td>
            <td>{format::auth_mode(app.auth_mode)} {fields}</td>
            <td class="mono">{deployments}</td>
            <td><SetUp app/></td>
        </tr>
    }
}

/// Ready, or what the host must add to its configuration first.
#[component]
fn SetUp(app: CatalogApp) -> impl IntoView {
    let redirect = app.redirect_uri.clone().map(|uri| {
        view! {
            <p class="small">
                "Redirect URI to register: " <code class="break">{uri.clone()}</code> " "
                <CopyButton text=uri what=format!("redirect URI of {}", app.name)/>
            </p>
        }
    });
    if app.configured {
        return view! { <Badge tone="ok" icon="✓" text="Ready"/> {redirect} }.into_any();
    }
    view! {
        <Badge tone="warn" icon="!" text="Needs client credentials"/>
        <p class="small">
            "Add " <code>{format!("[apps.{}]", app.key)}</code>
            " with " <code>"client_id"</code> " and " <code>"client_secret"</code>
            " to the configuration."
        </p>
        {redirect}
    }
    .into_any()
}
