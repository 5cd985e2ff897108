use leptos::prelude::*;
use plugboard_shared::console::{AppsOverview, CatalogApp};

use crate::api::ApiResult;

/// The catalog and deployments, loaded once per sign-in: app names and logos in every
/// table, the app and category choices of the filters and the link form.
#[derive(Clone, Copy)]
pub struct Catalog(pub LocalResource<ApiResult<AppsOverview>>);

impl Catalog {
    /// One catalog app; `None` until the catalog is loaded, or for an app it no longer has.
    pub fn app(&self, key: &str) -> Option<CatalogApp> {
        self.0
            .read()
            .as_ref()?
            .as_ref()
            .ok()?
            .catalog
            .iter()
            .find(|app| app.key.as_str() == key)
            .cloned()
    }

    /// The loaded overview, if it is.
    pub fn overview(&self) -> Option<AppsOverview> {
        self.0.get().and_then(Result::ok)
    }
}

/// An app's logo and name; its key until the catalog is there (or when it lacks the app).
#[component]
pub fn AppLabel(#[prop(into)] key: String) -> impl IntoView {
    let catalog = expect_context::<Catalog>();
    move || match catalog.app(&key) {
        Some(app) => view! {
            <span class="app-label">
                // The name is right beside it: the logo is decoration (alt="").
                <img src=app.logo_url alt="" width="20" height="20" loading="lazy"/>
                <span>{app.name}</span>
            </span>
        }
        .into_any(),
        None => view! { <span class="app-label mono">{key.clone()}</span> }.into_any(),
    }
}
