//! Our side of OAuth 2.0, through the `oauth2` crate: the authorization-code client of
//! the popup flow, and the client-credentials grant for apps whose person types a client
//! id and secret. Catalog URLs are filled with the values typed before the flow.

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicRequestTokenError};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpClientError, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};

use crate::catalog::template::{self, Values};
use crate::catalog::{ProviderDef, TokenAuth};
use crate::credentials::Credentials;
use crate::deployments::expose;
use crate::state::AppState;

pub type CodeClient = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;
type TokenClient = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

fn filled(url: Option<&String>, inputs: &Values) -> anyhow::Result<String> {
    let url = url.ok_or_else(|| anyhow::anyhow!("the catalog entry has no such URL"))?;
    template::fill(url, inputs).map_err(|missing| anyhow::anyhow!("no value for {{{missing}}}"))
}

fn auth_type(def: &ProviderDef) -> AuthType {
    match def.token_auth {
        TokenAuth::ClientSecretPost => AuthType::RequestBody,
        TokenAuth::ClientSecretBasic => AuthType::BasicAuth,
    }
}

/// The client for the popup flow, with the host's credentials for `def`.
pub fn code_client(state: &AppState, def: &ProviderDef, inputs: &Values) -> anyhow::Result<CodeClient> {
    let creds = state
        .deployments
        .credentials(&def.key)
        .ok_or_else(|| anyhow::anyhow!("no client credentials for {}", def.key))?;
    let mut client = BasicClient::new(ClientId::new(creds.client_id.clone()))
        .set_auth_uri(AuthUrl::new(filled(def.authorization_url.as_ref(), inputs)?)?)
        .set_token_uri(TokenUrl::new(filled(def.token_url.as_ref(), inputs)?)?)
        .set_redirect_uri(RedirectUrl::new(format!("{}/oauth/callback", state.base_url))?)
        .set_auth_type(auth_type(def));
    if let Some(secret) = expose(&creds.client_secret) {
        client = client.set_client_secret(ClientSecret::new(secret));
    }
    Ok(client)
}

/// The scopes as the provider wants them joined (most use a space, some a comma).
pub fn scopes(def: &ProviderDef) -> Vec<Scope> {
    if def.scopes.is_empty() {
        Vec::new()
    } else {
        vec![Scope::new(def.scopes.join(&def.scope_separator))]
    }
}

/// What a token endpoint answered, as stored credentials and an expiry.
/// `now` is the server clock's, so an expiry is in the same time as every check of it.
pub fn credentials_from(token: &impl TokenResponse, fields: Values, now: i64) -> (Credentials, Option<i64>) {
    let credentials = Credentials {
        access_token: Some(token.access_token().secret().clone()),
        refresh_token: token.refresh_token().map(|t| t.secret().clone()),
        scope: token
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")),
        fields,
    };
    (credentials, token.expires_in().map(|d| now + d.as_secs() as i64))
}

/// A message for the person when a token endpoint said no, without provider internals.
pub fn token_error_message(err: &BasicRequestTokenError<HttpClientError<reqwest::Error>>) -> String {
    match err {
        RequestTokenError::ServerResponse(response) => describe(response),
        _ => "the token request to the provider failed".into(),
    }
}

fn describe(response: &BasicErrorResponse) -> String {
    response
        .error_description()
        .cloned()
        .unwrap_or_else(|| response.error().to_string())
}

/// The client-credentials grant with the id and secret the person typed (`fields`).
pub async fn client_credentials(
    state: &AppState,
    def: &ProviderDef,
    fields: Values,
) -> Result<(Credentials, Option<i64>), String> {
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let token_url = filled(def.token_url.as_ref(), &fields).map_err(|e| e.to_string())?;
    let client: TokenClient = BasicClient::new(ClientId::new(field("client_id")))
        .set_client_secret(ClientSecret::new(field("client_secret")))
        .set_token_uri(TokenUrl::new(token_url).map_err(|e| e.to_string())?)
        .set_auth_type(auth_type(def));
    match client
        .exchange_client_credentials()
        .add_scopes(scopes(def))
        .request_async(&state.http)
        .await
    {
        Ok(token) => Ok(credentials_from(&token, fields, state.clock.now())),
        Err(err) => {
            tracing::info!(app = %def.key, "client-credentials grant refused");
            Err(token_error_message(&err))
        }
    }
}
