//! Configuring a resource: its actions, bounds and parts, checked once when
//! it is built.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::drafts::Drafts;
use super::live::Live;
use super::pages::Pages;
use super::patch::{ItemTemplate, Renderer};
use super::references::{Reference, References};
use super::run::Runner;
use super::{Action, Change, ReferenceError, Reject, Resource, ResourceError, Track, referrers};
use crate::conflict::Merge;
use crate::presence::PresenceMeta;
use crate::store::{Record, Store};
use crate::ui::Views;

/// A change of the data alone (the untyped builder methods).
fn data_change(
    change: impl Fn(&Value, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
) -> Change {
    Arc::new(move |record: &Record, params: &Value| change(&record.data, params))
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

impl std::fmt::Debug for ResourceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.actions.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ResourceBuilder")
            .field("actions", &names)
            .finish_non_exhaustive()
    }
}

impl ResourceBuilder {
    /// A builder of a resource stored in `store`, with the defaults.
    pub(super) fn new(store: Store) -> ResourceBuilder {
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
    /// the whole record ([`WHOLE`](super::WHOLE)) or one of its fields. A lock refuses
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

    /// Sections of a record that may be locked besides [`WHOLE`](super::WHOLE) and its
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
    /// [`DRAFT_TTL`](super::DRAFT_TTL)): another device of theirs restores it ("Draft restored
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
    /// clears it ([`OnDelete`](super::OnDelete)). Needs [`topics`](Self::topics).
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
        let store = self.store;
        Ok(Resource {
            runner: Runner {
                store: store.clone(),
                actions,
                renderer: Arc::clone(&renderer),
                undo_window: self.undo_window,
                max_data_bytes: self.max_data_bytes,
                keeps_history: self.keeps_history,
                max_records: self.max_records,
                inserts_per_minute: self.inserts_per_minute.max(1),
                references: References::new(store.clone(), self.references),
                drafts: self.drafts.is_some(),
                label: self.label,
            },
            live: Live::new(
                store.clone(),
                self.lock_ttl,
                self.lock_sections,
                self.lockable,
            ),
            drafts: Drafts::new(store.clone(), self.drafts, self.max_data_bytes),
            pages: Pages::new(store, renderer),
            presence: self.presence,
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
