//! The live figures of this process that the dashboard shows: the telemetry
//! calls record them here too, once a dashboard [watches](watch). Until then
//! only the socket and topic counts move (two atomics, as the gauges do).
//!
//! Bounded however busy the process is: a second keeps at most
//! [`SAMPLES`] durations and [`TOPICS`] topics, and the recent lists
//! [`RECENT`] entries each.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sync::lock;

/// Action durations kept per second (later ones overwrite the oldest).
pub(crate) const SAMPLES: usize = 4096;
/// Topics followed per second (actions on more topics count, unnamed).
pub(crate) const TOPICS: usize = 1000;
/// Entries in each recent list.
pub(crate) const RECENT: usize = 12;
/// The longest reason kept (a hostile topic name stays short on screen).
const REASON_BYTES: usize = 200;

static WATCHED: AtomicBool = AtomicBool::new(false);
static SOCKETS: AtomicI64 = AtomicI64::new(0);
static JOINED: AtomicI64 = AtomicI64::new(0);
static FRAMES_IN: AtomicU64 = AtomicU64::new(0);
static FRAMES_OUT: AtomicU64 = AtomicU64::new(0);
static BYTES_OUT: AtomicU64 = AtomicU64::new(0);
static SECOND: Mutex<Second> = Mutex::new(Second::new());
static CLOSES: Mutex<VecDeque<Happened>> = Mutex::new(VecDeque::new());
static ERRORS: Mutex<VecDeque<Happened>> = Mutex::new(VecDeque::new());

/// What happened in one second (or since the last [`take`]).
#[derive(Debug, Default)]
pub(crate) struct Second {
    /// Actions answered, by outcome.
    pub(crate) outcomes: BTreeMap<&'static str, u64>,
    /// How long they took (the last [`SAMPLES`]).
    pub(crate) durations: Vec<Duration>,
    /// Actions per topic.
    pub(crate) topics: BTreeMap<String, TopicSecond>,
    /// Frames received, frames and bytes written.
    pub(crate) frames_in: u64,
    pub(crate) frames_out: u64,
    pub(crate) bytes_out: u64,
    /// Actions recorded (more than `durations` holds in a busy second).
    pub(crate) answered: u64,
}

/// One topic's actions in a second.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TopicSecond {
    pub(crate) actions: u64,
    pub(crate) total: Duration,
    pub(crate) slowest: Duration,
}

impl Second {
    const fn new() -> Second {
        Second {
            outcomes: BTreeMap::new(),
            durations: Vec::new(),
            topics: BTreeMap::new(),
            frames_in: 0,
            frames_out: 0,
            bytes_out: 0,
            answered: 0,
        }
    }

    fn action(&mut self, topic: &str, outcome: &'static str, took: Duration) {
        *self.outcomes.entry(outcome).or_default() += 1;
        let slot = usize::try_from(self.answered).unwrap_or(usize::MAX) % SAMPLES;
        if self.durations.len() < SAMPLES {
            self.durations.push(took);
        } else {
            self.durations[slot] = took;
        }
        self.answered += 1;
        let followed = self.topics.len() < TOPICS || self.topics.contains_key(topic);
        if followed {
            let t = self.topics.entry(topic.to_owned()).or_default();
            t.actions += 1;
            t.total += took;
            t.slowest = t.slowest.max(took);
        }
    }
}

/// A close or an error, with when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Happened {
    /// Milliseconds since the Unix epoch.
    pub(crate) at_ms: u64,
    /// A close code, or what failed ("action", "join").
    pub(crate) what: String,
    /// The reason, in words.
    pub(crate) reason: String,
}

/// From now on, record the live figures (a dashboard started).
pub(crate) fn watch() {
    WATCHED.store(true, Ordering::Relaxed);
}

fn watched() -> bool {
    WATCHED.load(Ordering::Relaxed)
}

/// Open sockets and joined channels in this process.
pub(crate) fn sockets_and_topics() -> (i64, i64) {
    (
        SOCKETS.load(Ordering::Relaxed),
        JOINED.load(Ordering::Relaxed),
    )
}

/// What happened since the last call, and a fresh second begun.
pub(crate) fn take() -> Second {
    let mut second = std::mem::take(&mut *lock(&SECOND));
    second.frames_in = FRAMES_IN.swap(0, Ordering::Relaxed);
    second.frames_out = FRAMES_OUT.swap(0, Ordering::Relaxed);
    second.bytes_out = BYTES_OUT.swap(0, Ordering::Relaxed);
    second
}

/// The latest closes and errors, newest first.
pub(crate) fn recent() -> (Vec<Happened>, Vec<Happened>) {
    let newest_first =
        |list: &Mutex<VecDeque<Happened>>| lock(list).iter().rev().cloned().collect();
    (newest_first(&CLOSES), newest_first(&ERRORS))
}

fn remember(list: &Mutex<VecDeque<Happened>>, what: String, reason: String) {
    let at_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let mut reason = reason;
    if reason.len() > REASON_BYTES {
        let end = (0..=REASON_BYTES)
            .rev()
            .find(|&i| reason.is_char_boundary(i))
            .unwrap_or(0);
        reason.truncate(end);
        reason.push('…');
    }
    let mut list = lock(list);
    if list.len() == RECENT {
        list.pop_front();
    }
    list.push_back(Happened {
        at_ms,
        what,
        reason,
    });
}

pub(super) fn socket(delta: i64) {
    SOCKETS.fetch_add(delta, Ordering::Relaxed);
}

pub(super) fn joined(delta: i64) {
    JOINED.fetch_add(delta, Ordering::Relaxed);
}

pub(super) fn closed(code: u16, reason: &str) {
    if watched() {
        remember(&CLOSES, code.to_string(), reason.to_owned());
    }
}

pub(super) fn failed(what: &str, reason: String) {
    if watched() {
        remember(&ERRORS, what.to_owned(), reason);
    }
}

pub(super) fn frame_in() {
    if watched() {
        FRAMES_IN.fetch_add(1, Ordering::Relaxed);
    }
}

pub(super) fn written(frames: u64, bytes: u64) {
    if watched() {
        FRAMES_OUT.fetch_add(frames, Ordering::Relaxed);
        BYTES_OUT.fetch_add(bytes, Ordering::Relaxed);
    }
}

pub(super) fn action(topic: &str, outcome: &'static str, took: Duration) {
    if watched() {
        lock(&SECOND).action(topic, outcome, took);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_second_stays_bounded() {
        let mut s = Second::new();
        for n in 0..(SAMPLES + TOPICS + 10) {
            s.action(
                &format!("t:{n}"),
                "applied",
                Duration::from_micros(n as u64),
            );
        }
        assert_eq!(s.durations.len(), SAMPLES);
        assert_eq!(s.topics.len(), TOPICS);
        assert_eq!(s.outcomes["applied"], (SAMPLES + TOPICS + 10) as u64);
        // The latest overwrote the oldest.
        assert!(
            s.durations
                .contains(&Duration::from_micros((SAMPLES + TOPICS + 9) as u64))
        );
        assert!(!s.durations.contains(&Duration::from_micros(0)));
        // A followed topic keeps counting once the set is full.
        s.action("t:0", "conflict", Duration::from_millis(9));
        assert_eq!(s.topics["t:0"].actions, 2);
        assert_eq!(s.topics["t:0"].slowest, Duration::from_millis(9));
    }

    #[test]
    fn recent_lists_keep_the_newest() {
        let list = Mutex::new(VecDeque::new());
        for n in 0..(RECENT + 3) {
            remember(&list, "1011".into(), format!("reason {n}"));
        }
        remember(&list, "channel".into(), "é".repeat(REASON_BYTES));
        let list = lock(&list);
        assert_eq!(list.len(), RECENT);
        assert_eq!(list.front().map(|h| h.reason.as_str()), Some("reason 4"));
        let long = &list.back().map(|h| h.reason.clone()).unwrap_or_default();
        assert!(long.len() <= REASON_BYTES + '…'.len_utf8() && long.ends_with('…'));
    }
}
