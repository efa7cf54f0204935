//! References between records: the statements that keep them whole inside a
//! writer's transaction (which fields refer to what is the action layer's,
//! `action::referrers`).
//!
//! Concurrency: a writer that sets a reference [holds](hold) the referenced
//! row (PostgreSQL `FOR SHARE`), a deleter [takes](hold) it exclusively
//! (`FOR UPDATE`) before it looks for referrers, so one of the two waits for
//! the other and then sees what it did. SQLite runs one writer at a time.

use rtux_rules::TopicPattern;
use serde_json::Value;
use sqlx::AnyConnection;

use super::{Backend, Record, StoreError, now_ms};

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

/// The records on the topics of `pattern` whose `field` holds `id`, live or
/// being deleted (an undo would bring them back), at most `limit`; on
/// PostgreSQL their rows are taken for update.
pub(crate) async fn referring(
    conn: &mut AnyConnection,
    backend: Backend,
    (pattern, field): (&TopicPattern, &str),
    id: &str,
    limit: i64,
) -> Result<Vec<Record>, StoreError> {
    let (value, lock) = match backend {
        Backend::Sqlite => ("json_extract(data, '$.' || $2)", ""),
        Backend::Postgres => ("(data::jsonb ->> $2)", " FOR UPDATE"),
    };
    // A prefix's topics go on after it (`_` is one character), as
    // `TopicPattern::matches` has it.
    let (kinds, topics) = match pattern {
        TopicPattern::Prefix(prefix) => (
            "kind LIKE $3 ESCAPE '!'",
            format!("{}_%", like_escaped(prefix)),
        ),
        TopicPattern::Exact(topic) => ("kind = $3", topic.clone()),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT kind, id, version, data, inserted_at, updated_at, updated_by FROM rtux_records
         WHERE {kinds} AND {value} = $1 AND (delete_at IS NULL OR delete_at > $4)
         ORDER BY inserted_at, id LIMIT $5{lock}"
    )))
    .bind(id)
    .bind(field)
    .bind(topics)
    .bind(now_ms())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(super::row::record).collect()
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

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(like_escaped("a_b%!:"), "a!_b!%!!:");
    }
}
