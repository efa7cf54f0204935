//! A card on the board: a real-time resource from a struct.

use rtux::action::Reject;
use serde::{Deserialize, Serialize};

/// The board's columns: the list name each card names, and its heading.
pub const COLUMNS: [(&str, &str); 3] = [("todo", "To do"), ("doing", "Doing"), ("done", "Done")];

/// The longest title, in characters.
pub const MAX_TITLE: usize = 120;

/// The longest rank: ranks grow by about one character for every five cards
/// dropped into the same gap, so this is thousands of moves into one spot.
pub const MAX_RANK: usize = 64;

/// A card. Adding is optimistic; moving (dragging it to a column and a place)
/// is optimistic and applied to whatever version the server holds, so a move
/// never conflicts; the title saves field by field (a conflict panel when two
/// people renamed it at once); delete can be undone for 5 s.
///
/// Where a card sits is its column and its rank, a base-36 fraction between
/// its neighbours' (rtux.js picks it on the drop): every page orders a column
/// by rank, then by id, so two people moving cards at once end with the same
/// order on every screen, and no move rewrites another card.
///
/// ```
/// use kanban::Card;
/// let card = Card { id: "1".into(), version: 1, title: "Ship".into(), column: "todo".into(), rank: "i".into() };
/// assert!(card.check().is_ok());
/// let lost = Card { column: "later".into(), ..card };
/// assert!(lost.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "kanban:*", view = "card.html", presence = "crate::Viewer")]
#[rtux(validate = "Card::check")]
#[rtux(action(
    add(kind = "insert"),
    move_card(kind = "server_corrects", with = "Card::move_to"),
    save(kind = "editable"),
    delete(kind = "undoable_delete", undo_window = "5s"),
))]
pub struct Card {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// The title.
    #[rtux(skeleton = "title", label)]
    pub title: String,
    /// The column's list name (one of [`COLUMNS`]); only moves change it.
    #[rtux(merge = "skip", skeleton = "none")]
    pub column: String,
    /// The place in the column; only moves change it.
    #[rtux(merge = "skip", skeleton = "none")]
    pub rank: String,
}

/// A move's params, as rtux.js sends them on a drop: the list and the rank.
#[derive(Debug, Deserialize)]
pub struct Move {
    /// The column's list name.
    pub list: String,
    /// The rank between the new neighbours.
    pub rank: String,
}

impl Card {
    /// Refuses a card without a title, in no column, or at a rank rtux.js
    /// would not pick.
    ///
    /// # Errors
    /// The reason, shown to whoever tried.
    pub fn check(&self) -> Result<(), Reject> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(Reject::new("a card needs a title"));
        }
        if title.chars().count() > MAX_TITLE {
            return Err(Reject::new(format!(
                "a title has at most {MAX_TITLE} characters"
            )));
        }
        if !COLUMNS.iter().any(|(list, _)| *list == self.column) {
            return Err(Reject::new("a card goes in To do, Doing or Done"));
        }
        let digits = self
            .rank
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
        if !digits || self.rank.is_empty() || self.rank.len() > MAX_RANK || self.rank.ends_with('0')
        {
            return Err(Reject::new(
                "that place in the column is not valid: reload the board and move the card again",
            ));
        }
        Ok(())
    }

    fn move_to(&self, to: Move) -> Result<Card, Reject> {
        Ok(Card {
            column: to.list,
            rank: to.rank,
            ..self.clone()
        })
    }
}
