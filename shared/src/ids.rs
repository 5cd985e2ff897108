//! Identifiers that cross a trust boundary. Each newtype can only be built through its
//! checking constructor (serde goes through it too), so a handler that holds one knows it
//! is well formed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an identifier was rejected; the message is safe to show to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidId {
    /// Which kind of identifier, e.g. `tenant_id`.
    pub kind: &'static str,
    /// The rule it broke, in words.
    pub rule: &'static str,
}

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} must match {}", self.kind, self.rule)
    }
}

impl std::error::Error for InvalidId {}

fn check(
    value: &str,
    kind: &'static str,
    rule: &'static str,
    max_len: usize,
    allowed: fn(char) -> bool,
) -> Result<(), InvalidId> {
    let ok = !value.is_empty() && value.len() <= max_len && value.chars().all(allowed);
    if ok { Ok(()) } else { Err(InvalidId { kind, rule }) }
}

macro_rules! checked_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $rule:literal, $max:expr, $allowed:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `value` and wraps it.
            pub fn parse(value: impl Into<String>) -> Result<Self, InvalidId> {
                let value = value.into();
                check(&value, $kind, $rule, $max, $allowed)?;
                Ok(Self(value))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(value: String) -> Result<Self, InvalidId> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some($rule))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn slug_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

checked_id!(
    /// The host's customer or user, as the host names them.
    TenantId, "tenant_id", "^[a-zA-Z0-9_.-]{1,128}$", 128, id_char
);
checked_id!(
    /// A catalog app such as `github` or `sandbox-crm`.
    AppKey, "app", "^[a-z0-9-]{1,64}$", 64, slug_char
);
checked_id!(
    /// A stored integrated account, `acc_…` when Plugboard made it.
    AccountId, "account_id", "^[a-zA-Z0-9_.-]{1,128}$", 128, id_char
);
checked_id!(
    /// A named set of enabled apps from the configuration.
    DeploymentId, "deployment_id", "^[a-zA-Z0-9_.-]{1,64}$", 64, id_char
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_ids_accept_the_documented_alphabet() {
        for ok in ["a", "user_1", "ACME.corp-42", &"x".repeat(128)] {
            assert!(TenantId::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn tenant_ids_reject_everything_else() {
        for bad in ["", " ", "a b", "a/b", "é", "<script>", "a\n", &"x".repeat(129)] {
            let err = TenantId::parse(bad).unwrap_err();
            assert_eq!(err.kind, "tenant_id", "{bad:?}");
        }
    }

    #[test]
    fn app_keys_are_lowercase_slugs() {
        assert!(AppKey::parse("sandbox-crm").is_ok());
        for bad in ["Sandbox", "a_b", "", "a.b"] {
            assert!(AppKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_goes_through_the_check() {
        let ok: TenantId = serde_json::from_str("\"t-1\"").unwrap();
        assert_eq!(ok.as_str(), "t-1");
        assert!(serde_json::from_str::<TenantId>("\"no spaces\"").is_err());
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"t-1\"");
    }
}
