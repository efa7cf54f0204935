//! What each person on the canvas shows the others: a typed presence meta.

use rtux::presence::Status;

/// A person on the canvas: the name from their token, their colour, active
/// or idle, and where their pointer is (at most 10 moves a second, the last
/// one of each tenth of a second always sent).
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(cursor_rate = 10)]
pub struct Viewer {
    /// The name, from the token.
    #[rtux(name)]
    pub name: String,
    /// Their colour: avatar, cursor.
    #[rtux(color)]
    pub color: String,
    /// Active, or idle after a minute without input.
    #[rtux(status)]
    pub status: Status,
    /// Where their pointer is on the canvas (`{x, y}` in pixels).
    #[rtux(cursor)]
    pub cursor: Option<serde_json::Value>,
}
