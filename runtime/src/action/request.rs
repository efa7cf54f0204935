//! What a client's action push must carry, and its fingerprint.

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Longest client id and op id, in bytes.
pub const MAX_ID_BYTES: usize = 128;

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
    pub(crate) fn parse(payload: Value) -> Result<ActionRequest, String> {
        if !payload.is_object() {
            return Err("invalid action payload: expected a JSON object {client, op, …}".into());
        }
        let req: ActionRequest = serde_json::from_value(payload).map_err(|e| {
            let hint = if e.to_string().contains("`at`") {
                " (`at`: when the op was made, ms since the Unix epoch, sent unchanged with every replay)"
            } else {
                ""
            };
            format!("invalid action payload: {e}{hint}")
        })?;
        for (name, value) in [("client", &req.client), ("op", &req.op)] {
            if value.is_empty() || value.len() > MAX_ID_BYTES {
                return Err(format!(
                    "invalid action payload: {name} must be 1 to {MAX_ID_BYTES} bytes"
                ));
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
    pub(crate) fn id(&self, action: &str) -> Result<&str, String> {
        self.id
            .as_deref()
            .ok_or_else(|| format!("invalid action payload: {action} needs the record's id"))
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
        let err = ActionRequest::parse(json!({"client": "c", "at": 1})).expect_err("no op");
        assert_eq!(err, "invalid action payload: missing field `op`");
        let err = ActionRequest::parse(json!({"client": "c", "op": "1"})).expect_err("no at");
        assert!(
            err.contains("missing field `at` (`at`: when the op was made"),
            "{err}"
        );
        let err =
            ActionRequest::parse(json!({"client": "", "op": "1", "at": 1})).expect_err("empty");
        assert!(err.contains("client must be 1 to 128 bytes"));
        let err = ActionRequest::parse(json!({"client": "c", "op": "1", "at": 1, "version": "3"}))
            .expect_err("type");
        assert!(err.contains("invalid type"), "{err}");
        let err = ActionRequest::parse(json!({"client": "c", "op": "1", "at": 1, "sneaky": 1}))
            .expect_err("field");
        assert!(err.contains("unknown field `sneaky`"), "{err}");
        let err = ActionRequest::parse(json!(["c", "1"])).expect_err("shape");
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
