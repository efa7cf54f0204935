//! The store itself, on SQLite and PostgreSQL: conditional writes, never a
//! silent overwrite.

use rtux::store::{Store, Written};
use rtux_tests::{backends, unique};
use serde_json::json;

#[tokio::test]
async fn every_write_is_conditional_on_the_version() {
    for at in backends().await {
        let store = at.open().await;
        let kind = unique("kind");
        let a = store
            .insert(&kind, None, json!({"n": 1}))
            .await
            .expect("insert");
        assert_eq!(a.version, 1);
        let Written::Applied(a2) = store
            .update(&kind, &a.id, 1, json!({"n": 2}))
            .await
            .expect("update")
        else {
            panic!("{}: a write at the current version applies", at.name())
        };
        assert_eq!((a2.version, a2.data.clone()), (2, json!({"n": 2})));
        assert_eq!(
            store
                .update(&kind, &a.id, 1, json!({"n": 3}))
                .await
                .expect("stale"),
            Written::Stale(a2.clone())
        );
        assert_eq!(
            store
                .delete(&kind, &a.id, Some(1))
                .await
                .expect("stale delete"),
            Written::Stale(a2.clone())
        );
        assert_eq!(
            store
                .update(&kind, "missing", 1, json!({}))
                .await
                .expect("missing"),
            Written::Missing
        );
        assert_eq!(
            store.get(&kind, &a.id).await.expect("get"),
            Some(a2.clone()),
            "{}: nothing overwritten",
            at.name()
        );

        let b = store
            .insert(&kind, Some("b"), json!({"n": 9}))
            .await
            .expect("insert with id");
        assert!(
            store.insert(&kind, Some("b"), json!({})).await.is_err(),
            "an id is taken once"
        );
        let ids: Vec<String> = store
            .list(&kind)
            .await
            .expect("list")
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, [a.id.clone(), b.id.clone()], "oldest first");
        assert_eq!(
            store.delete(&kind, &a.id, Some(2)).await.expect("delete"),
            Written::Applied(a2)
        );
        assert_eq!(store.get(&kind, &a.id).await.expect("get"), None);
        assert_eq!(
            store
                .delete(&kind, &a.id, None)
                .await
                .expect("delete again"),
            Written::Missing
        );
    }
}

#[tokio::test]
async fn an_sqlite_store_is_created_and_migrated_on_first_open_and_kept() {
    let path = rtux_tests::sqlite_path();
    assert!(!path.exists());
    let store = Store::sqlite(&path).await.expect("create");
    let r = store
        .insert("k", None, json!({"kept": true}))
        .await
        .expect("insert");
    drop(store);
    let reopened = Store::sqlite(&path)
        .await
        .expect("reopen (migration is idempotent)");
    assert_eq!(
        reopened.get("k", &r.id).await.expect("get").map(|r| r.data),
        Some(json!({"kept": true}))
    );
}

#[tokio::test]
async fn an_unknown_store_url_says_what_to_use() {
    let err = Store::open("mysql://localhost/db")
        .await
        .expect_err("unsupported");
    assert_eq!(
        err.to_string(),
        "unsupported store URL \"mysql://localhost/db\": use sqlite://<file> or postgres://… (with the `postgres` feature)"
    );
}

#[tokio::test]
async fn sqlite_urls_open_as_sqlx_parses_them_and_create_the_file() {
    let dir = std::env::temp_dir().join(rtux_tests::unique("urls"));
    std::fs::create_dir_all(&dir).expect("dir");
    for url in [
        format!("sqlite:{}", dir.join("a.db").display()),
        format!("sqlite://{}", dir.join("b.db").display()),
        format!("sqlite://{}?cache=shared", dir.join("c.db").display()),
    ] {
        let store = rtux::store::Store::open(&url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        store
            .insert("k", None, serde_json::json!({}))
            .await
            .expect("insert");
    }
    for file in ["a.db", "b.db", "c.db"] {
        assert!(dir.join(file).exists(), "{file} created where the URL says");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
