//! The chaos run: 20 clients × 200 actions (server-corrects increments,
//! pending edits, inserts with temp ids, undoable deletes with some undos) and
//! a Chromium page, all through a proxy that cuts connections at seeded random
//! points — most right before a reply reaches its client, after the server
//! committed — while the server (a real process) is killed with SIGKILL and
//! started again twice; on SQLite and on PostgreSQL. Clients replay exactly as
//! rtux.js does: the same op ids, in order, until each op has a final answer.
//! At the end every op applied exactly once, nothing reported applied that was
//! not, and the ledger holds one row per op. `CHAOS_SEED` picks the seed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rtux::auth::Tokens;
use rtux_tests::{
    ChaosProxy, Cuts, NodeSuite, SECRET, ServerProcess, StoreAt, backends, now_ms, unique,
};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const CLIENTS: usize = 20;
const ACTIONS: usize = 200;
const COUNTERS: usize = 4;
/// Kills of the server, at these fractions of the run's actions.
const KILLS: [f64; 2] = [0.3, 0.65];
const CUTS: Cuts = Cuts {
    before_reply: 0.05,
    server_frame: 0.01,
    client_chunk: 0.01,
};
/// How long one frame may take before the client gives the connection up.
const PATIENCE: Duration = Duration::from_secs(3);

fn seed() -> u64 {
    std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_129)
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One client's socket, joined to the run's topic.
struct Conn {
    ws: Ws,
    join_ref: String,
    next: u64,
}

impl Conn {
    async fn open(proxy: SocketAddr, token: &str, topic: &str) -> Option<Conn> {
        let url = format!("ws://{proxy}/socket/websocket?vsn=2.0.0&token={token}");
        let (ws, _) = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(url))
            .await
            .ok()?
            .ok()?;
        let mut conn = Conn {
            ws,
            join_ref: "1".into(),
            next: 1,
        };
        let reply = conn.call(topic, "phx_join", json!({})).await?;
        (reply["status"] == "ok").then_some(conn)
    }

    /// Sends a push and waits for its reply; `None` if the connection broke.
    async fn call(&mut self, topic: &str, event: &str, payload: Value) -> Option<Value> {
        let msg_ref = self.next.to_string();
        self.next += 1;
        let frame = json!([self.join_ref, msg_ref, topic, event, payload]);
        self.ws.send(Message::text(frame.to_string())).await.ok()?;
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .ok()??
                .ok()?;
            let Message::Text(text) = message else {
                if matches!(message, Message::Close(_)) {
                    return None;
                }
                continue;
            };
            let frame: Value = serde_json::from_str(&text).ok()?;
            if frame[3] == "phx_reply" && frame[1] == msg_ref.as_str() {
                return Some(frame[4].clone());
            }
        }
    }
}

/// Not a final answer: the op is sent again, with the same id.
fn transient(reply: &Value) -> bool {
    reply["status"] == "error"
        && (reply["response"]["retry"] == true || reply["response"]["retry_after_ms"].is_number())
}

/// What one client did, by final answers.
#[derive(Debug, Default)]
struct Tally {
    /// Confirmed increments, by counter id.
    bumps: HashMap<String, i64>,
    /// Confirmed renames of its own record, and the last title.
    renames: i64,
    last_title: Option<String>,
    /// Confirmed inserts: (title, id), and whether each ended deleted.
    inserted: Vec<(String, String)>,
    deleted: Vec<String>,
    undone: Vec<String>,
    /// Ops the ledger must hold: every final answer but a refused undo.
    recorded: i64,
    /// Final refusals of ops that should have applied.
    refused: Vec<Value>,
    reconnects: u64,
    retries: u64,
}

struct Run {
    proxy: SocketAddr,
    topic: String,
    counters: Vec<String>,
    progress: Arc<AtomicUsize>,
}

impl Run {
    /// Sends `event` until it has a final answer, reconnecting and replaying
    /// as rtux.js does.
    async fn settle(
        &self,
        conn: &mut Option<Conn>,
        token: &str,
        tally: &mut Tally,
        event: &str,
        payload: &Value,
    ) -> Value {
        let mut backoff = Duration::from_millis(50);
        loop {
            if conn.is_none() {
                *conn = Conn::open(self.proxy, token, &self.topic).await;
                if conn.is_none() {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    continue;
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            match c.call(&self.topic, event, payload.clone()).await {
                Some(reply) if transient(&reply) => {
                    tally.retries += 1;
                    let wait = reply["response"]["retry_after_ms"]
                        .as_u64()
                        .map_or(backoff, Duration::from_millis);
                    tokio::time::sleep(wait).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
                Some(reply) => return reply,
                None => {
                    *conn = None;
                    tally.reconnects += 1;
                }
            }
        }
    }

    async fn client(&self, i: usize, own: (String, i64), seed: u64) -> Tally {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(i as u64));
        let tokens = Tokens::new(SECRET.as_bytes()).expect("tokens");
        let token = tokens.issue(&format!("chaos-{i}"), None, Duration::from_secs(3600));
        let client = unique(&format!("c{i}"));
        let (own_id, mut version) = own;
        let mut tally = Tally::default();
        let mut mine: Vec<String> = Vec::new();
        let mut conn: Option<Conn> = None;
        for n in 0..ACTIONS {
            let base = json!({"client": client, "op": n.to_string(), "at": now_ms()});
            let with = |extra: Value| {
                let mut p = base.clone();
                if let (Some(p), Value::Object(extra)) = (p.as_object_mut(), extra) {
                    p.extend(extra);
                }
                p
            };
            let roll = rng.random_range(0..100);
            if roll < 50 {
                let counter = self.counters[rng.random_range(0..self.counters.len())].clone();
                let reply = self
                    .settle(
                        &mut conn,
                        &token,
                        &mut tally,
                        "bump",
                        &with(json!({"id": counter, "data": {"by": 1}})),
                    )
                    .await;
                if reply["status"] == "ok" {
                    *tally.bumps.entry(counter).or_default() += 1;
                } else {
                    tally.refused.push(reply);
                }
            } else if roll < 70 {
                let title = format!("c{i}-r{n}");
                let reply = self
                    .settle(
                        &mut conn,
                        &token,
                        &mut tally,
                        "rename",
                        &with(json!({"id": own_id, "version": version, "data": {"title": title}})),
                    )
                    .await;
                if reply["status"] == "ok" {
                    tally.renames += 1;
                    tally.last_title = Some(title);
                    version = reply["response"]["record"]["version"]
                        .as_i64()
                        .unwrap_or(version);
                } else {
                    tally.refused.push(reply);
                }
            } else if roll < 90 || mine.is_empty() {
                let title = format!("{}-c{i}-a{n}", self.topic);
                let reply = self
                    .settle(
                        &mut conn,
                        &token,
                        &mut tally,
                        "add",
                        &with(json!({"temp_id": format!("t{n}"), "data": {"title": title}})),
                    )
                    .await;
                match reply["response"]["record"]["id"].as_str() {
                    Some(id) if reply["status"] == "ok" => {
                        mine.push(id.to_owned());
                        tally.inserted.push((title, id.to_owned()));
                    }
                    _ => tally.refused.push(reply),
                }
            } else {
                let id = mine.remove(rng.random_range(0..mine.len()));
                let reply = self
                    .settle(
                        &mut conn,
                        &token,
                        &mut tally,
                        "delete",
                        &with(json!({"id": id})),
                    )
                    .await;
                if reply["status"] != "ok" {
                    tally.refused.push(reply);
                } else if rng.random_bool(0.5) {
                    let undo = self
                        .settle(&mut conn, &token, &mut tally, "undo", &base)
                        .await;
                    if undo["status"] == "ok" {
                        tally.recorded += 1;
                        tally.undone.push(id.clone());
                        mine.push(id);
                    } else {
                        tally.deleted.push(id);
                    }
                } else {
                    tally.deleted.push(id);
                }
            }
            tally.recorded += 1;
            self.progress.fetch_add(1, Ordering::Relaxed);
        }
        tally
    }
}

/// Ledger rows of the run's topic.
async fn ledger_rows(url: &str, topic: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("ledger pool");
    sqlx::query_scalar("SELECT COUNT(*) FROM rtux_ledger WHERE topic = $1")
        .bind(topic)
        .fetch_one(&pool)
        .await
        .expect("count")
}

async fn chaos(at: &StoreAt) {
    let url = match at {
        StoreAt::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
        StoreAt::Postgres(url) => url.clone(),
    };
    let store = at.open().await;
    let topic = format!("todo:{}", unique("chaos"));
    let mut counters = Vec::new();
    for n in 0..COUNTERS {
        let r = store
            .insert(
                &topic,
                None,
                json!({"title": format!("counter {n}"), "count": 0}),
            )
            .await
            .expect("seed");
        counters.push(r.id);
    }
    let mut own = Vec::new();
    for i in 0..CLIENTS {
        let r = store
            .insert(&topic, None, json!({"title": format!("c{i}"), "count": 0}))
            .await
            .expect("seed");
        own.push((r.id, r.version));
    }
    let browser_counter = store
        .insert(&topic, None, json!({"title": "browser", "count": 0}))
        .await
        .expect("seed");

    let mut server = ServerProcess::start(
        env!("CARGO_BIN_EXE_chaos_server"),
        &[("DATABASE_URL", &url)],
    )
    .await;
    let proxy = ChaosProxy::start(server.addr, seed(), CUTS).await;
    let run = Arc::new(Run {
        proxy: proxy.addr,
        topic: topic.clone(),
        counters: counters.clone(),
        progress: Arc::default(),
    });
    let started = Instant::now();
    let clients: Vec<_> = own
        .into_iter()
        .enumerate()
        .map(|(i, own)| {
            let run = run.clone();
            tokio::spawn(async move { run.client(i, own, seed()).await })
        })
        .collect();
    let browser = tokio::spawn(browse(
        proxy.addr,
        topic.clone(),
        browser_counter.id.clone(),
    ));
    let total = CLIENTS * ACTIONS;
    let mut kills = 0;
    for fraction in KILLS {
        while (run.progress.load(Ordering::Relaxed) as f64) < fraction * total as f64 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill().await;
        kills += 1;
        tokio::time::sleep(Duration::from_millis(300)).await;
        server = ServerProcess::start(
            env!("CARGO_BIN_EXE_chaos_server"),
            &[("DATABASE_URL", &url)],
        )
        .await;
        proxy.point_to(server.addr);
    }
    let mut tallies = Vec::new();
    for c in clients {
        tallies.push(c.await.expect("client"));
    }
    let clicks = browser.await.expect("browser");
    let took = started.elapsed();

    // Every op applied exactly once; nothing reported applied that was not.
    let mut bumps: HashMap<String, i64> = HashMap::new();
    for t in &tallies {
        assert!(
            t.refused.is_empty(),
            "{}: final refusals: {:?}",
            at.name(),
            t.refused
        );
        for (id, n) in &t.bumps {
            *bumps.entry(id.clone()).or_default() += n;
        }
    }
    let recorded: i64 = tallies.iter().map(|t| t.recorded).sum();
    let rows = ledger_rows(&url, &topic).await;
    for id in &counters {
        let record = store.get(&topic, id).await.expect("get").expect("counter");
        assert_eq!(
            record.data["count"],
            json!(bumps.get(id).copied().unwrap_or(0)),
            "{}: counter {id}",
            at.name()
        );
    }
    let records = store.list(&topic).await.expect("list");
    let mut titles: HashMap<&str, usize> = HashMap::new();
    for r in &records {
        *titles
            .entry(r.data["title"].as_str().unwrap_or_default())
            .or_default() += 1;
    }
    let (mut inserts, mut gone, mut undone) = (0, 0, 0);
    for (i, t) in tallies.iter().enumerate() {
        let own = records
            .iter()
            .find(|r| r.data["title"] == t.last_title.clone().unwrap_or(format!("c{i}")).as_str());
        let own =
            own.unwrap_or_else(|| panic!("{}: client {i}'s record with its last title", at.name()));
        assert_eq!(
            own.version,
            1 + t.renames,
            "{}: client {i}'s renames, once each",
            at.name()
        );
        for (title, id) in &t.inserted {
            let deleted = t.deleted.contains(id);
            let exists = records.iter().any(|r| &r.id == id);
            assert_eq!(
                exists,
                !deleted,
                "{}: insert {title} (deleted: {deleted})",
                at.name()
            );
            assert_eq!(
                titles.get(title.as_str()).copied().unwrap_or(0),
                usize::from(!deleted),
                "{}: {title} once",
                at.name()
            );
            inserts += 1;
        }
        gone += t.deleted.len();
        undone += t.undone.len();
    }
    assert_eq!(
        rows,
        recorded + clicks,
        "{}: one ledger row per op",
        at.name()
    );
    let browser_count = store
        .get(&topic, &browser_counter.id)
        .await
        .expect("get")
        .expect("browser counter");
    assert_eq!(
        browser_count.data["count"],
        json!(clicks),
        "{}: the browser's clicks, once each",
        at.name()
    );

    let reconnects: u64 = tallies.iter().map(|t| t.reconnects).sum();
    let retries: u64 = tallies.iter().map(|t| t.retries).sum();
    eprintln!(
        "CHAOS {} seed {}: {} ops from {CLIENTS} clients + {clicks} browser clicks in {:.1} s; {} bumps, {inserts} inserts ({gone} deleted, {undone} undone); server killed {kills}×; proxy: {} connections, {} cut before a reply, {} cut elsewhere; clients reconnected {reconnects}×, retried {retries}×; ledger rows {rows}: every op applied exactly once",
        at.name(),
        seed(),
        CLIENTS * ACTIONS,
        took.as_secs_f64(),
        bumps.values().sum::<i64>(),
        proxy.stats.connections.load(Ordering::Relaxed),
        proxy.stats.cut_before_reply.load(Ordering::Relaxed),
        proxy.stats.cut_elsewhere.load(Ordering::Relaxed),
    );
    server.kill().await;
}

/// The browser client: clicks +1 on its own counter through the proxy,
/// reloading its page now and then with clicks still queued; how many clicks.
async fn browse(proxy: SocketAddr, topic: String, id: String) -> i64 {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let also = [(
        Path::new(&chromium),
        "Chromium is not installed (apt-get install chromium)",
    )];
    let Some(suite) = NodeSuite::ready("browser", &["playwright-core"], &also) else {
        return 0;
    };
    let out = suite
        .output(
            "chaos.mjs",
            &[
                (
                    "CHAOS_URL",
                    format!("http://{proxy}/?user=chaos-browser&topic={topic}&id={id}"),
                ),
                ("CHROMIUM", chromium),
            ],
            Duration::from_secs(240),
        )
        .await;
    eprintln!("browser: {}", out.trim().replace('\n', "; "));
    out.lines()
        .find_map(|l| l.strip_prefix("clicks "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the browser client reports its clicks:\n{out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_op_is_applied_exactly_once_through_cuts_kills_and_reloads() {
    for at in backends().await {
        tokio::time::timeout(Duration::from_secs(300), chaos(&at))
            .await
            .unwrap_or_else(|_| panic!("{}: the chaos run did not finish in 5 minutes", at.name()));
    }
}
