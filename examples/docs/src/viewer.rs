//! Who is reading the document: a typed presence meta.

use rtux::presence::Status;

/// A person on the document: the name from their token, their colour,
/// active or idle, typing or not, and the field they are in.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "3s")]
pub struct Viewer {
    /// The name, from the token.
    #[rtux(name)]
    pub name: String,
    /// Their colour: avatar, field badges.
    #[rtux(color)]
    pub color: String,
    /// Active, or idle after a minute without input.
    #[rtux(status)]
    pub status: Status,
    /// Typing now (cleared 3 s after the last keystroke).
    #[rtux(typing)]
    pub typing: bool,
    /// The field they are in.
    #[rtux(active_field)]
    pub active_field: Option<String>,
}
