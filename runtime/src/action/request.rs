//! What a client's action push must carry, and its fingerprint.

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Longest client id and op id, in bytes.
pub const MAX_ID_BYTES: usize = 128;

/// Why an action push's payload is refused (with the code `invalid`); the
/// message is a sentence for the client's developer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PayloadError {
    /// Not a JSON object.
    #[error("invalid action payload: expected a JSON object {{client, op, …}}")]
    NotObject,
    /// A field is missing, unknown or of the wrong type.
    #[error("invalid action payload: {0}{hint}", hint = if .0.to_string().contains("`at`") {
        " (`at`: when the op was made, ms since the Unix epoch, sent unchanged with every replay)"
    } else {
        ""
    })]
    Fields(serde_json::Error),
    /// The client or op id is empty or too long.
    #[error("invalid action payload: {0} must be 1 to {MAX_ID_BYTES} bytes")]
    IdLength(&'static str),
    /// The action acts on a record, and the push names none.
    #[error("invalid action payload: {0} needs the record's id")]
    NoId(String),
    /// The action checks the version the client saw, and the push has none.
    #[error("invalid action payload: {0} needs the version the client saw")]
    NoVersion(String),
    /// An insert names a record instead of a temporary id.
    #[error("invalid action payload: {0} inserts; send a temp_id, not an id")]
    InsertWithId(String),
    /// An insert without a usable temporary id.
    #[error("invalid action payload: {0} needs a temp_id of 1 to {MAX_ID_BYTES} bytes")]
    NoTempId(String),
}

/// An action push's payload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionRequest {
    /// The client (a tab or device), stable across reconnects.
    pub(crate) client: String,
    /// The op's id, unique per client.
    pub(crate) op: String,
    /// When the client made the op (ms since the Unix epoch; stamped when it
    /// is queued, sent unchanged with every replay).
    pub(crate) at: i64,
    /// The record acted on (all kinds but insert).
    #[serde(default)]
    pub(crate) id: Option<String>,
    /// The version the client saw (pending and confirm-first).
    #[serde(default)]
    pub(crate) version: Option<i64>,
    /// The client's temporary id for an optimistic insert.
    #[serde(default)]
    pub(crate) temp_id: Option<String>,
    /// The action's parameters.
    #[serde(default)]
    pub(crate) data: Value,
}

impl ActionRequest {
    /// Reads a payload; the error is a sentence for the client's developer.
    pub(crate) fn parse(payload: Value) -> Result<ActionRequest, PayloadError> {
        if !payload.is_object() {
            return Err(PayloadError::NotObject);
        }
        let req: ActionRequest = serde_json::from_value(payload).map_err(PayloadError::Fields)?;
        for (name, value) in [("client", &req.client), ("op", &req.op)] {
            if value.is_empty() || value.len() > MAX_ID_BYTES {
                return Err(PayloadError::IdLength(name));
            }
        }
        Ok(req)
    }

    /// A hash of the topic and everything the op carries but the client and op
    /// ids and its time: the same op id sent with anything else is a different
    /// action.
    pub(crate) fn fingerprint(&self, topic: &str, action: &str) -> String {
        hash(&serde_json::json!([
            topic,
            action,
            self.id,
            self.version,
            self.temp_id,
            self.data
        ]))
    }

    /// The fingerprint of ledger rows recorded before ops were keyed by topic.
    pub(crate) fn legacy_fingerprint(&self, action: &str) -> String {
        hash(&serde_json::json!([
            action,
            self.id,
            self.version,
            self.temp_id,
            self.data
        ]))
    }

    /// The record id, or the reason it is needed.
    pub(crate) fn id(&self, action: &str) -> Result<&str, PayloadError> {
        self.id
            .as_deref()
            .ok_or_else(|| PayloadError::NoId(action.to_owned()))
    }
}

fn hash(body: &serde_json::Value) -> String {
    let digest = Sha256::digest(body.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requires_client_and_op() {
        let refused = |v| ActionRequest::parse(v).expect_err("refused").to_string();
        let err = refused(json!({"client": "c", "at": 1}));
        assert_eq!(err, "invalid action payload: missing field `op`");
        let err = refused(json!({"client": "c", "op": "1"}));
        assert!(
            err.contains("missing field `at` (`at`: when the op was made"),
            "{err}"
        );
        let err = refused(json!({"client": "", "op": "1", "at": 1}));
        assert!(err.contains("client must be 1 to 128 bytes"));
        let err = refused(json!({"client": "c", "op": "1", "at": 1, "version": "3"}));
        assert!(err.contains("invalid type"), "{err}");
        let err = refused(json!({"client": "c", "op": "1", "at": 1, "sneaky": 1}));
        assert!(err.contains("unknown field `sneaky`"), "{err}");
        let err = refused(json!(["c", "1"]));
        assert_eq!(
            err,
            "invalid action payload: expected a JSON object {client, op, …}"
        );
    }

    #[test]
    fn fingerprint_ignores_ids_but_not_content() {
        let parse = |v| ActionRequest::parse(v).expect("ok");
        let a = parse(json!({"client": "c", "op": "1", "at": 1, "data": {"t": 1}}));
        let b = parse(json!({"client": "d", "op": "2", "at": 2, "data": {"t": 1}}));
        let c = parse(json!({"client": "c", "op": "1", "at": 1, "data": {"t": 2}}));
        assert_eq!(a.fingerprint("t:1", "add"), b.fingerprint("t:1", "add"));
        assert_ne!(a.fingerprint("t:1", "add"), c.fingerprint("t:1", "add"));
        assert_ne!(a.fingerprint("t:1", "add"), a.fingerprint("t:1", "remove"));
        assert_ne!(a.fingerprint("t:1", "add"), a.fingerprint("t:2", "add"));
    }
}
