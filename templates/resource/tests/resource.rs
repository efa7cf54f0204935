//! << title >>, tested as users use them over rtux's test client on a
//! loopback port (`rtux::testing`): added, [% if toggles %]toggled, [% endif %]saved by two users at once,
//! [% if lock %]locked, [% endif %]deleted[% if not confirm_delete %] and undone[% endif %]. The replies are insta snapshots with
//! what changes from run to run redacted: review a changed one with
//! `cargo insta review`.

mod common;

use rtux::testing::{TestClient, TestServer, redact[% if save_kind == "editable" %], stale_save[% endif %]};
use serde_json::json;

use << crate_name >>::<< snake >>::PAGE_TOPIC;

#[tokio::test]
async fn << plural >>_are_added_saved_and_deleted_live() {
    let config = common::config("<< snake >>").await;
    let (app, endpoint) = << crate_name >>::build(&config).await.expect("the app starts");
[% for f in fields if f.referenced %]
[% if loop.first %]
    // What the samples refer to: records that exist (the server refuses ids
    // that do not).
    let store = rtux::store::Store::open(&config.database_url).await.expect("the store opens");
[% endif %]
    for n in 1..=3 {
        let data = json!({"<< f.referenced.label >>": format!("<< f.referenced.words | title >> {n}")});
        let id = format!("<< f.name >>-{n}");
        store.insert(<< crate_name >>::<< f.referenced.snake >>::PAGE_TOPIC, Some(&id), data).await.expect("seeded");
    }
[% endfor %]
[% if signed_in %]
    // For signed-in people only: a visitor is sent to sign in, and their
    // socket may not join.
    let (status, location) = common::auth::get(&app, "/<< plural >>", None).await;
    assert_eq!((status, location.as_str()), (303, "/sign-in?next=/<< plural >>"));
    let (ana_member, bo_member) = (common::auth::sign_up(&app, &endpoint, "Ana").await, common::auth::sign_up(&app, &endpoint, "Bo").await);
    let server = TestServer::serve_app(endpoint, app).await;
    let mut visitor = TestClient::connect(&server, "visitor").await;
    let refused = visitor.join(PAGE_TOPIC, json!({})).await;
    assert_eq!(refused["response"]["code"], "unauthorized", "{refused}");
    let mut ana = TestClient::connect_token(&server, &ana_member.token).await;
    ana.join_ok(PAGE_TOPIC).await;
    let mut bo = TestClient::connect_token(&server, &bo_member.token).await;
    bo.join_ok(PAGE_TOPIC).await;
[% if presence %]
    // Who is here: Bo, seen by Ana, with the name Bo signed up with.
    let seen = ana.presence_until(PAGE_TOPIC, |p| p.contains_key(&bo_member.id)).await;
    assert_eq!(seen[&bo_member.id][0]["name"], "Bo");
[% endif %]
[% else %]
    let server = TestServer::serve_app(endpoint, app).await;
    let mut ana = TestClient::joined(&server, "ana", PAGE_TOPIC, json!({})).await;
    let mut bo = TestClient::joined(&server, "bo", PAGE_TOPIC, json!({})).await;
[% if presence %]
    // Who is here: Bo, seen by Ana.
    ana.presence_until(PAGE_TOPIC, |p| p.contains_key("bo")).await;
[% endif %]
[% endif %]

    // Added: the reply to the user, the patch to the others; a replay (a
    // reconnecting client) is answered, not added twice.
    let added = ana.act(PAGE_TOPIC, "add", json!({"temp_id": "t1", "data": << sample >>})).await;
    let patch = bo.patch(PAGE_TOPIC).await;
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("added", redact(&added));
        insta::assert_json_snapshot!("added_patch", redact(&patch));
    });
    assert_eq!(ana.replay().await, added);
    let record = added["response"]["record"].clone();
[% for f in fields if f.required and f.input != "reference" %]
[% if loop.first %]

    // A blank << f.label | lower >> is refused beside its field; nothing is added.
    let mut blank = json!(<< sample >>);
    blank["<< f.name >>"] = json!("  ");
    let refused = ana.act(PAGE_TOPIC, "add", json!({"temp_id": "t2", "data": blank})).await;
    let why = &refused["response"];
    assert_eq!((why["code"].as_str(), why["field"].as_str()), (Some("invalid"), Some("<< f.name >>")), "{refused}");
[% endif %]
[% endfor %]

    // What Ana types into its form and has not saved follows her to another
    // device of hers: her draft, restored when it joins.
    let typed = json!({"id": record["id"], "data": << replace >>});
    assert_eq!(ana.push(PAGE_TOPIC, "draft:save", typed).await["status"], "ok");
[% if signed_in %]
    let mut ana_phone = TestClient::connect_token(&server, &ana_member.token).await;
[% else %]
    let mut ana_phone = TestClient::connect(&server, "ana").await;
[% endif %]
    let restored = ana_phone.join(PAGE_TOPIC, json!({})).await;
    assert_eq!(restored["response"]["drafts"][0]["data"], json!(<< replace >>), "{restored}");
    ana_phone.close().await;
[% for f in toggles %]

    // << f.label >>: toggled at once for the user, corrected by the server.
    let before = record["data"]["<< f.name >>"].as_bool().unwrap_or_default();
    let toggled = bo.act(PAGE_TOPIC, "toggle_<< f.name >>", json!({"id": record["id"]})).await;
    assert_eq!(toggled["response"]["record"]["data"]["<< f.name >>"], !before, "{toggled}");
    assert_eq!(ana.patch(PAGE_TOPIC).await["record"]["data"]["<< f.name >>"], !before);
    let record = toggled["response"]["record"].clone();
[% endfor %]
[% if save_kind == "editable" %]

    // Both save the same version: what one typed never overwrites the other's
    // silently; the second gets the conflict, with everything they typed.
    let (mine, theirs) = (json!(<< edit.mine >>), json!(<< edit.theirs >>));
    let refused = stale_save(&mut ana, &mut bo, PAGE_TOPIC, "save", &record, mine, theirs.clone()).await;
    assert_eq!(refused["status"], "error", "{refused}");
    assert_eq!(refused["response"]["conflict"]["fields"][0]["field"], "<< edit.field >>");
    assert_eq!(refused["response"]["conflict"]["yours"]["<< edit.field >>"], theirs["<< edit.field >>"]);
    let record = refused["response"]["record"].clone();
[% else %]

    // Saved at the version the user saw; a save from an older version is
    // refused with the record as it is now.
    let version = record["version"].clone();
    let saved = json!({"id": record["id"], "version": version, "data": << replace >>});
    let saved = ana.act(PAGE_TOPIC, "save", saved).await;
    assert_eq!(saved["status"], "ok", "{saved}");
    let stale = json!({"id": record["id"], "version": version, "data": << sample >>});
    let refused = bo.act(PAGE_TOPIC, "save", stale).await;
    assert_eq!(refused["response"]["code"], "stale", "{refused}");
    assert_eq!(refused["response"]["record"], saved["response"]["record"]);
    let record = saved["response"]["record"].clone();
[% endif %]
[% if lock %]

    // Locked while Ana edits: Bo's save is refused until she is done.
    let section = json!({"id": record["id"], "section": "form"});
    assert_eq!(ana.push(PAGE_TOPIC, "lock", section.clone()).await["status"], "ok");
    let blocked = json!({"id": record["id"], "version": record["version"], "data": << sample >>});
    let blocked = bo.act(PAGE_TOPIC, "save", blocked).await;
    assert_eq!(blocked["response"]["code"], "locked", "{blocked}");
    assert_eq!(ana.push(PAGE_TOPIC, "unlock", section).await["status"], "ok");
[% endif %]

    let gone = |f: &serde_json::Value| f[3] == "rtux:patch" && f[4]["op"] == "remove";
[% if confirm_delete %]
    // Deleted once the user confirmed, at the version they saw.
    let delete = json!({"id": record["id"], "version": record["version"]});
    let deleted = ana.act(PAGE_TOPIC, "delete", delete).await;
    assert_eq!(deleted["response"]["deleted"], true, "{deleted}");
    bo.next_matching(gone).await;
[% else %]
    // Deleted at once for everyone, and back with Undo inside the window.
    let deleted = ana.act(PAGE_TOPIC, "delete", json!({"id": record["id"]})).await;
    assert_eq!(deleted["status"], "ok", "{deleted}");
    bo.next_matching(gone).await;
    assert_eq!(ana.undo(PAGE_TOPIC).await["status"], "ok");
    let back = |f: &serde_json::Value| f[3] == "rtux:patch" && f[4]["op"] == "insert";
    bo.next_matching(back).await;
[% endif %]
}
