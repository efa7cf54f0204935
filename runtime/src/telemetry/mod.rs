//! What a running app tells its operators: metrics through the [`metrics`]
//! facade (free when no recorder is installed), and the Prometheus endpoint
//! that serves them (feature `prometheus`). Tracing events are written where
//! things happen, through the `tracing` crate; `docs/operations.md` lists
//! both and what to watch.
//!
//! Labels come from small fixed sets (action kinds and outcomes, close codes,
//! what was rate limited): never a topic, a user or an id, so a hostile
//! client cannot grow the label sets.
//!
//! ```
//! // Without a recorder the calls cost next to nothing; an app that wants
//! // them installs one (Prometheus::install with the `prometheus` feature).
//! rtux::telemetry::describe();
//! assert!(rtux::telemetry::names::ALL.contains(&rtux::telemetry::names::SOCKETS));
//! ```

pub(crate) mod activity;
#[cfg(feature = "prometheus")]
mod prometheus;

use std::time::Duration;

use metrics::{
    Counter, Histogram, Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge,
    histogram,
};

#[cfg(feature = "prometheus")]
pub use prometheus::{InstallError, METRICS_PATH, Prometheus, UPKEEP_EVERY};

/// The metrics rtux records, by name.
pub mod names {
    /// Gauge: open sockets on this node.
    pub const SOCKETS: &str = "rtux_sockets";
    /// Gauge: channels joined on this node (a socket on three topics counts three).
    pub const JOINED: &str = "rtux_joined_topics";
    /// Counter: frames received from clients.
    pub const FRAMES_IN: &str = "rtux_frames_in_total";
    /// Counter: frames written to clients.
    pub const FRAMES_OUT: &str = "rtux_frames_out_total";
    /// Counter: bytes written to clients.
    pub const BYTES_OUT: &str = "rtux_bytes_out_total";
    /// Counter: actions answered, by `kind` and `outcome`.
    pub const ACTIONS: &str = "rtux_actions_total";
    /// Histogram: how long an action took to answer, in seconds, by `kind`.
    pub const ACTION_SECONDS: &str = "rtux_action_duration_seconds";
    /// Counter: saves that came back as a conflict.
    pub const CONFLICTS: &str = "rtux_conflicts_total";
    /// Counter: sockets closed, by close `code` (1000 for a peer that left).
    pub const CLOSES: &str = "rtux_closes_total";
    /// Counter: pushes refused by a rate limit, by `what`.
    pub const RATE_LIMITED: &str = "rtux_rate_limited_total";
    /// Histogram: how long queueing one broadcast for a topic's local
    /// subscribers took, in seconds.
    pub const FANOUT_SECONDS: &str = "rtux_broadcast_fanout_seconds";
    /// Histogram: frames waiting in a socket's outbound queue when the writer
    /// takes the next batch.
    pub const QUEUE_DEPTH: &str = "rtux_outbound_queue_depth";
    /// Counter: times the cluster lost its pub/sub engine and reconnected,
    /// by `engine` (redis, nats).
    pub const PUBSUB_RECONNECTS: &str = "rtux_pubsub_reconnects_total";
    /// Counter: messages this node could not hand to the pub/sub engine.
    pub const PUBSUB_UNDELIVERED: &str = "rtux_pubsub_undelivered_total";
    /// Gauge: users present on the busiest topics, by `topic` (the
    /// [`PRESENCE_TOP`](super::PRESENCE_TOP) busiest only).
    pub const PRESENCE_USERS: &str = "rtux_presence_users";
    /// Every name above.
    pub const ALL: [&str; 15] = [
        SOCKETS,
        JOINED,
        FRAMES_IN,
        FRAMES_OUT,
        BYTES_OUT,
        ACTIONS,
        ACTION_SECONDS,
        CONFLICTS,
        CLOSES,
        RATE_LIMITED,
        FANOUT_SECONDS,
        QUEUE_DEPTH,
        PUBSUB_RECONNECTS,
        PUBSUB_UNDELIVERED,
        PRESENCE_USERS,
    ];
}

/// How many topics [`names::PRESENCE_USERS`] follows: the busiest, so the
/// label set stays small however many topics there are.
pub const PRESENCE_TOP: usize = 10;

/// Gives each metric its unit and help text (what Prometheus shows beside
/// it). [`Prometheus::install`] calls it; call it after installing another
/// recorder.
pub fn describe() {
    use names::*;
    describe_gauge!(SOCKETS, "Open sockets on this node.");
    describe_gauge!(JOINED, "Channels joined on this node.");
    describe_counter!(FRAMES_IN, "Frames received from clients.");
    describe_counter!(FRAMES_OUT, "Frames written to clients.");
    describe_counter!(BYTES_OUT, Unit::Bytes, "Bytes written to clients.");
    describe_counter!(ACTIONS, "Actions answered, by kind and outcome.");
    describe_histogram!(ACTION_SECONDS, Unit::Seconds, "Time to answer an action.");
    describe_counter!(CONFLICTS, "Saves answered with a conflict.");
    describe_counter!(CLOSES, "Sockets closed, by close code.");
    describe_counter!(RATE_LIMITED, "Pushes refused by a rate limit.");
    describe_histogram!(
        FANOUT_SECONDS,
        Unit::Seconds,
        "Time to queue one broadcast for a topic's local subscribers."
    );
    describe_histogram!(
        QUEUE_DEPTH,
        "Frames in a socket's outbound queue when its writer takes a batch."
    );
    describe_counter!(
        PUBSUB_RECONNECTS,
        "Times the pub/sub engine was lost and reconnected."
    );
    describe_counter!(
        PUBSUB_UNDELIVERED,
        "Messages that could not reach the pub/sub engine."
    );
    describe_gauge!(
        PRESENCE_USERS,
        "Users present on the busiest topics of this node."
    );
}

/// A socket opened.
pub(crate) fn socket_opened() {
    gauge!(names::SOCKETS).increment(1.0);
    activity::socket(1);
}

/// A socket is gone (its session dropped, however it ended).
pub(crate) fn socket_dropped() {
    gauge!(names::SOCKETS).decrement(1.0);
    activity::socket(-1);
}

/// A socket closed with `code`, for `reason`.
pub(crate) fn socket_closed(code: u16, reason: &str) {
    counter!(names::CLOSES, "code" => code.to_string()).increment(1);
    activity::closed(code, reason);
}

/// A channel joined (`true`) or left.
pub(crate) fn joined(on: bool) {
    let g = gauge!(names::JOINED);
    if on {
        g.increment(1.0);
        activity::joined(1);
    } else {
        g.decrement(1.0);
        activity::joined(-1);
    }
}

/// A join of `topic` refused, or a channel handler that failed there.
pub(crate) fn channel_failed(topic: &str, reason: &str) {
    activity::failed("channel", format!("{topic}: {reason}"));
}

/// A frame received.
pub(crate) fn frame_in() {
    counter!(names::FRAMES_IN).increment(1);
    activity::frame_in();
}

/// A socket writer's metrics, looked up once when it starts (it records on
/// every batch).
pub(crate) struct Written {
    frames: Counter,
    bytes: Counter,
    depth: Histogram,
}

impl Written {
    pub(crate) fn new() -> Written {
        Written {
            frames: counter!(names::FRAMES_OUT),
            bytes: counter!(names::BYTES_OUT),
            depth: histogram!(names::QUEUE_DEPTH),
        }
    }

    /// A batch written: `frames` frames of `bytes` bytes, `waiting` more
    /// queued when it was taken.
    pub(crate) fn batch(&self, frames: u64, bytes: u64, waiting: usize) {
        self.frames.increment(frames);
        self.bytes.increment(bytes);
        self.depth.record(waiting as f64);
        activity::written(frames, bytes);
    }
}

/// An action on `topic` answered (`failure` says why, when it failed).
pub(crate) fn action(
    topic: &str,
    kind: &'static str,
    outcome: &'static str,
    took: Duration,
    failure: Option<&str>,
) {
    counter!(names::ACTIONS, "kind" => kind, "outcome" => outcome).increment(1);
    histogram!(names::ACTION_SECONDS, "kind" => kind).record(took.as_secs_f64());
    if outcome == "conflict" {
        counter!(names::CONFLICTS).increment(1);
    }
    activity::action(topic, outcome, took);
    if let Some(why) = failure {
        activity::failed("action", format!("{topic}: {why}"));
    }
}

/// A push refused by the limit on `what`.
pub(crate) fn rate_limited(what: &'static str) {
    counter!(names::RATE_LIMITED, "what" => what).increment(1);
}

/// The cluster lost its `engine` and is reconnecting.
#[cfg(any(feature = "redis", feature = "nats"))]
pub(crate) fn pubsub_reconnect(engine: &'static str) {
    counter!(names::PUBSUB_RECONNECTS, "engine" => engine).increment(1);
    activity::failed(
        "pub/sub",
        format!("lost the {engine} connection; reconnecting"),
    );
}

/// `n` messages did not reach the pub/sub engine.
pub(crate) fn pubsub_undelivered(n: u64) {
    counter!(names::PUBSUB_UNDELIVERED).increment(n);
}

/// The users present on the busiest topics (at most [`PRESENCE_TOP`]), and
/// the topics that left that list since the last call (their gauge goes to
/// zero).
pub(crate) fn presence_top(busiest: &[(String, usize)], dropped: &[String]) {
    for topic in dropped {
        gauge!(names::PRESENCE_USERS, "topic" => topic.clone()).set(0.0);
    }
    for (topic, users) in busiest {
        gauge!(names::PRESENCE_USERS, "topic" => topic.clone()).set(*users as f64);
    }
}

/// A broadcast queued for a topic's local subscribers in `took`.
pub(crate) fn fanout(took: Duration) {
    histogram!(names::FANOUT_SECONDS).record(took.as_secs_f64());
}
