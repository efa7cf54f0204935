//! Drafts of a resource's records: what each person typed into a record's
//! form and has not saved, kept in the store per (user, record) so another
//! device of theirs restores it (`draft:save`, `draft:discard`, and the join
//! reply's `drafts`). A save by that person removes their draft.

use std::time::Duration;

use serde_json::{Value, json};

use super::reply::{rate_limited, retry};
use crate::channel::ChannelSocket;
use crate::store::{Draft, Store, StoreError, drafts, now_ms};
use crate::wire::{Code, Reply};

/// How long a draft is kept by default: 30 days.
pub const DRAFT_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How often one person's draft of one record is written at most: rtux.js
/// sends one every 2 s while they type (and the last one after they stop);
/// the server refuses a write less than 1.5 s after the last (three quarters
/// of this, leaving room for network jitter).
pub const DRAFT_EVERY: Duration = Duration::from_secs(2);
/// How many drafts one user keeps at most, across every resource of the
/// store: past it a new draft is refused (`full`) until one is saved or
/// discarded.
pub const DRAFTS_PER_USER: u64 = 50;
/// How many bytes of drafts one user keeps at most, across every resource.
pub const DRAFT_BYTES_PER_USER: u64 = 256 * 1024;

/// A resource's drafts part: how long it keeps each person's unsaved form,
/// if it keeps any.
pub(super) struct Drafts {
    store: Store,
    /// `None`: the resource keeps no drafts.
    ttl: Option<Duration>,
    /// The largest draft, serialized (the resource's largest record).
    max_bytes: usize,
}

impl Drafts {
    /// Drafts kept for `ttl` (none without one), of at most `max_bytes` each.
    pub(super) fn new(store: Store, ttl: Option<Duration>, max_bytes: usize) -> Drafts {
        Drafts {
            store,
            ttl,
            max_bytes,
        }
    }

    /// Whether the resource keeps drafts (a save then removes the saver's).
    pub(super) fn kept(&self) -> bool {
        self.ttl.is_some()
    }

    /// `draft:save {id, data}`: keeps `data` as the user's draft of record `id`.
    pub(super) async fn save(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let Some(ttl) = self.ttl else {
            return Reply::refuse(Code::Invalid, "this resource keeps no drafts");
        };
        let (Some(id), Some(data)) = (payload["id"].as_str(), payload.get("data")) else {
            return Reply::refuse(
                Code::Invalid,
                "invalid draft: send {\"id\": <the record's id>, \"data\": {<field>: <value>}}",
            );
        };
        if !data.is_object() {
            return Reply::refuse(
                Code::Invalid,
                "invalid draft: data must be an object of the form's fields",
            );
        }
        let size = data.to_string().len();
        if size > self.max_bytes {
            return Reply::refuse(
                Code::Invalid,
                format!(
                    "draft is {size} bytes; this resource takes at most {}",
                    self.max_bytes
                ),
            );
        }
        let (topic, user) = (socket.topic(), socket.user_id());
        let saved = async {
            let mut tx = self.store.begin().await?;
            if crate::store::records::get(&mut tx, topic, id)
                .await?
                .is_none()
            {
                return Ok(Err(Reply::refuse(
                    Code::NotFound,
                    "no such record: a draft keeps what is typed into an existing record's form",
                )));
            }
            let now = now_ms();
            let least = i64::try_from(DRAFT_EVERY.as_millis() * 3 / 4).unwrap_or(i64::MAX);
            if let Some(at) = drafts::saved_at(&mut tx, user, topic, id).await?
                && now - at < least
            {
                let wait = Duration::from_millis(u64::try_from(least - (now - at)).unwrap_or(0));
                return Ok(Err(rate_limited(
                    &format!(
                        "draft saved {} ms ago: send at most one every {} s",
                        now - at,
                        DRAFT_EVERY.as_secs()
                    ),
                    wait,
                )));
            }
            let (count, bytes) = drafts::usage(&mut tx, user, (topic, id), now).await?;
            let size = u64::try_from(size).unwrap_or(u64::MAX);
            if count >= DRAFTS_PER_USER || bytes.saturating_add(size) > DRAFT_BYTES_PER_USER {
                return Ok(Err(Reply::refuse(
                    Code::Full,
                    format!(
                        "too many drafts: you keep {count} ({} KiB); a person keeps at most {DRAFTS_PER_USER} ({} KiB): save or discard some; this one stays in this browser",
                        bytes.div_ceil(1024),
                        DRAFT_BYTES_PER_USER / 1024
                    ),
                )));
            }
            let ttl = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
            let keep = (topic, id);
            drafts::save(&mut tx, user, keep, data, now, now.saturating_add(ttl)).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(Ok(now))
        };
        match saved.await {
            Ok(Ok(at)) => Reply::ok(json!({ "saved_at": at })),
            Ok(Err(refused)) => refused,
            Err(e) => {
                tracing::error!(%topic, "saving a draft failed: {e}");
                retry(
                    Code::Unavailable,
                    "store unavailable: the draft was not saved; it is kept in this browser",
                )
            }
        }
    }

    /// `draft:discard {id}`: removes the user's draft of record `id`.
    pub(super) async fn discard(&self, payload: &Value, socket: &ChannelSocket) -> Reply {
        let Some(id) = payload["id"].as_str() else {
            return Reply::refuse(
                Code::Invalid,
                "invalid draft: send {\"id\": <the record's id>}",
            );
        };
        let removed = async {
            let mut conn = self.store.conn().await?;
            drafts::remove(&mut conn, Some(socket.user_id()), socket.topic(), id).await
        };
        match removed.await {
            Ok(n) => Reply::ok(json!({ "discarded": n > 0 })),
            Err(e) => {
                tracing::error!(topic = %socket.topic(), "discarding a draft failed: {e}");
                retry(
                    Code::Unavailable,
                    "store unavailable: the draft was not discarded; try again",
                )
            }
        }
    }

    /// The user's drafts on the topic, for the join reply (none when the
    /// resource keeps none).
    pub(super) async fn of(&self, socket: &ChannelSocket) -> Result<Vec<Draft>, StoreError> {
        if !self.kept() {
            return Ok(Vec::new());
        }
        let mut conn = self.store.conn().await?;
        drafts::of_user(&mut conn, socket.user_id(), socket.topic(), now_ms()).await
    }
}
