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
mod change;
mod dom;
mod drafts;
mod error;
mod failure;
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
pub use live::{
    FIELD_BYTES_PER_SECOND, FIELD_EVERY, FIELD_MAX_BYTES, LOCK_ACTIVE, LOCK_EVENT, Participant,
    UNLOCK_EVENT, WHOLE,
};
pub use pages::{PAGE_BYTES, PAGE_RECORDS};
pub use patch::PATCH_EVENT;
pub use references::{OnDelete, Reference};
pub use request::MAX_ID_BYTES;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rtux_rules::{ActionKind, Vocabulary};
use serde_json::Value;

use crate::channel::{Channel, ChannelSocket, JoinError, LeaveReason};
use crate::conflict::{Locks, Merge};
use crate::presence::PresenceMeta;
use crate::store::{Record, Store};
use crate::ui::Views;
use crate::wire::{Code, Reply};
use patch::{ItemTemplate, Renderer};
use payload::{Joined, to_json};
pub use reject::Reject;
use request::ActionRequest;

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

/// A change of the data alone (the untyped builder methods).
fn data_change(
    change: impl Fn(&Value, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
) -> Change {
    Arc::new(move |record: &Record, params: &Value| change(&record.data, params))
}

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

/// Configures a [`Resource`].
pub struct ResourceBuilder {
    store: Store,
    actions: Vec<(String, Action)>,
    template: ItemTemplate,
    views: Option<Views>,
    undo_window: Duration,
    max_data_bytes: usize,
    lock_ttl: Duration,
    keeps_history: bool,
    presence: Option<Track>,
    lock_sections: Vec<String>,
    lockable: bool,
    max_records: u64,
    inserts_per_minute: u32,
    drafts: Option<Duration>,
    references: Vec<(String, Reference)>,
    topics: Option<String>,
    label: Option<String>,
}

/// Records a topic may hold by default.
pub const MAX_RECORDS: u64 = 10_000;
/// Inserts one user may make per minute on one topic, by default (counted in
/// the store: the same whichever nodes the user connects to).
pub const INSERTS_PER_MINUTE: u32 = 60;

/// Tracks a joining connection's presence on the resource's topic.
type Track = fn(&Value, &mut ChannelSocket) -> Result<(), JoinError>;

impl std::fmt::Debug for ResourceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.actions.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ResourceBuilder")
            .field("actions", &names)
            .finish_non_exhaustive()
    }
}

impl ResourceBuilder {
    pub(crate) fn action(mut self, name: &str, action: Action) -> Self {
        self.actions.push((name.to_owned(), action));
        self
    }

    /// A toggle or counter: `change(current, params)` runs on the record as the
    /// server has it, whatever version the client saw, and the reply corrects
    /// the client.
    pub fn server_corrects(
        self,
        name: &str,
        change: impl Fn(&Value, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::ServerCorrects(data_change(change)))
    }

    /// An edit the client shows as pending: applied only if the record is still
    /// at the version the client sent, else rejected with the current record.
    pub fn pending(
        self,
        name: &str,
        change: impl Fn(&Value, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::Pending(data_change(change)))
    }

    /// An irreversible action: the client shows nothing until the reply; applied
    /// only at the client's version.
    pub fn confirm_first(
        self,
        name: &str,
        change: impl Fn(&Value, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::ConfirmFirst(data_change(change)))
    }

    /// An optimistic insert: `create(params)` gives the new record's data; the
    /// client's `temp_id` comes back with the real id.
    pub fn insert(
        self,
        name: &str,
        create: impl Fn(&Value) -> Result<Value, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::Insert(Arc::new(create)))
    }

    /// A save of a whole record (a form), made from the version the user
    /// started at. If others saved since, it is merged field by field with
    /// `merge`: clean merges succeed (the reply lists the merged fields), fields
    /// both sides changed come back as a conflict with yours, theirs and base.
    /// `validate` checks (and may normalize) the user's record first.
    pub fn editable(
        self,
        name: &str,
        merge: impl Merge,
        validate: impl Fn(&Value) -> Result<Value, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.editable_checked(
            name,
            Arc::new(merge),
            data_change(move |_, data| validate(data)),
        )
    }

    /// An editable save whose check also sees the current record.
    pub(crate) fn editable_checked(
        mut self,
        name: &str,
        merge: Arc<dyn Merge>,
        check: Change,
    ) -> Self {
        self.keeps_history = true;
        self.action(name, Action::Editable(merge, check))
    }

    /// Records may be locked while someone edits them ("Ana is editing"):
    /// the whole record ([`WHOLE`]) or one of its fields. A lock refuses
    /// others' edits of what it covers; a resource without locks refuses
    /// `lock` (so nobody can squat what others edit).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # let dir = std::env::temp_dir().join(format!("rtux-locks-builder-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let store = rtux::store::Store::sqlite(dir.join("app.db")).await.unwrap();
    /// let sections = rtux::action::Resource::builder(store).locks().build().unwrap();
    /// # let _ = sections;
    /// # }
    /// ```
    pub fn locks(mut self) -> Self {
        self.lockable = true;
        self
    }

    /// Sections of a record that may be locked besides [`WHOLE`] and its
    /// fields (the resource then has [locks](Self::locks)).
    pub fn lock_sections(mut self, sections: &[&str]) -> Self {
        self.lock_sections = sections.iter().map(|s| (*s).to_owned()).collect();
        self.lockable = true;
        self
    }

    /// The most records a topic may hold ([`MAX_RECORDS`] by default): an
    /// insert past it is refused.
    pub fn max_records(mut self, records: u64) -> Self {
        self.max_records = records;
        self
    }

    /// Inserts one user may make per minute on one topic
    /// ([`INSERTS_PER_MINUTE`] by default), across every node: past it an
    /// insert is refused with `retry_after_ms` (until the minute ends).
    pub fn inserts_per_minute(mut self, inserts: u32) -> Self {
        self.inserts_per_minute = inserts;
        self
    }

    /// How long a section lock lasts without renewal (30 s by default).
    pub fn lock_ttl(mut self, ttl: impl Into<Duration>) -> Self {
        self.lock_ttl = ttl.into();
        self
    }

    /// A delete that waits out the undo window before it runs.
    pub fn undoable_delete(self, name: &str) -> Self {
        self.action(name, Action::UndoableDelete(None))
    }

    /// A delete that waits out its own undo `window` (instead of the
    /// resource's) before it runs.
    pub fn undoable_delete_within(self, name: &str, window: impl Into<Duration>) -> Self {
        self.action(name, Action::UndoableDelete(Some(window.into())))
    }

    /// A delete the client confirms first ("Delete this note?"): it runs at
    /// once, only at the version the client saw; the others get a remove patch.
    pub fn confirmed_delete(self, name: &str) -> Self {
        self.action(name, Action::ConfirmedDelete)
    }

    /// Tracks everyone who joins in the topic's presence, with the typed meta
    /// `M` (built from the token and the join payload's `meta`): the topic then
    /// shows who is here, typing and active fields beside its records.
    pub fn presence<M: PresenceMeta>(mut self) -> Self {
        self.presence = Some(crate::channel::track_joining::<M>);
        self
    }

    /// Keeps what each person types into a record's form (a form with
    /// `data-rtux-draft`) as their draft of that record, for `ttl` (30 days:
    /// [`DRAFT_TTL`]): another device of theirs restores it ("Draft restored
    /// from …"), and saving or discarding removes it. The join reply carries
    /// the joining user's drafts; `draft:save` and `draft:discard` keep and
    /// remove one (docs/protocol.md).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # let dir = std::env::temp_dir().join(format!("rtux-drafts-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let store = rtux::store::Store::sqlite(dir.join("app.db")).await.unwrap();
    /// use rtux::action::{DRAFT_TTL, Resource};
    /// let notes = Resource::builder(store)
    ///     .insert("add", |params: &serde_json::Value| Ok(params.clone()))
    ///     .drafts(DRAFT_TTL)
    ///     .build()
    ///     .unwrap();
    /// # let _ = notes;
    /// # }
    /// ```
    pub fn drafts(mut self, ttl: impl Into<Duration>) -> Self {
        self.drafts = Some(ttl.into());
        self
    }

    /// The undo window (5 s by default; the patterns allow 1 to 30 s).
    pub fn undo_window(mut self, window: impl Into<Duration>) -> Self {
        self.undo_window = window.into();
        self
    }

    /// The topics this resource's records live on (a pattern, like
    /// `tasks:*`): needed by a resource with [references](Self::reference),
    /// so that deleting a referenced record finds what refers to it. A
    /// derived model's is its `TOPIC`.
    pub fn topics(mut self, pattern: &str) -> Self {
        self.topics = Some(pattern.to_owned());
        self
    }

    /// The field that names a record in messages ("can't delete: tasks
    /// \"Write docs\" refer to it"); the id without one.
    pub fn label(mut self, field: &str) -> Self {
        self.label = Some(field.to_owned());
        self
    }

    /// `field` holds the id of a record of another topic: a write that sets
    /// it to an id that is not there is refused, and deleting the record it
    /// names is refused (naming this resource's records that refer to it) or
    /// clears it ([`OnDelete`]). Needs [`topics`](Self::topics).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// # let dir = std::env::temp_dir().join(format!("rtux-ref-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let store = rtux::store::Store::sqlite(dir.join("app.db")).await.unwrap();
    /// use rtux::action::{OnDelete, Reference, Resource};
    /// let tasks = Resource::builder(store)
    ///     .topics("tasks:*")
    ///     .label("title")
    ///     .insert("add", |params: &serde_json::Value| Ok(params.clone()))
    ///     .reference("owner", Reference::to("people:all").optional().on_delete(OnDelete::Clear))
    ///     .build()
    ///     .unwrap();
    /// # let _ = tasks;
    /// # }
    /// ```
    pub fn reference(mut self, field: &str, reference: Reference) -> Self {
        self.references.push((field.to_owned(), reference));
        self
    }

    /// The largest `data` an action may carry, serialized (16 KiB by default);
    /// larger is rejected before anything is written.
    pub fn max_data_bytes(mut self, bytes: usize) -> Self {
        self.max_data_bytes = bytes;
        self
    }

    /// A minijinja template of its own for one record (autoescaped HTML),
    /// given `record` (`id`, `version`, `data`) and `dom_id`; patches carry its
    /// output. For a resource without app views: an app with views names
    /// one with [`item_view`](Self::item_view), so pages and patches render
    /// alike.
    pub fn item_template(mut self, source: &str) -> Self {
        self.template = ItemTemplate::Source(source.to_owned());
        self
    }

    /// The app's view `name` renders one record (given `record` and
    /// `dom_id`), with the app's own environment ([`views`](Self::views)):
    /// its includes, macros and filters work in patches as on pages.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::Arc;
    /// use rtux::action::Resource;
    /// use rtux::ui::minijinja::Environment;
    ///
    /// let mut views = Environment::new();
    /// views.add_template("todos/item.html", r#"<li id="{{ dom_id }}">{{ record.data.title }}</li>"#).unwrap();
    /// # let dir = std::env::temp_dir().join(format!("rtux-view-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let store = rtux::store::Store::sqlite(dir.join("todos.db")).await.unwrap();
    /// let todos = Resource::builder(store)
    ///     .views(Arc::new(views))
    ///     .item_view("todos/item.html")
    ///     .build()
    ///     .expect("the view is among the app's views");
    /// # let _ = todos;
    /// # }
    /// ```
    pub fn item_view(mut self, name: &str) -> Self {
        self.template = ItemTemplate::View(name.to_owned());
        self
    }

    /// The app's views: the environment its pages render with. Registering
    /// with [`EndpointBuilder::views`](crate::EndpointBuilder::views) and
    /// [`EndpointBuilder::resource`](crate::EndpointBuilder::resource) sets it.
    pub fn views(mut self, views: Views) -> Self {
        self.views = Some(views);
        self
    }

    /// Builds the resource.
    ///
    /// # Errors
    /// A template that does not parse, or a reserved or repeated action name.
    pub fn build(self) -> Result<Resource, ResourceError> {
        let mut actions = HashMap::new();
        for (name, mut action) in self.actions {
            if let Action::UndoableDelete(window @ None) = &mut action {
                *window = Some(self.undo_window);
            }
            rtux_rules::action_name(&name)?;
            if let Action::UndoableDelete(Some(window)) = &action {
                rtux_rules::UNDO_WINDOW.check(*window)?;
            }
            if actions.insert(name.clone(), action).is_some() {
                return Err(ResourceError::Duplicate(name));
            }
        }
        let renderer = Arc::new(Renderer::new(self.template, self.views)?);
        register_references(
            &self.store,
            self.topics.as_deref(),
            self.label.as_deref(),
            &self.references,
            &renderer,
        )?;
        Ok(Resource {
            store: self.store.clone(),
            actions,
            renderer,
            undo_window: self.undo_window,
            max_data_bytes: self.max_data_bytes,
            keeps_history: self.keeps_history,
            presence: self.presence,
            locks: Locks::new(self.store.clone(), self.lock_ttl),
            lock_sections: self.lock_sections,
            lockable: self.lockable,
            max_records: self.max_records,
            inserts_per_minute: self.inserts_per_minute.max(1),
            drafts: self.drafts,
            references: self.references,
        })
    }
}

/// Tells the store which of its records (on `topics`) refer to others,
/// checked first.
fn register_references(
    store: &Store,
    topics: Option<&str>,
    label: Option<&str>,
    references: &[(String, Reference)],
    renderer: &Arc<Renderer>,
) -> Result<(), ResourceError> {
    if references.is_empty() {
        return Ok(());
    }
    let Some(pattern) = topics else {
        return Err(ReferenceError::NoTopics.into());
    };
    let pattern = rtux_rules::topic_pattern(pattern)?;
    for (field, reference) in references {
        reference.check(field)?;
    }
    let registry = referrers::of(store);
    for (field, reference) in references {
        registry.register(referrers::Referrer {
            pattern: pattern.clone(),
            field: field.clone(),
            to: reference.topic().to_owned(),
            clear: reference.clears(),
            label: label.map(str::to_owned),
            renderer: Arc::clone(renderer),
        });
    }
    Ok(())
}

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
    store: Store,
    actions: HashMap<String, Action>,
    renderer: Arc<Renderer>,
    undo_window: Duration,
    max_data_bytes: usize,
    keeps_history: bool,
    presence: Option<Track>,
    locks: Locks,
    lock_sections: Vec<String>,
    /// Whether records may be locked at all.
    lockable: bool,
    max_records: u64,
    /// Inserts per user per topic per minute, counted in the store.
    inserts_per_minute: u32,
    /// How long drafts are kept; `None`: the resource keeps none.
    drafts: Option<Duration>,
    /// Fields holding ids of other topics' records.
    references: Vec<(String, Reference)>,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.actions.keys().collect();
        names.sort();
        f.debug_struct("Resource")
            .field("actions", &names)
            .finish_non_exhaustive()
    }
}

impl Resource {
    /// Starts configuring a resource stored in `store`.
    pub fn builder(store: Store) -> ResourceBuilder {
        ResourceBuilder {
            store,
            actions: Vec::new(),
            template: ItemTemplate::None,
            views: None,
            undo_window: Duration::from_secs(5),
            max_data_bytes: 16 * 1024,
            lock_ttl: Duration::from_secs(30),
            keeps_history: false,
            presence: None,
            lock_sections: Vec::new(),
            lockable: false,
            max_records: MAX_RECORDS,
            inserts_per_minute: INSERTS_PER_MINUTE,
            drafts: None,
            references: Vec::new(),
            topics: None,
            label: None,
        }
    }

    /// A record's HTML from the item template (what patches carry), for
    /// rendering the first page the same way; `None` without a template.
    pub fn item_html(&self, topic: &str, record: &crate::store::Record) -> Option<String> {
        self.renderer.html(topic, record)
    }

    /// The store the resource writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    fn unknown(&self, event: &str) -> Reply {
        let mut names: Vec<&str> = self.actions.keys().map(String::as_str).collect();
        names.sort_unstable();
        Reply::refuse(
            Code::NotFound,
            format!(
                "unknown action {event:?}; this resource has: {}",
                names.join(", ")
            ),
        )
    }
}

impl Resource {
    /// Runs the app's action `event`, or refuses an event it does not have.
    async fn act_by_name(
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
            return self.unknown(event);
        };
        let id = request.id.clone();
        let reply = self.act(event, action, request, socket).await;
        if let (Reply::Ok(_), Some(id)) = (&reply, id) {
            me.edited(&id);
        }
        reply
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
        self.store.keep_swept();
        // The socket is subscribed already (its broadcasts held until this
        // reply is out): no change can fall between this list and the patches.
        let first = self.page(topic, None).await.map_err(|e| {
            tracing::error!(%topic, "listing records for a join failed: {e}");
            JoinError::new(Code::Unavailable, "store unavailable: try again")
        })?;
        let drafts = self.drafts_of(socket).await.map_err(|e| {
            tracing::error!(%topic, "listing drafts for a join failed: {e}");
            JoinError::new(Code::Unavailable, "store unavailable: try again")
        })?;
        let joined = Joined {
            records: first.records,
            more: first.more,
            undo_window_ms: u64::try_from(self.undo_window.as_millis()).unwrap_or(u64::MAX),
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
            return self.act_by_name(event, payload, me, socket).await;
        };
        match builtin {
            ResourceEvent::Lock => self.lock(&payload, me, socket).await,
            ResourceEvent::Unlock => self.unlock(&payload, socket).await,
            ResourceEvent::Field => self.field(&payload, me, socket).await,
            ResourceEvent::Page => self.next_page(payload, socket.topic()).await,
            ResourceEvent::DraftSave => {
                let reply = self.save_draft(&payload, socket).await;
                if let (Reply::Ok(_), Some(id)) = (&reply, payload["id"].as_str()) {
                    me.edited(id);
                }
                reply
            }
            ResourceEvent::DraftDiscard => self.discard_draft(&payload, socket).await,
            ResourceEvent::Undo => match ActionRequest::parse(payload) {
                Ok(request) => self.undo(&request, socket).await,
                Err(reason) => Reply::refuse(Code::Invalid, reason.to_string()),
            },
        }
    }

    async fn terminate(&self, _reason: LeaveReason, _: Participant, socket: &mut ChannelSocket) {
        self.release_all(socket).await;
    }
}
