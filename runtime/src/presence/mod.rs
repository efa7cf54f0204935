//! Presence: who is on a topic, with one meta per connection, synced to clients
//! in the shape the official `phoenix` JS `Presence` class expects.
//!
//! - `presence_state` (`{key: {metas: [...]}}`) goes to a connection when it tracks
//!   or watches a topic; `presence_diff` (`{joins, leaves}`) goes to the topic,
//!   coalesced over [`PresenceConfig::diff_window`], so a storm of joins costs a few
//!   messages per subscriber, not one per join. The state is encoded once per
//!   window and the same bytes go to every socket that joined in it.
//! - Above [`PresenceConfig::summary_above`] metas a topic is in summary mode:
//!   `presence_summary` (the count, the first users, who is typing) replaces state
//!   and diffs, at most once per [`PresenceConfig::summary_interval`], so what a
//!   joiner is sent does not grow with the room.
//! - The key is the user id from the socket's token; two tabs of one user are one
//!   key with two metas. Every change to a meta gives it a new `phx_ref` and
//!   records the old one as `phx_ref_prev`.
//! - Helpers keep the pattern fields of a meta: `typing` (cleared by itself
//!   [`PresenceConfig::typing_ttl`] after the last typing event), `active_field`,
//!   `status`, `cursor` (at most one update per [`PresenceConfig::cursor_interval`]
//!   per user, the latest position always delivered), `color`, and `stale` (set
//!   when a meta is not refreshed for [`PresenceConfig::stale_after`]).

mod cluster_member;
mod diff;
mod meta;
mod replica;
mod summary;
mod timers;
mod tracker;
pub(crate) mod typed;

pub use meta::{MAX_CURSOR_ENTRIES, MAX_FIELD_BYTES, MAX_META_BYTES, Status};
pub use summary::TYPING_SHOWN;
pub use typed::{MetaError, PresenceMeta, typed_list};

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::conn::{ConnId, Outbox};
use crate::pubsub::{Member, PubSub};
use crate::sync::lock;
use tracker::Tracker;

/// Presence timings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceConfig {
    /// How long changes on a topic are gathered into one `presence_diff` (100 ms).
    pub diff_window: Duration,
    /// How long `typing` stays true after the last typing event (3 s).
    pub typing_ttl: Duration,
    /// Least time between two cursor updates of one connection (100 ms: ≤ 10/s).
    pub cursor_interval: Duration,
    /// A meta not refreshed for this long is marked `stale` (30 s).
    pub stale_after: Duration,
    /// Above this many metas (connections) on a topic, joiners get a summary
    /// instead of every meta, and the topic sends summaries instead of diffs,
    /// until it is back under half of it (64; `usize::MAX` never summarises).
    /// See docs/protocol.md, "Presence in large rooms".
    pub summary_above: usize,
    /// Least time between two summaries of a topic in summary mode (1 s).
    pub summary_interval: Duration,
}

impl Default for PresenceConfig {
    fn default() -> Self {
        PresenceConfig {
            diff_window: Duration::from_millis(100),
            typing_ttl: Duration::from_secs(3),
            cursor_interval: Duration::from_millis(100),
            stale_after: Duration::from_secs(30),
            summary_above: 64,
            summary_interval: Duration::from_secs(1),
        }
    }
}

/// The timings of one topic's presence where they differ from the endpoint's
/// (a channel's meta type sets its own: `#[rtux(typing_expiry, cursor_rate)]`).
///
/// ```
/// use std::time::Duration;
/// use rtux::presence::{PresenceConfig, TopicTimings};
///
/// let config = PresenceConfig { typing_ttl: Duration::from_secs(4), ..PresenceConfig::default() };
/// let timings = TopicTimings::from(&config);
/// assert_eq!(timings.typing_ttl, Duration::from_secs(4));
/// assert_eq!(timings.cursor_interval, Duration::from_millis(100));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicTimings {
    /// How long `typing` stays true after the last typing event.
    pub typing_ttl: Duration,
    /// Least time between two cursor updates of one connection.
    pub cursor_interval: Duration,
}

impl From<&PresenceConfig> for TopicTimings {
    fn from(config: &PresenceConfig) -> TopicTimings {
        TopicTimings {
            typing_ttl: config.typing_ttl,
            cursor_interval: config.cursor_interval,
        }
    }
}

/// Why a presence call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresenceError {
    /// The connection is not tracked on the topic: call `track` first.
    #[error("not tracked on this topic: join a channel that tracks presence first")]
    NotTracked,
    /// The connection is already tracked on the topic.
    #[error("already tracked on this topic: use update to change the meta")]
    AlreadyTracked,
    /// A value from the client is not acceptable.
    #[error("{0}")]
    Invalid(String),
}

/// A join refused because presence could not track the socket: `invalid`
/// for a value from the client or a second track, `internal` otherwise.
impl From<PresenceError> for crate::JoinError {
    fn from(e: PresenceError) -> crate::JoinError {
        let code = match e {
            PresenceError::Invalid(_) | PresenceError::AlreadyTracked => crate::wire::Code::Invalid,
            PresenceError::NotTracked => crate::wire::Code::Internal,
        };
        crate::JoinError::new(code, e.to_string())
    }
}

/// The presence tracker of an endpoint. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::sync::Arc;
/// use rtux::presence::{Presence, PresenceConfig};
/// use rtux::pubsub::LocalPubSub;
/// use rtux::ConnId;
/// use serde_json::json;
///
/// let presence = Presence::start(Arc::new(LocalPubSub::default()), PresenceConfig::default());
/// presence.track("doc:1", "alice", ConnId::next(), json!({"name": "Alice"})).unwrap();
/// let list = presence.list("doc:1");
/// assert_eq!(list["alice"]["metas"][0]["name"], "Alice");
/// # }
/// ```
#[derive(Clone)]
pub struct Presence {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Presence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presence")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// Topics are spread over this many trackers, each with its own lock and
/// timers: a join storm on one topic does not stall presence on others.
const SHARDS: usize = 16;

struct Shared {
    trackers: Box<[Mutex<Tracker>]>,
    pubsub: Arc<dyn PubSub>,
    config: PresenceConfig,
    /// In a cluster: what this node knows of the others.
    peers: Mutex<replica::Peers>,
    _stop_timers: DropGuard,
}

/// The `n` busiest topics of every shard, busiest first (then by name).
fn busiest(shared: &Shared, n: usize) -> Vec<(Arc<str>, usize)> {
    let mut all: Vec<(Arc<str>, usize)> = Vec::new();
    for tracker in &shared.trackers {
        all.extend(lock(tracker).users());
    }
    let order =
        |a: &(Arc<str>, usize), b: &(Arc<str>, usize)| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0));
    if all.len() > n && n > 0 {
        all.select_nth_unstable_by(n - 1, order);
    }
    all.truncate(n);
    all.sort_unstable_by(order);
    all
}

impl Presence {
    /// A tracker that sends its diffs through `pubsub`. Starts its timer task on
    /// the current Tokio runtime (it ends when the last handle is dropped).
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn start(pubsub: Arc<dyn PubSub>, config: PresenceConfig) -> Presence {
        let stop = CancellationToken::new();
        let clustered = pubsub.peers().is_some();
        let shared = Arc::new(Shared {
            trackers: (0..SHARDS)
                .map(|n| Mutex::new(Tracker::new(config.clone(), n, clustered)))
                .collect(),
            pubsub,
            config,
            peers: Mutex::default(),
            _stop_timers: stop.clone().drop_guard(),
        });
        for shard in 0..SHARDS {
            tokio::spawn(timers::run(Arc::downgrade(&shared), shard, stop.clone()));
        }
        tokio::spawn(timers::gauges(Arc::downgrade(&shared), stop.clone()));
        if let Some(peers) = shared.pubsub.peers() {
            let member: Weak<dyn Member> = Arc::downgrade(&shared) as Weak<dyn Member>;
            peers.join(member);
            tokio::spawn(cluster_member::run(Arc::downgrade(&shared), stop));
        }
        Presence { shared }
    }

    /// The tracker of `topic`'s shard, locked.
    fn tracker(&self, topic: &str) -> std::sync::MutexGuard<'_, Tracker> {
        lock(&self.shared.trackers[shard_of(topic)])
    }

    /// The timings in force.
    pub fn config(&self) -> &PresenceConfig {
        &self.shared.config
    }

    /// Starts tracking connection `conn` as `key` on `topic` with `meta` (a JSON
    /// object; rtux adds `phx_ref`, `color`, `status`, `typing`, `active_field`,
    /// `online_at`, `updated_at` and `stale`).
    ///
    /// # Errors
    /// [`PresenceError::AlreadyTracked`], or [`PresenceError::Invalid`] if `meta`
    /// is not an object.
    pub fn track(
        &self,
        topic: &str,
        key: &str,
        conn: ConnId,
        meta: Value,
    ) -> Result<(), PresenceError> {
        let meta = meta::meta_from(meta)?;
        self.tracker(topic).track(topic, key, conn, meta, None)
    }

    /// [`track`](Self::track), with the topic's own typing TTL and cursor
    /// interval instead of the endpoint's (the latest tracker's timings hold
    /// for the whole topic: one channel type serves it).
    ///
    /// # Errors
    /// As [`track`](Self::track).
    pub fn track_with(
        &self,
        topic: &str,
        key: &str,
        conn: ConnId,
        meta: Value,
        timings: TopicTimings,
    ) -> Result<(), PresenceError> {
        let meta = meta::meta_from(meta)?;
        self.tracker(topic)
            .track(topic, key, conn, meta, Some(timings))
    }

    /// Changes a tracked connection's meta with `change`; clients get a diff only
    /// if the meta really changed.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn update(
        &self,
        topic: &str,
        conn: ConnId,
        change: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> Result<(), PresenceError> {
        self.tracker(topic).modify(topic, conn, true, change)
    }

    /// Stops tracking a connection on a topic; returns whether it was tracked.
    pub fn untrack(&self, topic: &str, conn: ConnId) -> bool {
        self.tracker(topic).untrack(topic, conn)
    }

    /// Whether a connection is tracked on a topic.
    pub fn is_tracked(&self, topic: &str, conn: ConnId) -> bool {
        self.tracker(topic).is_tracked(topic, conn)
    }

    /// The `n` topics with the most users present (on any node), busiest
    /// first, with how many are.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::sync::Arc;
    /// use rtux::presence::Presence;
    /// use rtux::pubsub::LocalPubSub;
    /// use serde_json::json;
    ///
    /// let presence = Presence::start(Arc::new(LocalPubSub::default()), Default::default());
    /// presence.track("room:a", "ana", rtux::ConnId::next(), json!({})).unwrap();
    /// presence.track("room:b", "ana", rtux::ConnId::next(), json!({})).unwrap();
    /// presence.track("room:b", "bo", rtux::ConnId::next(), json!({})).unwrap();
    /// assert_eq!(presence.busiest(1), vec![("room:b".into(), 2)]);
    /// # }
    /// ```
    pub fn busiest(&self, n: usize) -> Vec<(Arc<str>, usize)> {
        busiest(&self.shared, n)
    }

    /// The topic's presence list, in the shape of a `presence_state` payload.
    ///
    /// The changes pending for the next diff are then sent whole (not cancelled
    /// against each other), since whoever gets this list has seen them.
    pub fn list(&self, topic: &str) -> Value {
        let mut tracker = self.tracker(topic);
        serde_json::to_value(tracker.list(topic))
            .unwrap_or_else(|e| unreachable!("string-keyed JSON: {e}"))
    }

    /// Sends a joined socket the topic's presence (`presence_state` at the end
    /// of the current window, shared with every socket that joined in it; or in
    /// summary mode the last `presence_summary` at once).
    pub(crate) fn send_state(&self, topic: &str, outbox: Outbox) {
        self.tracker(topic).send_state(topic, outbox);
    }

    /// Marks the connection typing; `typing` turns false by itself after
    /// [`PresenceConfig::typing_ttl`] without another call.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn typing(&self, topic: &str, conn: ConnId) -> Result<(), PresenceError> {
        self.tracker(topic).typing(topic, conn)
    }

    /// Marks the connection not typing (for example on blur).
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn stop_typing(&self, topic: &str, conn: ConnId) -> Result<(), PresenceError> {
        self.tracker(topic).stop_typing(topic, conn)
    }

    /// Sets the field the connection is editing (`None` on blur).
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`] or [`PresenceError::Invalid`] for a bad name.
    pub fn focus(
        &self,
        topic: &str,
        conn: ConnId,
        field: Option<&str>,
    ) -> Result<(), PresenceError> {
        if let Some(f) = field {
            meta::check_field(f)?;
        }
        let value = field.map_or(Value::Null, |f| Value::String(f.to_owned()));
        self.update(topic, conn, |m| {
            m.insert("active_field".into(), value);
        })
    }

    /// Sets the connection's status (active or idle).
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn set_status(
        &self,
        topic: &str,
        conn: ConnId,
        status: Status,
    ) -> Result<(), PresenceError> {
        self.update(topic, conn, |m| {
            m.insert("status".into(), Value::String(status.as_str().into()));
        })
    }

    /// Moves the connection's cursor, at most once per
    /// [`PresenceConfig::cursor_interval`]; a move inside the interval is held and
    /// sent when it ends (only the latest held move is kept).
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`] or [`PresenceError::Invalid`] for a cursor that
    /// is not a small flat object.
    pub fn cursor(&self, topic: &str, conn: ConnId, cursor: Value) -> Result<(), PresenceError> {
        meta::check_cursor(&cursor)?;
        self.tracker(topic).cursor(topic, conn, cursor)
    }

    /// Tells presence the connection is still there: clears `stale`, restarts the
    /// stale clock. Costs no diff unless the meta was stale.
    ///
    /// # Errors
    /// [`PresenceError::NotTracked`].
    pub fn refresh(&self, topic: &str, conn: ConnId) -> Result<(), PresenceError> {
        self.update(topic, conn, |_| {})
    }
}

/// The shard a topic's presence lives in.
fn shard_of(topic: &str) -> usize {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    topic.hash(&mut h);
    usize::try_from(h.finish() % SHARDS as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::*;
    use crate::conn::{Outbox, Queued};
    use crate::pubsub::{LocalPubSub, Subscriber};
    use crate::ui::AVATARS_SHOWN;

    const TOPIC: &str = "doc:1";

    /// A presence tracker and the frames a subscriber of `TOPIC` receives.
    fn setup() -> (Presence, Queued) {
        let pubsub = Arc::new(LocalPubSub::default());
        let (outbox, rx, _life) = Outbox::new(1024, usize::MAX);
        pubsub.subscribe(TOPIC, Subscriber::new(ConnId::next(), outbox));
        (Presence::start(pubsub, PresenceConfig::default()), rx)
    }

    fn diffs(rx: &mut Queued) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(frame) = rx.try_recv() {
            let frame: Value = serde_json::from_str(&frame).expect("json");
            assert_eq!(frame[3], "presence_diff");
            out.push(frame[4].clone());
        }
        out
    }

    fn meta(presence: &Presence, key: &str) -> Value {
        presence.list(TOPIC)[key]["metas"][0].clone()
    }

    #[tokio::test(start_paused = true)]
    async fn changes_within_a_window_are_one_diff() {
        let (presence, mut rx) = setup();
        for i in 0..50 {
            presence
                .track(TOPIC, &format!("u{i}"), ConnId::next(), json!({}))
                .expect("track");
        }
        tokio::time::sleep(Duration::from_millis(99)).await;
        assert!(diffs(&mut rx).is_empty(), "nothing before the window ends");
        tokio::time::sleep(Duration::from_millis(2)).await;
        let sent = diffs(&mut rx);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0]["joins"].as_object().map(|m| m.len()), Some(50));
    }

    #[tokio::test(start_paused = true)]
    async fn typing_expires_three_seconds_after_the_last_event() {
        let (presence, mut rx) = setup();
        let conn = ConnId::next();
        presence
            .track(TOPIC, "ana", conn, json!({}))
            .expect("track");
        presence.typing(TOPIC, conn).expect("typing");
        tokio::time::sleep(Duration::from_secs(1)).await;
        presence.typing(TOPIC, conn).expect("typing");
        tokio::time::sleep(Duration::from_millis(2_900)).await;
        assert_eq!(meta(&presence, "ana")["typing"], true);
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(meta(&presence, "ana")["typing"], false);
        tokio::time::sleep(Duration::from_millis(150)).await;
        let last = diffs(&mut rx).pop().expect("a diff");
        let newest = last["joins"]["ana"]["metas"]
            .as_array()
            .and_then(|m| m.last().cloned());
        assert_eq!(newest.expect("ana joined")["typing"], false);
    }

    #[tokio::test(start_paused = true)]
    async fn a_topic_with_timings_of_its_own_keeps_them_over_the_endpoints() {
        let (presence, _rx) = setup();
        let own = TopicTimings {
            typing_ttl: Duration::from_secs(5),
            cursor_interval: Duration::from_millis(200),
        };
        let (ana, bo) = (ConnId::next(), ConnId::next());
        presence
            .track_with(TOPIC, "ana", ana, json!({}), own)
            .expect("track");
        presence
            .track("other:1", "bo", bo, json!({}))
            .expect("track");
        presence.typing(TOPIC, ana).expect("typing");
        presence.typing("other:1", bo).expect("typing");
        tokio::time::sleep(Duration::from_millis(3_200)).await;
        let typing =
            |topic: &str, key: &str| presence.list(topic)[key]["metas"][0]["typing"].clone();
        assert_eq!(
            typing("other:1", "bo"),
            false,
            "the endpoint's 3 s elsewhere"
        );
        assert_eq!(typing(TOPIC, "ana"), true, "this topic's 5 s");
        tokio::time::sleep(Duration::from_millis(2_000)).await;
        assert_eq!(typing(TOPIC, "ana"), false);

        // Cursors: one update per 200 ms here, the second move held.
        let at = |x: i64| json!({"x": x, "y": 0});
        presence.cursor(TOPIC, ana, at(1)).expect("cursor");
        tokio::time::sleep(Duration::from_millis(150)).await;
        presence.cursor(TOPIC, ana, at(2)).expect("cursor");
        let cursor = || presence.list(TOPIC)["ana"]["metas"][0]["cursor"]["x"].clone();
        assert_eq!(cursor(), 1, "held inside the topic's interval");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(cursor(), 2, "sent at its end");
    }

    #[tokio::test(start_paused = true)]
    async fn cursor_moves_are_throttled_per_user_and_the_last_is_kept() {
        let (presence, _rx) = setup();
        let (tab1, tab2) = (ConnId::next(), ConnId::next());
        presence
            .track(TOPIC, "ana", tab1, json!({}))
            .expect("track");
        presence
            .track(TOPIC, "ana", tab2, json!({}))
            .expect("track");
        let refs = |p: &Presence| {
            p.list(TOPIC)["ana"]["metas"]
                .as_array()
                .map(|m| m.iter().map(|m| m["phx_ref"].clone()).collect::<Vec<_>>())
        };
        presence
            .cursor(TOPIC, tab1, json!({"x": 0}))
            .expect("cursor");
        let after_first = refs(&presence);
        for x in 1..10 {
            let tab = if x % 2 == 0 { tab1 } else { tab2 };
            presence
                .cursor(TOPIC, tab, json!({"x": x}))
                .expect("cursor");
        }
        assert_eq!(
            refs(&presence),
            after_first,
            "moves inside the interval are held"
        );
        tokio::time::sleep(Duration::from_millis(101)).await;
        let list = presence.list(TOPIC);
        let cursors: Vec<Value> = list["ana"]["metas"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| m["cursor"].clone())
            .collect();
        assert!(
            cursors.contains(&json!({"x": 9})),
            "the last move is sent when the interval ends: {cursors:?}"
        );
        assert!(cursors.contains(&json!({"x": 0})), "{cursors:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn stale_after_thirty_seconds_and_refresh_clears() {
        let (presence, _rx) = setup();
        let conn = ConnId::next();
        presence
            .track(TOPIC, "ana", conn, json!({}))
            .expect("track");
        tokio::time::sleep(Duration::from_secs(29)).await;
        assert_eq!(meta(&presence, "ana")["stale"], false);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(meta(&presence, "ana")["stale"], true);
        presence.refresh(TOPIC, conn).expect("refresh");
        assert_eq!(meta(&presence, "ana")["stale"], false);
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_that_changes_nothing_sends_nothing() {
        let (presence, mut rx) = setup();
        let conn = ConnId::next();
        presence
            .track(TOPIC, "ana", conn, json!({}))
            .expect("track");
        tokio::time::sleep(Duration::from_millis(150)).await;
        diffs(&mut rx);
        presence.focus(TOPIC, conn, None).expect("blur");
        presence
            .set_status(TOPIC, conn, Status::Active)
            .expect("status");
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(diffs(&mut rx).is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn untrack_sends_the_leave_and_forgets_the_topic() {
        let (presence, mut rx) = setup();
        let conn = ConnId::next();
        presence
            .track(TOPIC, "ana", conn, json!({"name": "Ana"}))
            .expect("track");
        tokio::time::sleep(Duration::from_millis(150)).await;
        diffs(&mut rx);
        assert!(presence.untrack(TOPIC, conn));
        assert!(!presence.untrack(TOPIC, conn));
        tokio::time::sleep(Duration::from_millis(150)).await;
        let sent = diffs(&mut rx);
        assert_eq!(sent[0]["leaves"]["ana"]["metas"][0]["name"], "Ana");
        assert_eq!(presence.list(TOPIC), json!({}));
        assert_eq!(presence.typing(TOPIC, conn), Err(PresenceError::NotTracked));
        assert_eq!(
            presence.track(TOPIC, "ana", conn, json!("not an object")),
            Err(PresenceError::Invalid(
                "presence meta must be a JSON object".into()
            ))
        );
    }

    /// The frames queued for a socket, as (join_ref, event, payload).
    fn frames(rx: &mut Queued) -> Vec<(Value, String, Value)> {
        std::iter::from_fn(|| rx.try_recv())
            .map(|frame| {
                let v: Value = serde_json::from_str(&frame).expect("json");
                (
                    v[0].clone(),
                    v[3].as_str().unwrap_or("").to_owned(),
                    v[4].clone(),
                )
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn joiners_of_one_window_share_one_encoded_state() {
        let (presence, _rx) = setup();
        let mut joiners = Vec::new();
        for i in 0..20 {
            let (outbox, rx, _life) = Outbox::new(1024, usize::MAX);
            presence
                .track(TOPIC, &format!("u{i}"), ConnId::next(), json!({}))
                .expect("track");
            presence.send_state(TOPIC, outbox);
            joiners.push((rx, _life));
        }
        assert!(
            joiners.iter_mut().all(|(rx, _)| rx.try_recv().is_none()),
            "the state waits for the end of the window"
        );
        tokio::time::sleep(Duration::from_millis(101)).await;
        let states: Vec<_> = joiners
            .iter_mut()
            .map(|(rx, _)| rx.try_recv().expect("a state"))
            .collect();
        assert!(
            states
                .iter()
                .all(|s| s.as_str().as_ptr() == states[0].as_str().as_ptr()),
            "one encoding, the same bytes for every joiner"
        );
        let state: Value = serde_json::from_str(&states[0]).expect("json");
        assert_eq!(state[0], Value::Null, "no join_ref: the frame is shared");
        assert_eq!(state[3], "presence_state");
        assert_eq!(
            state[4].as_object().map(|m| m.len()),
            Some(20),
            "everyone of the window"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_large_topic_sends_summaries_and_a_small_one_state_again() {
        let pubsub = Arc::new(LocalPubSub::default());
        let (outbox, mut rx, _life) = Outbox::new(1024, usize::MAX);
        pubsub.subscribe(TOPIC, Subscriber::new(ConnId::next(), outbox));
        let config = PresenceConfig {
            summary_above: 10,
            ..PresenceConfig::default()
        };
        let presence = Presence::start(pubsub, config);
        let conns: Vec<ConnId> = (0..12).map(|_| ConnId::next()).collect();
        for (i, conn) in conns.iter().enumerate() {
            presence
                .track(
                    TOPIC,
                    &format!("u{i:02}"),
                    *conn,
                    json!({"name": format!("U{i}")}),
                )
                .expect("track");
        }
        tokio::time::sleep(Duration::from_millis(101)).await;
        let sent = frames(&mut rx);
        assert_eq!(sent.len(), 1, "{sent:?}");
        let (_, event, summary) = &sent[0];
        assert_eq!(
            event, "presence_summary",
            "12 metas > 10: a summary, not a diff"
        );
        assert_eq!(summary["count"], 12);
        assert_eq!(
            summary["presences"].as_object().map(|m| m.len()),
            Some(AVATARS_SHOWN)
        );

        // A joiner gets the last summary at once; a typing user is named in the next.
        let (outbox, mut joiner, _life2) = Outbox::new(1024, usize::MAX);
        presence.send_state(TOPIC, outbox);
        assert_eq!(frames(&mut joiner)[0].2, *summary);
        presence.typing(TOPIC, conns[11]).expect("typing");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            frames(&mut rx).is_empty(),
            "at most one summary per interval"
        );
        tokio::time::sleep(Duration::from_millis(501)).await;
        let sent = frames(&mut rx);
        assert_eq!(sent[0].2["typing"], 1);
        assert_eq!(sent[0].2["presences"]["u11"]["metas"][0]["typing"], true);

        // Down to 6 (> 10 / 2): still summaries; down to 5: everyone gets the state.
        for conn in &conns[6..] {
            presence.untrack(TOPIC, *conn);
        }
        tokio::time::sleep(Duration::from_millis(1001)).await;
        assert_eq!(frames(&mut rx)[0].2["count"], 6);
        presence.untrack(TOPIC, conns[5]);
        tokio::time::sleep(Duration::from_millis(1001)).await;
        let sent = frames(&mut rx);
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].1, "presence_state");
        assert_eq!(sent[0].2.as_object().map(|m| m.len()), Some(5));
        presence.untrack(TOPIC, conns[4]);
        tokio::time::sleep(Duration::from_millis(101)).await;
        assert_eq!(frames(&mut rx)[0].1, "presence_diff", "diffs again");
    }

    #[tokio::test(start_paused = true)]
    async fn tracking_twice_is_refused() {
        let (presence, _rx) = setup();
        let conn = ConnId::next();
        presence
            .track(TOPIC, "ana", conn, json!({}))
            .expect("track");
        assert_eq!(
            presence.track(TOPIC, "ana", conn, json!({})),
            Err(PresenceError::AlreadyTracked)
        );
    }
}
