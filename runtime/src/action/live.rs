//! Live collaboration on a resource's records: section locks ("A is editing")
//! and as-you-type field changes relayed to the others — both bounded, as a
//! hostile client would test them.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::Value;

use super::MAX_ID_BYTES;
use super::payload::{By, Done, FieldPreview, LockRefused, Locked, Unlocked, to_json};
use super::reply::{rate_limited, rate_limited_with, retry};
use crate::channel::ChannelSocket;
use crate::conflict::{Holder, LockError, Locks};
use crate::store::locks;
use crate::store::{Record, Store, StoreError, StoreTx, now_ms};
use crate::wire::{Code, Reply};

/// The shortest time between two previews of one (record, field) from one
/// connection: 10 a second.
pub const FIELD_EVERY: Duration = Duration::from_millis(100);
/// The largest preview value, serialized.
pub const FIELD_MAX_BYTES: usize = 2 * 1024;
/// Bytes of previews one connection may send per second (twice that at once).
pub const FIELD_BYTES_PER_SECOND: u32 = 16 * 1024;
/// A lock is renewed only for a holder who edited its record (a `field`
/// preview, a `draft:save`, an action on it) or took the lock within this long.
pub const LOCK_ACTIVE: Duration = Duration::from_secs(60);
/// The section that stands for a whole record (any field locks it too).
pub const WHOLE: &str = "form";

/// What a resource keeps for one joined connection: when each of its
/// (record, field) previews last went out, its preview bytes budget, and when
/// it last edited each record (what keeps its locks).
pub struct Participant {
    previews: HashMap<(String, String), Instant>,
    bytes: DefaultDirectRateLimiter,
    edits: HashMap<String, Instant>,
}

impl Participant {
    /// The connection edited record `id` (or took a lock on it) just now.
    pub(super) fn edited(&mut self, id: &str) {
        let now = Instant::now();
        if self.edits.len() >= PREVIEW_KEYS {
            self.edits
                .retain(|_, at| now.duration_since(*at) < LOCK_ACTIVE);
        }
        self.edits.insert(id.to_owned(), now);
    }

    /// Whether the connection edited record `id` within [`LOCK_ACTIVE`].
    fn active_on(&self, id: &str) -> bool {
        self.edits
            .get(id)
            .is_some_and(|at| at.elapsed() < LOCK_ACTIVE)
    }
}

impl std::fmt::Debug for Participant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Participant")
            .field("previews", &self.previews.len())
            .finish_non_exhaustive()
    }
}

impl Default for Participant {
    fn default() -> Participant {
        let rate = NonZeroU32::new(FIELD_BYTES_PER_SECOND).unwrap_or(NonZeroU32::MIN);
        let burst = rate.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN));
        Participant {
            previews: HashMap::new(),
            bytes: RateLimiter::direct(Quota::per_second(rate).allow_burst(burst)),
            edits: HashMap::new(),
        }
    }
}

/// The most (record, field) pairs a participant's throttle remembers.
const PREVIEW_KEYS: usize = 256;

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

/// Why a lock or field push is refused (with the code `invalid`).
#[derive(Debug, thiserror::Error)]
enum LivePayloadError {
    /// A lock push is not `{id, section}`.
    #[error("invalid lock payload {{id, section}}: {0}")]
    Lock(serde_json::Error),
    /// An id, section or field name is empty, too long or holds control
    /// characters.
    #[error("{0} must be 1 to {MAX_ID_BYTES} bytes without control characters")]
    Name(&'static str),
}

fn short(name: &'static str, value: &str) -> Result<(), LivePayloadError> {
    if value.is_empty() || value.len() > MAX_ID_BYTES || value.chars().any(char::is_control) {
        return Err(LivePayloadError::Name(name));
    }
    Ok(())
}

fn section(payload: &Value) -> Result<Section, LivePayloadError> {
    let s: Section = serde_json::from_value(payload.clone()).map_err(LivePayloadError::Lock)?;
    short("id", &s.id)?;
    short("section", &s.section)?;
    Ok(s)
}

/// A resource's live part: its section locks, if it has any, and the
/// previews of what people type.
pub(super) struct Live {
    store: Store,
    locks: Locks,
    /// Sections that may be locked besides [`WHOLE`] and the fields.
    sections: Vec<String>,
    /// Whether records may be locked at all.
    lockable: bool,
}

impl Live {
    /// Locks lasting `ttl` without renewal (none unless `lockable`), on
    /// `sections` besides the whole record and its fields.
    pub(super) fn new(store: Store, ttl: Duration, sections: Vec<String>, lockable: bool) -> Live {
        Live {
            locks: Locks::new(store.clone(), ttl),
            store,
            sections,
            lockable,
        }
    }

    /// Whether `section` of `record` may be locked: the whole record
    /// ([`WHOLE`]), one of its fields, or a section the resource declares.
    fn declares(&self, record: &Record, section: &str) -> bool {
        section == WHOLE
            || record.data.get(section).is_some()
            || self.sections.iter().any(|s| s == section)
    }

    /// The record acted on, for a lock or a preview: it must exist in the topic.
    async fn existing(&self, socket: &ChannelSocket, id: &str) -> Result<Record, Reply> {
        match self.store.get(socket.topic(), id).await {
            Ok(Some(record)) => Ok(record),
            Ok(None) => Err(Reply::refuse(
                Code::NotFound,
                format!("no record {id:?} in this topic"),
            )),
            Err(e) => {
                tracing::error!(topic = %socket.topic(), "a lock or preview could not read its record: {e}");
                Err(retry(Code::Unavailable, "store unavailable: try again"))
            }
        }
    }

    /// `lock {id, section}`: acquires (or, for its holder, renews) the lock,
    /// on a record of the topic and a section it has, on a resource that
    /// declares locks. A renewal needs an edit of the record within
    /// [`LOCK_ACTIVE`].
    pub(super) async fn lock(
        &self,
        payload: &Value,
        me: &mut Participant,
        socket: &ChannelSocket,
    ) -> Reply {
        if !self.lockable {
            return Reply::refuse(
                Code::Invalid,
                "this resource has no locks: declare them with #[rtux(locks)] or ResourceBuilder::locks",
            );
        }
        let s = match section(payload) {
            Ok(s) => s,
            Err(reason) => return Reply::refuse(Code::Invalid, reason.to_string()),
        };
        let record = match self.existing(socket, &s.id).await {
            Ok(record) => record,
            Err(refused) => return refused,
        };
        if !self.declares(&record, &s.section) {
            return Reply::refuse(
                Code::Invalid,
                format!(
                    "no section {:?}: lock {WHOLE:?} (the whole record) or one of its fields",
                    s.section
                ),
            );
        }
        let holder = Holder {
            user: socket.user_id().to_owned(),
            name: socket.claims().name.clone(),
        };
        let topic = socket.topic().to_owned();
        let active = me.active_on(&s.id);
        match self
            .locks
            .acquire(&topic, &s.id, &s.section, &holder, socket.conn_id(), active)
            .await
        {
            Ok(grant) => {
                if !grant.renewed {
                    me.edited(&s.id);
                }
                let ttl_ms = u64::try_from(grant.ttl.as_millis()).unwrap_or(u64::MAX);
                let locked = to_json(&Locked {
                    id: s.id.clone(),
                    section: s.section.clone(),
                    holder,
                    ttl_ms,
                });
                socket.broadcast_from(LOCK_EVENT, locked.clone());
                let (locks, broadcaster) = (self.locks.clone(), socket.broadcaster());
                tokio::spawn(async move {
                    tokio::time::sleep(grant.ttl).await;
                    if locks
                        .expire(&topic, &s.id, &s.section, grant.generation)
                        .await
                    {
                        broadcaster.broadcast(UNLOCK_EVENT, unlocked(s.id, s.section, "expired"));
                    }
                });
                Reply::Ok(locked)
            }
            Err(LockError::HeldBy(holder)) => {
                let reason = LockError::HeldBy(holder.clone()).to_string();
                Reply::Error(to_json(&LockRefused {
                    code: Code::Locked,
                    reason,
                    holder,
                }))
            }
            Err(LockError::HeldTooLong) => {
                // The lock ended for everyone: the others may edit now.
                socket.broadcast_from(UNLOCK_EVENT, unlocked(s.id, s.section, "held too long"));
                Reply::refuse(Code::HeldTooLong, LockError::HeldTooLong.to_string())
            }
            Err(e @ LockError::Resting(wait)) => {
                rate_limited_with(Code::HeldTooLong, &e.to_string(), wait)
            }
            Err(e) => Reply::refuse(lock_code(&e), e.to_string()),
        }
    }

    /// `unlock {id, section}`: releases a lock this socket holds.
    pub(super) async fn unlock(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let s = match section(payload) {
            Ok(s) => s,
            Err(reason) => return Reply::refuse(Code::Invalid, reason.to_string()),
        };
        match self
            .locks
            .release(socket.topic(), &s.id, &s.section, socket.conn_id())
            .await
        {
            Ok(()) => {
                socket.broadcast_from(UNLOCK_EVENT, unlocked(s.id, s.section, "released"));
                Reply::Ok(to_json(&Done {}))
            }
            Err(e) => Reply::refuse(lock_code(&e), e.to_string()),
        }
    }

    /// Releases every lock the socket holds on its topic (it left or closed).
    pub(super) async fn release_all(&self, socket: &ChannelSocket) {
        for (id, section) in self
            .locks
            .release_conn(socket.topic(), socket.conn_id())
            .await
        {
            socket.broadcast_from(UNLOCK_EVENT, unlocked(id, section, "holder left"));
        }
    }

    /// `field {id, field, value}`: relays an unsaved edit to the others, tagged
    /// with who made it; the sender does not get it back. At most
    /// [`FIELD_MAX_BYTES`] a value, one per [`FIELD_EVERY`] per (record, field),
    /// [`FIELD_BYTES_PER_SECOND`] in all, for records of the topic only.
    pub(super) async fn field(
        &self,
        payload: &Value,
        me: &mut Participant,
        socket: &ChannelSocket,
    ) -> Reply {
        let edit: FieldEdit = match serde_json::from_value(payload.clone()) {
            Ok(edit) => edit,
            Err(e) => {
                return Reply::refuse(
                    Code::Invalid,
                    format!("invalid field payload {{id, field, value}}: {e}"),
                );
            }
        };
        if let Err(reason) = short("id", &edit.id).and_then(|()| short("field", &edit.field)) {
            return Reply::refuse(Code::Invalid, reason.to_string());
        }
        let size = edit.value.to_string().len();
        if size > FIELD_MAX_BYTES {
            return Reply::refuse(
                Code::Invalid,
                format!("field value is {size} bytes; a preview takes at most {FIELD_MAX_BYTES}"),
            );
        }
        let key = (edit.id.clone(), edit.field.clone());
        let now = Instant::now();
        if let Some(last) = me.previews.get(&key)
            && now.duration_since(*last) < FIELD_EVERY
        {
            let wait = FIELD_EVERY - now.duration_since(*last);
            return throttled("previews of this field", wait);
        }
        let cells =
            NonZeroU32::new(u32::try_from(size).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        if me.bytes.check_n(cells).map_or(true, |ok| ok.is_err()) {
            return throttled("preview bytes", Duration::from_secs(1));
        }
        if let Err(refused) = self.existing(socket, &edit.id).await {
            return refused;
        }
        if me.previews.len() >= PREVIEW_KEYS {
            me.previews
                .retain(|_, at| now.duration_since(*at) < FIELD_EVERY);
        }
        me.previews.insert(key, now);
        me.edited(&edit.id);
        let preview = FieldPreview {
            id: edit.id,
            field: edit.field,
            value: edit.value,
            by: By {
                user: socket.user_id().to_owned(),
                name: socket.claims().name.clone(),
            },
        };
        socket.broadcast_from(FIELD_EVENT, to_json(&preview));
        Reply::Ok(to_json(&Done {}))
    }
}

/// The refusal of an edit to sections another user has locked, if any:
/// a whole-record lock refuses every edit, a field lock the edits that
/// change that field.
///
/// Read in the transaction that would write the change, from the store,
/// so a lock taken through any node counts.
pub(super) async fn locked_out(
    tx: &mut StoreTx,
    current: &Record,
    next: &Value,
    user: &str,
) -> Result<Option<String>, StoreError> {
    let held = locks::held_by_others(tx, &current.kind, &current.id, user, now_ms()).await?;
    Ok(held
        .into_iter()
        .find(|(section, _)| {
            current.data.get(section).is_none() || current.data.get(section) != next.get(section)
        })
        .map(|(_, holder)| {
            let name = holder.name.as_deref().unwrap_or(&holder.user);
            format!("locked by {name}: {name} is editing this; nothing was changed — try again when they are done")
        }))
}

/// A refusal to slow down, with when to try again.
fn throttled(what: &str, wait: Duration) -> Reply {
    rate_limited(&format!("rate limited: too many {what}"), wait)
}

/// The code of a lock refusal.
fn lock_code(e: &LockError) -> Code {
    match e {
        LockError::HeldBy(_) => Code::Locked,
        LockError::NotHeld => Code::NotHeld,
        LockError::TooMany(_) => Code::Full,
        LockError::HeldTooLong | LockError::Resting(_) => Code::HeldTooLong,
        LockError::Idle => Code::Idle,
        LockError::Store => Code::Unavailable,
    }
}

/// `rtux:unlock` for a section.
fn unlocked(id: String, section: String, reason: &str) -> Value {
    to_json(&Unlocked {
        id,
        section,
        reason: reason.to_owned(),
    })
}
