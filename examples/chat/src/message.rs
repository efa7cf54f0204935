//! A message in a room: a real-time resource from a struct.

use rtux::action::Reject;
use serde::{Deserialize, Serialize};

/// The longest message, in characters.
pub const MAX_TEXT: usize = 2000;

/// A message. Saying one is an optimistic insert: it shows at once, pending,
/// and is kept (across a dropped connection or a reload) until the server
/// has it; the server's ledger applies it once however often it is resent.
/// Its author is who wrote it, from their token (the item view's `by`),
/// never a field a client sends.
///
/// ```
/// use chat::Message;
/// let hello = Message { id: "1".into(), version: 1, text: "hello".into() };
/// assert!(hello.check().is_ok());
/// let blank = Message { text: " \n ".into(), ..hello };
/// assert!(blank.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "chat:*", view = "message.html", validate = "Message::check")]
#[rtux(action(say(kind = "insert")))]
pub struct Message {
    /// The store's id: time-ordered, so "newer than the last one seen" is
    /// well defined (unread counts).
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// What was said.
    #[rtux(skeleton = "lines(2)")]
    pub text: String,
}

impl Message {
    /// Refuses an empty message and one over [`MAX_TEXT`] characters.
    ///
    /// # Errors
    /// The reason, shown to whoever sent it.
    pub fn check(&self) -> Result<(), Reject> {
        let length = self.text.trim().chars().count();
        if length == 0 {
            return Err(Reject::new("a message needs some text"));
        }
        if length > MAX_TEXT {
            return Err(Reject::new(format!(
                "a message has at most {MAX_TEXT} characters: split it in two"
            )));
        }
        Ok(())
    }
}
