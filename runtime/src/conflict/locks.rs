//! Pessimistic section locks: one holder per (topic, record, section) across
//! every node, with a TTL renewed while the holder is active. They live in the
//! store (docs/decisions.md, "Locks in the store"), so a lock taken through
//! one node refuses a save on another, and a lock whose node died is free at
//! its expiry.

use std::time::Duration;

use serde::Serialize;

use crate::conn::ConnId;
use crate::store::locks::{self, LockRow};
use crate::store::{Store, StoreError, now_ms};

/// Who holds a lock: a user (one of their connections holds it; their other
/// tabs are other holders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize), serde(deny_unknown_fields))]
pub struct Holder {
    /// The user id (from the token).
    pub user: String,
    /// Their display name, when the token has one.
    pub name: Option<String>,
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
    /// The user holds as many locks as a person may, on any of their
    /// connections and nodes.
    #[error("too many locks: a person may hold at most {0} at once; finish editing one first")]
    TooMany(usize),
    /// Held for [`MAX_HOLD`] since it was acquired: the lock ends (others may
    /// take it), and its holder may take it again only after [`LOCK_REST`].
    #[error(
        "held for 10 minutes: others may edit it now; you may lock it again in {} s",
        LOCK_REST.as_secs()
    )]
    HeldTooLong,
    /// A lock held for as long as a lock may be, asked again by its last
    /// holder before [`LOCK_REST`] has passed.
    #[error("you held this for 10 minutes: others may edit it now; lock it again in {} s", .0.as_secs().max(1))]
    Resting(Duration),
    /// A renewal from a holder who has not edited the record for a while.
    #[error("not renewed: you have not edited this for a while; lock it again when editing")]
    Idle,
    /// The store could not be reached: nothing was granted.
    #[error("store unavailable: try again")]
    Store,
}

impl From<StoreError> for LockError {
    fn from(e: StoreError) -> LockError {
        tracing::error!("a lock could not be read or written: {e}");
        LockError::Store
    }
}

/// The most locks one user holds at once, across their connections and nodes.
pub const MAX_LOCKS_PER_USER: usize = 8;
/// The longest a lock is held without a new acquire.
pub const MAX_HOLD: Duration = Duration::from_secs(10 * 60);
/// How long the holder of a lock that reached [`MAX_HOLD`] waits before they
/// may take it again (others may take it at once).
pub const LOCK_REST: Duration = Duration::from_secs(60);

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The section locks of one resource, kept in its store.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use rtux::conflict::{Holder, Locks};
/// use rtux::store::Store;
/// use rtux::ConnId;
///
/// # let dir = std::env::temp_dir().join(format!("rtux-locks-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let store = Store::sqlite(dir.join("app.db")).await.unwrap();
/// let locks = Locks::new(store, Duration::from_secs(30));
/// let ana = Holder { user: "ana".into(), name: Some("Ana".into()) };
/// let bo = Holder { user: "bo".into(), name: None };
/// locks.acquire("doc:1", "42", "intro", &ana, ConnId::next(), true).await.unwrap();
/// let refused = locks.acquire("doc:1", "42", "intro", &bo, ConnId::next(), true).await.unwrap_err();
/// assert_eq!(refused.to_string(), "locked: Ana is editing this section");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Locks {
    store: Store,
    ttl: Duration,
}

/// A granted (or renewed) lock: its generation (the store's fencing token)
/// identifies this grant, so a timer set for an older grant does not expire a
/// renewed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// This grant's number, growing with every grant of the lock.
    pub generation: i64,
    /// How long until it expires unless renewed.
    pub ttl: Duration,
    /// Whether the connection held it already (a renewal, not a new lock).
    pub renewed: bool,
}

impl Locks {
    /// Locks in `store` that expire `ttl` after their last acquire or renew
    /// (30 s is the default of resources).
    pub fn new(store: Store, ttl: impl Into<Duration>) -> Locks {
        let ttl = ttl.into();
        Locks { store, ttl }
    }

    /// Acquires the lock for `holder` on connection `conn`, or renews it for
    /// that connection (if the holder is `active`, and for at most
    /// [`MAX_HOLD`] since it acquired it: then the lock ends, and the holder
    /// may take it again after [`LOCK_REST`]). A user holds at most
    /// [`MAX_LOCKS_PER_USER`], counted across every connection and node.
    /// Exactly one of many concurrent callers, on any node, wins.
    ///
    /// # Errors
    /// [`LockError::HeldBy`] with the holder, [`LockError::TooMany`],
    /// [`LockError::HeldTooLong`], [`LockError::Resting`], [`LockError::Idle`]
    /// or [`LockError::Store`].
    pub async fn acquire(
        &self,
        topic: &str,
        record: &str,
        section: &str,
        holder: &Holder,
        conn: ConnId,
        active: bool,
    ) -> Result<Grant, LockError> {
        let got = self
            .acquire_at(
                topic,
                record,
                section,
                holder,
                &conn.global(),
                active,
                now_ms(),
            )
            .await;
        match &got {
            Ok(grant) => {
                tracing::debug!(topic, record, section, user = %holder.user, generation = grant.generation, "lock granted");
            }
            Err(refused) => {
                tracing::debug!(topic, record, section, user = %holder.user, "lock refused: {refused}")
            }
        }
        got
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "acquire, with the time and the connection's global id"
    )]
    async fn acquire_at(
        &self,
        topic: &str,
        record: &str,
        section: &str,
        holder: &Holder,
        conn: &str,
        active: bool,
        now: i64,
    ) -> Result<Grant, LockError> {
        let key = (topic, record, section);
        let mut tx = self.store.begin().await?;
        // One user's acquires one at a time, on any node: their count holds.
        locks::one_user_at_a_time(&mut tx, self.store.backend(), &holder.user).await?;
        let current = locks::get(&mut tx, key).await?;
        let live = current.as_ref().filter(|c| c.expires_at > now);
        let renewed = match live {
            Some(c) if c.conn != conn => return Err(LockError::HeldBy(holder_of(c))),
            Some(c) => {
                if !active {
                    return Err(LockError::Idle);
                }
                if now - c.acquired_at >= ms(MAX_HOLD) {
                    // The lock ends here, for everyone: its holder rests.
                    locks::end(&mut tx, key, &c.conn).await?;
                    locks::rest(
                        &mut tx,
                        key,
                        &holder.user,
                        now.saturating_add(ms(LOCK_REST)),
                    )
                    .await?;
                    tx.commit().await.map_err(StoreError::from)?;
                    return Err(LockError::HeldTooLong);
                }
                true
            }
            None => {
                if let Some(until) = locks::resting(&mut tx, key, &holder.user, now).await? {
                    let left = u64::try_from(until - now).unwrap_or(0);
                    return Err(LockError::Resting(Duration::from_millis(left)));
                }
                if locks::count_of_user(&mut tx, &holder.user, key, now).await?
                    >= MAX_LOCKS_PER_USER
                {
                    return Err(LockError::TooMany(MAX_LOCKS_PER_USER));
                }
                false
            }
        };
        let wanted = LockRow {
            user: holder.user.clone(),
            name: holder.name.clone(),
            conn: conn.to_owned(),
            token: 0,
            acquired_at: now,
            expires_at: now.saturating_add(ms(self.ttl)),
        };
        let granted = locks::put(&mut tx, key, &wanted, now).await?;
        let held_by = match granted {
            Some(_) => None,
            // Someone else took it between the read and the write.
            None => locks::get(&mut tx, key).await?,
        };
        tx.commit().await.map_err(StoreError::from)?;
        match (granted, held_by) {
            (Some(generation), _) => Ok(Grant {
                generation,
                ttl: self.ttl,
                renewed,
            }),
            (None, Some(c)) => Err(LockError::HeldBy(holder_of(&c))),
            (None, None) => Err(LockError::Store),
        }
    }

    /// Releases a lock held by `conn`.
    ///
    /// # Errors
    /// [`LockError::NotHeld`] if `conn` does not hold it, or [`LockError::Store`].
    pub async fn release(
        &self,
        topic: &str,
        record: &str,
        section: &str,
        conn: ConnId,
    ) -> Result<(), LockError> {
        match self
            .store
            .lock_release((topic, record, section), &conn.global())
            .await?
        {
            true => {
                tracing::debug!(topic, record, section, %conn, "lock released");
                Ok(())
            }
            false => Err(LockError::NotHeld),
        }
    }

    /// Releases every lock `conn` holds on `topic`; returns their (record,
    /// section). A store failure is logged and releases nothing (the locks
    /// then expire at their TTL).
    pub async fn release_conn(&self, topic: &str, conn: ConnId) -> Vec<(String, String)> {
        match self.store.lock_release_conn(topic, &conn.global()).await {
            Ok(gone) => {
                if !gone.is_empty() {
                    tracing::debug!(topic, %conn, locks = gone.len(), "a leaving connection's locks released");
                }
                gone
            }
            Err(e) => {
                tracing::error!(
                    topic,
                    "a leaving connection's locks could not be released: {e}"
                );
                Vec::new()
            }
        }
    }

    /// Removes the lock if `generation` is still its grant and it has expired;
    /// returns whether it did.
    pub async fn expire(&self, topic: &str, record: &str, section: &str, generation: i64) -> bool {
        self.store
            .lock_expire((topic, record, section), generation, now_ms())
            .await
            .unwrap_or_else(|e| {
                tracing::error!(topic, "an expired lock could not be removed: {e}");
                false
            })
    }

    /// Who holds a lock now, if anyone.
    ///
    /// # Errors
    /// [`LockError::Store`].
    pub async fn holder(
        &self,
        topic: &str,
        record: &str,
        section: &str,
    ) -> Result<Option<Holder>, LockError> {
        let now = now_ms();
        let current = locks::get(&mut *self.store.conn().await?, (topic, record, section)).await?;
        Ok(current
            .filter(|c| c.expires_at > now)
            .map(|c| holder_of(&c)))
    }

    /// The TTL of new grants.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}

pub(crate) fn holder_of(row: &LockRow) -> Holder {
    Holder {
        user: row.user.clone(),
        name: row.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn locks() -> Locks {
        let dir = std::env::temp_dir().join(format!(
            "rtux-locks-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = Store::sqlite(dir.join("locks.db")).await.expect("store");
        Locks::new(store, Duration::from_secs(30))
    }

    fn who(user: &str) -> Holder {
        Holder {
            user: user.into(),
            name: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_acquire_at_once_and_exactly_one_wins() {
        let locks = locks().await;
        for round in 0..5 {
            let record = format!("r{round}");
            let tasks: Vec<_> = (0..16)
                .map(|i| {
                    let (locks, record) = (locks.clone(), record.clone());
                    tokio::spawn(async move {
                        let user = who(&format!("u{i}"));
                        locks
                            .acquire("t", &record, "s", &user, ConnId::next(), true)
                            .await
                    })
                })
                .collect();
            let mut wins = 0;
            for t in tasks {
                match t.await.expect("task") {
                    Ok(_) => wins += 1,
                    Err(LockError::HeldBy(_)) => {}
                    Err(other) => panic!("round {round}: {other}"),
                }
            }
            assert_eq!(wins, 1, "round {round}");
        }
    }

    #[tokio::test]
    async fn a_lock_expires_unless_renewed_and_release_is_by_the_holder() {
        let locks = locks().await;
        let (ana, bo) = (who("ana"), who("bo"));
        let t0 = now_ms();
        let s = 1000;
        let g1 = locks
            .acquire_at("t", "r", "s", &ana, "a", true, t0)
            .await
            .expect("free");
        let g2 = locks
            .acquire_at("t", "r", "s", &ana, "a", true, t0 + 20 * s)
            .await
            .expect("renew");
        assert!(g2.generation > g1.generation);
        assert_eq!(
            locks
                .acquire_at("t", "r", "s", &bo, "b", true, t0 + 40 * s)
                .await,
            Err(LockError::HeldBy(ana.clone()))
        );
        assert!(
            !locks
                .store
                .lock_expire(("t", "r", "s"), g1.generation, t0 + 60 * s)
                .await
                .expect("store"),
            "an old grant's timer does nothing"
        );
        assert!(
            locks
                .acquire_at("t", "r", "s", &bo, "b", true, t0 + 51 * s)
                .await
                .is_ok(),
            "free after expiry, though its row is still there"
        );
        assert!(
            !locks
                .store
                .lock_release(("t", "r", "s"), "a")
                .await
                .expect("store"),
            "only the holder releases"
        );
    }

    #[tokio::test]
    async fn a_user_holds_at_most_eight_locks_on_all_their_connections() {
        let locks = locks().await;
        let (ana, bo) = (who("ana"), who("bo"));
        let t0 = now_ms();
        // Ana's eight locks, spread over three connections (tabs, nodes).
        for n in 0..MAX_LOCKS_PER_USER {
            let conn = ["a1", "a2", "a3"][n % 3];
            locks
                .acquire_at("t", &format!("r{n}"), "s", &ana, conn, true, t0)
                .await
                .expect("under the cap");
        }
        for conn in ["a1", "a4"] {
            assert_eq!(
                locks.acquire_at("t", "r9", "s", &ana, conn, true, t0).await,
                Err(LockError::TooMany(8)),
                "a ninth on {conn}"
            );
        }
        let renewal = locks.acquire_at("t", "r0", "s", &ana, "a1", true, t0).await;
        assert!(
            renewal.is_ok_and(|g| g.renewed),
            "a renewal is not a new lock"
        );
        assert!(
            locks
                .acquire_at("t", "r9", "s", &bo, "b", true, t0)
                .await
                .is_ok(),
            "another user's locks are theirs"
        );
        assert_eq!(
            locks
                .acquire_at("t", "r0", "s", &ana, "a1", false, t0)
                .await,
            Err(LockError::Idle)
        );
    }

    #[tokio::test]
    async fn ten_minutes_end_a_lock_and_its_holder_rests_before_taking_it_again() {
        let locks = locks().await;
        let (ana, bo) = (who("ana"), who("bo"));
        let t0 = now_ms();
        let mut at = t0;
        locks
            .acquire_at("t", "r0", "s", &ana, "a", true, at)
            .await
            .expect("free");
        for _ in 0..20 {
            at += 29_000;
            locks
                .acquire_at("t", "r0", "s", &ana, "a", true, at)
                .await
                .expect("renewed while active");
        }
        at += 29_000;
        assert_eq!(
            locks.acquire_at("t", "r0", "s", &ana, "a", true, at).await,
            Err(LockError::HeldTooLong)
        );
        assert_eq!(
            locks
                .acquire_at("t", "r0", "s", &ana, "a2", true, at + 1)
                .await,
            Err(LockError::Resting(Duration::from_millis(
                ms(LOCK_REST) as u64 - 1
            ))),
            "not again at once, from another tab either"
        );
        let theirs = locks
            .acquire_at("t", "r0", "s", &bo, "b", true, at + 2)
            .await;
        assert!(
            theirs.is_ok_and(|g| !g.renewed),
            "others may take it at once"
        );
        locks
            .store
            .lock_release(("t", "r0", "s"), "b")
            .await
            .expect("store");
        assert!(
            locks
                .acquire_at("t", "r0", "s", &ana, "a", true, at + ms(LOCK_REST))
                .await
                .is_ok(),
            "after the rest, a new acquire starts over"
        );
    }
}
