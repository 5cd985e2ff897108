//! `GET /widget/apps` names each app's category in the widget's language: the `locale`
//! it asks for, else the browser's `Accept-Language`, else English.

use plugboard_shared::WidgetApp;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

async fn labels(app: &TestApp, token: &str, query: &str, accept_language: Option<&str>) -> Vec<(String, String)> {
    let mut request = app.api.get(app.url(&format!("/widget/apps{query}"))).bearer_auth(token);
    if let Some(value) = accept_language {
        request = request.header("accept-language", value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let apps: Vec<WidgetApp> = response.json().await.unwrap();
    let mut labels: Vec<_> = apps.into_iter().map(|a| (a.category, a.category_label)).collect();
    labels.sort();
    labels.dedup();
    labels
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect()
}

#[tokio::test]
async fn categories_are_labelled_in_the_language_the_widget_asks_for() {
    let app = spawn_app().await;
    let token = app.link_token("t-labels").await;

    let german = labels(&app, &token, "?locale=de", Some("fr-FR,fr;q=0.9")).await;
    assert_eq!(
        german,
        pairs(&[
            ("crm", "CRM"),
            ("hris", "Personalwesen"),
            ("ticketing", "Ticketsysteme")
        ])
    );
    let brazilian = labels(&app, &token, "?locale=pt-BR", None).await;
    assert!(
        brazilian.contains(&("ticketing".into(), "Chamados".into())),
        "{brazilian:?}"
    );
}

#[tokio::test]
async fn without_a_locale_the_browser_languages_decide_then_english() {
    let app = spawn_app().await;
    let token = app.link_token("t-labels").await;

    let french = labels(&app, &token, "", Some("nl-NL, fr-CA;q=0.8, en;q=0.5")).await;
    assert!(french.contains(&("hris".into(), "SIRH".into())), "{french:?}");
    // A language the widget does not speak, asked for or accepted, is English.
    let english = labels(&app, &token, "?locale=ja", Some("ja-JP")).await;
    assert!(
        english.contains(&("ticketing".into(), "Ticketing".into())),
        "{english:?}"
    );
    assert_eq!(english, labels(&app, &token, "", None).await);
}
