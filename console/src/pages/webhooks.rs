//! Webhooks: the recent events, how each endpoint's delivery went try by try, and
//! Redeliver for an event a receiver missed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use plugboard_shared::{AccountId, Delivery, DeliveryTry, WebhookEvent};

use crate::api::Api;
use crate::components::{Badge, DataTable, Heading, Outcome, OutcomeRegion, PageTitle, Time, loaded};
use crate::format;
use crate::route::Route;

const DELIVERY_COLUMNS: &[Heading] = &[
    Heading::text("Endpoint"),
    Heading::num("Attempts"),
    Heading::text("Delivery"),
    Heading::text("Last status"),
    Heading::text("Tries"),
];

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let events = LocalResource::new(move || api.webhooks());
    let outcome = RwSignal::new(None::<Outcome>);
    let reload = move || events.refetch();
    view! {
        <PageTitle text="Webhooks"/>
        <p class="lede">"The newest events and their delivery to each endpoint."</p>
        <div class="actions">
            <button type="button" class="button" on:click=move |_| reload()>"Reload"</button>
        </div>
        <OutcomeRegion outcome/>
        {loaded(events, "the webhook events", move |events: Vec<WebhookEvent>| {
            if events.is_empty() {
                return view! { <p class="empty">"No webhook events. Plugboard records one for each receiver in " <code>"webhooks.endpoints"</code>
                        " when an account is created, fails verification, needs re-auth or is deleted."</p> }
                    .into_any();
            }
            events
                .into_iter()
                .map(|event| view! { <EventCard event outcome reload/> })
                .collect_view()
                .into_any()
        })}
    }
}

#[component]
fn EventCard(
    event: WebhookEvent,
    outcome: RwSignal<Option<Outcome>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let api = expect_context::<Api>();
    let busy = RwSignal::new(false);
    let heading = format!("event-{}", event.event_id);
    let labelled_by = heading.clone();
    let event_id = event.event_id.clone();
    let redeliver = move |_| {
        busy.set(true);
        let id = event_id.clone();
        spawn_local(async move {
            let said = match api.redeliver(id.clone()).await {
                Ok(()) => Outcome::Done(format!("Event {id} is queued for redelivery.")),
                Err(error) => Outcome::failed(&error),
            };
            outcome.try_set(Some(said));
            busy.try_set(false);
            reload();
        });
    };
    let account = match AccountId::parse(event.account_id.clone()) {
        Ok(id) => view! { <a class="mono" href=Route::Account(id).href()>{event.account_id.clone()}</a> }.into_any(),
        Err(_) => view! { <span class="mono">{event.account_id.clone()}</span> }.into_any(),
    };
    let deliveries = if event.deliveries.is_empty() {
        view! { <p class="muted small">"No endpoint is configured: nothing to deliver."</p> }.into_any()
    } else {
        let rows = event
            .deliveries
            .into_iter()
            .map(|delivery| view! { <DeliveryRow delivery/> })
            .collect_view();
        view! {
            <DataTable label=format!("Deliveries of {}", event.event_id) headings=DELIVERY_COLUMNS>{rows}</DataTable>
        }
        .into_any()
    };
    view! {
        <article class="card event" aria-labelledby=labelled_by>
            <div class="event-head">
                <h2 id=heading class="event-title">
                    <span class="mono">{event.event_type}</span>
                    <span class="small muted mono">" " {event.event_id.clone()}</span>
                </h2>
                <button type="button" class="button button-small" disabled=busy on:click=redeliver>
                    "Redeliver"<span class="sr-only">" " {event.event_id.clone()}</span>
                </button>
            </div>
            <p class="small">"Account " {account} " · created " <Time at=event.created_at/></p>
            {deliveries}
        </article>
    }
}

#[component]
fn DeliveryRow(delivery: Delivery) -> impl IntoView {
    let state = match (&delivery.delivered_at, &delivery.next_attempt_at) {
        (Some(at), _) => view! { <Badge tone="ok" icon="✓" text="Delivered"/> " " <Time at=at.clone()/> }.into_any(),
        (None, Some(at)) => {
            view! { <Badge tone="warn" icon="↻" text="Next try"/> " " <Time at=at.clone()/> }.into_any()
        }
        (None, None) => view! { <Badge tone="error" icon="✕" text="Gave up"/> }.into_any(),
    };
    let last = match (delivery.last_status, delivery.last_error) {
        (Some(status), Some(error)) => format!("{status}: {error}"),
        (Some(status), None) => status.to_string(),
        (None, Some(error)) => error,
        (None, None) => "—".into(),
    };
    let tries = delivery.tries.len();
    view! {
        <tr>
            <td class="mono break">{delivery.endpoint}</td>
            <td class="num">{delivery.attempts}</td>
            <td class="nowrap">{state}</td>
            <td class="detail">{last}</td>
            <td>
                {(tries > 0).then(|| view! {
                    <details>
                        <summary>{tries} {if tries == 1 { " try" } else { " tries" }}</summary>
                        <ol class="tries">
                            {delivery.tries.into_iter().map(|t| view! { <TryLine attempt=t/> }).collect_view()}
                        </ol>
                    </details>
                })}
            </td>
        </tr>
    }
}

#[component]
fn TryLine(attempt: DeliveryTry) -> impl IntoView {
    let answer = match (attempt.status_code, attempt.error) {
        (Some(status), _) => format!("answered {status}"),
        (None, Some(error)) => error,
        (None, None) => "no answer".into(),
    };
    view! {
        <li><Time at=attempt.at/> " — " {answer} " in " {format::latency(attempt.latency_ms)}</li>
    }
}
