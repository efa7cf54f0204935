//! A record's row, read back: its JSON columns parsed, a stored value that
//! does not parse reported as corrupt.

use serde_json::Value;
use sqlx::Row;

use super::{Record, StoreError};

/// A JSON column's text, parsed.
pub(super) fn parse(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A record from its row (the columns of `records::COLUMNS`).
pub(super) fn record(row: &sqlx::any::AnyRow) -> Result<Record, StoreError> {
    let data: String = row.try_get("data")?;
    let by: Option<String> = row.try_get("updated_by")?;
    Ok(Record {
        kind: row.try_get("kind")?,
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        data: parse(&data)?,
        inserted_at: row.try_get("inserted_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: by.as_deref().map(parse).transpose()?,
    })
}
