//! Running one action exactly once: ledger, change and reply in one transaction,
//! then the patch or the scheduled run.

use serde_json::{Value, json};

use super::patch::{self, record_json};
use super::request::ActionRequest;
use super::{Action, PATCH_EVENT, Resource};
use crate::channel::ChannelSocket;
use crate::store::{OpKey, Record, StoreError, Written, ops};
use crate::wire::{Reply, Status};

/// What to do once the transaction has committed.
pub(super) enum After {
    Nothing,
    /// Events for the topic's other subscribers.
    Broadcast(Vec<(&'static str, Value)>),
    Schedule {
        id: String,
        window: std::time::Duration,
    },
}

/// An action applied for the first time, or found in the ledger.
enum Applied {
    Fresh(Reply, After),
    Replayed(Value),
    Reused,
}

pub(super) fn confirm(response: Value) -> Reply {
    Reply::Ok(response)
}

pub(super) fn reject(reason: &str, record: Option<&Record>) -> Reply {
    Reply::Error(json!({ "reason": reason, "record": record.map(record_json) }))
}

/// The reply as stored in the ledger: `{status, response}`.
fn stored(reply: &Reply) -> Value {
    match reply.clone().into_parts() {
        Some((status, response)) => json!({ "status": status.as_str(), "response": response }),
        None => Value::Null,
    }
}

fn from_stored(stored: Value) -> Reply {
    let response = stored.get("response").cloned().unwrap_or(Value::Null);
    if stored.get("status").and_then(Value::as_str) == Some(Status::Ok.as_str()) {
        Reply::Ok(response)
    } else {
        Reply::Error(response)
    }
}

/// Checks that a request carries what its kind needs, before anything is written.
fn check(name: &str, action: &Action, req: &ActionRequest) -> Result<(), String> {
    match action {
        Action::ServerCorrects(_) | Action::UndoableDelete(_) => req.id(name).map(|_| ()),
        Action::Pending(_) | Action::ConfirmFirst(_) | Action::Save(..) | Action::Delete => {
            req.id(name).and_then(|_| {
                req.version.map(|_| ()).ok_or_else(|| {
                    format!("invalid action payload: {name} needs the version the client saw")
                })
            })
        }
        Action::Insert(_) => match (&req.temp_id, &req.id) {
            (Some(t), None) if !t.is_empty() && t.len() <= super::MAX_ID_BYTES => Ok(()),
            (_, Some(_)) => Err(format!(
                "invalid action payload: {name} inserts; send a temp_id, not an id"
            )),
            _ => Err(format!(
                "invalid action payload: {name} needs a temp_id of 1 to {} bytes",
                super::MAX_ID_BYTES
            )),
        },
    }
}

impl Resource {
    pub(super) async fn act(
        &self,
        name: &str,
        action: &Action,
        req: ActionRequest,
        socket: &mut ChannelSocket,
    ) -> Reply {
        if let Err(reason) = check(name, action, &req) {
            return Reply::error(reason);
        }
        let size = req.data.to_string().len();
        if size > self.max_data_bytes {
            return Reply::error(format!(
                "action data is {size} bytes; this resource takes at most {}",
                self.max_data_bytes
            ));
        }
        let key = OpKey {
            user: socket.user_id().to_owned(),
            client: req.client.clone(),
            op: req.op.clone(),
        };
        let topic = socket.topic().to_owned();
        let by = json!({ "user": socket.user_id(), "name": socket.claims().name });
        match self.apply_once(&key, name, action, &req, &topic, &by).await {
            Ok(Applied::Fresh(reply, after)) => {
                match after {
                    After::Nothing => {}
                    After::Broadcast(events) => {
                        for (event, payload) in events {
                            socket.broadcast_from(event, payload);
                        }
                    }
                    After::Schedule { id, window } => {
                        self.schedule_delete(key, topic, id, window, socket);
                    }
                }
                reply
            }
            Ok(Applied::Replayed(stored)) => from_stored(stored),
            Ok(Applied::Reused) => Reply::error(
                "op id already used for a different action: use a new op id for each action",
            ),
            Err(e) => {
                tracing::error!(%topic, action = %name, "action failed in the store: {e}");
                Reply::error("store unavailable: nothing was written; retry with the same op id")
            }
        }
    }

    async fn apply_once(
        &self,
        key: &OpKey,
        name: &str,
        action: &Action,
        req: &ActionRequest,
        topic: &str,
        by: &Value,
    ) -> Result<Applied, StoreError> {
        let fingerprint = req.fingerprint(name);
        let mut tx = self.store.begin().await?;
        if let Some(found) = ops::ledger_get(&mut tx, key).await? {
            return Ok(replay(found, &fingerprint));
        }
        let (reply, after) = self.change(&mut tx, action, req, topic, by).await?;
        let written = async {
            ops::ledger_put(&mut tx, key, &fingerprint, &stored(&reply)).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match written {
            Ok(()) => Ok(Applied::Fresh(reply, after)),
            // The same op, sent twice at once (two sockets of one client): the
            // other one won the ledger row; answer as it did.
            Err(e) => match ops::ledger_get(&mut *self.store.pool().acquire().await?, key).await? {
                Some(found) => Ok(replay(found, &fingerprint)),
                None => Err(e),
            },
        }
    }

    fn schedule_delete(
        &self,
        key: OpKey,
        topic: String,
        id: String,
        window: std::time::Duration,
        socket: &ChannelSocket,
    ) {
        let store = self.store.clone();
        let broadcaster = socket.broadcaster();
        self.undo.schedule(key, window, async move {
            match store.delete(&topic, &id, None).await {
                Ok(Written::Applied(_)) => {
                    broadcaster.broadcast(PATCH_EVENT, patch::remove(&topic, &id))
                }
                Ok(_) => {}
                Err(e) => tracing::error!(%topic, %id, "undoable delete failed: {e}"),
            }
        });
    }

    /// `undo {client, op}`: cancels the op's scheduled run if the window is open.
    pub(super) fn undo(&self, req: &ActionRequest, socket: &ChannelSocket) -> Reply {
        let key = OpKey {
            user: socket.user_id().to_owned(),
            client: req.client.clone(),
            op: req.op.clone(),
        };
        if self.undo.undo(&key) {
            Reply::ok(json!({ "undone": req.op }))
        } else {
            Reply::error(
                "nothing to undo: the undo window has passed (the action ran) or no undoable action has this op id",
            )
        }
    }
}

fn replay((fingerprint, stored): (String, Value), expected: &str) -> Applied {
    if fingerprint == expected {
        Applied::Replayed(stored)
    } else {
        Applied::Reused
    }
}
