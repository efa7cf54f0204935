//! Metrics end to end: a real server's sockets, frames, actions (by kind and
//! outcome) and closes (by code) counted through the `metrics` facade and
//! served by `/_rtux/metrics` in Prometheus's text format.

use std::sync::OnceLock;
use std::time::Duration;

use rtux::telemetry::{METRICS_PATH, Prometheus, names};
use serde_json::json;

use rtux_tests::{Client, backends, http_get, op, todo_server, todo_topic};

/// The one recorder of this test binary.
fn metrics() -> &'static Prometheus {
    static METRICS: OnceLock<Prometheus> = OnceLock::new();
    METRICS.get_or_init(|| Prometheus::install().expect("no other recorder in this binary"))
}

/// The value of the first series of `name` whose labels include `labels`
/// (0 when there is none yet).
fn value(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && labels.iter().all(|label| l.contains(label)))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn sockets_frames_actions_and_closes_are_counted_and_served() {
    let metrics = metrics();
    let before = metrics.render();
    let store = backends().await.remove(0).open().await;
    let server = todo_server(store, Duration::from_secs(5)).await;
    let topic = todo_topic("metrics");
    let mut ana = Client::joined(&server, "ana", &topic, json!({})).await;
    let add = |n: &str, title: &str| {
        op(
            &topic,
            "ana",
            n,
            json!({"temp_id": n, "data": {"title": title}}),
        )
    };
    assert_eq!(
        ana.push(&topic, "add", add("1", "Milk")).await["status"],
        "ok"
    );
    assert_eq!(
        ana.push(&topic, "add", add("2", " ")).await["status"],
        "error"
    );
    let now = metrics.render();

    let insert = |outcome: &str| format!(r#"outcome="{outcome}""#);
    for outcome in ["applied", "refused"] {
        let labels = [r#"kind="insert""#, &insert(outcome)];
        assert!(
            value(&now, names::ACTIONS, &labels) >= value(&before, names::ACTIONS, &labels) + 1.0,
            "{outcome} inserts counted:\n{now}"
        );
    }
    for counted in [names::FRAMES_IN, names::FRAMES_OUT, names::BYTES_OUT] {
        assert!(
            value(&now, counted, &[]) > value(&before, counted, &[]),
            "{counted}:\n{now}"
        );
    }
    assert!(
        value(&now, names::SOCKETS, &[]) >= 1.0,
        "an open socket:\n{now}"
    );
    assert!(
        now.contains(names::ACTION_SECONDS) && now.contains(names::FANOUT_SECONDS),
        "{now}"
    );
    assert!(
        now.contains("# HELP rtux_actions_total Actions answered, by kind and outcome."),
        "{now}"
    );

    // A socket that leaves is counted by its close code.
    let closes = |text: &str| value(text, names::CLOSES, &[r#"code="1000""#]);
    let left = closes(&now);
    ana.close().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while closes(&metrics.render()) <= left {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the close was not counted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The router serves the same text.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app: axum::Router = metrics.router();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let served = http_get(addr, METRICS_PATH).await;
    assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    assert!(
        served.contains("text/plain; version=0.0.4") && served.contains(names::ACTIONS),
        "{served}"
    );
}
