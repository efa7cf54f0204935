//! Live collaboration on a resource's records: section locks ("A is editing")
//! and as-you-type field changes relayed to the others.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{MAX_ID_BYTES, Resource};
use crate::channel::ChannelSocket;
use crate::conflict::{Holder, LockError};
use crate::wire::Reply;

/// Server → everyone else: a section was locked, and by whom.
pub const LOCK_EVENT: &str = "rtux:lock";
/// Server → everyone else: a section was unlocked (released, expired, or its
/// holder left).
pub const UNLOCK_EVENT: &str = "rtux:unlock";
/// Server → everyone else: a field is being edited (not saved yet).
const FIELD_EVENT: &str = "rtux:field";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    id: String,
    section: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldEdit {
    id: String,
    field: String,
    value: Value,
}

fn short(name: &str, value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > MAX_ID_BYTES || value.chars().any(char::is_control) {
        return Err(format!(
            "{name} must be 1 to {MAX_ID_BYTES} bytes without control characters"
        ));
    }
    Ok(())
}

fn section(payload: &Value) -> Result<Section, String> {
    let s: Section = serde_json::from_value(payload.clone())
        .map_err(|e| format!("invalid lock payload {{id, section}}: {e}"))?;
    short("id", &s.id)?;
    short("section", &s.section)?;
    Ok(s)
}

fn holder_json(holder: &Holder) -> Value {
    json!({ "user": holder.user, "name": holder.name })
}

impl Resource {
    /// `lock {id, section}`: acquires (or, for its holder, renews) the lock.
    pub(super) fn lock(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let s = match section(payload) {
            Ok(s) => s,
            Err(reason) => return Reply::error(reason),
        };
        let holder = Holder {
            user: socket.user_id().to_owned(),
            name: socket.claims().name.clone(),
            conn: socket.conn_id(),
        };
        let topic = socket.topic().to_owned();
        match self
            .locks
            .acquire(&topic, &s.id, &s.section, holder.clone())
        {
            Ok(grant) => {
                let ttl_ms = u64::try_from(grant.ttl.as_millis()).unwrap_or(u64::MAX);
                let payload = json!({ "id": s.id, "section": s.section, "holder": holder_json(&holder), "ttl_ms": ttl_ms });
                socket.broadcast_from(LOCK_EVENT, payload.clone());
                let (locks, broadcaster) = (self.locks.clone(), socket.broadcaster());
                tokio::spawn(async move {
                    tokio::time::sleep(grant.ttl).await;
                    if locks.expire(&topic, &s.id, &s.section, grant.generation) {
                        broadcaster.broadcast(
                            UNLOCK_EVENT,
                            json!({ "id": s.id, "section": s.section, "reason": "expired" }),
                        );
                    }
                });
                Reply::ok(payload)
            }
            Err(LockError::HeldBy(holder)) => {
                let reason = LockError::HeldBy(holder.clone()).to_string();
                Reply::Error(json!({ "reason": reason, "holder": holder_json(&holder) }))
            }
            Err(e) => Reply::error(e.to_string()),
        }
    }

    /// `unlock {id, section}`: releases a lock this socket holds.
    pub(super) fn unlock(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let s = match section(payload) {
            Ok(s) => s,
            Err(reason) => return Reply::error(reason),
        };
        match self
            .locks
            .release(socket.topic(), &s.id, &s.section, socket.conn_id())
        {
            Ok(()) => {
                let payload = json!({ "id": s.id, "section": s.section, "reason": "released" });
                socket.broadcast_from(UNLOCK_EVENT, payload);
                Reply::ok(json!({}))
            }
            Err(e) => Reply::error(e.to_string()),
        }
    }

    /// Releases every lock the socket holds on its topic (it left or closed).
    pub(super) fn release_all(&self, socket: &ChannelSocket) {
        for (id, section) in self.locks.release_conn(socket.topic(), socket.conn_id()) {
            let payload = json!({ "id": id, "section": section, "reason": "holder left" });
            socket.broadcast_from(UNLOCK_EVENT, payload);
        }
    }

    /// `field {id, field, value}`: relays an unsaved edit to the others, tagged
    /// with who made it; the sender does not get it back.
    pub(super) fn field(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let edit: FieldEdit = match serde_json::from_value(payload.clone()) {
            Ok(edit) => edit,
            Err(e) => {
                return Reply::error(format!("invalid field payload {{id, field, value}}: {e}"));
            }
        };
        if let Err(reason) = short("id", &edit.id).and_then(|()| short("field", &edit.field)) {
            return Reply::error(reason);
        }
        let size = edit.value.to_string().len();
        if size > self.max_data_bytes {
            return Reply::error(format!(
                "field value is {size} bytes; this resource takes at most {}",
                self.max_data_bytes
            ));
        }
        let by = json!({ "user": socket.user_id(), "name": socket.claims().name });
        socket.broadcast_from(
            FIELD_EVENT,
            json!({ "id": edit.id, "field": edit.field, "value": edit.value, "by": by }),
        );
        Reply::ok(json!({}))
    }
}
