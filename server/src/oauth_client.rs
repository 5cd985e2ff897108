//! Our side of OAuth 2.0, through the `oauth2` crate: the authorization request of the
//! popup flow, the code exchange and refresh, and the client-credentials grant for apps
//! whose person types a client id and secret. Token requests go through [`TokenHttp`]
//! (JSON bodies, extra parameters, the raw answer kept for metadata).

use std::collections::BTreeMap;

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};

use crate::catalog::template::{self, Values};
use crate::catalog::{ProviderDef, TokenAuth, metadata};
use crate::credentials::Credentials;
use crate::deployments::expose;
use crate::state::AppState;
use crate::token_http::{TokenHttp, TokenHttpError};

pub type AuthorizeClient = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet>;
type TokenClient = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;
type TokenError = RequestTokenError<TokenHttpError, BasicErrorResponse>;

/// A token endpoint's answer: the standard fields, and the whole JSON for metadata.
pub struct Granted {
    pub token: BasicTokenResponse,
    pub answer: serde_json::Value,
}

fn filled(url: Option<&String>, values: &Values) -> anyhow::Result<String> {
    let url = url.ok_or_else(|| anyhow::anyhow!("the catalog entry has no such URL"))?;
    template::fill(url, values).map_err(|missing| anyhow::anyhow!("no value for {{{missing}}}"))
}

fn auth_type(def: &ProviderDef) -> AuthType {
    match def.token_auth {
        TokenAuth::ClientSecretPost => AuthType::RequestBody,
        TokenAuth::ClientSecretBasic => AuthType::BasicAuth,
    }
}

/// The host's client id (and secret) for `def`.
fn host_client<E1, E2, E3, E4, E5>(
    state: &AppState,
    def: &ProviderDef,
    client: BasicClient<E1, E2, E3, E4, E5>,
) -> anyhow::Result<BasicClient<E1, E2, E3, E4, E5>>
where
    E1: oauth2::EndpointState,
    E2: oauth2::EndpointState,
    E3: oauth2::EndpointState,
    E4: oauth2::EndpointState,
    E5: oauth2::EndpointState,
{
    let creds = state
        .deployments
        .credentials(&def.key)
        .ok_or_else(|| anyhow::anyhow!("no client credentials for {}", def.key))?;
    let mut client = client
        .set_redirect_uri(RedirectUrl::new(format!("{}/oauth/callback", state.base_url))?)
        .set_auth_type(auth_type(def));
    if let Some(secret) = expose(&creds.client_secret) {
        client = client.set_client_secret(ClientSecret::new(secret));
    }
    Ok(client)
}

/// The client that writes the popup's authorization request; `inputs` are the values
/// typed before it.
pub fn authorize_client(state: &AppState, def: &ProviderDef, inputs: &Values) -> anyhow::Result<AuthorizeClient> {
    let id = state
        .deployments
        .credentials(&def.key)
        .map(|c| c.client_id.clone())
        .unwrap_or_default();
    let client = BasicClient::new(ClientId::new(id))
        .set_auth_uri(AuthUrl::new(filled(def.authorization_url.as_ref(), inputs)?)?);
    host_client(state, def, client)
}

fn token_client(state: &AppState, def: &ProviderDef, url: String) -> anyhow::Result<TokenClient> {
    let id = state
        .deployments
        .credentials(&def.key)
        .map(|c| c.client_id.clone())
        .unwrap_or_default();
    host_client(
        state,
        def,
        BasicClient::new(ClientId::new(id)).set_token_uri(TokenUrl::new(url)?),
    )
}

/// The code exchange (RFC 6749 §4.1.3). `values`: the typed fields and the metadata the
/// callback brought (a data centre's token URL).
pub async fn exchange_code(
    state: &AppState,
    def: &ProviderDef,
    values: &Values,
    code: String,
    verifier: Option<String>,
) -> anyhow::Result<Result<Granted, String>> {
    let client = token_client(state, def, filled(def.token_url.as_ref(), values)?)?;
    let mut request = client.exchange_code(AuthorizationCode::new(code));
    for (name, value) in &def.token_params {
        request = request.add_extra_param(name, value);
    }
    if let Some(verifier) = verifier.filter(|_| def.pkce) {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier));
    }
    let http = TokenHttp::new(&state.http, def.token_request);
    Ok(granted(request.request_async(&http).await, &http, def))
}

/// The refresh grant (RFC 6749 §6), at `refresh_url` when the provider has one.
pub async fn refresh(
    state: &AppState,
    def: &ProviderDef,
    credentials: &Credentials,
    stored: &BTreeMap<String, String>,
) -> anyhow::Result<Result<Granted, String>> {
    let mut values = credentials.fields.clone();
    values.extend(metadata::as_values(stored));
    let url = filled(def.refresh_url.as_ref().or(def.token_url.as_ref()), &values)?;
    let client = token_client(state, def, url)?;
    let refresh_token = RefreshToken::new(credentials.refresh_token.clone().unwrap_or_default());
    let mut request = client.exchange_refresh_token(&refresh_token);
    for (name, value) in &def.token_params {
        request = request.add_extra_param(name, value);
    }
    let http = TokenHttp::new(&state.http, def.token_request);
    Ok(granted(request.request_async(&http).await, &http, def))
}

fn granted(
    result: Result<BasicTokenResponse, TokenError>,
    http: &TokenHttp<'_>,
    def: &ProviderDef,
) -> Result<Granted, String> {
    match result {
        Ok(token) => Ok(Granted {
            token,
            answer: http.answer(),
        }),
        Err(err) => {
            tracing::info!(app = %def.key, "token request refused");
            Err(token_error_message(&err, http.status()))
        }
    }
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
fn token_error_message(err: &TokenError, status: Option<http::StatusCode>) -> String {
    if let Some(status) = status.filter(|s| s.is_server_error()) {
        return format!("the provider's token endpoint failed ({status}); try again");
    }
    match err {
        RequestTokenError::ServerResponse(response) => response
            .error_description()
            .cloned()
            .unwrap_or_else(|| response.error().to_string()),
        RequestTokenError::Request(TokenHttpError::Send(err)) if err.is_timeout() => {
            "the provider did not answer the token request in time; try again".into()
        }
        RequestTokenError::Request(_) => "the provider could not be reached for a token; try again".into(),
        RequestTokenError::Parse(..) => "the provider's token answer was not valid JSON; try again".into(),
        RequestTokenError::Other(_) => "the provider's token endpoint failed; try again".into(),
    }
}

/// The client-credentials grant with the id and secret the person typed (`fields`).
pub async fn client_credentials(
    state: &AppState,
    def: &ProviderDef,
    fields: &Values,
) -> anyhow::Result<Result<Granted, String>> {
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let client: TokenClient = BasicClient::new(ClientId::new(field("client_id")))
        .set_client_secret(ClientSecret::new(field("client_secret")))
        .set_token_uri(TokenUrl::new(filled(def.token_url.as_ref(), fields)?)?)
        .set_auth_type(auth_type(def));
    let mut request = client.exchange_client_credentials().add_scopes(scopes(def));
    for (name, value) in &def.token_params {
        request = request.add_extra_param(name, value);
    }
    let http = TokenHttp::new(&state.http, def.token_request);
    Ok(granted(request.request_async(&http).await, &http, def))
}
