//! The timing ranges the real-time UX patterns allow.

use std::time::Duration;

use crate::error::OutOfRange;

/// A timing the real-time UX patterns bound, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// What is bounded.
    pub what: &'static str,
    /// The shortest allowed.
    pub low: Duration,
    /// The longest allowed.
    pub high: Duration,
    /// Why, in one sentence.
    pub why: &'static str,
}

impl Bounds {
    /// Checks `value` against the bounds.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert!(rtux_rules::UNDO_WINDOW.check(Duration::from_secs(5)).is_ok());
    /// let late = rtux_rules::UNDO_WINDOW.check(Duration::from_secs(60)).unwrap_err();
    /// assert!(late.to_string().contains("30 s"));
    /// ```
    ///
    /// # Errors
    /// The value is out of range; the message gives the range and why.
    pub fn check(&self, value: Duration) -> Result<(), OutOfRange> {
        if value < self.low || value > self.high {
            return Err(OutOfRange {
                bounds: *self,
                value,
            });
        }
        Ok(())
    }
}

/// How long a delete waits for Undo.
pub const UNDO_WINDOW: Bounds = Bounds {
    what: "undo window",
    low: Duration::from_secs(1),
    high: Duration::from_secs(30),
    why: "under 1 s nobody can react, over 30 s the action feels lost; the patterns use 5 s",
};

/// How long `typing` stays true after the last keystroke.
pub const TYPING_EXPIRY: Bounds = Bounds {
    what: "typing expiry",
    low: Duration::from_secs(3),
    high: Duration::from_secs(5),
    why: "shorter flickers between keystrokes, longer shows people typing who stopped; the patterns use 3 s",
};

/// The most cursor updates per second per user.
pub const MAX_CURSOR_RATE: u64 = 10;
