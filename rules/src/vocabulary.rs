//! What every fixed word list of rtux offers: its words as they go on the
//! wire, all of them in order, and the word read back.

use std::str::FromStr;

/// A fixed word list: an enum whose variants have the names the wire, the
/// derives and the messages use (derived with strum's `IntoStaticStr`,
/// `EnumString` and `VariantArray`).
///
/// ```
/// use rtux_rules::{ActionKind, Vocabulary};
///
/// assert_eq!(ActionKind::from_name("pending"), Some(ActionKind::Pending));
/// assert_eq!(ActionKind::Pending.name(), "pending");
/// assert_eq!(ActionKind::names()[0], "insert");
/// ```
pub trait Vocabulary: Copy + Into<&'static str> + FromStr + strum::VariantArray + 'static {
    /// The word as it goes on the wire.
    fn name(self) -> &'static str {
        self.into()
    }

    /// The word spelled `name`, if the list has it.
    fn from_name(name: &str) -> Option<Self> {
        name.parse().ok()
    }

    /// Every word, in the order messages list them.
    fn all() -> &'static [Self] {
        Self::VARIANTS
    }

    /// Every word's name, in [`Vocabulary::all`]'s order.
    fn names() -> Vec<&'static str> {
        Self::VARIANTS.iter().map(|w| w.name()).collect()
    }
}
