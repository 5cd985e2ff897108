//! Calls to a provider on an account's behalf (verification, metadata requests, the
//! proxy): the values their templates see, and where the credential goes.

use std::collections::BTreeMap;

use reqwest::RequestBuilder;
use reqwest::header::AUTHORIZATION;

use crate::catalog::metadata;
use crate::catalog::template::{self, Values};
use crate::catalog::{AuthScheme, CredentialAuth};
use crate::credentials::Credentials;

/// What templates see: the typed fields, the access token, and `metadata.<name>`.
pub fn template_values(credentials: &Credentials, stored: &BTreeMap<String, String>) -> Values {
    let mut values = credentials.fields.clone();
    if let Some(token) = &credentials.access_token {
        values.insert("access_token".into(), token.clone());
    }
    values.extend(metadata::as_values(stored));
    values
}

/// `request` with the credential placed as `auth` says. The error names the template
/// value that is missing.
pub fn authorize(request: RequestBuilder, auth: &CredentialAuth, values: &Values) -> Result<RequestBuilder, String> {
    let token = || match &auth.token {
        Some(token) => template::fill(token, values),
        None => values
            .get("access_token")
            .or_else(|| values.get("api_key"))
            .cloned()
            .ok_or_else(|| "access_token".into()),
    };
    Ok(match auth.auth {
        AuthScheme::Bearer => request.header(AUTHORIZATION, format!("Bearer {}", token()?)),
        AuthScheme::Header => request.header(auth.header.as_deref().unwrap_or("X-Api-Key"), token()?),
        AuthScheme::Query => request.query(&[(auth.param.as_deref().unwrap_or("api_key"), token()?)]),
        AuthScheme::Basic => {
            let username = template::fill(auth.username.as_deref().unwrap_or("{username}"), values)?;
            let password = template::fill(auth.password.as_deref().unwrap_or("{password}"), values)?;
            request.basic_auth(username, Some(password))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(auth: CredentialAuth) -> reqwest::Request {
        let values: Values = [
            ("access_token", "tok"),
            ("api_key", "key"),
            ("username", "u"),
            ("password", "p"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let request = reqwest::Client::new().get("https://api.example.com/x?a=1");
        authorize(request, &auth, &values).unwrap().build().unwrap()
    }

    #[test]
    fn each_scheme_puts_the_credential_where_it_says() {
        let bearer = sent(CredentialAuth::default());
        assert_eq!(bearer.headers()["authorization"], "Bearer tok");
        let header = sent(CredentialAuth {
            auth: AuthScheme::Header,
            header: Some("X-Api-Token".into()),
            token: Some("Token {api_key}".into()),
            ..Default::default()
        });
        assert_eq!(header.headers()["x-api-token"], "Token key");
        let query = sent(CredentialAuth {
            auth: AuthScheme::Query,
            param: Some("apikey".into()),
            token: Some("{api_key}".into()),
            ..Default::default()
        });
        assert_eq!(query.url().query(), Some("a=1&apikey=key"));
        assert!(query.headers().get("authorization").is_none());
        let basic = sent(CredentialAuth {
            auth: AuthScheme::Basic,
            ..Default::default()
        });
        assert_eq!(basic.headers()["authorization"], "Basic dTpw");
    }
}
