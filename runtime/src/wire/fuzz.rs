//! Property tests of what clients send: any text to the frame decoder, any JSON
//! to action payload parsing. Neither may panic; every input decodes or is
//! refused with a reason (which the session answers). CI runs a few thousand
//! cases; `PROPTEST_CASES=100000 cargo test -p rtux --lib fuzz` runs 100,000
//! (docs/reliability.md records the last such run).

use proptest::prelude::*;
use serde_json::{Value, json};

use super::Frame;
use crate::action::parse_payload;

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::hash_map("[a-z_]{0,8}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Frames that look almost right: five elements of any JSON.
fn near_frame() -> impl Strategy<Value = String> {
    prop::collection::vec(json_value(), 0..7).prop_map(|v| Value::from(v).to_string())
}

/// Action payloads that look almost right: the known keys with any values.
fn near_payload() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("client"),
        Just("op"),
        Just("at"),
        Just("id"),
        Just("version"),
        Just("temp_id"),
        Just("data"),
        Just("extra"),
    ];
    prop::collection::vec((key, json_value()), 0..8).prop_map(|pairs| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn fuzz_any_text_decodes_or_is_refused(text in ".{0,200}") {
        let _ = Frame::decode(&text);
    }

    #[test]
    fn fuzz_near_frames_decode_or_are_refused(text in near_frame()) {
        let _ = Frame::decode(&text);
    }

    #[test]
    fn fuzz_any_payload_parses_or_is_refused_with_a_reason(payload in prop_oneof![json_value(), near_payload()]) {
        if let Err(refused) = parse_payload(payload) {
            let reason = refused.to_string();
            prop_assert!(reason.starts_with("invalid action payload"), "{}", reason);
        }
    }
}

/// 2,000 cases unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(2_000)
}
