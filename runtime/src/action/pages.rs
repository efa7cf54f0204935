//! Long lists come in pages: a join reply holds the first, `page {after}`
//! gives the next. A page holds at most [`PAGE_RECORDS`] records and
//! [`PAGE_BYTES`] bytes, oldest first; `more` is the cursor of the next page
//! (`null` at the end).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::patch::Renderer;
use super::payload::{Page, to_json};
use super::reply::retry;
use crate::store::{Store, StoreError};
use crate::wire::{Code, Reply};

/// Most records in one page.
pub const PAGE_RECORDS: u64 = 200;
/// Most bytes (the records as JSON, with their HTML) in one page; a single
/// larger record still comes, alone.
pub const PAGE_BYTES: usize = 256 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct After {
    after: String,
}

/// A cursor: the position `inserted_at.id` of the last record of a page.
fn parse(cursor: &str) -> Option<(i64, &str)> {
    let (at, id) = cursor.split_once('.')?;
    (!id.is_empty() && id.len() <= super::MAX_ID_BYTES).then_some((at.parse().ok()?, id))
}

/// A resource's paging part: its records page by page, rendered.
pub(super) struct Pages {
    store: Store,
    renderer: Arc<Renderer>,
}

impl Pages {
    /// Pages of `store`'s records, each rendered by `renderer`.
    pub(super) fn new(store: Store, renderer: Arc<Renderer>) -> Pages {
        Pages { store, renderer }
    }

    /// The page of `topic` after `after`: `{records, more}`.
    pub(super) async fn page(
        &self,
        topic: &str,
        after: Option<(i64, &str)>,
    ) -> Result<Page, StoreError> {
        let rows = self.store.page(topic, after, PAGE_RECORDS + 1).await?;
        let (mut records, mut bytes, mut more) = (Vec::new(), 0, None);
        for (i, record) in rows.iter().enumerate() {
            let listed = self.renderer.listed(topic, record);
            let size = serde_json::to_vec(&listed).map_or(0, |json| json.len());
            if i as u64 == PAGE_RECORDS || (!records.is_empty() && bytes + size > PAGE_BYTES) {
                let last = &rows[i - 1];
                more = Some(format!("{}.{}", last.inserted_at, last.id));
                break;
            }
            bytes += size;
            records.push(listed);
        }
        Ok(Page { records, more })
    }

    /// `page {after}`: the next page of the topic.
    pub(super) async fn next(&self, payload: Value, topic: &str) -> Reply {
        let Ok(After { after }) = serde_json::from_value(payload) else {
            return Reply::refuse(
                Code::Invalid,
                "invalid page payload: send {after: <the `more` of the last page>}",
            );
        };
        let Some(position) = parse(&after) else {
            return Reply::refuse(
                Code::Invalid,
                "invalid page cursor: send the `more` of the last page as it came",
            );
        };
        match self.page(topic, Some(position)).await {
            Ok(page) => Reply::Ok(to_json(&page)),
            Err(e) => {
                tracing::error!(%topic, "a page could not be read: {e}");
                retry(Code::Unavailable, "store unavailable: try again")
            }
        }
    }
}
