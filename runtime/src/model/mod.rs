//! Typed resources: a Rust struct as the single source of truth of a resource —
//! its identity, version and topic ([`Model`]), its actions ([`ModelBuilder`]),
//! its field-level merge ([`Model::merge`]) and its loading skeleton
//! ([`SkeletonView`](crate::ui::SkeletonView)).
//!
//! `#[derive(rtux::Model)]` writes these impls from `#[rtux(...)]`
//! attributes (see `docs/derive.md`); everything it writes can be written by
//! hand, as here:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use rtux::action::Reject;
//! use rtux::conflict::{FieldMerge, FieldRule};
//! use rtux::model::{Model, ModelBuilder};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Serialize, Deserialize)]
//! struct Note { id: String, version: i64, title: String, done: bool, tags: Vec<String> }
//!
//! #[derive(Deserialize)]
//! struct Rename { title: String }
//!
//! impl Model for Note {
//!     const TOPIC: &'static str = "notes:*";
//!     const ID_FIELD: &'static str = "id";
//!     const VERSION_FIELD: &'static str = "version";
//!
//!     fn actions(b: ModelBuilder<Self>) -> ModelBuilder<Self> {
//!         b.create("add")
//!             .toggle("toggle_done", "done")
//!             .pending("rename", |note: &Note, p: Rename| {
//!                 if p.title.trim().is_empty() { return Err(Reject::new("a note needs a title")); }
//!                 Ok(Note { title: p.title, ..note.clone() })
//!             })
//!             .undoable_delete("delete")
//!             .editable("save")
//!     }
//!
//!     fn merge() -> FieldMerge {
//!         FieldMerge::new().rule("tags", FieldRule::SetUnion)
//!     }
//! }
//!
//! # let dir = std::env::temp_dir().join(format!("rtux-model-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let store = rtux::store::Store::sqlite(dir.join("notes.db")).await.unwrap();
//! let notes = Note::resource(store).unwrap();
//! let endpoint = rtux::Endpoint::builder("a secret of at least thirty-two bytes!")
//!     .channel(Note::TOPIC, notes)
//!     .build()
//!     .unwrap();
//! # let _ = endpoint;
//! # }
//! ```

mod builder;
mod checks;
mod plain;

pub use builder::ModelBuilder;
pub use checks::check_text;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::action::{Reject, Resource, ResourceError};
use crate::conflict::FieldMerge;
use crate::store::{Record, Store};

/// A struct stored as the records of a [`Resource`]: the id and version
/// fields come from the store's record, the other fields are its `data`.
///
/// Required: the topic pattern, the id and version fields' JSON names, and
/// the actions. Provided: an all-atomic merge, no extra validation, and the
/// conversions to and from store records.
pub trait Model: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The topic pattern the resource serves (`"notes:*"`, or an exact topic).
    const TOPIC: &'static str;
    /// The JSON name of the id field (a string the store assigns).
    const ID_FIELD: &'static str;
    /// The JSON name of the version field (an `i64` the store bumps).
    const VERSION_FIELD: &'static str;

    /// Adds the resource's actions (and any other configuration) to `builder`.
    fn actions(builder: ModelBuilder<Self>) -> ModelBuilder<Self>;

    /// The field-level merge of a save against a newer record (every field
    /// atomic unless overridden).
    fn merge() -> FieldMerge {
        FieldMerge::new()
    }

    /// Checks a record before it is written (by every typed action);
    /// everything passes unless overridden.
    ///
    /// # Errors
    /// The reason the user sees.
    fn check(&self) -> Result<(), Reject> {
        Ok(())
    }

    /// The resource, built: [`Model::actions`] on a new [`ModelBuilder`].
    ///
    /// # Errors
    /// An item template that does not parse, or a reserved or repeated action name.
    fn resource(store: Store) -> Result<Resource, ResourceError> {
        Self::actions(ModelBuilder::new(store)).build()
    }

    /// The struct of a stored record.
    ///
    /// # Errors
    /// A record whose data does not fit the struct (written by other code, or
    /// before a field was added without a serde default).
    fn from_record(record: &Record) -> Result<Self, Reject> {
        from_parts::<Self>(&record.data, Value::from(record.id.clone()), record.version)
    }

    /// The record's `data`: every field but the id and the version.
    ///
    /// # Errors
    /// A struct that does not serialize to a JSON object.
    fn to_data(&self) -> Result<Value, Reject> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut map)) => {
                map.remove(Self::ID_FIELD);
                map.remove(Self::VERSION_FIELD);
                Ok(Value::Object(map))
            }
            Ok(_) => Err(Reject::new("a model must serialize to a JSON object")),
            Err(e) => Err(Reject::new(format!("the record does not serialize: {e}"))),
        }
    }
}

/// The struct from `data` with the id and version put back in.
fn from_parts<M: Model>(data: &Value, id: Value, version: i64) -> Result<M, Reject> {
    let mut map = match data {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(Reject::new("the record's fields must be a JSON object")),
    };
    map.insert(M::ID_FIELD.to_owned(), id);
    map.insert(M::VERSION_FIELD.to_owned(), Value::from(version));
    serde_path_to_error::deserialize(Value::Object(map)).map_err(plain::refusal)
}

/// A new record's struct from the fields a client sent (no id or version yet).
fn from_fields<M: Model>(fields: &Value) -> Result<M, Reject> {
    from_parts::<M>(fields, Value::from(""), 0)
}

/// Typed params of an action.
fn params<P: DeserializeOwned>(params: &Value) -> Result<P, Reject> {
    serde_path_to_error::deserialize(params).map_err(plain::refusal)
}

/// Checks a record and gives its data.
fn checked<M: Model>(model: &M) -> Result<Value, Reject> {
    model.check()?;
    model.to_data()
}
