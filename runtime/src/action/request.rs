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
        let req: ActionRequest =
            serde_json::from_value(payload).map_err(|e| format!("invalid action payload: {e}"))?;
        for (name, value) in [("client", &req.client), ("op", &req.op)] {
            if value.is_empty() || value.len() > MAX_ID_BYTES {
                return Err(format!(
                    "invalid action payload: {name} must be 1 to {MAX_ID_BYTES} bytes"
                ));
            }
        }
        Ok(req)
    }

    /// A hash of everything but the client and op ids: the same op id sent with
    /// anything else is a different action.
    pub(crate) fn fingerprint(&self, action: &str) -> String {
        let body = serde_json::json!([action, self.id, self.version, self.temp_id, self.data]);
        let digest = Sha256::digest(body.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The record id, or the reason it is needed.
    pub(crate) fn id(&self, action: &str) -> Result<&str, String> {
        self.id
            .as_deref()
            .ok_or_else(|| format!("invalid action payload: {action} needs the record's id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requires_client_and_op() {
        let err = ActionRequest::parse(json!({"client": "c"})).expect_err("no op");
        assert_eq!(err, "invalid action payload: missing field `op`");
        let err = ActionRequest::parse(json!({"client": "", "op": "1"})).expect_err("empty");
        assert!(err.contains("client must be 1 to 128 bytes"));
        let err = ActionRequest::parse(json!({"client": "c", "op": "1", "version": "3"}))
            .expect_err("type");
        assert!(err.contains("invalid type"), "{err}");
        let err = ActionRequest::parse(json!({"client": "c", "op": "1", "sneaky": 1}))
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
        let a =
            ActionRequest::parse(json!({"client": "c", "op": "1", "data": {"t": 1}})).expect("ok");
        let b =
            ActionRequest::parse(json!({"client": "d", "op": "2", "data": {"t": 1}})).expect("ok");
        let c =
            ActionRequest::parse(json!({"client": "c", "op": "1", "data": {"t": 2}})).expect("ok");
        assert_eq!(a.fingerprint("add"), b.fingerprint("add"));
        assert_ne!(a.fingerprint("add"), c.fingerprint("add"));
        assert_ne!(a.fingerprint("add"), a.fingerprint("remove"));
    }
}
