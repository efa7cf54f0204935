//! The events a client sends that rtux handles itself, beside the app's
//! actions: one list for the runtime that dispatches them, the rule that
//! keeps actions from taking their names, and the messages that list them.

use crate::vocabulary::Vocabulary;

/// Events rtux handles on a resource's topic. An action may not take one of
/// these names ([`crate::action_name`]).
///
/// ```
/// use rtux_rules::{ResourceEvent, Vocabulary};
///
/// assert_eq!(ResourceEvent::from_name("draft:save"), Some(ResourceEvent::DraftSave));
/// assert_eq!(ResourceEvent::Undo.name(), "undo");
/// assert_eq!(ResourceEvent::from_name("archive"), None);
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "snake_case")]
pub enum ResourceEvent {
    /// Takes back an undoable delete while its window is open.
    Undo,
    /// Takes or renews the lock on a record's section.
    Lock,
    /// Releases a lock.
    Unlock,
    /// Says which field of a record the user edits.
    Field,
    /// The next page of a long list.
    Page,
    /// Keeps what the user typed before saving it.
    #[strum(serialize = "draft:save")]
    DraftSave,
    /// Drops a kept draft.
    #[strum(serialize = "draft:discard")]
    DraftDiscard,
}

impl Vocabulary for ResourceEvent {}

impl ResourceEvent {
    /// Whether the client sends it by itself rather than because its user did
    /// something (so it does not keep an idle socket awake).
    pub const fn housekeeping(self) -> bool {
        match self {
            ResourceEvent::Lock => true,
            ResourceEvent::Undo
            | ResourceEvent::Unlock
            | ResourceEvent::Field
            | ResourceEvent::Page
            | ResourceEvent::DraftSave
            | ResourceEvent::DraftDiscard => false,
        }
    }
}

/// The presence helpers, on any topic a client joined.
///
/// ```
/// use rtux_rules::{PresenceEvent, Vocabulary};
///
/// assert_eq!(PresenceEvent::from_name("presence:stop_typing"), Some(PresenceEvent::StopTyping));
/// assert_eq!(PresenceEvent::Cursor.name(), "presence:cursor");
/// assert!(PresenceEvent::Refresh.housekeeping());
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
)]
pub enum PresenceEvent {
    /// The user is typing (expires on its own).
    #[strum(serialize = "presence:typing")]
    Typing,
    /// The user stopped typing.
    #[strum(serialize = "presence:stop_typing")]
    StopTyping,
    /// The user is in a field: `{"field": "<name>"}`.
    #[strum(serialize = "presence:focus")]
    Focus,
    /// The user left the field.
    #[strum(serialize = "presence:blur")]
    Blur,
    /// The user is active or idle: `{"status": "active" | "idle"}`.
    #[strum(serialize = "presence:status")]
    Status,
    /// Where the user's pointer is.
    #[strum(serialize = "presence:cursor")]
    Cursor,
    /// The client is still here (keeps its presence from expiring).
    #[strum(serialize = "presence:refresh")]
    Refresh,
}

impl Vocabulary for PresenceEvent {}

impl PresenceEvent {
    /// The prefix every presence helper starts with.
    pub const PREFIX: &'static str = "presence:";

    /// Whether the client sends it by itself rather than because its user did
    /// something.
    pub const fn housekeeping(self) -> bool {
        match self {
            PresenceEvent::Refresh => true,
            PresenceEvent::Typing
            | PresenceEvent::StopTyping
            | PresenceEvent::Focus
            | PresenceEvent::Blur
            | PresenceEvent::Status
            | PresenceEvent::Cursor => false,
        }
    }
}

/// Whether `event` is one a client sends by itself, not because its user did
/// something: such events do not keep an idle socket awake.
///
/// ```
/// assert!(rtux_rules::housekeeping("presence:refresh"));
/// assert!(rtux_rules::housekeeping("lock"));
/// assert!(!rtux_rules::housekeeping("presence:typing"));
/// assert!(!rtux_rules::housekeeping("archive"));
/// ```
pub fn housekeeping(event: &str) -> bool {
    PresenceEvent::from_name(event).is_some_and(PresenceEvent::housekeeping)
        || ResourceEvent::from_name(event).is_some_and(ResourceEvent::housekeeping)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_read_back_from_its_name() {
        for &e in ResourceEvent::all() {
            assert_eq!(ResourceEvent::from_name(e.name()), Some(e));
        }
        for &e in PresenceEvent::all() {
            assert!(e.name().starts_with(PresenceEvent::PREFIX), "{e:?}");
            assert_eq!(PresenceEvent::from_name(e.name()), Some(e));
        }
        assert_eq!(PresenceEvent::from_name("typing"), None);
        assert_eq!(ResourceEvent::from_name("draft_save"), None);
    }
}
