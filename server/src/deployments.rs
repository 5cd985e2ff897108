//! Which apps a widget session may list: the apps of active deployments that have what
//! they need to run (client credentials for OAuth apps), never the host's own app.

use anyhow::{Context, bail};
use plugboard_shared::{AppKey, AuthMode, DeploymentId};
use secrecy::{ExposeSecret, SecretString};

use crate::catalog::{Catalog, ProviderDef, SANDBOX_APPS};
use crate::config::{Config, Deployment};
use crate::crypto::MasterKey;
use crate::error::{ApiError, ErrorCode};

/// The client id the sandbox provider knows our server by.
pub const SANDBOX_CLIENT_ID: &str = "plugboard-sandbox";

/// OAuth client credentials, resolved from the config (or the environment it names).
#[derive(Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
}

/// The resolved deployments, each app checked against the catalog.
#[derive(Clone)]
pub struct Deployments {
    list: Vec<Deployment>,
    own_app: Option<String>,
    credentials: std::collections::BTreeMap<AppKey, ClientCredentials>,
}

impl Deployments {
    pub fn resolve(config: &Config, catalog: &Catalog, key: &MasterKey) -> anyhow::Result<Self> {
        let mut credentials = std::collections::BTreeMap::new();
        for (app, creds) in &config.apps {
            let key = AppKey::parse(app.as_str()).with_context(|| format!("[apps.{app}]"))?;
            if catalog.get(&key).is_none() {
                bail!("[apps.{app}]: no provider {app:?} in the catalog; add it under [[providers]] or fix the name");
            }
            let secret = match (&creds.client_secret, &creds.client_secret_env) {
                (Some(secret), _) => Some(secret.clone()),
                (None, Some(var)) => {
                    Some(SecretString::from(std::env::var(var).with_context(|| {
                        format!("[apps.{app}].client_secret_env names {var}, which is not set")
                    })?))
                }
                (None, None) => None,
            };
            credentials.insert(
                key,
                ClientCredentials {
                    client_id: creds.client_id.clone(),
                    client_secret: secret,
                },
            );
        }
        if catalog.get(&AppKey::parse(SANDBOX_APPS[0]).expect("valid")).is_some() {
            let secret = hex::encode(key.derive("sandbox client secret"));
            for app in SANDBOX_APPS {
                credentials.insert(
                    AppKey::parse(app).expect("valid"),
                    ClientCredentials {
                        client_id: SANDBOX_CLIENT_ID.into(),
                        client_secret: Some(secret.clone().into()),
                    },
                );
            }
        }
        let mut this = Self {
            list: config.deployments.clone(),
            own_app: config.server.own_app.clone(),
            credentials,
        };
        for deployment in &this.list {
            for app in &deployment.apps {
                let def = catalog.get(app).with_context(|| {
                    format!(
                        "deployment {:?}: unknown app {:?}; check the catalog key",
                        deployment.id.as_str(),
                        app.as_str()
                    )
                })?;
                if !this.is_enabled(def) {
                    bail!(
                        "deployment {:?}: app {:?} has no credentials; add [apps.{}] with client_id and client_secret",
                        deployment.id.as_str(),
                        app.as_str(),
                        app.as_str()
                    );
                }
            }
        }
        let missing: Vec<&str> = catalog
            .iter()
            .filter(|def| !this.is_enabled(def))
            .map(|def| def.key.as_str())
            .collect();
        if !missing.is_empty() {
            tracing::warn!(
                count = missing.len(),
                apps = %missing.join(", "),
                "OAuth apps without client credentials are not listed; add [apps.<key>] client_id and client_secret to enable one"
            );
        }
        // Without deployments, list what the host set up (an [apps.*] entry) and the
        // sandbox: a catalog of API-key apps must not appear on a host's page unasked.
        if this.list.is_empty() {
            let apps = catalog
                .iter()
                .filter(|def| this.credentials.contains_key(&def.key))
                .map(|def| def.key.clone())
                .collect();
            this.list.push(Deployment {
                id: DeploymentId::parse("default").expect("valid"),
                active: true,
                apps,
            });
        }
        Ok(this)
    }

    /// Every deployment, as configured (or the one `default`).
    pub fn all(&self) -> &[Deployment] {
        &self.list
    }

    /// OAuth apps need client credentials; form-based apps need nothing from the host.
    pub fn is_enabled(&self, def: &ProviderDef) -> bool {
        def.auth_mode != AuthMode::Oauth2 || self.credentials.contains_key(&def.key)
    }

    pub fn credentials(&self, app: &AppKey) -> Option<&ClientCredentials> {
        self.credentials.get(app)
    }

    /// A 400 naming the deployment when it is not configured.
    pub fn check_exists(&self, id: &DeploymentId) -> Result<(), ApiError> {
        if self.list.iter().any(|d| &d.id == id) {
            Ok(())
        } else {
            Err(ErrorCode::UnknownDeployment.error(format!("no deployment {:?}", id.as_str())))
        }
    }

    /// Apps a session may list and connect, in catalog order.
    pub fn apps<'c>(
        &self,
        catalog: &'c Catalog,
        deployment: Option<&DeploymentId>,
        category: Option<&str>,
    ) -> Result<Vec<&'c ProviderDef>, ApiError> {
        let chosen: Vec<&Deployment> = match deployment {
            Some(id) => {
                let found =
                    self.list.iter().find(|d| &d.id == id).ok_or_else(|| {
                        ErrorCode::UnknownDeployment.error(format!("no deployment {:?}", id.as_str()))
                    })?;
                if !found.active {
                    return Err(
                        ErrorCode::InactiveDeployment.error(format!("deployment {:?} is not active", id.as_str()))
                    );
                }
                vec![found]
            }
            None => self.list.iter().filter(|d| d.active).collect(),
        };
        let own_app = self.own_app.as_deref();
        Ok(catalog
            .iter()
            .filter(|def| chosen.iter().any(|d| d.apps.contains(&def.key)))
            .filter(|def| Some(def.key.as_str()) != own_app)
            .filter(|def| category.is_none_or(|c| def.category == c))
            .collect())
    }
}

/// The client secret as text, for the token request.
pub fn expose(secret: &Option<SecretString>) -> Option<String> {
    secret.as_ref().map(|s| s.expose_secret().to_owned())
}
