//! What Plugboard keeps for an account, always sealed with the master key in the database.

use std::collections::BTreeMap;

use plugboard_shared::AccountId;
use serde::{Deserialize, Serialize};

use crate::crypto::MasterKey;

/// Credentials of one account, in clear only in memory.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Credentials {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Values typed into an API-key or basic form (`api_key`, `username`, `password`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials([redacted])")
    }
}

impl Credentials {
    /// Encrypts for the row of `account_id`.
    pub fn seal(&self, key: &MasterKey, account_id: &AccountId) -> anyhow::Result<Vec<u8>> {
        key.seal(&serde_json::to_vec(self)?, account_id.as_str().as_bytes())
    }

    /// Decrypts what [`Credentials::seal`] stored for `account_id`.
    pub fn open(key: &MasterKey, sealed: &[u8], account_id: &AccountId) -> anyhow::Result<Self> {
        Ok(serde_json::from_slice(
            &key.open(sealed, account_id.as_str().as_bytes())?,
        )?)
    }
}
