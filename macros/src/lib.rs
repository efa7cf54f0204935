//! Derive macros for rtux: `#[derive(rtux::Model)]` and
//! `#[derive(rtux::PresenceMeta)]`.
//!
//! This crate is re-exported by `rtux` behind its default `derive` feature, the way
//! `serde` re-exports `serde_derive`; depend on `rtux`, not on this crate. The
//! attribute grammar, with a complete example, is in `docs/derive.md` and on the
//! derives below.
//!
//! Inside: `ast` reads the input and its `#[rtux(...)]` attributes, `check`
//! applies the UX rules and gives a plain `model`, `expand` writes code from
//! it. Errors go to one context (`ctxt`) and are reported together, with
//! fallback impls so one mistake is one error.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod model;
mod types;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// A real-time resource from a struct: `rtux::model::Model` (topic, id,
/// version, typed actions, field merge, validation) and
/// `rtux::ui::SkeletonView` (its loading skeleton).
///
/// ```ignore
/// #[derive(Clone, serde::Serialize, serde::Deserialize, rtux::Model)]
/// #[rtux(topic = "notes:*", view = "note.html", presence = "Viewer")]
/// #[rtux(action(
///     add(kind = "insert"),
///     save(kind = "editable"),
///     delete(kind = "undoable_delete", undo_window = "5s"),
///     send(kind = "confirm_first", with = "Note::send"),
/// ))]
/// struct Note {
///     id: String,
///     version: i64,
///     #[rtux(skeleton = "title")]
///     title: String,
///     #[rtux(skeleton = "lines(3)")]
///     body: String,
///     #[rtux(optimistic = "toggle")]
///     done: bool,
///     #[rtux(merge = "set_union")]
///     tags: Vec<String>,
/// }
/// ```
///
/// Struct keys: `topic` (required), `view`, `presence`, `validate`,
/// `undo_window`, `drafts` (or `drafts = "7d"`), `action(NAME(kind, with, undo_window, irreversible,
/// reversible), …)`. Field keys: `id`, `version`, `skeleton`,
/// `merge`, `optimistic`. See `docs/derive.md` for each, and the rules.
#[proc_macro_derive(Model, attributes(rtux))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_resource(&input).into()
}

/// A typed presence meta: `rtux::presence::PresenceMeta`.
///
/// ```ignore
/// #[derive(rtux::PresenceMeta)]
/// #[rtux(typing_expiry = "3s", cursor_rate = 10)]
/// struct Viewer {
///     #[rtux(name)] name: String,
///     #[rtux(avatar)] avatar: Option<String>,
///     #[rtux(color)] color: String,
///     #[rtux(status)] status: rtux::presence::Status,
///     #[rtux(typing)] typing: bool,
///     #[rtux(active_field)] field: Option<String>,
///     #[rtux(cursor)] cursor: Option<serde_json::Value>,
///     role: String,
/// }
/// ```
///
/// Struct keys: `typing_expiry` (3–5 s), `cursor_rate` (1–10 per second).
/// Field roles: `name` (from the token), `avatar`, `color` (the user's
/// colour), `status`, `typing`, `active_field`, `cursor`; other fields come
/// from the join payload's `meta`.
#[proc_macro_derive(PresenceMeta, attributes(rtux))]
pub fn derive_presence_meta(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_presence(&input).into()
}
