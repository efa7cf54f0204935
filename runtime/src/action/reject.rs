//! Why an action's handler refuses a change, in words a person reads, and the
//! field it is about when there is one (shown beside that field's input).

/// Why an action's handler refuses a change; the client gets the reason (and
/// the field, when the refusal is about one) and the record as the server has
/// it, to roll back to.
///
/// ```
/// let r = rtux::action::Reject::new("a list needs a name");
/// assert_eq!((r.reason(), r.field_name()), ("a list needs a name", None));
/// let r = rtux::action::Reject::field("title", "Enter a title.");
/// assert_eq!((r.reason(), r.field_name()), ("Enter a title.", Some("title")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    reason: String,
    field: Option<String>,
}

impl Reject {
    /// A refusal with this reason.
    pub fn new(reason: impl Into<String>) -> Reject {
        Reject {
            reason: reason.into(),
            field: None,
        }
    }

    /// A refusal of one field's value: rtux.js shows `reason` beside the
    /// input named `field` (and keeps everything typed).
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Reject {
        Reject {
            reason: reason.into(),
            field: Some(field.into()),
        }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The field the refusal is about, if any.
    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref()
    }
}
