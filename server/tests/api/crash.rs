//! Crashes lose nothing that was acknowledged: while connect flows (OAuth and API key) run
//! against a `plugboard` process, it is killed with SIGKILL and restarted, again and
//! again. Afterwards every link token and account whose answer reached the client is
//! stored, no account is stored twice, and each account's webhook event reaches a
//! receiver exactly once by event id (at least once counting raw deliveries).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::helpers::{API_KEY, HOST_ORIGIN, login_form};
use crate::process::Plugboard;
use crate::webhooks::receive_on;

const CRASHES: u64 = 5;
const CLIENTS: usize = 4;

/// What the server told a client it had done.
#[derive(Default)]
struct Acknowledged {
    link_tokens: Vec<String>,
    /// Account id → identity.
    accounts: BTreeMap<String, String>,
}

#[tokio::test]
async fn sigkill_during_connect_flows_loses_no_acknowledged_flow_or_event() {
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", receiver.local_addr().unwrap());
    let received = receive_on(receiver);
    let mut server = Plugboard::start(&[
        ("PLUGBOARD_WEBHOOKS_ENDPOINTS", &hook),
        ("PLUGBOARD_WEBHOOKS_SECRET", "whsec_crash"),
        ("PLUGBOARD_WEBHOOKS_INITIAL_BACKOFF_SECS", "1"),
    ])
    .await;
    let base = server.app.base.clone();
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let next_user = Arc::new(AtomicUsize::new(0));

    for crash in 0..CRASHES {
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (base, acknowledged, next_user, stop) =
                    (base.clone(), acknowledged.clone(), next_user.clone(), stop.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let user = format!("crash-user-{}", next_user.fetch_add(1, Ordering::Relaxed));
                        let flow = connect(&base, &user, client % 2 == 0, &acknowledged);
                        if flow.await.is_none() {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    }
                })
            })
            .collect();
        // Somewhere in the middle of the flows: a different moment each time.
        tokio::time::sleep(Duration::from_millis(300 + 170 * crash)).await;
        server.kill().await;
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.await.unwrap();
        }
        server.restart().await;
    }

    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    let app = &server.app;
    assert!(
        acknowledged.accounts.len() >= CRASHES as usize,
        "flows completed between crashes: {}",
        acknowledged.accounts.len()
    );
    for token in &acknowledged.link_tokens {
        let session = app
            .api
            .get(app.url("/widget/session"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(session.status(), StatusCode::OK, "an acknowledged link token was lost");
    }
    for (account, identity) in &acknowledged.accounts {
        let stored: Value = app.backend_json(&format!("/integrated-accounts/{account}")).await;
        assert_eq!(
            stored["identity"].as_str(),
            Some(identity.as_str()),
            "{account}: {stored}"
        );
    }
    let (twice,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT identity FROM integrated_accounts GROUP BY identity HAVING COUNT(*) > 1) t",
    )
    .fetch_one(&app.db().await)
    .await
    .unwrap();
    assert_eq!(twice, 0, "an identity stored twice");

    // Every stored account (acknowledged or not: the crash may have come after the commit
    // and before the answer) has its event delivered; a delivery cut short by a crash is
    // retried once its lease (15 s) runs out.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT account_id FROM integrated_accounts")
        .fetch_all(&app.db().await)
        .await
        .unwrap();
    let mut events = BTreeMap::<String, BTreeSet<String>>::new();
    for _ in 0..250 {
        events.clear();
        for (headers, body) in received.lock().unwrap().iter() {
            let event: Value = serde_json::from_str(body).unwrap();
            let account = event["data"]["account"]["account_id"].as_str().unwrap().to_owned();
            let id = headers["plugboard-event-id"].to_str().unwrap().to_owned();
            events.entry(account).or_default().insert(id);
        }
        if stored.iter().all(|(account,)| events.contains_key(account)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (account,) in &stored {
        let ids = events.get(account).map(BTreeSet::len).unwrap_or_default();
        assert_eq!(ids, 1, "{account}: {ids} distinct events delivered");
    }
    assert_eq!(events.len(), stored.len(), "no event for an account that is not stored");
    println!(
        "{CRASHES} crashes: {} link tokens and {} accounts acknowledged, {} accounts stored, {} deliveries",
        acknowledged.link_tokens.len(),
        acknowledged.accounts.len(),
        stored.len(),
        received.lock().unwrap().len()
    );
}

/// One whole connect as `user` (OAuth through the popup, or an API key), recording what
/// the server acknowledged; `None` when the server went away mid-way.
async fn connect(base: &str, user: &str, oauth: bool, acknowledged: &Mutex<Acknowledged>) -> Option<()> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .ok()?;
    let issued = client
        .post(format!("{base}/link-token"))
        .bearer_auth(API_KEY)
        .json(&json!({"tenant_id": "crash"}))
        .send()
        .await
        .ok()?;
    let token = ok_json(issued, StatusCode::CREATED).await?["link_token"]
        .as_str()?
        .to_owned();
    acknowledged.lock().unwrap().link_tokens.push(token.clone());

    let message = if oauth {
        oauth_popup(&client, base, &token, user).await?
    } else {
        let typed = client
            .post(format!("{base}/widget/connect/sandbox-hr"))
            .bearer_auth(&token)
            .header("origin", HOST_ORIGIN)
            .json(&json!({"fields": {"api_key": format!("sk_sandbox_{user}")}}))
            .send()
            .await
            .ok()?;
        ok_json(typed, StatusCode::OK).await?
    };
    assert_eq!(message["result"], "authorized", "{message}");
    let account = message["payload"]["accountId"].as_str()?.to_owned();
    let identity = message["payload"]["identity"].as_str()?.to_owned();
    acknowledged.lock().unwrap().accounts.insert(account, identity);
    Some(())
}

/// The popup's hops: start, the sandbox's login form, the callback page's message.
async fn oauth_popup(client: &reqwest::Client, base: &str, token: &str, user: &str) -> Option<Value> {
    let started = client
        .post(format!("{base}/widget/connect/sandbox-crm"))
        .bearer_auth(token)
        .header("origin", HOST_ORIGIN)
        .json(&json!({}))
        .send()
        .await
        .ok()?;
    let started = ok_json(started, StatusCode::OK).await?;
    let authorize = location(client.get(started["popup_url"].as_str()?).send().await.ok()?)?;
    let (action, form) = login_form(&authorize, user, "allow")?;
    let login = client.post(action).form(&form).send().await.ok()?;
    let page = client.get(location(login)?).send().await.ok()?;
    if page.status() != StatusCode::OK {
        return None;
    }
    let html = page.text().await.ok()?;
    let open = "<script type=\"application/json\" id=\"message\">";
    let message = html.split(open).nth(1)?.split("</script>").next()?;
    serde_json::from_str(message).ok()
}

fn location(response: reqwest::Response) -> Option<String> {
    let target = response.headers().get("location")?.to_str().ok()?;
    Some(target.to_owned())
}

/// The JSON answer if it has `status`; `None` otherwise (a crash answers nothing at all,
/// and a 5xx from a half-started server is not an acknowledgement).
async fn ok_json(response: reqwest::Response, status: StatusCode) -> Option<Value> {
    (response.status() == status).then_some(())?;
    response.json().await.ok()
}
