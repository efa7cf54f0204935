//! A record that does not fit its struct, refused in words a person reads: the
//! field it is about and what that field takes — never serde's own message.

use serde_path_to_error::{Error, Segment};

use crate::action::Reject;

/// The refusal of data that failed to deserialize into a model.
pub(super) fn refusal(e: Error<serde_json::Error>) -> Reject {
    let message = e.inner().to_string();
    if let Some(name) = between(&message, "missing field `", "`") {
        return Reject::field(name, "This is required.");
    }
    let field = e.path().iter().find_map(|s| match s {
        Segment::Map { key } => Some(key.clone()),
        _ => None,
    });
    let takes = takes(&message);
    match field {
        Some(field) => Reject::field(field, takes),
        None => Reject::new(format!("The record's fields do not fit: {takes}")),
    }
}

/// The text of `s` between `start` and the next `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// What a field takes, from the type serde expected.
fn takes(message: &str) -> String {
    let expected = message.rsplit_once("expected ").map_or("", |(_, e)| e);
    let whole = |min: i128, max: i128| format!("Enter a whole number from {min} to {max}.");
    if let Some(list) = expected
        .strip_prefix("one of ")
        .or(expected.starts_with('`').then_some(expected))
    {
        return format!(
            "Choose one of: {}.",
            list.replace('`', "").replace(" or ", ", ")
        );
    }
    match expected {
        "i8" => whole(i8::MIN.into(), i8::MAX.into()),
        "i16" => whole(i16::MIN.into(), i16::MAX.into()),
        "i32" => whole(i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => whole(i64::MIN.into(), i64::MAX.into()),
        "u8" => whole(0, u8::MAX.into()),
        "u16" => whole(0, u16::MAX.into()),
        "u32" => whole(0, u32::MAX.into()),
        "u64" | "usize" => whole(0, u64::MAX.into()),
        "f32" | "f64" => "Enter a number.".into(),
        "a boolean" => "Choose yes or no.".into(),
        "a string" | "a borrowed string" | "a character" => "Enter text.".into(),
        "a sequence" => "Enter a list.".into(),
        _ => "This value is not valid here.".into(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Task {
        title: String,
        points: i64,
        small: u8,
        done: bool,
        status: Status,
        ratio: f64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Open,
        Doing,
        Done,
    }

    fn refused(change: serde_json::Value) -> (Option<String>, String) {
        let mut data = json!({"title": "T", "points": 1, "small": 1, "done": false, "status": "open", "ratio": 0.5});
        for (k, v) in change.as_object().expect("object") {
            if v.is_null() {
                data.as_object_mut().expect("object").remove(k);
            } else {
                data[k] = v.clone();
            }
        }
        let e = serde_path_to_error::deserialize::<_, Task>(data).expect_err("refused");
        let r = refusal(e);
        (r.field_name().map(str::to_owned), r.reason().to_owned())
    }

    #[test]
    fn each_refusal_names_its_field_in_plain_words() {
        let cases = [
            (
                json!({"points": 1e20}),
                "points",
                "Enter a whole number from -9223372036854775808 to 9223372036854775807.",
            ),
            (
                json!({"points": "many"}),
                "points",
                "Enter a whole number from -9223372036854775808 to 9223372036854775807.",
            ),
            (
                json!({"small": 300}),
                "small",
                "Enter a whole number from 0 to 255.",
            ),
            (json!({"done": "yes"}), "done", "Choose yes or no."),
            (
                json!({"status": "closed"}),
                "status",
                "Choose one of: open, doing, done.",
            ),
            (json!({"ratio": "half"}), "ratio", "Enter a number."),
            (json!({"title": 7}), "title", "Enter text."),
            (json!({"title": null}), "title", "This is required."),
        ];
        for (change, field, reason) in cases {
            let (f, r) = refused(change.clone());
            assert_eq!(
                (f.as_deref(), r.as_str()),
                (Some(field), reason),
                "{change}"
            );
            assert!(
                !r.contains("expected") && !r.contains("invalid type"),
                "{r}"
            );
        }
    }
}
