//! How the engines pace their work: how much one round trip publishes, how
//! long a publish may take, and how long to wait before reconnecting.

use std::time::Duration;

/// Most messages published in one round trip.
pub(super) const BATCH: usize = 256;

/// How long one publish may take before the connection counts as lost.
pub(super) const PUBLISH_TIMEOUT: Duration = Duration::from_secs(5);

/// The wait before reconnect attempt `n` (from 0): 100 ms doubling to 5 s,
/// with up to a quarter of jitter so nodes do not retry in step.
pub(super) fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(100)
        .saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(5));
    let random = uuid::Uuid::now_v7().as_u128();
    let quarter = u64::try_from(base.as_millis() / 4).unwrap_or(0).max(1);
    base + Duration::from_millis(u64::try_from(random % u128::from(quarter)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_fast_and_is_capped() {
        assert!(backoff(0) < Duration::from_millis(130));
        assert!(backoff(3) >= Duration::from_millis(800));
        for n in 6..40 {
            let wait = backoff(n);
            assert!(wait >= Duration::from_secs(5) && wait <= Duration::from_millis(6250));
        }
    }
}
