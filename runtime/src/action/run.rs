//! Running one action exactly once: ledger, change and answer in one
//! transaction, then the patch. A replay is looked up first, before any age or
//! bound check, so an op already applied always gets its answer. Only applied
//! ops are recorded (compactly: `answer`); a refusal rolls back and changes
//! nothing, so its op may be sent again and is answered afresh, still applying
//! at most once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rtux_rules::Vocabulary;
use serde_json::Value;
use tracing::Instrument;

use super::answer::{Answer, Row, kept};
use super::failure::Failure;
use super::label::label_text;
use super::live::Participant;
use super::patch::Renderer;
use super::payload::{By, Patch, RecordView, Undone, to_json};
use super::references::References;
use super::reply::confirm;
use super::request::{ActionRequest, PayloadError};
use super::{Action, PATCH_EVENT};
use crate::channel::ChannelSocket;
use crate::store::{OpKey, Record, Store, StoreError, drafts, ledger, now_ms, quotas, records};
use crate::telemetry;
use crate::wire::{Code, Reply};

/// What to do once the transaction has committed.
pub(super) enum After {
    Nothing,
    /// Events for the topic's other subscribers, and patches for every
    /// subscriber of other topics (records whose references changed).
    Broadcast(Vec<(&'static str, Value)>, Vec<(String, Value)>),
}

/// An action applied for the first time, or found in the ledger.
enum Applied {
    Fresh(Reply, After),
    Replayed(Reply),
    Reused,
}

/// Checks that a request carries what its kind needs, before anything is written.
fn check(name: &str, action: &Action, req: &ActionRequest) -> Result<(), PayloadError> {
    match action {
        Action::ServerCorrects(_) | Action::UndoableDelete(_) => req.id(name).map(|_| ()),
        Action::Pending(_)
        | Action::ConfirmFirst(_)
        | Action::Editable(..)
        | Action::ConfirmedDelete => req.id(name).and_then(|_| {
            req.version
                .map(|_| ())
                .ok_or_else(|| PayloadError::NoVersion(name.to_owned()))
        }),
        Action::Insert(_) => match (&req.temp_id, &req.id) {
            (Some(t), None) if !t.is_empty() && t.len() <= super::MAX_ID_BYTES => Ok(()),
            (_, Some(_)) => Err(PayloadError::InsertWithId(name.to_owned())),
            _ => Err(PayloadError::NoTempId(name.to_owned())),
        },
    }
}

/// The op a request names, on the socket's topic, for the socket's user.
fn key_of(req: &ActionRequest, socket: &ChannelSocket) -> OpKey {
    OpKey {
        topic: socket.topic().to_owned(),
        user: socket.user_id().to_owned(),
        client: req.client.clone(),
        op: req.op.clone(),
    }
}

/// A resource's action runner: the app's actions by name and what bounds
/// them, run once each, in one transaction with the ledger.
pub(super) struct Runner {
    pub(super) store: Store,
    pub(super) actions: HashMap<String, Action>,
    pub(super) renderer: Arc<Renderer>,
    pub(super) undo_window: Duration,
    pub(super) max_data_bytes: usize,
    pub(super) keeps_history: bool,
    pub(super) max_records: u64,
    /// Inserts per user per topic per minute, counted in the store.
    pub(super) inserts_per_minute: u32,
    pub(super) references: References,
    /// Whether the resource keeps drafts (a save removes the saver's).
    pub(super) drafts: bool,
    /// The field that names a record in messages, if the resource has one.
    pub(super) label: Option<String>,
}

impl Runner {
    /// A record's label, as the others' messages name it ("Write docs").
    pub(super) fn label_of(&self, record: &Record) -> Option<String> {
        label_text(record.data.get(self.label.as_deref()?)?)
    }

    /// The app's action names, sorted.
    pub(super) fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.actions.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// The actions that cannot be taken back, sorted (for the join reply).
    pub(super) fn needing_connection(&self) -> Vec<String> {
        let mut names: Vec<String> = (self.actions.iter())
            .filter(|(_, action)| action.kind().needs_connection())
            .map(|(name, _)| name.clone())
            .collect();
        names.sort_unstable();
        names
    }

    /// Runs the app's action `event`, or refuses an event it does not have.
    pub(super) async fn act_by_name(
        &self,
        event: &str,
        payload: Value,
        me: &mut Participant,
        socket: &mut ChannelSocket,
    ) -> Reply {
        let request = match ActionRequest::parse(payload) {
            Ok(request) => request,
            Err(reason) => return Reply::refuse(Code::Invalid, reason.to_string()),
        };
        let Some(action) = self.actions.get(event) else {
            return Reply::refuse(
                Code::NotFound,
                format!(
                    "unknown action {event:?}; this resource has: {}",
                    self.names().join(", ")
                ),
            );
        };
        let id = request.id.clone();
        let reply = self.act(event, action, request, socket).await;
        if let (Reply::Ok(_), Some(id)) = (&reply, id) {
            me.edited(&id);
        }
        reply
    }

    async fn act(
        &self,
        name: &str,
        action: &Action,
        req: ActionRequest,
        socket: &mut ChannelSocket,
    ) -> Reply {
        if let Err(reason) = check(name, action, &req) {
            return Reply::refuse(Code::Invalid, reason.to_string());
        }
        let key = key_of(&req, socket);
        let by = By {
            user: socket.user_id().to_owned(),
            name: socket.claims().name.clone(),
        };
        let span = tracing::debug_span!("action", topic = %key.topic, user = %key.user, action = %name, op = %key.op, kind = action.kind().name());
        let started = std::time::Instant::now();
        let (reply, outcome, failure) = self
            .answer(&key, name, action, &req, &by, socket)
            .instrument(span.clone())
            .await;
        let took = started.elapsed();
        telemetry::action(
            &key.topic,
            action.kind().name(),
            outcome,
            took,
            failure.as_deref(),
        );
        span.in_scope(|| tracing::debug!(outcome, ?took, "action answered"));
        reply
    }

    /// The action's answer, its outcome for the metrics, and why it failed
    /// (when the store failed or stayed busy).
    async fn answer(
        &self,
        key: &OpKey,
        name: &str,
        action: &Action,
        req: &ActionRequest,
        by: &By,
        socket: &ChannelSocket,
    ) -> (Reply, &'static str, Option<String>) {
        match self.apply_once(key, name, action, req, by).await {
            Ok(Applied::Fresh(reply, after)) => {
                if let After::Broadcast(events, elsewhere) = after {
                    for (event, payload) in events {
                        socket.broadcast_from(event, payload);
                    }
                    for (topic, patch) in elsewhere {
                        socket.broadcast_on(&topic, PATCH_EVENT, patch);
                    }
                }
                let outcome = outcome_of(&reply);
                (reply, outcome, None)
            }
            Ok(Applied::Replayed(reply)) => (reply, "replayed", None),
            Ok(Applied::Reused) => (
                Reply::refuse(
                    Code::Reused,
                    "op id already used for a different action: use a new op id for each action",
                ),
                "refused",
                None,
            ),
            Err(failure) => {
                let (outcome, why) = match &failure {
                    Failure::Store(e) => {
                        tracing::error!(topic = %key.topic, action = %name, "action failed in the store: {e}");
                        ("failed", Some(format!("{name} failed in the store: {e}")))
                    }
                    Failure::Busy => (
                        "busy",
                        Some(format!("{name}: busy, other writers kept winning")),
                    ),
                    Failure::RateLimited(..) => ("rate_limited", None),
                };
                (failure.reply(), outcome, why)
            }
        }
    }

    async fn apply_once(
        &self,
        key: &OpKey,
        name: &str,
        action: &Action,
        req: &ActionRequest,
        by: &By,
    ) -> Result<Applied, Failure> {
        let fingerprints = [
            req.fingerprint(&key.topic, name),
            req.legacy_fingerprint(name),
        ];
        let mut tx = self.store.begin().await?;
        // A replay first: an op already applied gets its answer at any age
        // the ledger still holds, whatever bound it would meet now.
        if let Some(found) = ledger::get(&mut tx, key).await? {
            return Ok(self
                .replay(&mut tx, found, &fingerprints, (action, req, by), &key.topic)
                .await?);
        }
        if let Some(refused) = self.bounds(&mut tx, key, action, req).await? {
            return Ok(Applied::Fresh(refused, After::Nothing));
        }
        let (reply, after) = self.change(&mut tx, action, req, key, by).await?;
        // A refusal changed nothing and is not recorded: the transaction
        // (and any quota it took) rolls back.
        let Some(answer) = Answer::of(&reply) else {
            drop(tx);
            // Refused — unless another attempt of the same op (a second tab
            // of the client, a replay racing its first send) applied it
            // meanwhile, and what refused this one is that attempt's write.
            let mut tx = self.store.begin().await?;
            if let Some(found) = ledger::get(&mut tx, key).await? {
                return Ok(self
                    .replay(&mut tx, found, &fingerprints, (action, req, by), &key.topic)
                    .await?);
            }
            return Ok(Applied::Fresh(reply, After::Nothing));
        };
        // A save makes the saver's draft of the record moot.
        // (Not a save that came back with a conflict: what it could not
        // save is still the person's draft.)
        if self.drafts
            && matches!(action, Action::Editable(..) | Action::Pending(_))
            && matches!(reply, Reply::Ok(_))
            && let Some(id) = &req.id
        {
            drafts::remove(&mut tx, Some(&key.user), &key.topic, id).await?;
        }
        let cap = self.store.ledger_rows_per_user();
        let written = async {
            ledger::put(&mut tx, key, &fingerprints[0], &kept(&answer), req.at, cap).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        }
        .await;
        match written {
            Ok(()) => Ok(Applied::Fresh(reply, after)),
            // The same op, sent twice at once (two sockets of one client): the
            // other one won the ledger row; answer as it did.
            Err(e) => {
                let mut tx = self.store.begin().await?;
                match ledger::get(&mut tx, key).await? {
                    Some(found) => Ok(self
                        .replay(&mut tx, found, &fingerprints, (action, req, by), &key.topic)
                        .await?),
                    None => Err(e.into()),
                }
            }
        }
    }

    /// The refusal of an op that is not in the ledger, if a bound stops it:
    /// its data's size, its age, the user's writes (and inserts) per minute.
    /// Quotas are taken in the action's transaction, so a refused action
    /// spends none.
    async fn bounds(
        &self,
        tx: &mut crate::store::StoreTx,
        key: &OpKey,
        action: &Action,
        req: &ActionRequest,
    ) -> Result<Option<Reply>, Failure> {
        let size = req.data.to_string().len();
        if size > self.max_data_bytes {
            return Ok(Some(Reply::refuse(
                Code::Invalid,
                format!(
                    "action data is {size} bytes; this resource takes at most {}",
                    self.max_data_bytes
                ),
            )));
        }
        let floor = ledger::floor(tx, &key.user).await?;
        if let Some((code, reason)) = self.store.op_too_old(req.at, floor) {
            return Ok(Some(Reply::refuse(code, reason)));
        }
        let now = now_ms();
        let writes = self.store.writes_per_minute();
        if let Err(wait) = quotas::take(tx, "write", &key.user, writes, now).await? {
            return Err(Failure::RateLimited("writes", wait));
        }
        if matches!(action, Action::Insert(_)) {
            // Counted in the store, in this transaction: one quota per user
            // whichever nodes they connect to, spent only by inserts that apply.
            let scope = format!("insert:{}", key.topic);
            let quota = self.inserts_per_minute;
            if let Err(wait) = quotas::take(tx, &scope, &key.user, quota, now).await? {
                return Err(Failure::RateLimited("new records", wait));
            }
        }
        Ok(None)
    }

    /// The answer to a replay: the op's first answer, or the refusal of an op
    /// id used for another action.
    async fn replay(
        &self,
        tx: &mut crate::store::StoreTx,
        found: ledger::Entry,
        fingerprints: &[String; 2],
        (action, req, by): (&Action, &ActionRequest, &By),
        topic: &str,
    ) -> Result<Applied, StoreError> {
        let expected = if found.legacy {
            &fingerprints[1]
        } else {
            &fingerprints[0]
        };
        if &found.fingerprint != expected {
            return Ok(Applied::Reused);
        }
        // A save's own record, as it was checked when it ran: read only for
        // a conflict whose clean part was written (the one answer built from it).
        let row = Row::read(found.reply);
        let yours = match (action, &req.id) {
            (Action::Editable(_, check), Some(id)) if row.is_partial_conflict() => {
                match records::get(tx, topic, id).await? {
                    Some(current) => {
                        check(&current, &req.data).unwrap_or_else(|_| req.data.clone())
                    }
                    None => req.data.clone(),
                }
            }
            _ => req.data.clone(),
        };
        let reply = row.replay(tx, topic, &self.renderer, &yours, by).await?;
        Ok(Applied::Replayed(reply))
    }

    /// `undo {client, op, at}`: cancels the deletion that op scheduled, if its
    /// window is still open. The record comes back for everyone; the answer is
    /// recorded, so an undo whose reply was lost answers the same when retried.
    pub(super) async fn undo(&self, req: &ActionRequest, socket: &ChannelSocket) -> Reply {
        let delete = key_of(req, socket);
        let by = By {
            user: socket.user_id().to_owned(),
            name: socket.claims().name.clone(),
        };
        match self.undo_once(&delete, req.at, &by).await {
            Ok((reply, patch, elsewhere)) => {
                if let Some(patch) = patch {
                    socket.broadcast_from(PATCH_EVENT, to_json(&patch));
                }
                for (topic, patch) in elsewhere {
                    socket.broadcast_on(&topic, PATCH_EVENT, patch);
                }
                reply
            }
            Err(failure) => failure.reply(),
        }
    }

    async fn undo_once(&self, delete: &OpKey, at: i64, by: &By) -> Result<Undid, Failure> {
        let key = delete.companion("undo");
        let mut tx = self.store.begin().await?;
        if let Some(found) = ledger::get(&mut tx, &key).await? {
            return Ok((
                self.undo_replay(&mut tx, found, &key.topic, by).await?,
                None,
                Vec::new(),
            ));
        }
        let Some(record) = records::unmark_deleting(&mut tx, &key.topic, &delete.mark()).await?
        else {
            // Another attempt of this undo (a retry on a new socket while the
            // first still ran) may have restored the record and recorded its
            // answer while this one waited on the row: answer as it did.
            if let Some(found) = ledger::get(&mut tx, &key).await? {
                return Ok((
                    self.undo_replay(&mut tx, found, &key.topic, by).await?,
                    None,
                    Vec::new(),
                ));
            }
            // Not recorded: the delete may still be on its way.
            return Ok((
                Reply::refuse(
                    Code::NotFound,
                    "nothing to undo: the undo window has passed (the record is deleted) or no undoable action has this op id",
                ),
                None,
                Vec::new(),
            ));
        };
        let (at_index, previous) = records::position(&mut tx, &record).await?;
        let patch = self
            .renderer
            .insert(&key.topic, &record, at_index, previous.as_deref());
        let reply = confirm(&Undone {
            undone: delete.op.clone(),
            record: RecordView::from(&record),
            dom_id: patch.dom_id().to_owned(),
            html: patch.html().map(str::to_owned),
        });
        // The references the delete cleared point at the record again.
        let cleared = match ledger::get(&mut tx, delete).await? {
            Some(found) => Row::read(found.reply).cleared(),
            None => Vec::new(),
        };
        let elsewhere = self
            .references
            .restore(&mut tx, &cleared, &record.id, &to_json(by))
            .await?;
        let answer = Answer::Undone {
            undone: delete.op.clone(),
            id: record.id.clone(),
            version: record.version,
        };
        let cap = self.store.ledger_rows_per_user();
        ledger::put(&mut tx, &key, "undo", &kept(&answer), at, cap).await?;
        tx.commit().await?;
        Ok((reply, Some(patch), elsewhere))
    }

    /// The first answer of an undo already applied.
    async fn undo_replay(
        &self,
        tx: &mut crate::store::StoreTx,
        found: ledger::Entry,
        topic: &str,
        by: &By,
    ) -> Result<Reply, StoreError> {
        Row::read(found.reply)
            .replay(tx, topic, &self.renderer, &Value::Null, by)
            .await
    }
}

/// What a final answer was: `applied`, `conflict`, `stale` or `refused`.
fn outcome_of(reply: &Reply) -> &'static str {
    match reply.code() {
        None if matches!(reply, Reply::Ok(_)) => "applied",
        Some("conflict") => "conflict",
        Some("stale") => "stale",
        _ => "refused",
    }
}

/// An undo's reply, the record's patch, and patches of records on other
/// topics whose references came back.
type Undid = (Reply, Option<Patch>, Vec<(String, Value)>);
