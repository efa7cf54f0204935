//! The typed builder of a model's resource.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Model, checked, from_fields, from_parts, params};
use crate::action::{Action, Change, Reject, Resource, ResourceBuilder, ResourceError};
use crate::store::{Record, Store};

/// Configures the [`Resource`] of a [`Model`] with typed actions: handlers
/// take and give the struct, params are any `Deserialize` type, and every
/// record written passes [`Model::check`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// # use rtux::model::{Model, ModelBuilder};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Task { id: String, version: i64, done: bool }
/// # impl Model for Task {
/// #     const TOPIC: &'static str = "tasks:*";
/// #     const ID_FIELD: &'static str = "id";
/// #     const VERSION_FIELD: &'static str = "version";
/// #     fn actions(b: ModelBuilder<Self>) -> ModelBuilder<Self> { b }
/// # }
/// # let dir = std::env::temp_dir().join(format!("rtux-mb-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let store = rtux::store::Store::sqlite(dir.join("t.db")).await.unwrap();
/// let tasks = ModelBuilder::<Task>::new(store)
///     .create("add")
///     .toggle("toggle_done", "done")
///     .confirmed_delete("delete")
///     .build()
///     .unwrap();
/// # let _ = tasks;
/// # }
/// ```
pub struct ModelBuilder<M> {
    inner: ResourceBuilder,
    model: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for ModelBuilder<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ModelBuilder").field(&self.inner).finish()
    }
}

/// A typed change as the resource runs it: current record and params in, data out.
fn typed_change<M: Model, P: DeserializeOwned>(
    change: impl Fn(&M, P) -> Result<M, Reject> + Send + Sync + 'static,
) -> Change {
    Arc::new(move |record: &Record, raw: &Value| {
        let current = M::from_record(record)?;
        checked(&change(&current, params(raw)?)?)
    })
}

/// A change of one field: `f(current value, params)` gives its new value.
fn field_change<M: Model>(
    field: &'static str,
    f: impl Fn(Option<&Value>, &Value) -> Result<Value, Reject> + Send + Sync + 'static,
) -> Change {
    Arc::new(move |record: &Record, raw: &Value| {
        let mut data = record.data.as_object().cloned().unwrap_or_default();
        let next = f(data.get(field), raw)?;
        data.insert(field.to_owned(), next);
        let id = Value::from(record.id.clone());
        checked(&from_parts::<M>(&Value::Object(data), id, record.version)?)
    })
}

/// The data of a whole record sent as fields, checked.
fn whole<M: Model>(fields: &Value) -> Result<Value, Reject> {
    checked(&from_fields::<M>(fields)?)
}

impl<M: Model> ModelBuilder<M> {
    /// A builder on `store`, with the resource's defaults.
    pub fn new(store: Store) -> Self {
        ModelBuilder {
            inner: Resource::builder(store).topics(M::TOPIC),
            model: PhantomData,
        }
    }

    fn with(self, f: impl FnOnce(ResourceBuilder) -> ResourceBuilder) -> Self {
        ModelBuilder {
            inner: f(self.inner),
            model: PhantomData,
        }
    }

    fn action(self, name: &str, action: Action) -> Self {
        self.with(|b| b.action(name, action))
    }

    /// Server-corrects (toggles, counters): `change(current, params)` runs on
    /// the record as the server has it.
    pub fn server_corrects<P: DeserializeOwned>(
        self,
        name: &str,
        change: impl Fn(&M, P) -> Result<M, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::ServerCorrects(typed_change(change)))
    }

    /// Pending: applied only at the version the client saw.
    pub fn pending<P: DeserializeOwned>(
        self,
        name: &str,
        change: impl Fn(&M, P) -> Result<M, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::Pending(typed_change(change)))
    }

    /// Confirm-first (irreversible, side-effecting): the client waits for the
    /// reply; applied only at the version the client saw.
    pub fn confirm_first<P: DeserializeOwned>(
        self,
        name: &str,
        change: impl Fn(&M, P) -> Result<M, Reject> + Send + Sync + 'static,
    ) -> Self {
        self.action(name, Action::ConfirmFirst(typed_change(change)))
    }

    /// An optimistic insert: `create(params)` gives the new record (its id and
    /// version are the store's).
    pub fn insert<P: DeserializeOwned>(
        self,
        name: &str,
        create: impl Fn(P) -> Result<M, Reject> + Send + Sync + 'static,
    ) -> Self {
        let create = move |raw: &Value| checked(&create(params(raw)?)?);
        self.action(name, Action::Insert(Arc::new(create)))
    }

    /// An optimistic insert whose params are the new record's fields.
    pub fn create(self, name: &str) -> Self {
        self.action(name, Action::Insert(Arc::new(whole::<M>)))
    }

    /// Pending: the params are the whole record's new fields.
    pub fn replace(self, name: &str) -> Self {
        let change: Change = Arc::new(|_: &Record, raw: &Value| whole::<M>(raw));
        self.action(name, Action::Pending(change))
    }

    /// Server-corrects: flips the boolean `field` (a missing one becomes true).
    pub fn toggle(self, name: &str, field: &'static str) -> Self {
        let flip = |now: Option<&Value>, _: &Value| {
            Ok(Value::Bool(!now.and_then(Value::as_bool).unwrap_or(false)))
        };
        self.action(name, Action::ServerCorrects(field_change::<M>(field, flip)))
    }

    /// Server-corrects: adds `by` (an integer param, 1 if absent) to the
    /// integer `field`.
    pub fn increment(self, name: &str, field: &'static str) -> Self {
        let add = move |now: Option<&Value>, raw: &Value| {
            let by = match raw.get("by") {
                None | Some(Value::Null) => 1,
                Some(v) => v
                    .as_i64()
                    .ok_or_else(|| Reject::new("invalid params: by must be an integer"))?,
            };
            let now = now.and_then(Value::as_i64).unwrap_or(0);
            now.checked_add(by)
                .map(Value::from)
                .ok_or_else(|| Reject::new(format!("{field} would overflow")))
        };
        self.action(name, Action::ServerCorrects(field_change::<M>(field, add)))
    }

    /// A delete that waits out the resource's undo window before it runs,
    /// undoable until then.
    pub fn undoable_delete(self, name: &str) -> Self {
        self.with(|b| b.undoable_delete(name))
    }

    /// A delete that waits out its own undo `window` (instead of the
    /// resource's) before it runs.
    pub fn undoable_delete_within(self, name: &str, window: impl Into<Duration>) -> Self {
        self.with(|b| b.undoable_delete_within(name, window))
    }

    /// A delete the client confirms first; runs at once at the client's version.
    pub fn confirmed_delete(self, name: &str) -> Self {
        self.with(|b| b.confirmed_delete(name))
    }

    /// A save of the record (a form) merged field by field with
    /// [`Model::merge`] when others saved since; conflicts come back to the
    /// user. Fields the form does not send keep their current value (a form
    /// of title and body leaves `done` alone).
    pub fn editable(self, name: &str) -> Self {
        let check: Change = Arc::new(|record: &Record, sent: &Value| {
            let Value::Object(sent) = sent else {
                return Err(Reject::new("a save's data must be an object of fields"));
            };
            let mut fields = record.data.as_object().cloned().unwrap_or_default();
            fields.extend(sent.clone());
            whole::<M>(&Value::Object(fields))
        });
        self.with(|b| b.editable_checked(name, Arc::new(M::merge()), check))
    }

    /// Tracks presence on the topic with the typed meta `P` (see
    /// [`ResourceBuilder::presence`]).
    pub fn presence<P: crate::presence::PresenceMeta>(self) -> Self {
        self.with(ResourceBuilder::presence::<P>)
    }

    /// Anything else of the untyped builder: item template, undo window, lock
    /// TTL, data size, untyped actions.
    pub fn configure(self, f: impl FnOnce(ResourceBuilder) -> ResourceBuilder) -> Self {
        self.with(f)
    }

    /// The item template (see [`ResourceBuilder::item_template`]).
    pub fn item_template(self, source: &str) -> Self {
        self.with(|b| b.item_template(source))
    }

    /// The item view, by name in the app's views (see
    /// [`ResourceBuilder::item_view`]).
    pub fn item_view(self, name: &str) -> Self {
        self.with(|b| b.item_view(name))
    }

    /// Builds the resource.
    ///
    /// # Errors
    /// As [`ResourceBuilder::build`].
    pub fn build(self) -> Result<Resource, ResourceError> {
        self.inner.build()
    }
}
