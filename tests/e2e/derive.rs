//! Derived resources end to end: every action kind of `Note` over a real
//! socket, a conflict merged by the generated merge, the derived skeleton, and
//! typed presence metas — on SQLite and PostgreSQL.

use rtux::model::Model;
use rtux::presence::{PresenceMeta, typed_list};
use rtux::store::Store;
use rtux::ui::SkeletonView;
use rtux::wire::Code;
use rtux_tests::{Client, Note, TestServer, Viewer, backends, note_views, op, refused, unique};
use serde_json::{Value, json};

async fn server(store: Store) -> TestServer {
    TestServer::with(move |b| {
        b.presence(Viewer::config())
            .views(note_views())
            .resource::<Note>(Note::TOPIC, &store)
    })
    .await
}

fn record(reply: &Value) -> &Value {
    &reply["response"]["record"]
}

#[tokio::test]
async fn every_derived_action_kind_works_over_the_channel() {
    for at in backends().await {
        let store = at.open().await;
        let server = server(store.clone()).await;
        let topic = format!("notes:{}", unique("n"));
        let mut ana =
            Client::joined(&server, "ana", &topic, json!({"meta": {"role": "editor"}})).await;
        let mut bo =
            Client::joined(&server, "bo", &topic, json!({"meta": {"role": "editor"}})).await;
        let push = |n: &str, rest: Value| op(&topic, "ana", n, rest);

        // insert: the params are the fields; the store assigns id and version.
        let added = ana
            .push(
                &topic,
                "add",
                push(
                    "1",
                    json!({"temp_id": "t1", "data": {"title": "Plan", "tags": ["a"]}}),
                ),
            )
            .await;
        assert_eq!(added["status"], "ok", "{}: {added}", at.name());
        let id = record(&added)["id"].as_str().expect("id").to_owned();
        assert_eq!(
            record(&added)["data"],
            json!({"title": "Plan", "body": "", "done": false, "tags": ["a"], "stars": 0, "sentTo": null})
        );
        // The item view renders with the app's views: its include and the
        // app's filter work in the reply and in the others' patch alike.
        let html = &added["response"]["html"];
        assert!(
            html.as_str().is_some_and(|h| h.contains(r#"class="note""#)
                && h.contains(r#"<span class="title">Plan</span><span class="stars"></span>"#)),
            "{added}"
        );
        let patch = bo.event(&topic, "rtux:patch").await;
        assert_eq!(patch["op"], "insert", "{patch}");
        assert_eq!(&patch["html"], html, "the patch renders as the reply does");

        // validation runs on every typed write.
        let blank = ana
            .push(
                &topic,
                "add",
                push("2", json!({"temp_id": "t2", "data": {"title": " "}})),
            )
            .await;
        refused(&blank, Code::Invalid);
        let wrong = ana
            .push(
                &topic,
                "add",
                push("3", json!({"temp_id": "t3", "data": {"title": 7}})),
            )
            .await;
        // A value of the wrong type is refused beside its field.
        refused(&wrong, Code::Invalid);
        assert_eq!(wrong["response"]["field"], "title", "{wrong}");

        // server-corrects: the generated toggle and increment, and a handler.
        let toggled = ana
            .push(&topic, "toggle_done", push("4", json!({"id": id})))
            .await;
        assert_eq!(record(&toggled)["data"]["done"], true, "{toggled}");
        let bumped = ana
            .push(
                &topic,
                "increment_stars",
                push("5", json!({"id": id, "data": {"by": 2}})),
            )
            .await;
        assert_eq!(record(&bumped)["data"]["stars"], 2, "{bumped}");
        let starred = ana
            .push(&topic, "star", push("6", json!({"id": id, "data": {}})))
            .await;
        assert_eq!(record(&starred)["data"]["stars"], 12, "{starred}");
        assert_eq!(record(&starred)["version"], 4);
        let patch = bo
            .next_matching(|f| f[3] == "rtux:patch" && f[4]["record"]["version"] == 4)
            .await[4]
            .clone();
        assert!(
            patch["html"]
                .as_str()
                .is_some_and(|h| h.contains("★★★★★</span>")),
            "the app's filter ran for the patch: {patch}"
        );

        // pending: typed params, at the client's version; stale is refused.
        let renamed = ana
            .push(
                &topic,
                "rename",
                push(
                    "7",
                    json!({"id": id, "version": 4, "data": {"title": "Q3 plan"}}),
                ),
            )
            .await;
        assert_eq!(record(&renamed)["data"]["title"], "Q3 plan", "{renamed}");
        let stale = ana
            .push(
                &topic,
                "rename",
                push(
                    "8",
                    json!({"id": id, "version": 4, "data": {"title": "late"}}),
                ),
            )
            .await;
        refused(&stale, Code::Stale);
        let bad_params = ana
            .push(
                &topic,
                "rename",
                push("9", json!({"id": id, "version": 5, "data": {"name": "x"}})),
            )
            .await;
        // Params that don't fit: refused beside the field they lack.
        refused(&bad_params, Code::Invalid);
        assert_eq!(bad_params["response"]["field"], "title", "{bad_params}");
        let replaced = ana
            .push(&topic, "replace", push("10", json!({"id": id, "version": 5, "data": {"title": "Whole", "done": true, "stars": 12}})))
            .await;
        assert_eq!(record(&replaced)["data"]["title"], "Whole", "{replaced}");

        // confirm-first: applied at the client's version, with typed params.
        let sent = ana
            .push(
                &topic,
                "send_copy",
                push(
                    "11",
                    json!({"id": id, "version": 6, "data": {"to": "cy@example.com"}}),
                ),
            )
            .await;
        assert_eq!(record(&sent)["data"]["sentTo"], "cy@example.com", "{sent}");

        // undoable delete with the derived 1.5 s window, undone in time.
        let deleting = ana
            .push(&topic, "delete", push("12", json!({"id": id})))
            .await;
        assert_eq!(deleting["response"]["undo_window_ms"], 1500, "{deleting}");
        let undone = ana.push(&topic, "undo", push("12", json!({}))).await;
        assert_eq!(undone["status"], "ok", "{undone}");
        tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
        let kept = store.get(&topic, &id).await.expect("store");
        assert!(
            kept.is_some(),
            "{}: the undone delete must not run",
            at.name()
        );

        // confirmed delete: at the client's version, at once; others get the patch.
        let old = ana
            .push(&topic, "purge", push("13", json!({"id": id, "version": 6})))
            .await;
        refused(&old, Code::Stale);
        let purged = ana
            .push(&topic, "purge", push("14", json!({"id": id, "version": 7})))
            .await;
        assert_eq!(purged["response"]["deleted"], true, "{purged}");
        let removed = bo
            .next_matching(|f| f[3] == "rtux:patch" && f[4]["op"] == "remove")
            .await;
        assert_eq!(removed[4]["id"], id.as_str(), "{removed}");
    }
}

#[tokio::test]
async fn the_generated_merge_combines_sets_keeps_skipped_fields_and_reports_conflicts() {
    for at in backends().await {
        let server = server(at.open().await).await;
        let topic = format!("notes:{}", unique("m"));
        let mut ana =
            Client::joined(&server, "ana", &topic, json!({"meta": {"role": "editor"}})).await;
        let mut bo =
            Client::joined(&server, "bo", &topic, json!({"meta": {"role": "editor"}})).await;
        let added = ana
            .push(&topic, "add", op(&topic, "ana", "1", json!({"temp_id": "t", "data": {"title": "Plan", "body": "draft", "tags": ["a"]}})))
            .await;
        let id = record(&added)["id"].as_str().expect("id").to_owned();
        let base = record(&added)["data"].clone();

        // Ana saves tags and body at version 1.
        let mut mine = base.clone();
        mine["tags"] = json!(["a", "ana"]);
        mine["body"] = json!("Ana's body");
        mine["stars"] = json!(99); // skip: a save never changes it
        let saved = ana
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "ana",
                    "2",
                    json!({"id": id, "version": 1, "data": mine}),
                ),
            )
            .await;
        assert_eq!(record(&saved)["data"]["stars"], 0, "{}: {saved}", at.name());

        // Bo saves from version 1 too: other tags and the title → merged, no conflict.
        let mut theirs = base.clone();
        theirs["tags"] = json!(["a", "bo"]);
        theirs["title"] = json!("Q3 plan");
        let merged = bo
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "bo",
                    "1",
                    json!({"id": id, "version": 1, "data": theirs}),
                ),
            )
            .await;
        assert_eq!(merged["status"], "ok", "{merged}");
        let data = &record(&merged)["data"];
        assert_eq!(data["tags"], json!(["a", "ana", "bo"]), "{merged}");
        assert_eq!(
            (data["title"].as_str(), data["body"].as_str()),
            (Some("Q3 plan"), Some("Ana's body"))
        );
        assert_eq!(merged["response"]["merged"], json!(["body", "tags"]));

        // Bo edits the body from version 1 as well: both changed it → a conflict.
        let mut clash = base.clone();
        clash["body"] = json!("Bo's body");
        let conflict = bo
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "bo",
                    "2",
                    json!({"id": id, "version": 1, "data": clash}),
                ),
            )
            .await;
        assert_eq!(conflict["status"], "error", "{conflict}");
        let fields = &conflict["response"]["conflict"]["fields"];
        assert_eq!(fields[0]["field"], "body", "{conflict}");
        assert_eq!(
            (fields[0]["yours"].as_str(), fields[0]["theirs"].as_str()),
            (Some("Bo's body"), Some("Ana's body"))
        );
        let current = record(&conflict)["version"].as_i64().expect("version");

        // A form sends some fields: the others keep their value.
        let toggled = ana
            .push(
                &topic,
                "toggle_done",
                op(&topic, "ana", "3", json!({"id": id})),
            )
            .await;
        assert_eq!(record(&toggled)["data"]["done"], true, "{toggled}");
        let partial = ana
            .push(
                &topic,
                "save",
                op(
                    &topic,
                    "ana",
                    "4",
                    json!({"id": id, "version": current + 1, "data": {"body": "Only the body"}}),
                ),
            )
            .await;
        let data = &record(&partial)["data"];
        assert_eq!(
            (
                data["done"].as_bool(),
                data["body"].as_str(),
                data["title"].as_str()
            ),
            (Some(true), Some("Only the body"), Some("Q3 plan")),
            "{partial}"
        );
        let html = rtux::ui::conflict_panel(&conflict["response"]["conflict"], false);
        assert!(
            html.contains("Bo&#x27;s body") && html.contains("Ana&#x27;s body"),
            "{html}"
        );
    }
}

#[test]
fn the_derived_skeleton_matches_the_struct() {
    use rtux::ui::Skeleton;
    assert_eq!(
        Note::SHAPES,
        [
            Skeleton::Title,
            Skeleton::Lines(3),
            Skeleton::Badge,
            Skeleton::Badge,
            Skeleton::Number,
            Skeleton::Lines(1)
        ]
    );
    let html = Note::skeleton();
    assert!(
        html.starts_with(
            r#"<div class="rtux-skeleton-record" aria-hidden="true" data-rtux-skeleton-of="Note">"#
        ),
        "{html}"
    );
    let order: Vec<&str> = html
        .match_indices("rtux-skeleton--")
        .map(|(i, _)| html[i + 15..].split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(
        order,
        [
            "title", "text", "text", "text", "badge", "badge", "number", "text"
        ]
    );
}

#[tokio::test]
async fn presence_metas_are_typed_with_identity_from_the_token() {
    let server = server(rtux_tests::backends().await.remove(0).open().await).await;
    assert_eq!(
        Viewer::config().typing_ttl,
        std::time::Duration::from_secs(4)
    );
    assert_eq!(
        Viewer::config().cursor_interval,
        std::time::Duration::from_millis(200)
    );
    let topic = format!("notes:{}", unique("p"));
    let mut ana = Client::connect(&server, "ana").await;
    // A name in the payload is ignored: identity comes from the token.
    let reply = ana
        .join(
            &topic,
            json!({"meta": {"role": "editor", "name": "Mallory", "avatar": "/a.png"}}),
        )
        .await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let state = ana.event(&topic, "presence_state").await;
    let typed = typed_list::<Viewer>(&state).expect("metas fit Viewer");
    let me = &typed["ana"][0];
    assert_eq!(me.name, "User ana");
    assert_eq!(me.avatar.as_deref(), Some("/a.png"));
    assert_eq!(me.colour, rtux::ui::colour_for("ana"));
    assert_eq!(
        (me.status, me.typing, me.role.as_str()),
        (rtux::presence::Status::Active, false, "editor")
    );

    // The helpers fill the typed fields; others see them.
    let mut bo = Client::joined(&server, "bo", &topic, json!({"meta": {"role": "editor"}})).await;
    ana.push(&topic, "presence:focus", json!({"field": "title"}))
        .await;
    ana.push(&topic, "presence:typing", json!({})).await;
    let typing = |f: &Value| {
        f[3] == "presence_diff"
            && f[4]["joins"]["ana"]["metas"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["typing"] == true))
    };
    let diff = bo.next_matching(typing).await;
    // A diff gathered over 100 ms carries each meta the window saw: the last is current.
    let typed = typed_list::<Viewer>(&diff[4]["joins"]).expect("typed diff");
    let now = typed["ana"].last().expect("ana's meta");
    assert!(now.typing);
    assert_eq!(now.editing.as_deref(), Some("title"));

    // A meta that does not fit the struct refuses the join, saying why.
    let mut bad = Client::connect(&server, "cy").await;
    let bad_meta = bad.join(&topic, json!({"meta": {"role": 5}})).await;
    assert!(
        refused(&bad_meta, Code::Invalid).contains("role"),
        "{bad_meta}"
    );
}

/// The typing TTL is the channel's meta type's (4 s for `Viewer`), not the
/// endpoint's (3 s by default): `rtux gen presence --typing-expiry` holds.
#[tokio::test]
async fn a_presence_channel_keeps_its_meta_types_timings() {
    let server = TestServer::with(|b| {
        b.presence(rtux::presence::PresenceConfig::default())
            .channel("viewers:*", rtux::channel::PresenceChannel::<Viewer>::new())
    })
    .await;
    let topic = format!("viewers:{}", unique("t"));
    let meta = json!({"meta": {"role": "editor"}});
    let mut ana = Client::joined(&server, "ana", &topic, meta.clone()).await;
    let mut bo = Client::joined(&server, "bo", &topic, meta).await;
    assert_eq!(
        ana.push(&topic, "presence:typing", json!({})).await["status"],
        "ok"
    );
    let typing = |on: bool| {
        move |p: &rtux::testing::Presences| {
            p.get("ana")
                .and_then(|m| m.last())
                .is_some_and(|m| m["typing"] == on)
        }
    };
    bo.presence_until(&topic, typing(true)).await;
    let started = tokio::time::Instant::now();
    bo.presence_until(&topic, typing(false)).await;
    let took = started.elapsed();
    assert!(
        took >= std::time::Duration::from_millis(3_500),
        "typing cleared after {took:?}: the endpoint's 3 s won over Viewer's 4 s"
    );
}
