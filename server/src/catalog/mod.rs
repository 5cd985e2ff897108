//! Provider definitions: the files in `server/catalog/` (embedded in the binary, so a
//! deployment is one file) overlaid with `[[providers]]` from the configuration.

pub mod categories;
pub mod credential_auth;
pub mod metadata;
#[cfg(test)]
mod properties;
mod provider;
pub mod template;

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use include_dir::{Dir, include_dir};
use plugboard_shared::AppKey;

pub use credential_auth::{AuthScheme, CredentialAuth};
pub use provider::{ProviderDef, TokenAuth, TokenRequest, VerifyDef, VerifyMethod};

static CATALOG_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// Apps served by the built-in sandbox provider; dropped when `sandbox = false`.
pub const SANDBOX_APPS: [&str; 5] = [
    "sandbox-crm",
    "sandbox-hr",
    "sandbox-tickets",
    "sandbox-payroll",
    "sandbox-helpdesk",
];

/// All known providers by key.
#[derive(Debug, Clone)]
pub struct Catalog {
    providers: BTreeMap<AppKey, ProviderDef>,
}

impl Catalog {
    /// The embedded files plus `overrides`; `public_url` fills `{public_url}` in URLs.
    pub fn load(overrides: &[ProviderDef], sandbox: bool, public_url: &str) -> anyhow::Result<Self> {
        let mut providers = BTreeMap::new();
        for file in CATALOG_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        {
            let name = file.path().display().to_string();
            let def = parse_file(&name, file.contents_utf8())?;
            if providers.insert(def.key.clone(), def).is_some() {
                bail!("server/catalog/{name}: key appears in another catalog file too");
            }
        }
        for def in overrides {
            providers.insert(def.key.clone(), def.clone());
        }
        if !sandbox {
            providers.retain(|key, _| !SANDBOX_APPS.contains(&key.as_str()));
        }
        for def in providers.values_mut() {
            let is_sandbox = SANDBOX_APPS.contains(&def.key.as_str());
            def.fill_public_url(public_url);
            def.check(is_sandbox)
                .with_context(|| format!("provider {:?}", def.key.as_str()))?;
        }
        Ok(Self { providers })
    }

    pub fn get(&self, key: &AppKey) -> Option<&ProviderDef> {
        self.providers.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ProviderDef> {
        self.providers.values()
    }

    pub fn len(&self) -> usize {
        self.providers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }
}

fn parse_file(name: &str, text: Option<&str>) -> anyhow::Result<ProviderDef> {
    let text = text.with_context(|| format!("server/catalog/{name}: not UTF-8"))?;
    let def: ProviderDef = toml::from_str(text).with_context(|| format!("server/catalog/{name}"))?;
    if name.trim_end_matches(".toml") != def.key.as_str() {
        bail!(
            "server/catalog/{name}: the file name must be the key ({:?}.toml)",
            def.key.as_str()
        );
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use plugboard_shared::AuthMode;

    use super::*;

    #[test]
    fn embedded_catalog_loads_and_fills_the_public_url() {
        let catalog = Catalog::load(&[], true, "http://127.0.0.1:8080").unwrap();
        let crm = catalog.get(&AppKey::parse("sandbox-crm").unwrap()).unwrap();
        assert_eq!(crm.name, "Sandbox CRM");
        assert_eq!(
            crm.token_url.as_deref(),
            Some("http://127.0.0.1:8080/sandbox/oauth/token")
        );
        let hr = catalog.get(&AppKey::parse("sandbox-hr").unwrap()).unwrap();
        assert_eq!(hr.auth_mode, AuthMode::ApiKey);
    }

    #[test]
    fn sandbox_off_drops_the_sandbox_apps() {
        let catalog = Catalog::load(&[], false, "http://x").unwrap();
        assert!(catalog.iter().all(|p| !SANDBOX_APPS.contains(&p.key.as_str())));
    }

    /// Walks every catalog file (no network): shape, unique keys, https URLs, a
    /// verification call, valid pointers and placeholders. Loading runs all the checks.
    #[test]
    fn every_catalog_entry_is_well_formed() {
        let catalog = Catalog::load(&[], true, "http://127.0.0.1:8080").unwrap();
        assert_eq!(
            catalog.len(),
            CATALOG_DIR
                .files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
                .count()
        );
        for def in catalog.iter() {
            assert!(!def.name.trim().is_empty(), "{}: name", def.key);
            assert!(
                !def.private_network,
                "{}: only an operator's [[providers]] may reach private addresses",
                def.key
            );
            assert!(
                def.api_headers.values().all(|t| !t.contains("{access_token}")),
                "{}: credentials go through api_auth, not api_headers",
                def.key
            );
            assert!(!def.category.trim().is_empty(), "{}: category", def.key);
            for field in &def.fields {
                assert!(
                    !field.label.trim().is_empty(),
                    "{}: field {} needs a label",
                    def.key,
                    field.name
                );
            }
            if let Some(logo) = def.logo.as_deref().filter(|l| !l.starts_with("https://")) {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/logos/").to_owned() + logo;
                assert!(
                    std::path::Path::new(&path).exists(),
                    "{}: logo {path} is missing",
                    def.key
                );
            }
        }
    }

    #[test]
    fn a_broken_entry_names_its_field() {
        let bad = |text: &str| Catalog::load(&[toml::from_str(text).unwrap()], false, "http://x").unwrap_err();
        let base = "key = \"x\"\nname = \"X\"\ncategory = \"crm\"\nbase_url = \"https://api.x.com\"\n";
        let err = bad(&format!(
            "{base}auth_mode = \"oauth2\"\ntoken_url = \"https://x/t\"\nverify = {{ url = \"https://x/me\", identity = \"/id\" }}"
        ));
        assert!(format!("{err:#}").contains("authorization_url"), "{err:#}");
        let err = bad(&format!(
            "{base}auth_mode = \"oauth2\"\nauthorization_url = \"http://x/a\"\ntoken_url = \"https://x/t\"\nverify = {{ url = \"https://x/me\", identity = \"/id\" }}"
        ));
        assert!(format!("{err:#}").contains("https"), "{err:#}");
        // A developer's identity provider on this machine may be plain http.
        for local in ["http://localhost:9000", "http://127.0.0.1", "http://[::1]:8443"] {
            let ok = format!(
                "{base}auth_mode = \"oauth2\"\nauthorization_url = \"{local}/a\"\ntoken_url = \"{local}/t\"\nverify = {{ url = \"{local}/me\", identity = \"/id\" }}"
            );
            assert!(
                Catalog::load(&[toml::from_str(&ok).unwrap()], false, "http://x").is_ok(),
                "{local}"
            );
        }
        let err = bad(&format!(
            "{base}auth_mode = \"api_key\"\nfields = [{{ name = \"api_key\", label = \"Key\" }}]\nverify = {{ url = \"https://{{region}}.x/me\", identity = \"/id\" }}"
        ));
        assert!(format!("{err:#}").contains("region"), "{err:#}");
        let err = bad(&format!(
            "{base}auth_mode = \"api_key\"\nfields = [{{ name = \"api_key\", label = \"Key\" }}]\nverify = {{ url = \"https://x/me\", identity = \"email\" }}"
        ));
        assert!(format!("{err:#}").contains("JSON pointer"), "{err:#}");
        let oauth = "auth_mode = \"oauth2\"\nauthorization_url = \"https://x/a\"\nverify = { url = \"https://x/me\", identity = \"/id\" }";
        // Metadata used but not declared, or used before the provider has given it.
        let err = bad(&format!(
            "{base}{oauth}\ntoken_url = \"https://{{metadata.dc}}.x.com/t\""
        ));
        assert!(format!("{err:#}").contains("no metadata dc"), "{err:#}");
        let err = bad(&format!(
            "{base}{oauth}\ntoken_url = \"https://{{metadata.dc}}.x.com/t\"\nmetadata = [{{ name = \"dc\", token = \"/dc\" }}]"
        ));
        assert!(
            format!("{err:#}").contains("before the provider has given it"),
            "{err:#}"
        );
        let err = bad(&format!(
            "{base}{oauth}\ntoken_url = \"https://x/t\"\nmetadata = [{{ name = \"dc\", request = \"https://x/m\" }}]"
        ));
        assert!(format!("{err:#}").contains("pointer"), "{err:#}");
        // A callback value may fill the token URL (Zoho's data centre).
        let ok = format!(
            "{base}{oauth}\ntoken_url = \"https://{{metadata.dc}}/t\"\nmetadata = [{{ name = \"dc\", callback = \"accounts-server\", format = \"host\" }}]"
        );
        assert!(Catalog::load(&[toml::from_str(&ok).unwrap()], false, "http://x").is_ok());
    }
}
