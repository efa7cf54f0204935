//! Actions on a real store: the server half of optimistic UI.
//!
//! A [`Resource`] is a [`Channel`] over the records of its topic.
//! Clients push actions — each with a client id and an op id — and the resource
//! applies each op **at most once**, across reconnects and restarts (the ledger
//! row is written in the same transaction as the change), replies confirm or
//! reject, and broadcasts every confirmed change to the other subscribers as a
//! patch with server-rendered HTML.
//!
//! The action kinds are those of the optimistic-UI patterns:
//!
//! | kind | for | client shows | server |
//! |---|---|---|---|
//! | [server-corrects](ResourceBuilder::server_corrects) | toggles, counters | the change at once | applies to the current record, whatever version the client saw; the reply is the truth |
//! | [pending](ResourceBuilder::pending) | edits | the change, marked pending | applies only at the client's version; else rejects with the current record |
//! | [insert](ResourceBuilder::insert) | new items | the item under a temporary id | inserts; the reply maps the temporary id to the real one |
//! | [undoable delete](ResourceBuilder::undoable_delete) | destructive actions | the item hidden, with "Undo" | runs after the undo window (5 s) unless undone |
//! | [confirm-first](ResourceBuilder::confirm_first) | irreversible actions (send, charge) | nothing until the reply | applies at the client's version |
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use rtux::action::{Reject, Resource};
//! use rtux::store::Store;
//! use serde_json::{Value, json};
//!
//! # let dir = std::env::temp_dir().join(format!("rtux-action-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let store = Store::sqlite(dir.join("todos.db")).await.unwrap();
//! let todos = Resource::builder(store)
//!     .item_template(r#"<li id="{{ dom_id }}">{{ record.data.title }}</li>"#)
//!     .insert("add", |params: &Value| match params["title"].as_str() {
//!         Some(t) if !t.trim().is_empty() => Ok(json!({"title": t.trim(), "done": false})),
//!         _ => Err(Reject::new("a todo needs a title")),
//!     })
//!     .server_corrects("toggle", |todo: &Value, _: &Value| {
//!         Ok(json!({"title": todo["title"], "done": !todo["done"].as_bool().unwrap_or(false)}))
//!     })
//!     .undoable_delete("delete")
//!     .build()
//!     .unwrap();
//! let endpoint = rtux::Endpoint::builder("a secret of at least thirty-two bytes!")
//!     .channel("todos:*", todos)
//!     .build()
//!     .unwrap();
//! # let _ = endpoint;
//! # }
//! ```

mod answer;
mod builder;
mod change;
mod dom;
mod drafts;
mod error;
mod failure;
mod label;
mod live;
mod pages;
mod patch;
mod payload;
mod references;
mod referrers;
mod reject;
mod reply;
mod request;
mod run;

pub use dom::dom_id;
pub use drafts::{DRAFT_BYTES_PER_USER, DRAFT_EVERY, DRAFT_TTL, DRAFTS_PER_USER};
pub use error::{ReferenceError, ResourceError, TemplateError};
pub use label::{LABEL_CHARS, label_text};
pub use live::{
    FIELD_BYTES_PER_SECOND, FIELD_EVERY, FIELD_MAX_BYTES, LOCK_ACTIVE, LOCK_EVENT, Participant,
    UNLOCK_EVENT, WHOLE,
};
pub use pages::{PAGE_BYTES, PAGE_RECORDS};
pub use patch::PATCH_EVENT;
pub use references::{OnDelete, Reference};
pub use request::MAX_ID_BYTES;

use std::sync::Arc;
use std::time::Duration;

use rtux_rules::{ActionKind, Vocabulary};
use serde_json::Value;

use crate::channel::{Channel, ChannelSocket, JoinError, LeaveReason};
use crate::conflict::Merge;
use crate::store::{Record, Store};
use crate::wire::{Code, Reply};
pub use builder::{INSERTS_PER_MINUTE, MAX_RECORDS, ResourceBuilder};
use drafts::Drafts;
use live::Live;
use pages::Pages;
use payload::{Joined, to_json};
pub use reject::Reject;
use request::ActionRequest;
use run::Runner;

/// Server → others: the fields a save changed, and who made it.
pub const FIELDS_EVENT: &str = "rtux:fields";
/// The events a resource handles itself beside the app's actions (`undo`,
/// `lock`, `draft:save`, …); no action may take their names.
pub use rtux_rules::ResourceEvent;

/// Parses an action push's payload as the resource would (for the property
/// tests of what clients send).
#[cfg(test)]
pub(crate) fn parse_payload(payload: Value) -> Result<(), request::PayloadError> {
    ActionRequest::parse(payload).map(|_| ())
}

/// Computes a record's new data from the current record and the action's params.
pub(crate) type Change = Arc<dyn Fn(&Record, &Value) -> Result<Value, Reject> + Send + Sync>;
/// Computes a new record's data from the action's params.
type Create = Arc<dyn Fn(&Value) -> Result<Value, Reject> + Send + Sync>;

#[derive(Clone)]
pub(crate) enum Action {
    ServerCorrects(Change),
    Pending(Change),
    ConfirmFirst(Change),
    Insert(Create),
    /// `None`: the resource's undo window.
    UndoableDelete(Option<Duration>),
    /// Deleted at once, at the client's version (after the client confirmed).
    ConfirmedDelete,
    /// A save merged field by field; `Change` checks the user's record (given
    /// the current one) first.
    Editable(Arc<dyn Merge>, Change),
}

impl Action {
    /// The action's kind.
    pub(crate) fn kind(&self) -> ActionKind {
        match self {
            Action::ServerCorrects(_) => ActionKind::ServerCorrects,
            Action::Pending(_) => ActionKind::Pending,
            Action::ConfirmFirst(_) => ActionKind::ConfirmFirst,
            Action::Insert(_) => ActionKind::Insert,
            Action::UndoableDelete(_) => ActionKind::UndoableDelete,
            Action::ConfirmedDelete => ActionKind::ConfirmedDelete,
            Action::Editable(..) => ActionKind::Editable,
        }
    }
}

/// Tracks a joining connection's presence on the resource's topic.
type Track = fn(&Value, &mut ChannelSocket) -> Result<(), JoinError>;

/// A real-time resource: the records of each topic it serves, and the actions
/// clients may take on them. Register it with
/// [`EndpointBuilder::channel`](crate::EndpointBuilder::channel).
///
/// Join reply: `{records: [{id, version, data, dom_id, html}], more, undo_window_ms, drafts?}`
/// — the first page of the topic's records (`html` from the item template,
/// `null` without one; `more` the cursor of the next page, which `page
/// {after: more}` gives). Action
/// pushes, replies and patches are described in `docs/protocol.md`.
pub struct Resource {
    /// The app's actions.
    runner: Runner,
    /// Section locks and previews of what people type.
    live: Live,
    drafts: Drafts,
    pages: Pages,
    presence: Option<Track>,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("actions", &self.runner.names())
            .finish_non_exhaustive()
    }
}

impl Resource {
    /// Starts configuring a resource stored in `store`.
    pub fn builder(store: Store) -> ResourceBuilder {
        ResourceBuilder::new(store)
    }

    /// A record's HTML from the item template (what patches carry), for
    /// rendering the first page the same way; `None` without a template.
    pub fn item_html(&self, topic: &str, record: &crate::store::Record) -> Option<String> {
        self.runner.renderer.html(topic, record)
    }

    /// The store the resource writes to.
    pub fn store(&self) -> &Store {
        &self.runner.store
    }
}

impl Channel for Resource {
    type State = Participant;

    async fn join(
        &self,
        topic: &str,
        payload: Value,
        socket: &mut ChannelSocket,
    ) -> Result<(Participant, Value), JoinError> {
        if let Some(track) = self.presence {
            track(&payload, socket)?;
        }
        self.store().keep_swept();
        // The socket is subscribed already (its broadcasts held until this
        // reply is out): no change can fall between this list and the patches.
        let first = self.pages.page(topic, None).await.map_err(|e| {
            tracing::error!(%topic, "listing records for a join failed: {e}");
            JoinError::new(Code::Unavailable, "store unavailable: try again")
        })?;
        let drafts = self.drafts.of(socket).await.map_err(|e| {
            tracing::error!(%topic, "listing drafts for a join failed: {e}");
            JoinError::new(Code::Unavailable, "store unavailable: try again")
        })?;
        let joined = Joined {
            records: first.records,
            more: first.more,
            undo_window_ms: u64::try_from(self.runner.undo_window.as_millis()).unwrap_or(u64::MAX),
            needs_connection: self.runner.needing_connection(),
            drafts,
        };
        Ok((Participant::default(), to_json(&joined)))
    }

    async fn handle_in(
        &self,
        event: &str,
        payload: Value,
        me: &mut Participant,
        socket: &mut ChannelSocket,
    ) -> Reply {
        let Some(builtin) = ResourceEvent::from_name(event) else {
            return self.runner.act_by_name(event, payload, me, socket).await;
        };
        match builtin {
            ResourceEvent::Lock => self.live.lock(&payload, me, socket).await,
            ResourceEvent::Unlock => self.live.unlock(&payload, socket).await,
            ResourceEvent::Field => self.live.field(&payload, me, socket).await,
            ResourceEvent::Page => self.pages.next(payload, socket.topic()).await,
            ResourceEvent::DraftSave => {
                let reply = self.drafts.save(&payload, socket).await;
                if let (Reply::Ok(_), Some(id)) = (&reply, payload["id"].as_str()) {
                    me.edited(id);
                }
                reply
            }
            ResourceEvent::DraftDiscard => self.drafts.discard(&payload, socket).await,
            ResourceEvent::Undo => match ActionRequest::parse(payload) {
                Ok(request) => self.runner.undo(&request, socket).await,
                Err(reason) => Reply::refuse(Code::Invalid, reason.to_string()),
            },
        }
    }

    async fn terminate(&self, _reason: LeaveReason, _: Participant, socket: &mut ChannelSocket) {
        self.live.release_all(socket).await;
    }
}
