//! Who is in a room: a typed presence meta.

use rtux::presence::Status;

/// A person in a room: the name from their token, their colour, active or
/// idle, and whether they are typing.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "3s")]
pub struct Viewer {
    /// The name, from the token.
    #[rtux(name)]
    pub name: String,
    /// Their colour: avatar.
    #[rtux(color)]
    pub color: String,
    /// Active, or idle after a minute without input.
    #[rtux(status)]
    pub status: Status,
    /// Typing now (cleared 3 s after the last keystroke).
    #[rtux(typing)]
    pub typing: bool,
}
