//! Typed presence metas.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::PresenceConfig;
use crate::auth::Claims;
use crate::wire::JoinError;

/// A struct as the presence meta of a topic: what each connection shows the
/// others (name, avatar, colour, status, typing, active field, cursor, and the
/// application's own fields).
///
/// `#[derive(rtux::PresenceMeta)]` writes it (see `docs/derive.md`); by hand:
///
/// ```
/// use rtux::auth::Claims;
/// use rtux::presence::{MetaError, PresenceMeta, typed_list};
/// use rtux::ui::colour_for;
/// use rtux::JoinError;
/// use serde::{Deserialize, Serialize};
/// use serde_json::{Value, json};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// struct Viewer { name: String, color: String, typing: bool }
///
/// impl PresenceMeta for Viewer {
///     fn joining(claims: &Claims, _payload: &Value) -> Result<Self, JoinError> {
///         Ok(Viewer {
///             name: claims.name.clone().unwrap_or_else(|| claims.sub.clone()),
///             color: colour_for(&claims.sub).to_owned(),
///             typing: false,
///         })
///     }
///     fn to_meta(&self) -> Value {
///         json!({"name": self.name, "color": self.color, "typing": self.typing})
///     }
///     fn from_meta(meta: &Value) -> Result<Self, MetaError> {
///         Ok(Viewer::deserialize(meta)?)
///     }
/// }
///
/// let list = json!({"ana": {"metas": [{"name": "Ana", "color": "#2563EB", "typing": true, "phx_ref": "1"}]}});
/// let typed = typed_list::<Viewer>(&list).unwrap();
/// assert!(typed["ana"][0].typing);
/// ```
pub trait PresenceMeta: Sized + Send + Sync + 'static {
    /// The meta of a user joining: identity fields from the token's claims
    /// (never from the payload), the others from the join payload's `meta`.
    ///
    /// # Errors
    /// A payload that does not fit: the join is refused with the reason.
    fn joining(claims: &Claims, payload: &Value) -> Result<Self, JoinError>;

    /// The meta as tracked (a JSON object).
    fn to_meta(&self) -> Value;

    /// A meta from a presence list (rtux's own fields included).
    ///
    /// # Errors
    /// Which field does not fit, and why.
    fn from_meta(meta: &Value) -> Result<Self, MetaError>;

    /// The timings this meta asks for, applied to `config` (the default keeps it).
    fn timings(config: PresenceConfig) -> PresenceConfig {
        config
    }

    /// The presence configuration for the endpoint: the defaults with
    /// [`PresenceMeta::timings`] applied.
    fn config() -> PresenceConfig {
        Self::timings(PresenceConfig::default())
    }
}

/// Why a presence meta (or a list of them) does not fit its type.
///
/// ```
/// let meta = serde_json::json!({"role": 7});
/// let refused = rtux::__private::meta_field::<String>(&meta, "role").unwrap_err();
/// assert!(refused.to_string().starts_with("meta field role: invalid type"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    /// One field's value does not fit its type.
    #[error("meta field {key}: {source}")]
    Field {
        /// The field's key in the meta.
        key: String,
        /// Why it does not fit.
        source: serde_json::Error,
    },
    /// The meta as a whole does not fit.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A presence list that is not a JSON object.
    #[error("a presence list is a JSON object")]
    NotAList,
    /// The type's `#[derive(PresenceMeta)]` has errors (its fallback impl,
    /// which only exists while they are reported).
    #[error("invalid presence meta: its derive has errors")]
    Derive,
    /// A user's meta in a list does not fit: the user's key, and why.
    #[error("{key}: {source}")]
    Entry {
        /// The user's key in the list.
        key: String,
        /// Why the meta does not fit.
        source: Box<MetaError>,
    },
}

/// A presence list (`{key: {metas: [...]}}`, as `presence_state` and
/// [`Presence::list`](super::Presence::list) give it) with typed metas.
///
/// # Errors
/// The first meta that does not fit, with its key.
pub fn typed_list<M: PresenceMeta>(list: &Value) -> Result<BTreeMap<String, Vec<M>>, MetaError> {
    let Some(entries) = list.as_object() else {
        return Err(MetaError::NotAList);
    };
    entries
        .iter()
        .map(|(key, entry)| {
            let metas = entry["metas"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let typed = metas
                .iter()
                .map(|meta| {
                    M::from_meta(meta).map_err(|e| MetaError::Entry {
                        key: key.clone(),
                        source: Box::new(e),
                    })
                })
                .collect::<Result<Vec<M>, MetaError>>()?;
            Ok((key.clone(), typed))
        })
        .collect()
}

/// JSON values, as presence metas hold them (for derived code).
pub type Json = Value;
/// A JSON object's map (for derived code).
pub type JsonMap = serde_json::Map<String, Value>;

/// The name a user shows: the token's `name`, or its user id.
///
/// ```
/// let claims = rtux::auth::Claims { sub: "u1".into(), exp: 0, iat: 0, name: None, aud: "rtux".into(), iss: "rtux".into(), sid: None, admin: false };
/// assert_eq!(rtux::__private::display_name(&claims), "u1");
/// ```
pub fn display_name(claims: &Claims) -> String {
    claims.name.clone().unwrap_or_else(|| claims.sub.clone())
}

/// One field of a meta (or of a join payload's `meta`), typed; a missing
/// field reads as `null` (so `Option` fields may be left out).
///
/// # Errors
/// The key and why its value does not fit.
///
/// ```
/// let meta = serde_json::json!({"role": "editor"});
/// assert_eq!(rtux::__private::meta_field::<String>(&meta, "role").unwrap(), "editor");
/// assert_eq!(rtux::__private::meta_field::<Option<String>>(&meta, "avatar").unwrap(), None);
/// assert!(rtux::__private::meta_field::<String>(&meta, "team").is_err());
/// ```
pub fn meta_field<T: DeserializeOwned>(meta: &Value, key: &str) -> Result<T, MetaError> {
    T::deserialize(meta.get(key).unwrap_or(&Value::Null)).map_err(|source| MetaError::Field {
        key: key.to_owned(),
        source,
    })
}

/// A field's value in a meta (`null` if it does not serialize).
///
/// ```
/// assert_eq!(rtux::__private::meta_value(&Some(3)), serde_json::json!(3));
/// ```
pub fn meta_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
