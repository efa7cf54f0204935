//! A topic's presence list as JSON, serialized straight from the tracker's
//! entries (no copy of the metas).

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::Entry;

/// `{key: {metas: [...]}}` straight from the tracker's entries.
pub(in crate::presence) struct ListView<'a>(pub(super) Option<&'a BTreeMap<String, Vec<Entry>>>);

struct MetasView<'a>(&'a [Entry]);

impl Serialize for ListView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let keys = self.0.into_iter().flatten();
        serializer.collect_map(keys.map(|(key, entries)| (key, MetasView(entries))))
    }
}

impl Serialize for MetasView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("metas", &Metas(self.0))?;
        map.end()
    }
}

struct Metas<'a>(&'a [Entry]);

impl Serialize for Metas<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|e| &e.meta))
    }
}
