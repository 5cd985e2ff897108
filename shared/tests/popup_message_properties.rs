//! The popup's message (and the attempt outcome the widget polls instead) over generated
//! input: whatever text or JSON arrives is a message or an error, never a panic, and every
//! message the server can build survives serialize → parse unchanged.
//!
//! The widget reads the same JSON through `wasm-bindgen` (`widget/src/wire.rs`), which only
//! runs in a browser; this holds the contract both sides share.

use plugboard_shared::{
    AttemptOutcome, AuthorizationEvent, ConnectResult, FailureEvent, FailureReason, PopupMessage, ResultPayload,
};
use proptest::prelude::*;

fn connect_result() -> impl Strategy<Value = ConnectResult> {
    prop_oneof![
        Just(ConnectResult::Authorized),
        Just(ConnectResult::VerificationFailed),
        Just(ConnectResult::Error),
    ]
}

fn failure_reason() -> impl Strategy<Value = FailureReason> {
    prop_oneof![
        Just(FailureReason::Cancelled),
        Just(FailureReason::PopupClosed),
        Just(FailureReason::PopupBlocked),
        Just(FailureReason::ProviderError),
    ]
}

fn payload() -> impl Strategy<Value = ResultPayload> {
    let authorization = (
        any::<String>(),
        any::<i64>(),
        any::<Option<i64>>(),
        any::<bool>(),
        any::<String>(),
        any::<String>(),
    )
        .prop_map(
            |(identity, authorization_id, flow_id, already_exists, account_id, app)| {
                ResultPayload::Authorization(AuthorizationEvent {
                    identity,
                    authorization_id,
                    flow_id,
                    already_exists,
                    account_id,
                    app,
                })
            },
        );
    let failure = (any::<String>(), failure_reason(), any::<Option<String>>())
        .prop_map(|(app, reason, message)| ResultPayload::Failure(FailureEvent { app, reason, message }));
    prop_oneof![authorization, failure]
}

fn message() -> impl Strategy<Value = PopupMessage> {
    (any::<String>(), connect_result(), payload())
        .prop_map(|(attempt_id, result, payload)| PopupMessage::new(attempt_id, result, payload))
}

/// Arbitrary JSON, biased towards the message's own keys so parsing gets past the first field.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("source".to_owned()),
        Just("attempt_id".to_owned()),
        Just("result".to_owned()),
        Just("payload".to_owned()),
        Just("app".to_owned()),
        Just("reason".to_owned()),
        Just("identity".to_owned()),
        Just("authorizationId".to_owned()),
        "[a-zA-Z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        prop_oneof![Just("plugboard".to_owned()), Just("error".to_owned()), any::<String>()]
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn messages_round_trip(message in message()) {
        let text = serde_json::to_string(&message).expect("a message serializes");
        prop_assert_eq!(serde_json::from_str::<PopupMessage>(&text).ok(), Some(message));
    }

    #[test]
    fn outcomes_round_trip(result in connect_result(), payload in payload(), pending in any::<bool>()) {
        let outcome = if pending { AttemptOutcome::Pending } else { AttemptOutcome::Complete { result, payload } };
        let text = serde_json::to_string(&outcome).expect("an outcome serializes");
        prop_assert_eq!(serde_json::from_str::<AttemptOutcome>(&text).ok(), Some(outcome));
    }

    #[test]
    fn any_text_is_a_message_or_an_error(text in any::<String>()) {
        let _ = serde_json::from_str::<PopupMessage>(&text);
        let _ = serde_json::from_str::<AttemptOutcome>(&text);
    }

    /// What parses is a message whose own serialization parses to itself again: nothing
    /// a sender adds (unknown keys, a payload of the other kind) survives as hidden state.
    #[test]
    fn any_json_is_a_message_or_an_error(value in json_value()) {
        if let Ok(message) = serde_json::from_value::<PopupMessage>(value) {
            let again = serde_json::to_value(&message).expect("a message serializes");
            prop_assert_eq!(serde_json::from_value::<PopupMessage>(again).ok(), Some(message));
        }
    }
}
