//! Reading an account's metadata (see `catalog/metadata.rs`) as a connection is made: the
//! callback's parameters, the token response, then the requests that need the token, in
//! the order the catalog declares them. A value that is missing or may not fill a URL
//! fails the connection: later calls could not work without it.

use std::collections::BTreeMap;

use crate::catalog::ProviderDef;
use crate::catalog::metadata::{Source, text_at};
use crate::catalog::template;
use crate::credentials::Credentials;
use crate::provider_call::template_values;
use crate::provider_time::provider_call;

/// Values from the OAuth callback's query (QuickBooks' `realmId`, Zoho's `accounts-server`).
pub fn from_callback(def: &ProviderDef, query: &[(String, String)]) -> Result<BTreeMap<String, String>, String> {
    let mut found = BTreeMap::new();
    for metadata in &def.metadata {
        if let Source::Callback(param) = metadata.source() {
            let raw = query
                .iter()
                .find(|(name, _)| name == param)
                .map(|(_, value)| value.as_str())
                .ok_or_else(|| format!("the provider's answer lacks {param}"))?;
            found.insert(metadata.name.clone(), metadata.accept(raw)?);
        }
    }
    Ok(found)
}

/// Values from a token response (Salesforce's `instance_url`, Pipedrive's `api_domain`).
pub fn from_token_answer(
    def: &ProviderDef,
    answer: &serde_json::Value,
    into: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for metadata in &def.metadata {
        if let Source::Token(pointer) = metadata.source() {
            let raw = text_at(answer, pointer).ok_or_else(|| format!("the token response lacks {pointer}"))?;
            into.insert(metadata.name.clone(), metadata.accept(&raw)?);
        }
    }
    Ok(())
}

/// Values from calls made with the new credentials (Atlassian's cloud id, Xero's tenant).
pub async fn from_requests(
    http: &reqwest::Client,
    def: &ProviderDef,
    credentials: &Credentials,
    into: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for metadata in &def.metadata {
        let Source::Request { url, pointer } = metadata.source() else {
            continue;
        };
        let values = template_values(credentials, into);
        let url = template::fill(url, &values).map_err(|missing| format!("no value for {{{missing}}}"))?;
        let mut request = http.get(url).header("Accept", "application/json");
        if !metadata.headers.contains_key("Authorization")
            && let Some(token) = &credentials.access_token
        {
            request = request.bearer_auth(token);
        }
        for (name, template) in &metadata.headers {
            let value = template::fill(template, &values).map_err(|missing| format!("no value for {{{missing}}}"))?;
            request = request.header(name, value);
        }
        let answer = match provider_call(request.send()).await {
            Ok(response) if response.status().is_success() => {
                provider_call(response.json::<serde_json::Value>()).await.ok()
            }
            Ok(response) => {
                return Err(format!(
                    "the provider answered {} to the metadata request",
                    response.status()
                ));
            }
            Err(err) => return Err(format!("the metadata request failed: {}", err.without_url())),
        };
        let raw = answer
            .as_ref()
            .and_then(|body| text_at(body, pointer))
            .ok_or_else(|| format!("the provider's answer lacks {pointer}"))?;
        into.insert(metadata.name.clone(), metadata.accept(&raw)?);
    }
    Ok(())
}
