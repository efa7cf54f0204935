//! The store's conditional update beside a bare sqlx one, on the same disk.

use std::path::Path;
use std::str::FromStr;
use std::time::Instant;

use rtux::store::{Store, Written};
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::Summary;

pub(crate) async fn measure(
    dir: &Path,
    ops: usize,
    rounds: usize,
) -> Result<(Summary, Summary), String> {
    let err = |e: sqlx::Error| e.to_string();
    let options = SqliteConnectOptions::from_str(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("bare.db").display()
    ))
    .map_err(err)?
    .journal_mode(SqliteJournalMode::Wal)
    .synchronous(SqliteSynchronous::Normal);
    let bare = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(err)?;
    sqlx::query("CREATE TABLE bare (kind TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL, data TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (kind, id))")
        .execute(&bare)
        .await
        .map_err(err)?;
    sqlx::query("INSERT INTO bare VALUES ('bench', 'x', 1, '{}', 0)")
        .execute(&bare)
        .await
        .map_err(err)?;

    let store = Store::sqlite(dir.join("store.db"))
        .await
        .map_err(|e| e.to_string())?;
    let record = store
        .insert("bench", Some("x"), json!({}))
        .await
        .map_err(|e| e.to_string())?;

    let (mut bare_version, mut store_version) = (1_i64, record.version);
    let (mut bare_samples, mut store_samples) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut b = Vec::with_capacity(ops);
        for i in 0..ops {
            let data = json!({"title": "benchmark item", "n": i}).to_string();
            let started = Instant::now();
            let done = sqlx::query("UPDATE bare SET version = version + 1, data = ?, updated_at = ? WHERE kind = ? AND id = ? AND version = ?")
                .bind(data)
                .bind(i64::try_from(i).unwrap_or(0))
                .bind("bench")
                .bind("x")
                .bind(bare_version)
                .execute(&bare)
                .await
                .map_err(err)?;
            b.push(started.elapsed());
            if done.rows_affected() != 1 {
                return Err("the bare update missed its row".into());
            }
            bare_version += 1;
        }
        let mut s = Vec::with_capacity(ops);
        for i in 0..ops {
            let data = json!({"title": "benchmark item", "n": i});
            let started = Instant::now();
            let written = store
                .update("bench", "x", store_version, data)
                .await
                .map_err(|e| e.to_string())?;
            s.push(started.elapsed());
            match written {
                Written::Applied(r) => store_version = r.version,
                other => return Err(format!("the store update was not applied: {other:?}")),
            }
        }
        if round > 0 {
            bare_samples.extend(b);
            store_samples.extend(s);
        }
    }
    Ok((
        Summary::of(&mut bare_samples),
        Summary::of(&mut store_samples),
    ))
}
