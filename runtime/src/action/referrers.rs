//! Which resources' fields hold ids of another topic's records, registered as
//! resources are built, with the renderer of each referring resource (a
//! cleared reference patches its record on the referring topic).

use std::sync::{Arc, RwLock};

use rtux_rules::TopicPattern;

use super::patch::Renderer;
use crate::store::{Record, Store};

/// The referrers registered on `store`.
pub(super) fn of(store: &Store) -> Arc<Registry> {
    store.shared::<Registry>()
}

/// A field of one resource's records that holds ids of another topic's records.
pub(super) struct Referrer {
    /// The referring records' topic pattern (`tasks:*`, or one topic).
    pub(super) pattern: TopicPattern,
    /// The field holding the id.
    pub(super) field: String,
    /// The topic of the referenced records.
    pub(super) to: String,
    /// Deleting a referenced record clears the field instead of being refused.
    pub(super) clear: bool,
    /// The field that names a referring record in messages.
    pub(super) label: Option<String>,
    /// The referring resource's item HTML, for the patch of a cleared record.
    pub(super) renderer: Arc<Renderer>,
}

impl Referrer {
    /// What a message calls the referring records: the pattern's prefix
    /// (`tasks:*` → `tasks`).
    pub(super) fn noun(&self) -> &str {
        self.pattern.noun()
    }

    /// How a message names one referring record: its label, or its id.
    pub(super) fn name_of(&self, record: &Record) -> String {
        let label = self.label.as_ref().and_then(|l| record.data[l].as_str());
        format!("{:?}", label.unwrap_or(&record.id))
    }

    /// Whether this field refers from records of `topic`.
    pub(super) fn covers(&self, topic: &str) -> bool {
        self.pattern.matches(topic)
    }
}

/// The referrers of one store, shared by its handles (kept in the store's
/// [`shared`](crate::store::Store::shared) slot: every resource built on it
/// sees the others').
#[derive(Default)]
pub(super) struct Registry(RwLock<Vec<Arc<Referrer>>>);

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// Adds a referring field, replacing an earlier registration of the same
    /// field (a resource built again).
    pub(super) fn register(&self, referrer: Referrer) {
        let mut all = self.0.write().unwrap_or_else(|e| e.into_inner());
        all.retain(|r| !(r.pattern == referrer.pattern && r.field == referrer.field));
        all.push(Arc::new(referrer));
    }

    /// The fields referring to records of `topic`.
    pub(super) fn to(&self, topic: &str) -> Vec<Arc<Referrer>> {
        let all = self.0.read().unwrap_or_else(|e| e.into_inner());
        all.iter().filter(|r| r.to == topic).cloned().collect()
    }

    /// The registration of `field` on records of `topic`.
    pub(super) fn field(&self, topic: &str, field: &str) -> Option<Arc<Referrer>> {
        let all = self.0.read().unwrap_or_else(|e| e.into_inner());
        all.iter()
            .find(|r| r.field == field && r.covers(topic))
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referrer(pattern: &str) -> Referrer {
        Referrer {
            pattern: rtux_rules::topic_pattern(pattern).expect("a pattern"),
            field: "owner".into(),
            to: "people:all".into(),
            clear: false,
            label: Some("title".into()),
            renderer: Arc::new(
                Renderer::new(crate::action::patch::ItemTemplate::None, None).expect("no template"),
            ),
        }
    }

    #[test]
    fn names_and_topics() {
        let r = referrer("tasks:*");
        assert_eq!(r.noun(), "tasks");
        assert!(r.covers("tasks:all") && !r.covers("task:all") && !r.covers("tasks:"));
        assert!(referrer("board:main").covers("board:main"));
        assert_eq!(referrer("board:main").noun(), "board:main");
    }

    #[test]
    fn registering_again_replaces() {
        let registry = Registry::default();
        registry.register(referrer("tasks:*"));
        registry.register(referrer("tasks:*"));
        assert_eq!(registry.to("people:all").len(), 1);
        assert!(registry.field("tasks:7", "owner").is_some());
        assert!(registry.field("notes:7", "owner").is_none());
    }
}
