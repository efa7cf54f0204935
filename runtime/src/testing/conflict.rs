//! Two users editing one record: the helper behind a conflict test.

use serde_json::{Value, json};

use super::TestClient;

/// Two users save the same version of a record with an editable action:
/// `first` saves `mine`, then `second` saves `theirs` against the version
/// both started from (stale now). Returns the second save's reply: a merge
/// (`ok` with `merged`) when they changed different fields, the conflict
/// (`error` with `conflict` and `panel`) when they changed the same ones.
///
/// `record` is the record as both saw it (`{id, version, …}`, as a reply or
/// a join lists it); `mine` and `theirs` are the saves' data (the whole form
/// or the fields it sends).
///
/// # Panics
/// If the first save is not applied.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use rtux::action::Resource;
/// use rtux::conflict::FieldMerge;
/// use rtux::testing::{TestClient, TestServer, stale_save};
/// use serde_json::json;
///
/// # let dir = std::env::temp_dir().join(format!("rtux-conflict-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let store = rtux::store::Store::sqlite(dir.join("docs.db")).await.unwrap();
/// let docs = Resource::builder(store)
///     .insert("add", |p| Ok(p.clone()))
///     .editable("save", FieldMerge::new(), |d| Ok(d.clone()))
///     .build()
///     .unwrap();
/// let endpoint = rtux::Endpoint::builder("a test secret of at least thirty-two bytes")
///     .channel("docs:*", docs)
///     .build()
///     .unwrap();
/// let server = TestServer::serve(endpoint).await;
/// let mut ana = TestClient::joined(&server, "ana", "docs:1", json!({})).await;
/// let mut bo = TestClient::joined(&server, "bo", "docs:1", json!({})).await;
/// let added = ana.act("docs:1", "add", json!({"temp_id": "t", "data": {"title": "Q3"}})).await;
/// let record = &added["response"]["record"];
///
/// let refused = stale_save(&mut ana, &mut bo, "docs:1", "save", record,
///     json!({"title": "Q3 plan"}), json!({"title": "Q3 budget"})).await;
/// assert_eq!(refused["status"], "error");
/// assert_eq!(refused["response"]["conflict"]["fields"][0]["theirs"], "Q3 plan");
/// assert_eq!(refused["response"]["conflict"]["yours"]["title"], "Q3 budget");
/// # }
/// ```
pub async fn stale_save(
    first: &mut TestClient,
    second: &mut TestClient,
    topic: &str,
    action: &str,
    record: &Value,
    mine: Value,
    theirs: Value,
) -> Value {
    let (id, version) = (&record["id"], &record["version"]);
    let saved = first
        .act(
            topic,
            action,
            json!({"id": id, "version": version, "data": mine}),
        )
        .await;
    assert_eq!(saved["status"], "ok", "the first save applies: {saved}");
    second
        .act(
            topic,
            action,
            json!({"id": id, "version": version, "data": theirs}),
        )
        .await
}
