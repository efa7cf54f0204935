//! What a derive generates from, once checked: plain data, no syntax errors left.

use std::time::Duration;

use crate::attr::Spanned;

/// A checked `#[derive(Model)]`.
pub(crate) struct ResourceModel<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) topic: String,
    pub(crate) id_key: String,
    pub(crate) version_key: String,
    pub(crate) view: Option<syn::LitStr>,
    pub(crate) presence: Option<Spanned<syn::Path>>,
    pub(crate) validate: Option<Spanned<syn::Path>>,
    pub(crate) undo_window: Option<Duration>,
    /// Drafts kept: `Some(None)` for the default time, `Some(Some(ttl))`.
    pub(crate) drafts: Option<Option<Duration>>,
    /// Records may be locked (`lock`, `unlock`).
    pub(crate) locks: bool,
    pub(crate) actions: Vec<(String, Op)>,
    pub(crate) rules: Vec<(String, Rule)>,
    pub(crate) shapes: Vec<Shape>,
    /// The field naming a record in messages (its JSON key).
    pub(crate) label: Option<String>,
    pub(crate) references: Vec<Reference>,
}

/// A field holding the id of another topic's record.
pub(crate) struct Reference {
    pub(crate) key: String,
    /// The referenced topic, as written.
    pub(crate) to: syn::Expr,
    /// An `Option` field: it may be empty.
    pub(crate) optional: bool,
    /// `on_delete = "clear"`.
    pub(crate) clear: bool,
}

/// An action as the builder registers it.
pub(crate) enum Op {
    Create,
    Insert(Spanned<syn::Path>),
    ServerCorrects(Spanned<syn::Path>),
    Pending(Spanned<syn::Path>),
    Replace,
    ConfirmFirst(Spanned<syn::Path>),
    UndoableDelete(Option<Duration>),
    ConfirmedDelete,
    Editable,
    Toggle(String),
    Increment(String),
}

/// A field's merge rule, other than atomic.
#[derive(Clone, Copy)]
pub(crate) enum Rule {
    SetUnion,
    Skip,
}

/// A skeleton shape (the runtime's `ui::Skeleton`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Shape {
    Avatar,
    Title,
    Lines(usize),
    Badge,
    Number,
    Image,
    Block,
    Card,
}

/// A checked `#[derive(PresenceMeta)]`.
pub(crate) struct PresenceModel<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) fields: Vec<MetaField<'a>>,
    pub(crate) typing_ttl: Option<Duration>,
    pub(crate) cursor_interval: Option<Duration>,
}

/// A presence meta field: its key, and where its value comes from on join.
pub(crate) struct MetaField<'a> {
    pub(crate) ident: &'a syn::Ident,
    pub(crate) ty: &'a syn::Type,
    pub(crate) key: String,
    pub(crate) role: Option<Role>,
}

/// The pattern role of a presence field.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Role {
    Name,
    Avatar,
    Color,
    Status,
    Typing,
    ActiveField,
    Cursor,
}

impl Role {
    pub(crate) fn parse(word: &str) -> Option<Role> {
        Some(match word {
            "name" => Role::Name,
            "avatar" => Role::Avatar,
            "color" => Role::Color,
            "status" => Role::Status,
            "typing" => Role::Typing,
            "active_field" => Role::ActiveField,
            "cursor" => Role::Cursor,
            _ => return None,
        })
    }

    /// The meta key rtux keeps this role under.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Role::Name => "name",
            Role::Avatar => "avatar",
            Role::Color => "color",
            Role::Status => "status",
            Role::Typing => "typing",
            Role::ActiveField => "active_field",
            Role::Cursor => "cursor",
        }
    }
}
