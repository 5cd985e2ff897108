//! Auth links (StackOne's "Create Auth Link", Truto's "Connect Account"): a link to the
//! hosted connect page for one customer, to send by e-mail; below, the recent links.

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::console::{AppsOverview, AuthLink, NewAuthLink};
use plugboard_shared::{DeploymentId, TenantId};

use super::link_list::LinkList;
use crate::api::Api;
use crate::components::{Catalog, CopyField, Outcome, OutcomeRegion, PageTitle, Time};

/// `expires_in_days` as the server takes it.
const DEFAULT_DAYS: u32 = 5;
const MAX_DAYS: u32 = 30;

#[component]
pub fn LinksPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let links = LocalResource::new(move || api.links());
    let created = RwSignal::new(None::<(String, AuthLink)>);
    view! {
        <PageTitle text="Auth links"/>
        <p class="lede">
            "A link to the hosted connect page for one customer: send it by e-mail, and the "
            "accounts they connect appear under Integrated accounts."
        </p>
        <LinkForm created on_created=move || links.refetch()/>
        {move || created.get().map(|(tenant, link)| view! { <CreatedLink tenant link/> })}
        <LinkList links/>
    }
}

/// The form's fields, as typed.
#[derive(Clone, Default)]
struct Draft {
    tenant_id: String,
    owner_name: String,
    username: String,
    category: String,
    deployment_id: String,
    days: String,
    redirect_uri: String,
}

impl Draft {
    /// The request, or what to fix first. The server checks everything again; checking
    /// here names the field.
    fn request(&self) -> Result<NewAuthLink, String> {
        let tenant_id = TenantId::parse(self.tenant_id.trim())
            .map_err(|_| "Customer id (tenant): use 1 to 128 letters, digits, “_”, “.” or “-”.".to_owned())?;
        let days = match self.days.trim() {
            "" => DEFAULT_DAYS,
            days => days
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d))
                .ok_or_else(|| format!("Expires in: a whole number of days from 1 to {MAX_DAYS}."))?,
        };
        let deployment_id = match self.deployment_id.as_str() {
            "" => None,
            id => Some(DeploymentId::parse(id).map_err(|e| e.to_string())?),
        };
        let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(NewAuthLink {
            tenant_id,
            owner_name: optional(&self.owner_name),
            username: optional(&self.username),
            category: optional(&self.category),
            deployment_id,
            expires_in_days: Some(days),
            redirect_uri: optional(&self.redirect_uri),
        })
    }
}

#[component]
fn LinkForm(
    created: RwSignal<Option<(String, AuthLink)>>,
    on_created: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let catalog = expect_context::<Catalog>();
    let draft = RwSignal::new(Draft {
        days: DEFAULT_DAYS.to_string(),
        ..Draft::default()
    });
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = match draft.with_untracked(Draft::request) {
            Ok(request) => request,
            Err(problem) => return outcome.set(Some(Outcome::Failed(problem))),
        };
        busy.set(true);
        let tenant = request.tenant_id.to_string();
        spawn_local(async move {
            match api.create_link(request).await {
                Ok(link) => {
                    outcome.try_set(Some(Outcome::Done(format!("Auth link created for {tenant}."))));
                    created.try_set(Some((tenant, link)));
                    on_created();
                }
                Err(error) => {
                    outcome.try_set(Some(Outcome::failed(&error)));
                }
            }
            busy.try_set(false);
        });
    };
    // A text input bound to one field of the draft.
    let input = move |id: &'static str, kind: &'static str, get: fn(&Draft) -> String, set: fn(&mut Draft, String)| {
        view! {
            <input
                id=id
                type=kind
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev)))
            />
        }
    };
    view! {
        <section class="card" aria-labelledby="create-link">
            <h2 id="create-link">"Create auth link"</h2>
            <form class="form-grid" on:submit=submit novalidate>
                <div class="field">
                    <label for="link-tenant">"Customer id (tenant)"</label>
                    {input("link-tenant", "text", |d| d.tenant_id.clone(), |d, v| d.tenant_id = v)}
                    <span class="hint">"Your id for the customer, e.g. acme-42"</span>
                </div>
                <div class="field">
                    <label for="link-owner">"Owner name (optional)"</label>
                    {input("link-owner", "text", |d| d.owner_name.clone(), |d, v| d.owner_name = v)}
                    <span class="hint">"The customer's name, shown on the connect page"</span>
                </div>
                <div class="field">
                    <label for="link-username">"Username (optional)"</label>
                    {input("link-username", "text", |d| d.username.clone(), |d, v| d.username = v)}
                    <span class="hint">"Who at the customer connects, e.g. an e-mail"</span>
                </div>
                <div class="field">
                    <label for="link-category">"Category"</label>
                    <select id="link-category" on:change=move |ev| draft.update(|d| d.category = event_target_value(&ev))>
                        <option value="">"All categories"</option>
                        {move || catalog.overview().map(|o| category_options(&o))}
                    </select>
                </div>
                <div class="field">
                    <label for="link-deployment">"Deployment"</label>
                    <select id="link-deployment" on:change=move |ev| draft.update(|d| d.deployment_id = event_target_value(&ev))>
                        <option value="">"All active deployments"</option>
                        {move || catalog.overview().map(|o| deployment_options(&o))}
                    </select>
                </div>
                <div class="field">
                    <label for="link-days">"Expires in (days)"</label>
                    <input
                        id="link-days"
                        type="number"
                        min="1"
                        max=MAX_DAYS.to_string()
                        step="1"
                        prop:value=move || draft.with(|d| d.days.clone())
                        on:input=move |ev| draft.update(|d| d.days = event_target_value(&ev))
                    />
                </div>
                <div class="field field-wide">
                    <label for="link-redirect">"Redirect URI (optional)"</label>
                    {input("link-redirect", "url", |d| d.redirect_uri.clone(), |d, v| d.redirect_uri = v)}
                    <span class="hint">"Where the connect page sends the customer afterwards"</span>
                </div>
                <div class="field-actions">
                    <button type="submit" class="button button-primary" disabled=busy>"Create link"</button>
                </div>
            </form>
            <OutcomeRegion outcome/>
        </section>
    }
}

fn category_options(overview: &AppsOverview) -> impl IntoView + use<> {
    // Only categories some deployment lists: another would give the customer no app.
    let mut categories: Vec<(String, String)> = overview
        .catalog
        .iter()
        .filter(|app| !app.deployments.is_empty())
        .map(|app| (app.category.clone(), app.category_label.clone()))
        .collect();
    categories.sort_by(|a, b| a.1.cmp(&b.1));
    categories.dedup();
    categories
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view()
}

fn deployment_options(overview: &AppsOverview) -> impl IntoView + use<> {
    overview
        .deployments
        .iter()
        .map(|d| {
            let id = d.id.to_string();
            // An inactive deployment lists nothing: the server would refuse the link.
            let label = if d.active {
                id.clone()
            } else {
                format!("{id} (inactive)")
            };
            view! { <option value=id disabled=!d.active>{label}</option> }
        })
        .collect_view()
}

/// The link just made, to copy and send.
#[component]
fn CreatedLink(tenant: String, link: AuthLink) -> impl IntoView {
    view! {
        <section class="card created" aria-labelledby="created-link">
            <h2 id="created-link">"Auth link for " <span class="mono">{tenant}</span></h2>
            <CopyField label="Connect URL" value=link.connect_url/>
            <p class="muted small">
                "Expires " <Time at=link.expires_at/> ". Revoke it below if it reached the wrong person."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn draft(tenant: &str, days: &str) -> Draft {
        Draft {
            tenant_id: tenant.into(),
            days: days.into(),
            ..Draft::default()
        }
    }

    #[wasm_bindgen_test]
    fn a_link_needs_only_a_tenant_and_lives_five_days_by_default() {
        let request = draft(" acme-42 ", "").request().unwrap();
        assert_eq!(request.tenant_id.as_str(), "acme-42");
        assert_eq!(request.expires_in_days, Some(5));
        assert!(request.owner_name.is_none() && request.category.is_none() && request.deployment_id.is_none());
    }

    #[wasm_bindgen_test]
    fn the_form_names_what_to_fix() {
        assert!(draft("", "5").request().unwrap_err().starts_with("Customer id"));
        assert!(draft("a b", "5").request().unwrap_err().starts_with("Customer id"));
        for days in ["0", "31", "2.5", "five"] {
            assert!(
                draft("acme", days).request().unwrap_err().starts_with("Expires in"),
                "{days}"
            );
        }
        assert_eq!(draft("acme", "30").request().unwrap().expires_in_days, Some(30));
    }
}
