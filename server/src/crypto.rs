//! Secrets at rest and on the wire: AES-256-GCM for stored credentials, SHA-256 for
//! tokens we only need to recognise, HMAC-SHA256 for Integry-style session hashes.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Layout version of a sealed blob, so a later format can coexist with this one.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 12;

/// The key that encrypts every stored credential.
#[derive(Clone)]
pub struct MasterKey {
    cipher: Aes256Gcm,
    /// HMAC key for [`MasterKey::derive`]; itself derived, so the AES key never signs.
    derivation: [u8; 32],
    /// Keys being rotated out: they still open, never seal.
    previous: Vec<Aes256Gcm>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

impl MasterKey {
    /// From 32 raw bytes.
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        if bytes.len() != 32 {
            bail!("the master key must be 32 bytes, got {}", bytes.len());
        }
        let derivation = hmac_raw(bytes, b"plugboard key derivation v1");
        Ok(Self {
            cipher: Aes256Gcm::new_from_slice(bytes).expect("length checked"),
            derivation,
            previous: Vec::new(),
        })
    }

    /// From base64 text (standard alphabet, as `openssl rand -base64 32` prints).
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .context("the master key is not valid base64")?;
        Self::from_bytes(&bytes)
    }

    /// Encrypts `plaintext`; `context` (e.g. the account id) must be given again to open
    /// it, so a blob copied to another row does not decrypt.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| anyhow::anyhow!("AES-GCM refused to encrypt {} bytes", plaintext.len()))?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEALED_V1);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// This key, still able to open what `previous` keys sealed (key rotation).
    pub fn with_previous(mut self, previous: Vec<MasterKey>) -> Self {
        self.previous = previous.into_iter().map(|k| k.cipher).collect();
        self
    }

    /// Decrypts what [`MasterKey::seal`] produced with the same `context`, under this key
    /// or a previous one.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> anyhow::Result<Vec<u8>> {
        let Some((&SEALED_V1, rest)) = sealed.split_first() else {
            bail!("unknown sealed format")
        };
        if rest.len() < NONCE_LEN {
            bail!("sealed blob too short");
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let payload = || Payload {
            msg: ciphertext,
            aad: context,
        };
        std::iter::once(&self.cipher)
            .chain(&self.previous)
            .find_map(|cipher| cipher.decrypt(Nonce::from_slice(nonce), payload()).ok())
            .ok_or_else(|| anyhow::anyhow!("credentials do not decrypt under the master key or a previous one"))
    }

    /// A key for a purpose of its own (e.g. signing sandbox tokens), so one secret never
    /// serves two uses.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_raw(&self.derivation, purpose.as_bytes())
    }
}

/// 32 random bytes, fresh.
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// An unguessable token: `prefix` + 32 CSPRNG bytes in URL-safe base64.
pub fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_key()))
}

/// 48 bits of Unix milliseconds in hex: a prefix that makes values sort by creation
/// time, so rows made together land side by side in their index and a batch of them
/// writes a page or two of it instead of one page per row.
fn time_prefix() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    format!("{:012x}", millis & 0xffff_ffff_ffff)
}

/// A public id that sorts by creation time: the time prefix, then 80 random bits.
pub fn time_ordered_id(prefix: &str) -> String {
    format!("{prefix}{}{}", time_prefix(), hex::encode(&random_key()[..10]))
}

/// A bearer token (256 random bits) whose storage key ([`sorted_token_key`]) sorts by
/// creation time: `<prefix><time>.<random>`.
pub fn time_ordered_token(prefix: &str) -> String {
    format!("{prefix}{}.{}", time_prefix(), URL_SAFE_NO_PAD.encode(random_key()))
}

/// How a token from [`time_ordered_token`] is stored: its time in clear, then its
/// SHA-256, so the key still reveals nothing of the token but new keys sort last.
/// Tokens without a time (issued before) are stored as their plain [`token_hash`].
pub fn sorted_token_key(token: &str) -> String {
    match token.split_once('.') {
        Some((head, _)) if head.len() >= 12 && head.is_char_boundary(head.len() - 12) => {
            format!("{}{}", &head[head.len() - 12..], token_hash(token))
        }
        _ => token_hash(token),
    }
}

/// How tokens are stored: they carry 256 bits of entropy, so a plain SHA-256 suffices
/// (no password hashing needed) and lookups stay an index hit.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks an Integry-style `hash` = hex HMAC-SHA256(key = app_secret, message = user_id),
/// in constant time.
pub fn session_hash_matches(app_secret: &str, user_id: &str, hash_hex: &str) -> bool {
    let Ok(given) = hex::decode(hash_hex.trim()) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.as_bytes()).expect("any key length");
    mac.update(user_id.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// Raw HMAC-SHA256.
pub fn hmac_raw(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Hex HMAC-SHA256, as hosts compute the session `hash`.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_raw(key, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_round_trips_and_binds_its_context() {
        let key = MasterKey::from_bytes(&random_key()).unwrap();
        let sealed = key.seal(b"access-token", b"acc_1").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"access-token"));
        assert_eq!(key.open(&sealed, b"acc_1").unwrap(), b"access-token");
        assert!(key.open(&sealed, b"acc_2").is_err());
        let other = MasterKey::from_bytes(&random_key()).unwrap();
        assert!(other.open(&sealed, b"acc_1").is_err());
    }

    #[test]
    fn a_rotated_key_still_opens_what_the_previous_one_sealed() {
        let old = MasterKey::from_bytes(&[1u8; 32]).unwrap();
        let sealed = old.seal(b"token", b"acc_1").unwrap();
        let new = MasterKey::from_bytes(&[2u8; 32]).unwrap();
        assert!(new.open(&sealed, b"acc_1").is_err());
        let rotating = MasterKey::from_bytes(&[2u8; 32]).unwrap().with_previous(vec![old]);
        assert_eq!(rotating.open(&sealed, b"acc_1").unwrap(), b"token");
        assert!(
            new.open(&rotating.seal(b"token", b"acc_1").unwrap(), b"acc_1").is_ok(),
            "sealing uses the new key"
        );
    }

    #[test]
    fn master_key_must_be_32_bytes_of_base64() {
        assert!(MasterKey::from_base64(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(MasterKey::from_base64(&STANDARD.encode([7u8; 16])).is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn session_hash_is_hex_hmac_of_the_user_id() {
        let hash = hmac_hex(b"s3cret", b"user-1");
        assert!(session_hash_matches("s3cret", "user-1", &hash));
        assert!(!session_hash_matches("s3cret", "user-2", &hash));
        assert!(!session_hash_matches("other", "user-1", &hash));
        assert!(!session_hash_matches("s3cret", "user-1", "zz"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token("lt_");
        assert!(a.starts_with("lt_") && a.len() > 40);
        assert_ne!(a, random_token("lt_"));
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_eq!(token_hash(&a).len(), 64);
    }
}

/// Bearer tokens arrive as any text in `Authorization`; ids and keys are made here.
#[cfg(test)]
mod token_properties {
    use proptest::prelude::*;

    use super::*;

    fn is_hex(text: &str) -> bool {
        text.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    }

    proptest! {
        #[test]
        fn any_bearer_has_a_storage_key(token in prop_oneof![any::<String>(), "[a-z_]{0,4}[0-9a-f]{0,14}\\.?.{0,8}"]) {
            let key = sorted_token_key(&token);
            prop_assert_eq!(&key, &sorted_token_key(&token));
            prop_assert!(key.len() == 64 || key.len() == 76, "{key:?}");
            prop_assert!(key.ends_with(&token_hash(&token)));
        }

        /// Keys of time-ordered tokens sort by their time, whatever the random part.
        #[test]
        fn time_ordered_keys_sort_by_time(
            (earlier, later) in (0u64..1 << 48, 0u64..1 << 48).prop_filter("two times", |(a, b)| a != b)
                .prop_map(|(a, b)| (a.min(b), a.max(b))),
            first in "[A-Za-z0-9_-]{43}",
            second in "[A-Za-z0-9_-]{43}",
        ) {
            let first = sorted_token_key(&format!("lt_{earlier:012x}.{first}"));
            let second = sorted_token_key(&format!("lt_{later:012x}.{second}"));
            prop_assert!(first < second);
            prop_assert_eq!(&first[..12], &format!("{earlier:012x}"));
        }

        #[test]
        fn any_session_hash_is_checked_without_a_panic(secret in ".{0,16}", user in any::<String>(), hash in any::<String>()) {
            let _ = session_hash_matches(&secret, &user, &hash);
        }
    }

    #[test]
    fn made_ids_and_tokens_have_their_documented_shape() {
        let id = time_ordered_id("ltk_");
        let rest = id.strip_prefix("ltk_").unwrap();
        assert!(rest.len() == 32 && is_hex(rest), "{id}");
        let token = time_ordered_token("lt_");
        let key = sorted_token_key(&token);
        assert_eq!(key.len(), 76);
        assert!(is_hex(&key));
        assert_eq!(&key[..12], &token["lt_".len().."lt_".len() + 12]);
    }
}
