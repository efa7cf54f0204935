//! What an action may be named, and the kinds of action there are.

use crate::error::ActionNameError;
use crate::event::ResourceEvent;
use crate::vocabulary::Vocabulary;

/// Longest action name, in bytes.
pub const MAX_ACTION_NAME: usize = 64;

/// Checks an action name: a plain identifier (ASCII letters, digits, `_`,
/// not starting with a digit) of at most [`MAX_ACTION_NAME`] bytes, not the
/// name of one of rtux's own events ([`ResourceEvent`]) and not starting with
/// `phx_`.
///
/// ```
/// use rtux_rules::ActionNameError;
///
/// assert!(rtux_rules::action_name("toggle_done").is_ok());
/// assert_eq!(rtux_rules::action_name("undo"), Err(ActionNameError::Reserved("undo".into())));
/// assert!(rtux_rules::action_name("phx_join").is_err());
/// assert!(rtux_rules::action_name("rtux:patch").is_err());
/// ```
///
/// # Errors
/// The rule broken, naming the action.
pub fn action_name(name: &str) -> Result<(), ActionNameError> {
    let plain = !name.is_empty()
        && name.len() <= MAX_ACTION_NAME
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return Err(ActionNameError::NotPlain(name.to_owned()));
    }
    if ResourceEvent::from_name(name).is_some() || name.starts_with("phx_") {
        return Err(ActionNameError::Reserved(name.to_owned()));
    }
    Ok(())
}

/// The kinds of action: the derive's `kind = "…"`, the builders' methods
/// (`ResourceBuilder::undoable_delete`, …) and the runtime's actions. Every
/// place that handles kinds matches on this enum without a wildcard, so a kind
/// added here is a compile error wherever it is not handled yet.
///
/// ```
/// use rtux_rules::{ActionKind, Vocabulary};
///
/// assert_eq!(ActionKind::from_name("undoable_delete"), Some(ActionKind::UndoableDelete));
/// assert_eq!(ActionKind::UndoableDelete.name(), "undoable_delete");
/// assert!(ActionKind::Editable.optimistic());
/// assert!(!ActionKind::ConfirmFirst.optimistic());
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
pub enum ActionKind {
    /// Adds a record, shown at once.
    Insert,
    /// Shown at once; the server's answer replaces the guess.
    ServerCorrects,
    /// Shown at once, marked pending until the server confirms.
    Pending,
    /// Waits for the server before anything is shown.
    ConfirmFirst,
    /// Gone at once, deleted when its undo window ends.
    UndoableDelete,
    /// Deleted once the user confirms.
    ConfirmedDelete,
    /// A save merged field by field with what others saved.
    Editable,
}

impl Vocabulary for ActionKind {}

impl ActionKind {
    /// Whether the user sees the action done before the server confirms it
    /// (so it must be one that can be rolled back).
    pub const fn optimistic(self) -> bool {
        match self {
            ActionKind::Insert
            | ActionKind::ServerCorrects
            | ActionKind::Pending
            | ActionKind::Editable => true,
            ActionKind::ConfirmFirst | ActionKind::UndoableDelete | ActionKind::ConfirmedDelete => {
                false
            }
        }
    }

    /// Whether the action cannot be taken back ("send", "charge", a
    /// confirmed delete), so a client must never queue it to apply later:
    /// it goes while the user watches, or not at all.
    ///
    /// ```
    /// use rtux_rules::ActionKind;
    /// assert!(ActionKind::ConfirmFirst.needs_connection());
    /// assert!(!ActionKind::UndoableDelete.needs_connection());
    /// ```
    pub const fn needs_connection(self) -> bool {
        match self {
            ActionKind::ConfirmFirst | ActionKind::ConfirmedDelete => true,
            ActionKind::Insert
            | ActionKind::ServerCorrects
            | ActionKind::Pending
            | ActionKind::Editable
            | ActionKind::UndoableDelete => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names() {
        for bad in [
            "",
            "undo",
            "page",
            "phx_leave",
            "1st",
            "a-b",
            "r#type",
            &"a".repeat(65),
        ] {
            assert!(action_name(bad).is_err(), "{bad:?}");
        }
        for good in ["add", "toggle_done", "_private", "increment_count"] {
            assert!(action_name(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn every_kind_is_read_back_from_its_name() {
        for &kind in ActionKind::all() {
            assert_eq!(ActionKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ActionKind::ServerCorrects.name(), "server_corrects");
        assert_eq!(ActionKind::from_name("Editable"), None);
    }
}
