//! A derived resource and presence meta: what `#[derive(rtux::Model)]` and
//! `#[derive(rtux::PresenceMeta)]` give, driven end to end by the tests.

use std::sync::Arc;

use rtux::action::Reject;
use rtux::presence::Status;
use rtux::ui::Views;
use rtux::ui::minijinja::Environment;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The views of the tests' app, the environment its pages render with:
/// `note.html`, `Note`'s item view, includes a partial that uses an app
/// filter, so a patch renders only if it goes through this environment.
pub fn note_views() -> Views {
    let mut env = Environment::new();
    env.add_filter("stars", |n: u64| "★".repeat(n.min(5) as usize));
    let views = [
        ("note.html", include_str!("../views/note.html")),
        ("note_title.html", include_str!("../views/note_title.html")),
    ];
    for (name, source) in views {
        if let Err(e) = env.add_template(name, source) {
            panic!("tests/views/{name} does not parse: {e:#}");
        }
    }
    Arc::new(env)
}

/// A shared note: every action kind, every merge rule, skeleton shapes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, rtux::Model)]
#[rtux(topic = "notes:*", view = "note.html", presence = "Viewer")]
#[rtux(validate = "Note::validate")]
#[rtux(action(
    add(kind = "insert"),
    rename(kind = "pending", with = "Note::rename"),
    replace(kind = "pending"),
    star(kind = "server_corrects", with = "Note::star"),
    send_copy(kind = "confirm_first", with = "Note::send_copy"),
    delete(kind = "undoable_delete", undo_window = "1500ms"),
    purge(kind = "confirmed_delete"),
    save(kind = "editable"),
))]
pub struct Note {
    /// The store's id.
    pub id: String,
    /// The store's version.
    pub version: i64,
    /// The title.
    #[rtux(skeleton = "title")]
    pub title: String,
    /// The body.
    #[rtux(skeleton = "lines(3)")]
    #[serde(default)]
    pub body: String,
    /// Done or not: an optimistic toggle.
    #[rtux(optimistic = "toggle")]
    #[serde(default)]
    pub done: bool,
    /// Tags, merged as a set.
    #[rtux(merge = "set_union")]
    #[serde(default)]
    pub tags: Vec<String>,
    /// Stars, bumped by the server; a save never changes them.
    #[rtux(merge = "skip", optimistic = "increment")]
    #[serde(default)]
    pub stars: i64,
    /// Who it was sent to (by `send_copy`).
    #[serde(default, rename = "sentTo")]
    pub sent_to: Option<String>,
}

/// Params of `rename`.
#[derive(Debug, Deserialize)]
pub struct Rename {
    /// The new title.
    pub title: String,
}

/// Params of `star` and `send_copy`.
#[derive(Debug, Deserialize)]
pub struct To {
    /// A recipient.
    pub to: String,
}

impl Note {
    fn validate(&self) -> Result<(), Reject> {
        if self.title.trim().is_empty() {
            return Err(Reject::new("a note needs a title"));
        }
        Ok(())
    }

    fn rename(&self, p: Rename) -> Result<Note, Reject> {
        Ok(Note {
            title: p.title,
            ..self.clone()
        })
    }

    fn star(&self, _: Value) -> Result<Note, Reject> {
        Ok(Note {
            stars: self.stars + 10,
            ..self.clone()
        })
    }

    fn send_copy(&self, p: To) -> Result<Note, Reject> {
        Ok(Note {
            sent_to: Some(p.to),
            ..self.clone()
        })
    }
}

/// Who is on a notes board.
#[derive(Debug, Clone, PartialEq, rtux::PresenceMeta)]
#[rtux(typing_expiry = "4s", cursor_rate = 5)]
pub struct Viewer {
    /// From the token.
    #[rtux(name)]
    pub name: String,
    /// From the join payload.
    #[rtux(avatar)]
    pub avatar: Option<String>,
    /// The user's colour.
    #[rtux(color)]
    pub colour: String,
    /// Active or idle.
    #[rtux(status)]
    pub status: Status,
    /// Typing now.
    #[rtux(typing)]
    pub typing: bool,
    /// The field being edited.
    #[rtux(active_field)]
    pub editing: Option<String>,
    /// Where the pointer is.
    #[rtux(cursor)]
    pub cursor: Option<Value>,
    /// The app's own field, from the join payload.
    pub role: String,
}
