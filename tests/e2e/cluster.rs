//! Three nodes of one cluster, each a real process (tests/bin/chaos_server.rs)
//! on one PostgreSQL store, joined through Redis and again through NATS, each
//! engine reached through a relay that can cut the connections: presence seen
//! across nodes (two tabs of one user on two nodes are one key; also through
//! the official `phoenix` client, tests/interop/cluster.test.mjs), broadcasts
//! delivered once on every node, an action on one node patching a client on
//! another, convergence after the engine is cut mid-run (nothing acknowledged
//! lost), and a node killed with SIGKILL whose presences leave everywhere
//! within the node timeout. On Redis the node timeout (3 s) is shorter than
//! the cut and its reconnects, so nodes expire each other and come back; on
//! NATS (6 s) they do not, and resync from where they were.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rtux::auth::Tokens;
use rtux::cluster::{Cluster, ClusterConfig};
use rtux::wire::Code;
use rtux_tests::{
    Client, Connect, NodeSuite, PageServer, Relay, SECRET, ServerProcess, op, postgres_url,
    refused, required, unique,
};
use serde_json::{Value, json};

/// How long presence may take to converge across nodes.
const CONVERGE: Duration = Duration::from_secs(10);

/// A client on one node, joined to a room, following its presence.
struct Watcher {
    client: Client,
    topic: String,
}

fn token(user: &str) -> String {
    Tokens::new(SECRET.as_bytes()).expect("test secret").issue(
        user,
        Some(&format!("User {user}")),
        Duration::from_secs(3600),
    )
}

async fn connect(node: &ServerProcess, user: &str) -> Client {
    match Client::try_url(&node.url(&token(user)), None).await {
        Connect::Open(client) => *client,
        Connect::Refused(status, body) => panic!("connect refused: {status} {body}"),
    }
}

impl Watcher {
    async fn join(node: &ServerProcess, user: &str, topic: &str) -> Watcher {
        let mut client = connect(node, user).await;
        client.join_ok(topic).await;
        Watcher {
            client,
            topic: topic.to_owned(),
        }
    }

    /// Reads frames until the presence holds `wanted` (key → number of
    /// metas); returns how long that took.
    async fn until(&mut self, wanted: &[(&str, usize)], within: Duration) -> Duration {
        let start = Instant::now();
        let want: BTreeMap<String, usize> =
            wanted.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect();
        self.client.set_wait(within);
        self.client
            .presence_until(&self.topic, |p| {
                p.iter()
                    .map(|(k, m)| (k.clone(), m.len()))
                    .collect::<BTreeMap<_, _>>()
                    == want
            })
            .await;
        start.elapsed()
    }

    /// How many `event`s on the room arrive within `window`.
    async fn count(&mut self, event: &str, window: Duration) -> usize {
        let frames = self.client.drain(window).await;
        frames
            .iter()
            .filter(|f| f[2] == self.topic.as_str() && f[3] == event)
            .count()
    }
}

/// Starts three nodes joined through `engine_url` on a channel of their own.
async fn nodes(engine_url: &str, store: &str, node_timeout: Duration) -> Vec<ServerProcess> {
    let channel = unique("rtux-test");
    let timeout = node_timeout.as_millis().to_string();
    let envs = [
        ("DATABASE_URL", store),
        ("PUBSUB_URL", engine_url),
        ("CLUSTER_CHANNEL", channel.as_str()),
        ("NODE_TIMEOUT_MS", timeout.as_str()),
        ("LOCK_TTL_MS", "2000"),
        ("INSERTS_PER_MINUTE", "5"),
    ];
    let mut out = Vec::new();
    for _ in 0..3 {
        out.push(ServerProcess::start(env!("CARGO_BIN_EXE_chaos_server"), &envs).await);
    }
    out
}

/// Whether `addr` answers: outside CI a missing service skips the test.
async fn reachable(addr: SocketAddr, what: &str) -> bool {
    let up = tokio::net::TcpStream::connect(addr).await.is_ok();
    assert!(up || !required(), "{what} must run on {addr} in CI");
    if !up {
        eprintln!("skipped: no {what} on {addr}");
    }
    up
}

/// The run on one engine; the nodes run with `node_timeout` (heartbeats at a
/// quarter of it).
async fn three_nodes_on(engine: &str, scheme: &str, service: SocketAddr, node_timeout: Duration) {
    if !reachable(service, engine).await
        || !reachable("127.0.0.1:5432".parse().expect("addr"), "PostgreSQL").await
    {
        return;
    }
    let relay = Relay::start(service).await;
    let store = postgres_url();
    let [a, b, c]: [ServerProcess; 3] =
        nodes(&format!("{scheme}://{}", relay.addr), &store, node_timeout)
            .await
            .try_into()
            .unwrap_or_else(|_| unreachable!("three nodes"));
    let room = format!("room:{}", unique(engine));

    // Presence across nodes: each sees all three; two tabs of dan on two
    // nodes are one key with two metas.
    let mut ana = Watcher::join(&a, "ana", &room).await;
    let mut bo = Watcher::join(&b, "bo", &room).await;
    let mut cy = Watcher::join(&c, "cy", &room).await;
    let took = ana
        .until(&[("ana", 1), ("bo", 1), ("cy", 1)], CONVERGE)
        .await;
    bo.until(&[("ana", 1), ("bo", 1), ("cy", 1)], CONVERGE)
        .await;
    cy.until(&[("ana", 1), ("bo", 1), ("cy", 1)], CONVERGE)
        .await;
    let dan_a = Watcher::join(&a, "dan", &room).await;
    let dan_b = Watcher::join(&b, "dan", &room).await;
    let everyone = [("ana", 1), ("bo", 1), ("cy", 1), ("dan", 2)];
    for w in [&mut ana, &mut bo, &mut cy] {
        w.until(&everyone, CONVERGE).await;
    }
    eprintln!("{engine}: presence of 3 nodes converged in {took:?}");

    // The official phoenix client, on the three nodes.
    if let Some(suite) = NodeSuite::ready("interop", &["phoenix", "ws"], &[]) {
        let tokens: serde_json::Map<String, Value> = ["alice", "bob", "carol", "dave"]
            .iter()
            .map(|u| ((*u).to_owned(), json!(token(u))))
            .collect();
        let urls: Vec<String> = [&a, &b, &c]
            .iter()
            .map(|n| format!("ws://{}/socket", n.addr))
            .collect();
        let env = [
            ("RTUX_NODES", json!(urls).to_string()),
            ("RTUX_TOKENS", Value::Object(tokens).to_string()),
            ("RTUX_ROOM", format!("room:{}", unique("phoenix"))),
        ];
        suite
            .run("cluster.test.mjs", &env, 1, Duration::from_secs(60))
            .await;
    }

    // A broadcast from node A reaches every node's subscribers once each;
    // broadcast-from skips only the sender.
    ana.client
        .push_nowait(&room, "shout", json!({"n": 1}))
        .await;
    ana.client
        .push_nowait(&room, "shout_from", json!({"n": 2}))
        .await;
    let window = Duration::from_millis(700);
    assert_eq!(
        ana.count("shouted", window).await,
        1,
        "{engine}: the sender gets shout, not shout_from"
    );
    assert_eq!(
        bo.count("shouted", window).await,
        2,
        "{engine}: node B gets each once"
    );
    assert_eq!(
        cy.count("shouted", window).await,
        2,
        "{engine}: node C gets each once"
    );

    // An action on node A patches a client on node C.
    let todos = format!("todo:{}", unique(engine));
    let mut on_a = connect(&a, "ana").await;
    on_a.join_ok(&todos).await;
    let mut on_c = connect(&c, "cy").await;
    on_c.join_ok(&todos).await;
    let add = |n: &str, title: &str| {
        op(
            &todos,
            "ana",
            n,
            json!({"temp_id": format!("tmp-{n}"), "data": {"title": title}}),
        )
    };
    let reply = on_a.push(&todos, "add", add("1", "from node A")).await;
    assert_eq!(reply["status"], "ok", "{reply}");
    let patch = on_c.event(&todos, "rtux:patch").await;
    assert_eq!(patch["record"]["data"]["title"], "from node A", "{engine}");
    let first = reply["response"]["record"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // A lock taken through node A refuses node C: the lock and the save.
    let title = json!({"id": first, "section": "title"});
    let taken = on_a.push(&todos, "lock", title.clone()).await;
    assert_eq!(taken["status"], "ok", "{engine}: {taken}");
    let held = on_c.push(&todos, "lock", title.clone()).await;
    refused(&held, Code::Locked);
    assert_eq!(
        held["response"]["holder"],
        json!({"user": "ana", "name": "User ana"}),
        "{engine}: {held}"
    );
    let rename = op(
        &todos,
        "cy",
        "r1",
        json!({"id": first, "version": 1, "data": {"title": "cy's"}}),
    );
    let locked = on_c.push(&todos, "rename", rename).await;
    assert!(
        refused(&locked, Code::Locked).contains("User ana"),
        "{engine}: {locked}"
    );
    assert_eq!(
        on_a.push(&todos, "unlock", title.clone()).await["status"],
        "ok"
    );
    let taken = on_c.push(&todos, "lock", title.clone()).await;
    assert_eq!(
        taken["status"], "ok",
        "{engine}: free once released: {taken}"
    );

    // The insert quota (5 a minute here) is one per user, whichever nodes
    // they use: quinn adds through A and C in turn, and the sixth is refused.
    let mut q_a = connect(&a, "quinn").await;
    q_a.join_ok(&todos).await;
    let mut q_c = connect(&c, "quinn").await;
    q_c.join_ok(&todos).await;
    let mut answers = Vec::new();
    for n in 0..6 {
        let data = json!({"temp_id": format!("q{n}"), "data": {"title": format!("quota {n}")}});
        let add = op(&todos, "quinn", &format!("q{n}"), data);
        let node = if n % 2 == 0 { &mut q_a } else { &mut q_c };
        answers.push(node.push(&todos, "add", add).await);
    }
    assert!(
        answers[..5].iter().all(|r| r["status"] == "ok"),
        "{engine}: five through two nodes: {answers:?}"
    );
    // The sixth, though on another node than the fifth.
    refused(&answers[5], Code::RateLimited);

    // A person's locks are counted across nodes: lena takes eight through A
    // and C in turn, and the ninth is refused on either.
    let records: Vec<String> = answers[..5]
        .iter()
        .filter_map(|r| r["response"]["record"]["id"].as_str().map(str::to_owned))
        .collect();
    let mut l_a = connect(&a, "lena").await;
    l_a.join_ok(&todos).await;
    let mut l_c = connect(&c, "lena").await;
    l_c.join_ok(&todos).await;
    let pairs: Vec<Value> = records
        .iter()
        .flat_map(|id| ["title", "done"].map(|s| json!({"id": id, "section": s})))
        .collect();
    for (n, pair) in pairs[..8].iter().enumerate() {
        let node = if n % 2 == 0 { &mut l_a } else { &mut l_c };
        let taken = node.push(&todos, "lock", pair.clone()).await;
        assert_eq!(taken["status"], "ok", "{engine}: lock {n}: {taken}");
    }
    for node in [&mut l_a, &mut l_c] {
        let ninth = node.push(&todos, "lock", pairs[8].clone()).await;
        assert_eq!(ninth["response"]["code"], "full", "{engine}: {ninth}");
    }
    drop((q_a, q_c, l_a, l_c));

    // A delete scheduled through node A is undone through node B.
    let doomed = on_a.push(&todos, "add", add("d", "deleted on A")).await;
    let doomed = doomed["response"]["record"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let delete = on_a
        .push(
            &todos,
            "delete",
            op(&todos, "ana", "del", json!({"id": doomed})),
        )
        .await;
    assert_eq!(delete["status"], "ok", "{engine}: {delete}");
    let mut ana_on_b = connect(&b, "ana").await;
    ana_on_b.join_ok(&todos).await;
    let undo = ana_on_b
        .push(&todos, "undo", op(&todos, "ana", "del", json!({})))
        .await;
    assert_eq!(
        undo["status"], "ok",
        "{engine}: undone through another node: {undo}"
    );
    drop(ana_on_b);

    // The engine is cut: the nodes keep serving their own sockets, an action
    // is acknowledged, presence changes; when the engine is back they
    // reconnect and every node converges again.
    let cut = relay.cut_for(Duration::from_secs(2));
    assert!(
        cut >= 3,
        "{engine}: every node had a connection to cut ({cut})"
    );
    let reply = on_a.push(&todos, "add", add("2", "during the cut")).await;
    assert_eq!(
        reply["status"], "ok",
        "{engine}: node A acts alone: {reply}"
    );
    let eve = Watcher::join(&a, "eve", &room).await;
    drop(bo);
    let after_cut = [("ana", 1), ("cy", 1), ("dan", 2), ("eve", 1)];
    let took = ana.until(&after_cut, CONVERGE).await;
    cy.until(&after_cut, CONVERGE).await;
    let mut dan_b = dan_b;
    dan_b.until(&after_cut, CONVERGE).await;
    eprintln!("{engine}: converged {took:?} after a 2 s cut of the engine");
    let mut late = connect(&c, "fay").await;
    let join = late.join_ok(&todos).await;
    let titles: Vec<&str> = join["response"]["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["data"]["title"].as_str())
        .filter(|t| !t.starts_with("quota"))
        .collect();
    assert_eq!(
        titles,
        ["from node A", "deleted on A", "during the cut"],
        "{engine}: nothing acknowledged is lost"
    );

    // Node C schedules a delete, then dies inside its undo window.
    let add_c = op(
        &todos,
        "cy",
        "g",
        json!({"temp_id": "g", "data": {"title": "dies with C"}}),
    );
    let gone = on_c.push(&todos, "add", add_c).await;
    let gone = gone["response"]["record"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let delete = on_c
        .push(
            &todos,
            "delete",
            op(&todos, "cy", "gdel", json!({"id": gone})),
        )
        .await;
    assert_eq!(delete["status"], "ok", "{engine}: {delete}");

    // Node C is killed: its presences leave on every other node within the
    // node timeout (and one heartbeat of slack).
    c.kill().await;
    let killed = Instant::now();
    drop(cy);
    let without_c = [("ana", 1), ("dan", 2), ("eve", 1)];
    ana.until(&without_c, node_timeout * 2).await;
    dan_b.until(&without_c, node_timeout * 2).await;
    let left = killed.elapsed();
    assert!(
        left <= node_timeout + node_timeout / 2,
        "{engine}: left after {left:?}"
    );
    eprintln!("{engine}: a killed node's presence left everywhere {left:?} after SIGKILL");

    // Its lock frees at its TTL (2 s); its delete ran at its deadline, once:
    // the record is gone for everyone and cannot be undone any more.
    let mut taken = on_a.push(&todos, "lock", title.clone()).await;
    while taken["status"] != "ok" && killed.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        taken = on_a.push(&todos, "lock", title.clone()).await;
    }
    assert_eq!(
        taken["status"], "ok",
        "{engine}: the dead node's lock frees: {taken}"
    );
    let mut cy_on_a = connect(&a, "cy").await;
    let join = cy_on_a.join_ok(&todos).await;
    let ids: Vec<&str> = join["response"]["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        !ids.contains(&gone.as_str()),
        "{engine}: deleted though its node died"
    );
    let undo = cy_on_a
        .push(&todos, "undo", op(&todos, "cy", "gdel", json!({})))
        .await;
    assert_eq!(undo["status"], "error", "{engine}: past its window: {undo}");
    drop((eve, dan_a));
}

/// The tests of this binary one at a time: each runs three nodes.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_on_redis() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let redis = "127.0.0.1:6379".parse().expect("addr");
    three_nodes_on("redis", "redis", redis, Duration::from_secs(3)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_on_nats() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let nats = "127.0.0.1:4222".parse().expect("addr");
    three_nodes_on("nats", "nats", nats, Duration::from_secs(6)).await;
}

/// rtux.js in Chromium on pages of two nodes of three (page servers on one
/// store, joined through Redis): tests/browser/cluster.test.mjs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_client_works_across_nodes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let redis: SocketAddr = "127.0.0.1:6379".parse().expect("addr");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let also = [(
        std::path::Path::new(&chromium),
        "Chromium is not installed (apt-get install chromium)",
    )];
    let Some(suite) = NodeSuite::ready("browser", &["playwright-core"], &also) else {
        return;
    };
    if !reachable(redis, "redis").await {
        return;
    }
    let store = PageServer::seeded().await;
    let config = ClusterConfig {
        channel: unique("rtux-pages"),
        ..ClusterConfig::default()
    };
    let mut nodes = Vec::new();
    for _ in 0..3 {
        let cluster = Cluster::connect("redis://127.0.0.1:6379", config.clone()).expect("cluster");
        nodes.push(PageServer::on(store.clone(), Some(std::sync::Arc::new(cluster))).await);
    }
    let env = [
        ("RTUX_NODE_A", format!("http://{}", nodes[0].addr)),
        ("RTUX_NODE_C", format!("http://{}", nodes[2].addr)),
        ("CHROMIUM", chromium.clone()),
    ];
    suite
        .run("cluster.test.mjs", &env, 2, Duration::from_secs(120))
        .await;
}

#[tokio::test]
async fn a_session_ended_on_one_node_closes_its_sockets_on_the_others() {
    let redis: SocketAddr = "127.0.0.1:6379".parse().expect("addr");
    if !reachable(redis, "redis").await {
        return;
    }
    let config = ClusterConfig {
        channel: unique("rtux-sessions"),
        ..ClusterConfig::default()
    };
    let node = || {
        let cluster = Cluster::connect("redis://127.0.0.1:6379", config.clone()).expect("cluster");
        rtux::Endpoint::builder(SECRET)
            .pubsub(std::sync::Arc::new(cluster))
            .channel("room:*", rtux_tests::Room)
            .build()
            .expect("endpoint")
    };
    let (a, b) = (node(), node());
    let b = rtux::testing::TestServer::serve(b).await;
    let token =
        a.tokens()
            .issue_in_session("u-ana", Some("Ana"), "s-laptop", Duration::from_secs(600));
    let other =
        a.tokens()
            .issue_in_session("u-ana", Some("Ana"), "s-phone", Duration::from_secs(600));
    let mut laptop = Client::connect_token(&b, &token).await;
    laptop.join_ok("room:ended").await;
    let mut phone = Client::connect_token(&b, &other).await;
    phone.join_ok("room:ended").await;

    // Ended on node A, where none of its sockets is: node B closes them. (The
    // nodes' engine subscriptions come up in the background: asked again
    // until B has heard.)
    let deadline = Instant::now() + CONVERGE;
    let closed = loop {
        assert_eq!(
            a.end_session("u-ana", Some("s-laptop")),
            0,
            "no socket of it on node A"
        );
        if let Ok(frame) = tokio::time::timeout(Duration::from_millis(250), laptop.closed()).await {
            break frame.expect("a close frame");
        }
        assert!(
            Instant::now() < deadline,
            "node B never closed the ended session's socket"
        );
    };
    assert_eq!(u16::from(closed.code), 4003, "{closed:?}");
    assert_eq!(
        phone.push("room:ended", "echo", json!({})).await["status"],
        "ok",
        "another session stays"
    );
}
