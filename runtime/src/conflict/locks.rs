//! Pessimistic section locks: one holder per (topic, record, section), with a
//! TTL renewed while the holder is active.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::socket::ConnId;
use crate::sync::lock;

/// Who holds a lock: a user, on one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// The user id (from the token).
    pub user: String,
    /// Their display name, when the token has one.
    pub name: Option<String>,
    /// The connection holding it (a user's other tab is another holder).
    #[serde(skip)]
    pub conn: ConnId,
}

/// Why a lock call was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// Someone else holds it.
    #[error("locked: {} is editing this section", .0.name.as_deref().unwrap_or(&.0.user))]
    HeldBy(Holder),
    /// The caller does not hold it.
    #[error("not locked by you")]
    NotHeld,
    /// The connection holds as many locks as it may.
    #[error("too many locks: a connection may hold at most {0}; release one first")]
    TooMany(usize),
    /// Held for [`MAX_HOLD`] since it was acquired: renewals stop there.
    #[error("held for 10 minutes: release it and lock it again to keep editing")]
    HeldTooLong,
    /// A renewal from a holder who has done nothing for a while.
    #[error("not renewed: no activity from the holder; lock it again when editing")]
    Idle,
}

/// The most locks one connection holds at once.
pub const MAX_LOCKS_PER_CONN: usize = 8;
/// The longest a lock is held without a new acquire.
pub const MAX_HOLD: Duration = Duration::from_secs(10 * 60);

type Key = (String, String, String);

#[derive(Debug)]
struct Entry {
    holder: Holder,
    expires: Instant,
    generation: u64,
    /// When this holder acquired it (renewals keep it).
    acquired: Instant,
}

/// The section locks of one resource (per node).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use rtux::conflict::{Holder, Locks};
/// use rtux::ConnId;
///
/// let locks = Locks::new(Duration::from_secs(30));
/// let ana = Holder { user: "ana".into(), name: Some("Ana".into()), conn: ConnId::next() };
/// let bo = Holder { user: "bo".into(), name: None, conn: ConnId::next() };
/// locks.acquire("doc:1", "42", "intro", ana.clone(), true).unwrap();
/// let refused = locks.acquire("doc:1", "42", "intro", bo, true).unwrap_err();
/// assert_eq!(refused.to_string(), "locked: Ana is editing this section");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Locks {
    held: Arc<Mutex<HashMap<Key, Entry>>>,
    ttl: Duration,
}

/// A granted (or renewed) lock: its generation identifies this grant, so a
/// timer set for an older grant does not expire a renewed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// This grant's number.
    pub generation: u64,
    /// How long until it expires unless renewed.
    pub ttl: Duration,
}

fn key(topic: &str, record: &str, section: &str) -> Key {
    (topic.to_owned(), record.to_owned(), section.to_owned())
}

impl Locks {
    /// Locks that expire `ttl` after their last acquire or renew (30 s is the default
    /// of resources).
    pub fn new(ttl: Duration) -> Locks {
        Locks {
            held: Arc::default(),
            ttl,
        }
    }

    /// Acquires the lock, or renews it for its holder's connection (if the
    /// holder is `active`, and for at most [`MAX_HOLD`] since it acquired it).
    /// A connection holds at most [`MAX_LOCKS_PER_CONN`]. Exactly one of many
    /// concurrent callers wins.
    ///
    /// # Errors
    /// [`LockError::HeldBy`] with the holder, [`LockError::TooMany`],
    /// [`LockError::HeldTooLong`] or [`LockError::Idle`].
    pub fn acquire(
        &self,
        topic: &str,
        record: &str,
        section: &str,
        holder: Holder,
        active: bool,
    ) -> Result<Grant, LockError> {
        let mut held = lock(&self.held);
        let now = Instant::now();
        let k = key(topic, record, section);
        let renewal = held
            .get(&k)
            .is_some_and(|e| e.holder.conn == holder.conn && e.expires > now);
        if !renewal {
            let mine = held
                .iter()
                .filter(|(other, e)| {
                    **other != k && e.holder.conn == holder.conn && e.expires > now
                })
                .count();
            if mine >= MAX_LOCKS_PER_CONN {
                return Err(LockError::TooMany(MAX_LOCKS_PER_CONN));
            }
        }
        let generation = match held.entry(k) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let current = e.get_mut();
                if current.holder.conn != holder.conn && current.expires > now {
                    return Err(LockError::HeldBy(current.holder.clone()));
                }
                if renewal {
                    if !active {
                        return Err(LockError::Idle);
                    }
                    if now.duration_since(current.acquired) >= MAX_HOLD {
                        return Err(LockError::HeldTooLong);
                    }
                } else {
                    current.acquired = now;
                }
                current.holder = holder;
                current.expires = now + self.ttl;
                current.generation += 1;
                current.generation
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Entry {
                    holder,
                    expires: now + self.ttl,
                    generation: 1,
                    acquired: now,
                });
                1
            }
        };
        Ok(Grant {
            generation,
            ttl: self.ttl,
        })
    }

    /// Releases a lock held by `conn`.
    ///
    /// # Errors
    /// [`LockError::NotHeld`] if `conn` does not hold it.
    pub fn release(
        &self,
        topic: &str,
        record: &str,
        section: &str,
        conn: ConnId,
    ) -> Result<(), LockError> {
        let mut held = lock(&self.held);
        let k = key(topic, record, section);
        match held.get(&k) {
            Some(e) if e.holder.conn == conn => {
                held.remove(&k);
                Ok(())
            }
            _ => Err(LockError::NotHeld),
        }
    }

    /// Releases every lock `conn` holds on `topic`; returns their (record, section).
    pub fn release_conn(&self, topic: &str, conn: ConnId) -> Vec<(String, String)> {
        let mut held = lock(&self.held);
        let gone: Vec<Key> = held
            .iter()
            .filter(|((t, _, _), e)| t == topic && e.holder.conn == conn)
            .map(|(k, _)| k.clone())
            .collect();
        gone.into_iter()
            .filter_map(|k| held.remove(&k).map(|_| (k.1, k.2)))
            .collect()
    }

    /// Removes the lock if `generation` is still its grant and it has expired;
    /// returns whether it did.
    pub fn expire(&self, topic: &str, record: &str, section: &str, generation: u64) -> bool {
        let mut held = lock(&self.held);
        let k = key(topic, record, section);
        let expired = held
            .get(&k)
            .is_some_and(|e| e.generation == generation && e.expires <= Instant::now());
        if expired {
            held.remove(&k);
        }
        expired
    }

    /// The locks held now on a record, by another user than `user`: their
    /// sections and holders.
    pub fn held_by_others(&self, topic: &str, record: &str, user: &str) -> Vec<(String, Holder)> {
        let held = lock(&self.held);
        let now = Instant::now();
        held.iter()
            .filter(|((t, r, _), e)| {
                t == topic && r == record && e.expires > now && e.holder.user != user
            })
            .map(|((_, _, section), e)| (section.clone(), e.holder.clone()))
            .collect()
    }

    /// Who holds a lock now, if anyone.
    pub fn holder(&self, topic: &str, record: &str, section: &str) -> Option<Holder> {
        let held = lock(&self.held);
        held.get(&key(topic, record, section))
            .filter(|e| e.expires > Instant::now())
            .map(|e| e.holder.clone())
    }

    /// The TTL of new grants.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(user: &str) -> Holder {
        Holder {
            user: user.into(),
            name: None,
            conn: ConnId::next(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_acquire_at_once_and_exactly_one_wins() {
        for round in 0..20 {
            let locks = Locks::new(Duration::from_secs(30));
            let tasks: Vec<_> = (0..32)
                .map(|i| {
                    let locks = locks.clone();
                    tokio::spawn(async move {
                        locks
                            .acquire("t", "r", "s", who(&format!("u{i}")), true)
                            .is_ok()
                    })
                })
                .collect();
            let mut wins = 0;
            for t in tasks {
                wins += usize::from(t.await.expect("task"));
            }
            assert_eq!(wins, 1, "round {round}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_lock_expires_unless_renewed_and_release_is_by_the_holder() {
        let locks = Locks::new(Duration::from_secs(30));
        let (ana, bo) = (who("ana"), who("bo"));
        let g1 = locks
            .acquire("t", "r", "s", ana.clone(), true)
            .expect("free");
        tokio::time::sleep(Duration::from_secs(20)).await;
        let g2 = locks
            .acquire("t", "r", "s", ana.clone(), true)
            .expect("renew");
        assert!(g2.generation > g1.generation);
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert!(
            !locks.expire("t", "r", "s", g1.generation),
            "an old grant's timer does nothing"
        );
        assert_eq!(
            locks.acquire("t", "r", "s", bo.clone(), true),
            Err(LockError::HeldBy(ana.clone()))
        );
        assert_eq!(
            locks.release("t", "r", "s", bo.conn),
            Err(LockError::NotHeld)
        );
        tokio::time::sleep(Duration::from_secs(11)).await;
        assert!(locks.expire("t", "r", "s", g2.generation));
        assert!(
            locks.acquire("t", "r", "s", bo, true).is_ok(),
            "free after expiry"
        );
        assert_eq!(
            locks.release_conn("t", ana.conn),
            Vec::<(String, String)>::new()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_holds_at_most_eight_locks_for_at_most_ten_minutes() {
        let locks = Locks::new(Duration::from_secs(30));
        let ana = who("ana");
        for n in 0..MAX_LOCKS_PER_CONN {
            locks
                .acquire("t", &format!("r{n}"), "s", ana.clone(), true)
                .expect("under the cap");
        }
        assert_eq!(
            locks.acquire("t", "r9", "s", ana.clone(), true),
            Err(LockError::TooMany(8))
        );
        assert!(
            locks.acquire("t", "r0", "s", ana.clone(), true).is_ok(),
            "a renewal is not a new lock"
        );
        assert_eq!(
            locks.acquire("t", "r0", "s", ana.clone(), false),
            Err(LockError::Idle)
        );
        for _ in 0..21 {
            tokio::time::advance(Duration::from_secs(29)).await;
            let _ = locks.acquire("t", "r0", "s", ana.clone(), true);
        }
        assert_eq!(
            locks.acquire("t", "r0", "s", ana.clone(), true),
            Err(LockError::HeldTooLong)
        );
        locks.release("t", "r0", "s", ana.conn).expect("release");
        assert!(
            locks.acquire("t", "r0", "s", ana, true).is_ok(),
            "a new acquire starts over"
        );
    }
}
