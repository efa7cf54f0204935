//! The fields rtux keeps in every presence meta, and checks on client-given values.

use serde_json::{Map, Value, json};

use super::PresenceError;
use super::diff::Meta;

/// Longest field name accepted by `presence:focus`, in bytes.
pub const MAX_FIELD_BYTES: usize = 128;
/// Most entries in a cursor object.
pub const MAX_CURSOR_ENTRIES: usize = 8;
/// Longest string value (or key) in a cursor object, in bytes.
pub const MAX_CURSOR_STRING_BYTES: usize = 64;
/// Largest application meta given to `track`, as JSON, in bytes: with rtux's
/// own fields a meta stays under 2 KiB, so the fullest `presence_state` a joiner
/// can be sent (below [`PresenceConfig::summary_above`](super::PresenceConfig::summary_above)
/// metas) fits its outbound byte bound.
pub const MAX_META_BYTES: usize = 1024;

/// Whether a user is at their keyboard, as their client reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Input within the client's idle timeout (60 s by default).
    #[default]
    Active,
    /// No input for the client's idle timeout.
    Idle,
}

impl Status {
    /// The status as stored in the meta's `status` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Idle => "idle",
        }
    }

    /// Parses `"active"` or `"idle"`.
    ///
    /// # Errors
    /// [`PresenceError::Invalid`] for anything else.
    pub fn parse(s: &str) -> Result<Status, PresenceError> {
        match s {
            "active" => Ok(Status::Active),
            "idle" => Ok(Status::Idle),
            _ => Err(PresenceError::Invalid(
                "status must be \"active\" or \"idle\"".into(),
            )),
        }
    }
}

impl From<Status> for String {
    fn from(status: Status) -> String {
        status.as_str().to_owned()
    }
}

/// Fills in the fields every meta has, keeping any the application set itself.
pub(crate) fn stamp_new(meta: &mut Meta, colour: &str, now_ms: u64) {
    let defaults = [
        ("color", json!(colour)),
        ("status", json!(Status::Active.as_str())),
        ("typing", json!(false)),
        ("active_field", Value::Null),
    ];
    for (k, v) in defaults {
        meta.entry(k).or_insert(v);
    }
    meta.insert("online_at".into(), json!(now_ms));
    meta.insert("updated_at".into(), json!(now_ms));
    meta.insert("stale".into(), json!(false));
    meta.remove("phx_ref_prev");
}

/// Checks a field name from `presence:focus`.
pub(crate) fn check_field(field: &str) -> Result<(), PresenceError> {
    if field.is_empty() || field.len() > MAX_FIELD_BYTES || field.chars().any(char::is_control) {
        return Err(PresenceError::Invalid(format!(
            "field must be 1 to {MAX_FIELD_BYTES} bytes without control characters"
        )));
    }
    Ok(())
}

/// Checks a cursor: a small flat object of finite numbers, short strings,
/// booleans or nulls (for example `{"x": 10, "y": 20}` or `{"line": 3, "col": 7}`).
pub(crate) fn check_cursor(cursor: &Value) -> Result<(), PresenceError> {
    let bad = || {
        PresenceError::Invalid(format!(
            "cursor must be an object of at most {MAX_CURSOR_ENTRIES} numbers, booleans or strings of at most {MAX_CURSOR_STRING_BYTES} bytes"
        ))
    };
    let Value::Object(map) = cursor else {
        return Err(bad());
    };
    if map.len() > MAX_CURSOR_ENTRIES {
        return Err(bad());
    }
    let value_ok = |v: &Value| match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => true,
        Value::String(s) => s.len() <= MAX_CURSOR_STRING_BYTES,
        Value::Array(_) | Value::Object(_) => false,
    };
    if map
        .iter()
        .all(|(k, v)| k.len() <= MAX_CURSOR_STRING_BYTES && value_ok(v))
    {
        Ok(())
    } else {
        Err(bad())
    }
}

/// The application meta given to `track`: an object of at most
/// [`MAX_META_BYTES`], or nothing.
pub(crate) fn meta_from(value: Value) -> Result<Meta, PresenceError> {
    match value {
        Value::Object(map) if value_len(&map) > MAX_META_BYTES => Err(PresenceError::Invalid(
            format!("presence meta must be at most {MAX_META_BYTES} bytes of JSON"),
        )),
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(PresenceError::Invalid(
            "presence meta must be a JSON object".into(),
        )),
    }
}

/// The length of a meta as JSON.
fn value_len(map: &Meta) -> usize {
    serde_json::to_vec(map).map_or(usize::MAX, |v| v.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_are_bounded_in_bytes() {
        assert!(meta_from(json!({"bio": "x".repeat(1000)})).is_ok());
        let err = meta_from(json!({"bio": "x".repeat(1024)})).expect_err("too large");
        assert!(err.to_string().contains("at most 1024 bytes"), "{err}");
    }

    #[test]
    fn stamp_keeps_application_fields() {
        let mut m = meta_from(json!({"name": "Ana", "color": "#000"})).expect("object");
        stamp_new(&mut m, "#fff", 7);
        assert_eq!(m["name"], "Ana");
        assert_eq!(m["color"], "#000");
        assert_eq!(m["status"], "active");
        assert_eq!(m["typing"], false);
        assert_eq!(m["online_at"], 7);
    }

    #[test]
    fn cursors_are_small_and_flat() {
        assert!(check_cursor(&json!({"x": 1.5, "y": 2})).is_ok());
        assert!(check_cursor(&json!([1, 2])).is_err());
        assert!(check_cursor(&json!({"x": {"deep": 1}})).is_err());
        assert!(check_cursor(&json!({"s": "x".repeat(65)})).is_err());
        let wide: Map<String, Value> = (0..9).map(|i| (i.to_string(), json!(i))).collect();
        assert!(check_cursor(&Value::Object(wide)).is_err());
    }

    #[test]
    fn field_names_are_checked() {
        assert!(check_field("title").is_ok());
        assert!(check_field("").is_err());
        assert!(check_field("a\u{0}b").is_err());
        assert!(check_field(&"f".repeat(129)).is_err());
    }

    #[test]
    fn status_parses() {
        assert_eq!(Status::parse("idle").expect("idle"), Status::Idle);
        assert!(Status::parse("away").is_err());
    }
}
