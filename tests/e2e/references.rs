//! References on SQLite and PostgreSQL: a field holding another topic's
//! record id accepts only ids that are there; deleting a referenced record is
//! refused naming what refers to it, or clears the referring fields (patched
//! for everyone) and an undo sets them back; a delete racing a new reference
//! never leaves one dangling.

use rtux::model::Model;
use rtux::store::Store;
use rtux::wire::Code;
use rtux_tests::{Client, TestServer, backends, op, refused, unique};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Where the people are.
const PEOPLE: &str = "people:all";

/// Someone tasks are given to.
#[derive(Debug, Clone, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "people:*", undo_window = "2s")]
#[rtux(action(
    add(kind = "insert"),
    delete(kind = "confirmed_delete"),
    remove(kind = "undoable_delete"),
))]
struct Person {
    id: String,
    version: i64,
    #[rtux(label)]
    name: String,
}

/// A task: its owner must exist; its reviewer is cleared when they go.
#[derive(Debug, Clone, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "tasks:*")]
#[rtux(action(
    add(kind = "insert"),
    save(kind = "editable"),
    delete(kind = "confirmed_delete"),
))]
struct Task {
    id: String,
    version: i64,
    #[rtux(label)]
    title: String,
    #[rtux(references = PEOPLE)]
    owner: String,
    #[rtux(references = PEOPLE, on_delete = "clear")]
    reviewer: Option<String>,
}

async fn server(store: &Store) -> TestServer {
    let store = store.clone();
    TestServer::with(move |b| {
        b.resource::<Person>(PEOPLE, &store)
            .resource::<Task>(Task::TOPIC, &store)
    })
    .await
}

/// Adds a record through `client`; its id.
async fn add(client: &mut Client, topic: &str, n: &str, data: Value) -> Value {
    // The ledger outlives runs on PostgreSQL and people:all is one topic: a
    // client id of its own each time.
    let payload = op(
        topic,
        &unique("ana"),
        n,
        json!({"temp_id": n, "data": data}),
    );
    client.push(topic, "add", payload).await
}

fn id(reply: &Value) -> String {
    let id = reply["response"]["record"]["id"].as_str();
    id.unwrap_or_else(|| panic!("no record: {reply}"))
        .to_owned()
}

#[tokio::test]
async fn ids_must_exist_and_referenced_records_are_not_deleted_from_under_them() {
    for at in backends().await {
        let store = at.open().await;
        let server = server(&store).await;
        let tasks = format!("tasks:{}", unique("refs"));
        let me = unique("ana");
        let mut ana = Client::joined(&server, &me, PEOPLE, json!({})).await;
        ana.join(&tasks, json!({})).await;
        let person = id(&add(&mut ana, PEOPLE, "p1", json!({"name": "Ana"})).await);

        // Ids that are not there, or none at all, are refused with the field:
        // named in the reason, or beside it (a value of the wrong type).
        for owner in [json!("nobody"), json!(""), json!(7)] {
            let data = json!({"title": "Write docs", "owner": owner, "reviewer": null});
            let refusal = add(&mut ana, &tasks, &unique("t"), data).await;
            assert_eq!(refusal["status"], "error", "{}: {refusal}", at.name());
            let says = refused(&refusal, Code::Invalid);
            assert!(
                says.contains("owner") || refusal["response"]["field"] == "owner",
                "{owner}: {refusal}"
            );
        }
        let data = json!({"title": "Write docs", "owner": person, "reviewer": null});
        let task = add(&mut ana, &tasks, "t1", data).await;
        assert_eq!(task["status"], "ok", "{task}");
        let task = id(&task);
        let data = json!({"title": "Ship", "owner": person, "reviewer": ""});
        assert_eq!(add(&mut ana, &tasks, "t2", data).await["status"], "ok");

        // A save may not point the owner elsewhere than at someone.
        let save = json!({"id": task, "version": 1, "data": {"title": "Write docs", "owner": "gone", "reviewer": null}});
        let refusal = ana
            .push(&tasks, "save", op(&tasks, "ana", "s1", save))
            .await;
        assert!(
            refused(&refusal, Code::Invalid).contains("owner"),
            "{refusal}"
        );
        assert_eq!(
            refusal["response"]["record"]["data"]["owner"],
            person.as_str()
        );

        // Deleting Ana is refused, naming the tasks that are hers, both ways.
        let delete = json!({"id": person, "version": 1});
        let refusal = ana
            .push(PEOPLE, "delete", op(PEOPLE, &me, "d1", delete))
            .await;
        let says = refused(&refusal, Code::Referenced);
        assert!(
            says.contains("Write docs") && says.contains("Ship"),
            "{}: {refusal}",
            at.name()
        );
        let remove = ana
            .push(
                PEOPLE,
                "remove",
                op(PEOPLE, &me, "d2", json!({"id": person})),
            )
            .await;
        assert!(
            refused(&remove, Code::Referenced).contains("tasks"),
            "{remove}"
        );
        assert!(store.get(PEOPLE, &person).await.expect("read").is_some());

        // Once nothing refers to her, she goes.
        let mut left = 0;
        for record in store.list(&tasks).await.expect("tasks") {
            let delete = json!({"id": record.id, "version": record.version});
            let done = ana
                .push(&tasks, "delete", op(&tasks, "ana", &unique("x"), delete))
                .await;
            assert_eq!(done["status"], "ok", "{done}");
            left += 1;
        }
        assert_eq!(left, 2);
        let delete = json!({"id": person, "version": 1});
        let done = ana
            .push(PEOPLE, "delete", op(PEOPLE, &me, "d3", delete))
            .await;
        assert_eq!(done["status"], "ok", "{done}");
    }
}

#[tokio::test]
async fn a_cleared_reference_is_patched_for_everyone_and_set_back_by_undo() {
    for at in backends().await {
        let store = at.open().await;
        let server = server(&store).await;
        let tasks = format!("tasks:{}", unique("clear"));
        let me = unique("ana");
        let mut ana = Client::joined(&server, &me, PEOPLE, json!({})).await;
        ana.join(&tasks, json!({})).await;
        let mut bo = Client::joined(&server, "bo", &tasks, json!({})).await;
        let owner = id(&add(&mut ana, PEOPLE, "p1", json!({"name": "Ana"})).await);
        let reviewer = id(&add(&mut ana, PEOPLE, "p2", json!({"name": "Cy"})).await);
        let data = json!({"title": "Review", "owner": owner, "reviewer": reviewer});
        let task = id(&add(&mut ana, &tasks, "t1", data).await);
        bo.event(&tasks, "rtux:patch").await;

        // Cy goes: the task loses its reviewer, and Bo sees it at once.
        let removed = ana
            .push(
                PEOPLE,
                "remove",
                op(PEOPLE, &me, "r1", json!({"id": reviewer})),
            )
            .await;
        assert_eq!(removed["status"], "ok", "{}: {removed}", at.name());
        assert_eq!(
            removed["response"]["cleared"],
            json!([{"topic": tasks, "id": task, "field": "reviewer"}])
        );
        let patch = bo.event(&tasks, "rtux:patch").await;
        assert_eq!(
            (
                &patch["op"],
                &patch["record"]["data"]["reviewer"],
                &patch["record"]["version"]
            ),
            (&json!("replace"), &Value::Null, &json!(2)),
            "{patch}"
        );

        // Undo: Cy is back, and reviews the task again.
        let undo =
            json!({"client": format!("{PEOPLE}/{me}"), "op": "r1", "at": rtux_tests::now_ms()});
        let undone = ana.push(PEOPLE, "undo", undo).await;
        assert_eq!(undone["status"], "ok", "{undone}");
        let patch = bo.event(&tasks, "rtux:patch").await;
        assert_eq!(
            patch["record"]["data"]["reviewer"],
            reviewer.as_str(),
            "{patch}"
        );
        let now = store.get(&tasks, &task).await.expect("read").expect("task");
        assert_eq!((now.version, &now.data["reviewer"]), (3, &json!(reviewer)));

        // A confirmed delete clears it for good.
        let delete = json!({"id": reviewer, "version": 1});
        let done = ana
            .push(PEOPLE, "delete", op(PEOPLE, &me, "d1", delete))
            .await;
        assert_eq!(done["status"], "ok", "{done}");
        let now = store.get(&tasks, &task).await.expect("read").expect("task");
        assert_eq!(now.data["reviewer"], Value::Null);
    }
}

#[tokio::test]
async fn a_delete_racing_a_new_reference_never_leaves_it_dangling() {
    for at in backends().await {
        let store = at.open().await;
        let server = server(&store).await;
        let tasks = format!("tasks:{}", unique("race"));
        let me = unique("ana");
        let mut deleter = Client::joined(&server, &me, PEOPLE, json!({})).await;
        let mut adder = Client::joined(&server, "bo", &tasks, json!({})).await;
        for n in 0..12 {
            let person =
                id(&add(&mut deleter, PEOPLE, &format!("p{n}"), json!({"name": "P"})).await);
            let data = json!({"title": format!("T{n}"), "owner": person, "reviewer": null});
            let insert = op(
                &tasks,
                "bo",
                &format!("t{n}"),
                json!({"temp_id": "t", "data": data}),
            );
            let delete = op(
                PEOPLE,
                &me,
                &format!("d{n}"),
                json!({"id": person, "version": 1}),
            );
            let (added, deleted) = tokio::join!(
                adder.push(&tasks, "add", insert),
                deleter.push(PEOPLE, "delete", delete)
            );
            let (added, deleted) = (added["status"] == "ok", deleted["status"] == "ok");
            assert!(
                added != deleted,
                "{}: one of the two wins, not both: {n}",
                at.name()
            );
            let there = store.get(PEOPLE, &person).await.expect("read").is_some();
            assert_eq!(
                there, added,
                "a task refers to a person only while they exist"
            );
        }
    }
}
