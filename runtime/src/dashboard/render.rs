//! The dashboard's HTML, rendered on the server: the page around it, and the
//! board inside (figures, SVG sparklines, tables) that every second replaces.
//! Autoescaped minijinja templates; the charts are plain SVG built here, so
//! the page needs no chart library.

use std::sync::OnceLock;
use std::time::Duration;

use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::Value;

use super::figures::{History, MINUTE};
use crate::telemetry::activity::Happened;
use crate::ui::Html;

/// A sparkline's drawing box, in SVG units.
const WIDTH: f64 = 240.0;
const HEIGHT: f64 = 48.0;

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        let templates = [
            ("page.html", include_str!("templates/page.html")),
            ("board.html", include_str!("templates/board.html")),
        ];
        for (name, source) in templates {
            if let Err(e) = env.add_template(name, source) {
                unreachable!("built-in template {name} does not parse: {e}");
            }
        }
        env
    })
}

fn render(name: &str, ctx: minijinja::Value) -> Html {
    crate::ui::render_builtin(env(), name, ctx)
}

/// The page: the board's place (filled once the socket joins), the viewers'
/// presence, and the connection banner.
pub(super) fn page(topic: &str) -> Html {
    let viewers = crate::ui::presence(topic, &Value::Object(serde_json::Map::new()));
    render(
        "page.html",
        context! {
            topic,
            part => super::PART,
            assets => crate::ui::assets_tags(),
            banner => crate::ui::connection_banner(),
            viewers,
        },
    )
}

/// One line of a chart: its SVG points, scaled to the chart's top value.
#[derive(Debug, Serialize, PartialEq)]
pub(super) struct Spark {
    label: &'static str,
    now: String,
    top: String,
    lines: Vec<String>,
}

/// `series` (oldest first, a value a second) as polyline points against
/// `top`: the newest at the right edge.
fn points(series: &[f64], top: f64) -> String {
    let step = WIDTH / (MINUTE - 1) as f64;
    let start = MINUTE.saturating_sub(series.len());
    series
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let x = (start + i) as f64 * step;
            let y = HEIGHT - 2.0 - (v / top).clamp(0.0, 1.0) * (HEIGHT - 4.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A chart of one or more series sharing a scale; `now` formats the newest
/// value of the first series, `top` the scale.
fn spark(label: &'static str, series: &[Vec<f64>], shown: impl Fn(f64) -> String) -> Spark {
    let top = series
        .iter()
        .flatten()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(1.0);
    Spark {
        label,
        now: shown(
            series
                .first()
                .and_then(|s| s.last())
                .copied()
                .unwrap_or(0.0),
        ),
        top: shown(top),
        lines: series.iter().map(|s| points(s, top)).collect(),
    }
}

/// One outcome's stack in one second's bar.
#[derive(Debug, Serialize)]
struct Bar {
    x: String,
    y: String,
    h: String,
    outcome: &'static str,
}

/// The actions of each second as a stacked bar per outcome.
fn bars(history: &History) -> Vec<Bar> {
    let top = history
        .rows()
        .map(|r| r.actions())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = WIDTH / MINUTE as f64;
    let start = MINUTE.saturating_sub(history.rows().len());
    let mut bars = Vec::new();
    for (i, row) in history.rows().enumerate() {
        let mut base = HEIGHT;
        for (outcome, n) in &row.outcomes {
            let h = *n as f64 / top * HEIGHT;
            base -= h;
            bars.push(Bar {
                x: format!("{:.1}", (start + i) as f64 * step),
                y: format!("{base:.1}"),
                h: format!("{h:.1}"),
                outcome,
            });
        }
    }
    bars
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn count(v: f64) -> String {
    format!("{v:.0}")
}

fn round(v: f64) -> String {
    if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A time of day, UTC, from milliseconds since the epoch.
fn clock(at_ms: u64) -> String {
    let s = (at_ms / 1000) % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// What the board shows besides the history.
pub(super) struct Around<'a> {
    /// This node's name.
    pub(super) node: &'a str,
    /// `rtux:nodes`'s presence list: a meta per node with its figures.
    pub(super) nodes: &'a Value,
    /// The busiest topics by users present.
    pub(super) present: &'a [(std::sync::Arc<str>, usize)],
    /// The latest closes and errors, newest first.
    pub(super) closes: &'a [Happened],
    pub(super) errors: &'a [Happened],
}

/// The board: every figure of the last minute.
pub(super) fn board(history: &History, around: &Around<'_>) -> Html {
    let rows: Vec<_> = history.rows().collect();
    let series =
        |f: &dyn Fn(&super::figures::Row) -> f64| rows.iter().map(|r| f(r)).collect::<Vec<f64>>();
    let latest = history.latest();
    let charts = [
        spark("sockets", &[series(&|r| r.sockets as f64)], count),
        spark("actions/s", &[series(&|r| r.actions() as f64)], count),
        spark(
            "p99 / p50 ms",
            &[series(&|r| millis(r.p99)), series(&|r| millis(r.p50))],
            round,
        ),
        spark("frames out/s", &[series(&|r| r.frames_out as f64)], count),
    ];
    let nodes: Vec<Value> = around
        .nodes
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(key, v)| {
                    let meta = v["metas"].get(0)?;
                    Some(serde_json::json!({
                        "name": key,
                        "here": key == around.node,
                        "sockets": meta["sockets"],
                        "topics": meta["topics"],
                        "actions": meta["actions"],
                        "p99": meta["p99_ms"],
                    }))
                })
                .collect()
        })
        .unwrap_or_default();
    let happened = |list: &[Happened]| -> Vec<Value> {
        list.iter()
            .map(
                |h| serde_json::json!({ "at": clock(h.at_ms), "what": h.what, "reason": h.reason }),
            )
            .collect()
    };
    let slowest: Vec<Value> = history
        .slowest(5)
        .into_iter()
        .map(|s| {
            serde_json::json!({
                "topic": s.topic, "actions": s.actions,
                "mean": round(millis(s.mean)), "slowest": round(millis(s.slowest)),
            })
        })
        .collect();
    let present: Vec<Value> = around
        .present
        .iter()
        .map(|(topic, users)| serde_json::json!({ "topic": &**topic, "users": users }))
        .collect();
    let outcomes: Vec<Value> = history
        .outcomes()
        .into_iter()
        .map(|(outcome, n)| serde_json::json!({ "outcome": outcome, "n": n }))
        .collect();
    render(
        "board.html",
        context! {
            part => super::PART,
            node => around.node,
            nodes,
            sockets => latest.sockets,
            topics => latest.topics,
            actions => latest.actions(),
            p50 => round(millis(latest.p50)),
            p99 => round(millis(latest.p99)),
            kb_out => round(latest.bytes_out as f64 / 1024.0),
            charts,
            bars => bars(history),
            outcomes,
            width => WIDTH,
            height => HEIGHT,
            present,
            slowest,
            closes => happened(around.closes),
            errors => happened(around.errors),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_points_end_at_the_right_edge() {
        assert_eq!(points(&[0.0, 10.0], 10.0), "235.9,46.0 240.0,2.0");
        let full: Vec<f64> = (0..MINUTE).map(|i| i as f64).collect();
        assert!(points(&full, 59.0).starts_with("0.0,46.0 "));
        // Above the scale is clamped, never drawn outside the box.
        assert_eq!(points(&[99.0], 10.0), "240.0,2.0");
    }

    #[test]
    fn scales_and_labels_read_well() {
        let s = spark("actions/s", &[vec![0.0, 3.0, 1.5]], round);
        assert_eq!(
            (s.now.as_str(), s.top.as_str(), s.lines.len()),
            ("1.5", "3.0", 1)
        );
        assert_eq!(
            spark("idle", &[vec![]], round).top,
            "1.0",
            "an empty chart still has a scale"
        );
        assert_eq!(clock(1_700_000_123_456), "22:15:23");
    }
}
