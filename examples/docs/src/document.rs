//! The document: its heading (title and tags) and its sections, two
//! real-time resources from structs.

use rtux::action::Reject;
use serde::{Deserialize, Serialize};

/// The longest title or section heading, in characters.
pub const MAX_TITLE: usize = 120;

/// The longest section body, in characters: a save must fit the 16 KiB of
/// data a resource takes in one action (4,000 characters of up to 4 bytes).
pub const MAX_BODY: usize = 4_000;

/// At most this many tags, each of 1 to [`MAX_TAG`] characters.
pub const MAX_TAGS: usize = 12;

/// The longest tag, in characters.
pub const MAX_TAG: usize = 24;

/// The document's heading. Saves merge field by field: one person's new
/// title and another's new tag both land; tags are a set, so tags added or
/// removed by two people at once are all kept (or all gone).
///
/// ```
/// use docs::Heading;
/// let heading = Heading { id: "1".into(), version: 1, title: "Handbook".into(), tags: vec!["team".into()] };
/// assert!(heading.check().is_ok());
/// assert!(Heading { tags: vec!["".into()], ..heading }.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(
    topic = "docs:*",
    view = "heading.html",
    drafts,
    validate = "Heading::check"
)]
#[rtux(action(save(kind = "editable")))]
pub struct Heading {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// The document's title.
    #[rtux(skeleton = "title", label)]
    pub title: String,
    /// Its tags, merged as a set.
    #[rtux(merge = "set_union")]
    pub tags: Vec<String>,
}

/// A section of the document: locked while someone edits it (the others see
/// "Ana is editing" and cannot type there), its draft kept on the server as
/// it is typed (a reload, or another device, brings it back).
///
/// ```
/// use docs::Section;
/// let section = Section { id: "1".into(), version: 1, heading: "Welcome".into(), body: String::new() };
/// assert!(section.check().is_ok());
/// assert!(Section { heading: " ".into(), ..section }.check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(
    topic = "sections:*",
    view = "section.html",
    presence = "crate::Viewer",
    drafts,
    locks
)]
#[rtux(validate = "Section::check")]
#[rtux(action(save(kind = "editable")))]
pub struct Section {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// The section's heading.
    #[rtux(skeleton = "title", label)]
    pub heading: String,
    /// Its text.
    #[rtux(skeleton = "lines(4)")]
    pub body: String,
}

impl Heading {
    /// Refuses an empty or long title, and tags that are empty, long or too many.
    ///
    /// # Errors
    /// The reason, shown to whoever saved.
    pub fn check(&self) -> Result<(), Reject> {
        title(&self.title, "a document")?;
        if self.tags.len() > MAX_TAGS {
            return Err(Reject::new(format!(
                "a document has at most {MAX_TAGS} tags"
            )));
        }
        if self
            .tags
            .iter()
            .any(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG)
        {
            return Err(Reject::new(format!("a tag is 1 to {MAX_TAG} characters")));
        }
        Ok(())
    }
}

impl Section {
    /// Refuses an empty or long heading, and a body over [`MAX_BODY`].
    ///
    /// # Errors
    /// The reason, shown to whoever saved.
    pub fn check(&self) -> Result<(), Reject> {
        title(&self.heading, "a section")?;
        if self.body.chars().count() > MAX_BODY {
            return Err(Reject::new(format!(
                "a section has at most {MAX_BODY} characters"
            )));
        }
        Ok(())
    }
}

fn title(text: &str, what: &str) -> Result<(), Reject> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Reject::new(format!("{what} needs a title")));
    }
    if text.chars().count() > MAX_TITLE {
        return Err(Reject::new(format!(
            "a title has at most {MAX_TITLE} characters"
        )));
    }
    Ok(())
}
