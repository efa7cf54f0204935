//! Who is on the board: a typed presence meta.

use rtux::presence::Status;

/// A person on the board: the name from their token, their colour, active or
/// idle, and the field they are in (a card's title while they edit it, the
/// card itself while they drag it).
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
pub struct Viewer {
    /// The name, from the token.
    #[rtux(name)]
    pub name: String,
    /// Their colour: avatar, badges.
    #[rtux(color)]
    pub color: String,
    /// Active, or idle after a minute without input.
    #[rtux(status)]
    pub status: Status,
    /// What they are editing or dragging.
    #[rtux(active_field)]
    pub active_field: Option<String>,
}
