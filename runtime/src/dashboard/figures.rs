//! The dashboard's figures: one row a second, the last minute of them, and
//! what the minute adds up to (actions by outcome, the slowest topics).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::telemetry::activity::{Second, TopicSecond};

/// Seconds of history kept (and drawn).
pub(crate) const MINUTE: usize = 60;
/// Topics kept per second for the slowest-topics list.
const SLOW_PER_SECOND: usize = 20;

/// This process in one second.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Row {
    /// Open sockets and joined channels at the end of the second.
    pub(crate) sockets: i64,
    pub(crate) topics: i64,
    /// Actions answered, by outcome.
    pub(crate) outcomes: BTreeMap<&'static str, u64>,
    /// The median and the 99th percentile of their durations.
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    /// Frames received; frames and bytes written.
    pub(crate) frames_in: u64,
    pub(crate) frames_out: u64,
    pub(crate) bytes_out: u64,
}

impl Row {
    /// Every action of the second.
    pub(crate) fn actions(&self) -> u64 {
        self.outcomes.values().sum()
    }
}

/// A topic among the slowest of the last minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlowTopic {
    pub(crate) topic: String,
    pub(crate) actions: u64,
    pub(crate) mean: Duration,
    pub(crate) slowest: Duration,
}

/// The last minute, a row a second.
#[derive(Debug, Default)]
pub(crate) struct History {
    rows: VecDeque<Row>,
    slow: VecDeque<Vec<(String, TopicSecond)>>,
}

/// The `p`th percentile (0–100) of sorted durations, by nearest rank.
fn percentile(sorted: &[Duration], p: u32) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p as usize).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

impl History {
    /// Adds a second, forgetting the one a minute ago.
    pub(crate) fn push(&mut self, mut second: Second, sockets: i64, topics: i64) -> &Row {
        second.durations.sort_unstable();
        let row = Row {
            sockets,
            topics,
            p50: percentile(&second.durations, 50),
            p99: percentile(&second.durations, 99),
            outcomes: second.outcomes,
            frames_in: second.frames_in,
            frames_out: second.frames_out,
            bytes_out: second.bytes_out,
        };
        let mut slow: Vec<(String, TopicSecond)> = second.topics.into_iter().collect();
        slow.sort_unstable_by_key(|(_, t)| std::cmp::Reverse(t.slowest));
        slow.truncate(SLOW_PER_SECOND);
        if self.rows.len() == MINUTE {
            self.rows.pop_front();
            self.slow.pop_front();
        }
        self.rows.push_back(row);
        self.slow.push_back(slow);
        self.latest()
    }

    /// The last second (an empty row before the first).
    pub(crate) fn latest(&self) -> &Row {
        static EMPTY: std::sync::OnceLock<Row> = std::sync::OnceLock::new();
        self.rows
            .back()
            .unwrap_or_else(|| EMPTY.get_or_init(Row::default))
    }

    /// The rows, oldest first.
    pub(crate) fn rows(&self) -> impl ExactSizeIterator<Item = &Row> {
        self.rows.iter()
    }

    /// Actions of the minute by outcome.
    pub(crate) fn outcomes(&self) -> BTreeMap<&'static str, u64> {
        let mut all = BTreeMap::new();
        for row in &self.rows {
            for (outcome, n) in &row.outcomes {
                *all.entry(*outcome).or_default() += n;
            }
        }
        all
    }

    /// The `n` topics whose slowest action of the minute took longest.
    pub(crate) fn slowest(&self, n: usize) -> Vec<SlowTopic> {
        let mut by_topic: BTreeMap<&str, TopicSecond> = BTreeMap::new();
        for (topic, t) in self.slow.iter().flatten() {
            let all = by_topic.entry(topic).or_default();
            all.actions += t.actions;
            all.total += t.total;
            all.slowest = all.slowest.max(t.slowest);
        }
        let mut list: Vec<SlowTopic> = by_topic
            .into_iter()
            .map(|(topic, t)| SlowTopic {
                topic: topic.to_owned(),
                actions: t.actions,
                mean: t.total / u32::try_from(t.actions.max(1)).unwrap_or(u32::MAX),
                slowest: t.slowest,
            })
            .collect();
        list.sort_by(|a, b| {
            b.slowest
                .cmp(&a.slowest)
                .then_with(|| a.topic.cmp(&b.topic))
        });
        list.truncate(n);
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn second(
        outcomes: &[(&'static str, u64)],
        durations: &[u64],
        topics: &[(&str, u64)],
    ) -> Second {
        Second {
            outcomes: outcomes.iter().copied().collect(),
            durations: durations.iter().map(|&d| ms(d)).collect(),
            topics: topics
                .iter()
                .map(|&(t, d)| {
                    let one = TopicSecond {
                        actions: 1,
                        total: ms(d),
                        slowest: ms(d),
                    };
                    (t.to_owned(), one)
                })
                .collect(),
            ..Second::default()
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 50), ms(50));
        assert_eq!(percentile(&sorted, 99), ms(99));
        assert_eq!(percentile(&[ms(7)], 99), ms(7));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn a_minute_of_rows_and_what_it_adds_up_to() {
        let mut h = History::default();
        let row = h.push(
            second(
                &[("applied", 3), ("conflict", 1)],
                &[9, 1, 5, 3],
                &[("a", 9), ("b", 1)],
            ),
            2,
            3,
        );
        assert_eq!(
            (row.actions(), row.p50, row.p99, row.sockets),
            (4, ms(3), ms(9), 2)
        );
        for _ in 0..MINUTE {
            h.push(second(&[("applied", 1)], &[2], &[("c", 4)]), 1, 1);
        }
        assert_eq!(h.rows().len(), MINUTE, "a minute is kept, no more");
        assert_eq!(
            h.outcomes(),
            BTreeMap::from([("applied", 60)]),
            "the first second is gone"
        );
        let slow = h.slowest(5);
        assert_eq!(slow.len(), 1);
        assert_eq!(
            (slow[0].topic.as_str(), slow[0].actions, slow[0].slowest),
            ("c", 60, ms(4))
        );
    }
}
