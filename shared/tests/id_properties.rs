//! The checked ids over generated input: any string is accepted or refused without a
//! panic, exactly by the rule the OpenAPI pattern states, and whatever is accepted comes
//! back unchanged through `Display`, `parse` and serde.

use plugboard_shared::{AccountId, AppKey, DeploymentId, InvalidId, TenantId};
use proptest::prelude::*;

/// The documented rule, written out independently of `ids.rs`.
fn follows(value: &str, max: usize, allowed: fn(char) -> bool) -> bool {
    !value.is_empty() && value.len() <= max && value.chars().all(allowed)
}

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

fn slug_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// Mostly near-misses: valid alphabets with a stray character, and lengths around the limit.
fn candidates() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9_.-]{0,130}",
        "[a-z0-9-]{0,66}",
        "[a-zA-Z0-9_.-]{0,20}[ /\\\\%?#é\u{0}\n<>\"'][a-zA-Z0-9_.-]{0,20}",
    ]
}

macro_rules! id_properties {
    ($module:ident, $id:ty, $max:expr, $allowed:expr, $valid:expr) => {
        mod $module {
            use super::*;

            proptest! {
                #[test]
                fn accepted_exactly_by_the_rule(value in candidates()) {
                    let parsed: Result<$id, InvalidId> = <$id>::parse(value.clone());
                    prop_assert_eq!(parsed.is_ok(), follows(&value, $max, $allowed), "{:?}", value);
                    let from_json = serde_json::from_value::<$id>(serde_json::Value::String(value.clone()));
                    prop_assert_eq!(from_json.is_ok(), parsed.is_ok());
                }

                #[test]
                fn valid_ids_round_trip(value in $valid) {
                    let id = <$id>::parse(value.clone()).expect("the strategy makes valid ids");
                    prop_assert_eq!(id.as_str(), value.as_str());
                    prop_assert_eq!(<$id>::parse(id.to_string()).ok(), Some(id.clone()));
                    let json = serde_json::to_string(&id).expect("a string serializes");
                    prop_assert_eq!(serde_json::from_str::<$id>(&json).ok(), Some(id));
                }
            }
        }
    };
}

id_properties!(tenant_id, TenantId, 128, id_char, "[a-zA-Z0-9_.-]{1,128}");
id_properties!(account_id, AccountId, 128, id_char, "[a-zA-Z0-9_.-]{1,128}");
id_properties!(deployment_id, DeploymentId, 64, id_char, "[a-zA-Z0-9_.-]{1,64}");
id_properties!(app_key, AppKey, 64, slug_char, "[a-z0-9-]{1,64}");

proptest! {
    /// Not only strings reach serde from a request body: numbers, nulls, objects must be
    /// refused as errors too.
    #[test]
    fn any_json_value_is_an_id_or_an_error(value in json_value()) {
        let parsed = serde_json::from_value::<TenantId>(value.clone());
        let is_valid_string = value.as_str().is_some_and(|s| follows(s, 128, id_char));
        prop_assert_eq!(parsed.is_ok(), is_valid_string);
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-zA-Z0-9_. -]{0,10}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
