//! References between records: which resources' fields hold ids of another
//! topic's records (registered as resources are built), and the statements
//! that keep them whole inside a writer's transaction.
//!
//! Concurrency: a writer that sets a reference [holds](hold) the referenced
//! row (PostgreSQL `FOR SHARE`), a deleter [takes](hold) it exclusively
//! (`FOR UPDATE`) before it looks for referrers, so one of the two waits for
//! the other and then sees what it did. SQLite runs one writer at a time.

use std::sync::{Arc, RwLock};

use serde_json::Value;
use sqlx::AnyConnection;

use super::{Backend, Record, StoreError, now_ms};

/// Renders a record of a referring resource for its patch (`topic`, record).
pub(crate) type RenderRecord = Arc<dyn Fn(&str, &Record) -> Option<String> + Send + Sync>;

/// A field of one resource's records that holds ids of another topic's records.
pub(crate) struct Referrer {
    /// The referring records' topic pattern (`tasks:*`, or one topic).
    pub(crate) pattern: String,
    /// The field holding the id.
    pub(crate) field: String,
    /// The topic of the referenced records.
    pub(crate) to: String,
    /// Deleting a referenced record clears the field instead of being refused.
    pub(crate) clear: bool,
    /// The field that names a referring record in messages.
    pub(crate) label: Option<String>,
    /// The referring resource's item HTML, for the patch of a cleared record.
    pub(crate) render: RenderRecord,
}

impl Referrer {
    /// What a message calls the referring records: the pattern's prefix
    /// (`tasks:*` → `tasks`).
    pub(crate) fn noun(&self) -> &str {
        let p = self.pattern.trim_end_matches('*');
        p.strip_suffix(':').unwrap_or(p)
    }

    /// How a message names one referring record: its label, or its id.
    pub(crate) fn name_of(&self, record: &Record) -> String {
        let label = self.label.as_ref().and_then(|l| record.data[l].as_str());
        format!("{:?}", label.unwrap_or(&record.id))
    }

    /// Whether this field refers from records of `topic`.
    pub(crate) fn covers(&self, topic: &str) -> bool {
        match self.pattern.strip_suffix('*') {
            Some(prefix) => topic.starts_with(prefix),
            None => topic == self.pattern,
        }
    }
}

/// The referrers of one store, shared by its handles.
#[derive(Default)]
pub(crate) struct Registry(RwLock<Vec<Arc<Referrer>>>);

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

impl Registry {
    /// Adds a referring field, replacing an earlier registration of the same
    /// field (a resource built again).
    pub(crate) fn register(&self, referrer: Referrer) {
        let mut all = self.0.write().unwrap_or_else(|e| e.into_inner());
        all.retain(|r| !(r.pattern == referrer.pattern && r.field == referrer.field));
        all.push(Arc::new(referrer));
    }

    /// The fields referring to records of `topic`.
    pub(crate) fn to(&self, topic: &str) -> Vec<Arc<Referrer>> {
        let all = self.0.read().unwrap_or_else(|e| e.into_inner());
        all.iter().filter(|r| r.to == topic).cloned().collect()
    }

    /// The registration of `field` on records of `topic`.
    pub(crate) fn field(&self, topic: &str, field: &str) -> Option<Arc<Referrer>> {
        let all = self.0.read().unwrap_or_else(|e| e.into_inner());
        all.iter()
            .find(|r| r.field == field && r.covers(topic))
            .cloned()
    }
}

/// How strongly [`hold`] takes a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// It is being referred to: it must stay until the transaction ends.
    Share,
    /// It is being deleted: no new referrer until the transaction ends.
    Exclusive,
}

/// Takes a live record's row until the transaction ends; false if there is no
/// such live record.
pub(crate) async fn hold(
    conn: &mut AnyConnection,
    backend: Backend,
    kind: &str,
    id: &str,
    how: Hold,
) -> Result<bool, StoreError> {
    let lock = match (backend, how) {
        (Backend::Sqlite, _) => "",
        (Backend::Postgres, Hold::Share) => " FOR SHARE",
        (Backend::Postgres, Hold::Exclusive) => " FOR UPDATE",
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM rtux_records WHERE kind = $1 AND id = $2 AND delete_at IS NULL{lock}"
    )))
    .bind(kind)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// The records on `referrer`'s topics whose field holds `id`, live or being
/// deleted (an undo would bring them back), at most `limit`; on PostgreSQL
/// their rows are taken for update.
pub(crate) async fn referring(
    conn: &mut AnyConnection,
    backend: Backend,
    referrer: &Referrer,
    id: &str,
    limit: i64,
) -> Result<Vec<Record>, StoreError> {
    let (value, lock) = match backend {
        Backend::Sqlite => ("json_extract(data, '$.' || $2)", ""),
        Backend::Postgres => ("(data::jsonb ->> $2)", " FOR UPDATE"),
    };
    let (kinds, pattern) = match referrer.pattern.strip_suffix('*') {
        Some(prefix) => (
            "kind LIKE $3 ESCAPE '!'",
            format!("{}%", like_escaped(prefix)),
        ),
        None => ("kind = $3", referrer.pattern.clone()),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT kind, id, version, data, inserted_at, updated_at, updated_by FROM rtux_records
         WHERE {kinds} AND {value} = $1 AND (delete_at IS NULL OR delete_at > $4)
         ORDER BY inserted_at, id LIMIT $5{lock}"
    )))
    .bind(id)
    .bind(&referrer.field)
    .bind(pattern)
    .bind(now_ms())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(super::records::record).collect()
}

/// `text` for a `LIKE … ESCAPE '!'` pattern: its wildcards taken literally.
fn like_escaped(text: &str) -> String {
    text.replace('!', "!!")
        .replace('%', "!%")
        .replace('_', "!_")
}

/// Sets `field` of a referring record (live or being deleted) to `value`, as
/// a new version written by `by`; `None` if the record changed meanwhile.
pub(crate) async fn set_field(
    conn: &mut AnyConnection,
    record: &Record,
    field: &str,
    value: Value,
    by: &Value,
) -> Result<Option<Record>, StoreError> {
    let mut data = record.data.clone();
    if let Some(object) = data.as_object_mut() {
        object.insert(field.to_owned(), value);
    }
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE rtux_records SET version = version + 1, data = $1, updated_at = $2, updated_by = $3
         WHERE kind = $4 AND id = $5 AND version = $6",
    )
    .bind(data.to_string())
    .bind(now)
    .bind(by.to_string())
    .bind(&record.kind)
    .bind(&record.id)
    .bind(record.version)
    .execute(conn)
    .await?;
    Ok((done.rows_affected() == 1).then(|| Record {
        version: record.version + 1,
        data,
        updated_at: now,
        updated_by: Some(by.clone()),
        ..record.clone()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referrer(pattern: &str) -> Referrer {
        Referrer {
            pattern: pattern.into(),
            field: "owner".into(),
            to: "people:all".into(),
            clear: false,
            label: Some("title".into()),
            render: Arc::new(|_, _| None),
        }
    }

    #[test]
    fn names_and_topics() {
        let r = referrer("tasks:*");
        assert_eq!(r.noun(), "tasks");
        assert!(r.covers("tasks:all") && !r.covers("task:all"));
        assert!(referrer("board:main").covers("board:main"));
        assert_eq!(referrer("board:main").noun(), "board:main");
        assert_eq!(like_escaped("a_b%!:"), "a!_b!%!!:");
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
