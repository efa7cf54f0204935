//! The derive input as rtux reads it: named fields and their `#[rtux(...)]`
//! attributes, parsed but not yet checked against the rules.

use std::time::Duration;

use syn::meta::ParseNestedMeta;
use syn::{DeriveInput, LitStr, Token};

use crate::attr::{self, Attr, Spanned};
use crate::ctxt::Ctxt;

/// Container keys of `#[derive(Model)]`.
pub(crate) const RESOURCE_KEYS: &[&str] = &[
    "topic",
    "view",
    "presence",
    "validate",
    "undo_window",
    "drafts",
    "locks",
    "action",
];
/// Field keys of `#[derive(Model)]`.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "id",
    "version",
    "skeleton",
    "merge",
    "optimistic",
    "references",
    "on_delete",
    "label",
];
/// Keys of one action, `action(name(...))`.
pub(crate) const ACTION_KEYS: &[&str] =
    &["kind", "with", "undo_window", "irreversible", "reversible"];
/// Container keys of `#[derive(PresenceMeta)]`.
pub(crate) const PRESENCE_KEYS: &[&str] = &["typing_expiry", "cursor_rate"];
/// Field keys of `#[derive(PresenceMeta)]`: the pattern roles.
pub(crate) const ROLE_KEYS: &[&str] = &[
    "name",
    "avatar",
    "color",
    "status",
    "typing",
    "active_field",
    "cursor",
];

/// A named field and the JSON key it is stored under.
pub(crate) struct Field<'a> {
    pub(crate) field: &'a syn::Field,
    pub(crate) ident: &'a syn::Ident,
    pub(crate) key: String,
}

/// `#[derive(Model)]` as written.
pub(crate) struct Resource<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) topic: Option<LitStr>,
    pub(crate) view: Option<LitStr>,
    pub(crate) presence: Option<Spanned<syn::Path>>,
    pub(crate) validate: Option<Spanned<syn::Path>>,
    pub(crate) undo_window: Option<Spanned<Duration>>,
    /// `drafts` (kept 30 days) or `drafts = "7d"`: `Some(None)` and `Some(Some(ttl))`.
    pub(crate) drafts: Option<Option<Duration>>,
    /// `locks`: records may be locked while someone edits them.
    pub(crate) locks: bool,
    pub(crate) actions: Vec<ActionAttrs>,
    pub(crate) fields: Vec<ResourceField<'a>>,
    /// An unknown struct key was reported (it may have been the topic).
    pub(crate) unknown_keys: bool,
}

/// One action: `name(kind = "…", …)` inside `action(...)`. The name leads
/// so that every key sits under a path of its own (clippy's
/// `duplicated_attributes` would flag two actions sharing `kind = "pending"`).
pub(crate) struct ActionAttrs {
    pub(crate) name: syn::Ident,
    pub(crate) kind: Option<LitStr>,
    pub(crate) with: Option<Spanned<syn::Path>>,
    pub(crate) undo_window: Option<Spanned<Duration>>,
    pub(crate) irreversible: Option<syn::Path>,
    pub(crate) reversible: Option<syn::Path>,
    /// An unknown key was reported (it may have been the kind).
    pub(crate) unknown_keys: bool,
}

/// A field of a resource and its attributes.
pub(crate) struct ResourceField<'a> {
    pub(crate) of: Field<'a>,
    pub(crate) id: Option<syn::Path>,
    pub(crate) version: Option<syn::Path>,
    pub(crate) skeleton: Option<LitStr>,
    pub(crate) merge: Option<LitStr>,
    pub(crate) optimistic: Option<LitStr>,
    /// `references = <topic expression>`.
    pub(crate) references: Option<syn::Expr>,
    pub(crate) on_delete: Option<LitStr>,
    pub(crate) label: Option<syn::Path>,
}

/// `#[derive(PresenceMeta)]` as written.
pub(crate) struct Presence<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) typing_expiry: Option<Spanned<Duration>>,
    pub(crate) cursor_rate: Option<Spanned<u64>>,
    pub(crate) fields: Vec<PresenceField<'a>>,
}

/// A field of a presence meta and its pattern role, if it has one.
pub(crate) struct PresenceField<'a> {
    pub(crate) of: Field<'a>,
    pub(crate) role: Option<syn::Path>,
    /// The field has `#[rtux(...)]` attributes, right or wrong.
    pub(crate) marked: bool,
}

/// Runs `f` on every key of every `#[rtux(...)]` attribute in `attrs`.
fn each_key(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut f: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("rtux")) {
        if let Err(e) = attr.parse_nested_meta(|meta| f(&meta)) {
            cx.syn_error(e);
        }
    }
}

/// The named fields of a struct; anything else is an error.
fn named_fields<'a>(cx: &Ctxt, input: &'a DeriveInput, derive: &str) -> Vec<Field<'a>> {
    let syn::Data::Struct(data) = &input.data else {
        cx.error_at(
            &input.ident,
            format!("rtux::{derive} can be derived for structs with named fields only"),
        );
        return Vec::new();
    };
    let syn::Fields::Named(named) = &data.fields else {
        cx.error_at(
            &input.ident,
            format!("rtux::{derive} needs named fields (`struct Note {{ id: String, … }}`): each field is a JSON key"),
        );
        return Vec::new();
    };
    if let Some(rename_all) = serde_value(&input.attrs, "rename_all") {
        cx.error_at(
            &rename_all,
            "rtux reads each field's JSON name from the field: `#[serde(rename_all)]` is not supported; rename fields one by one with `#[serde(rename = \"…\")]`",
        );
    }
    named
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let key = serde_value(&field.attrs, "rename")
                .map(|lit| lit.value())
                .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
            Some(Field { field, ident, key })
        })
        .collect()
}

/// The string value of `#[serde(key = "...")]`, if present (other serde keys
/// are serde's business and skipped).
fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<LitStr> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // A malformed serde attribute is reported by serde itself.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) && meta.input.peek(Token![=]) {
                found = Some(attr::string(&meta)?);
                Ok(())
            } else {
                attr::skip(&meta)
            }
        });
    }
    found
}

impl<'a> Resource<'a> {
    pub(crate) fn parse(cx: &Ctxt, input: &'a DeriveInput) -> Resource<'a> {
        let mut topic = Attr::none(cx, "topic");
        let mut view = Attr::none(cx, "view");
        let mut presence = Attr::none(cx, "presence");
        let mut validate = Attr::none(cx, "validate");
        let mut undo_window = Attr::none(cx, "undo_window");
        let mut drafts = Attr::none(cx, "drafts");
        let mut locks = Attr::none(cx, "locks");
        let mut actions = Vec::new();
        let mut unknown_keys = false;
        each_key(cx, &input.attrs, |meta| {
            let p = &meta.path;
            if p.is_ident("topic") {
                topic.set(p, attr::string(meta)?);
            } else if p.is_ident("view") {
                view.set(p, attr::string(meta)?);
            } else if p.is_ident("presence") {
                if let Some(path) = attr::path(cx, meta)? {
                    presence.set(p, path);
                }
            } else if p.is_ident("validate") {
                if let Some(path) = attr::path(cx, meta)? {
                    validate.set(p, path);
                }
            } else if p.is_ident("undo_window") {
                if let Some(d) = attr::duration(cx, meta)? {
                    undo_window.set(p, d);
                }
            } else if p.is_ident("drafts") {
                if meta.input.peek(Token![=]) {
                    if let Some(d) = attr::duration(cx, meta)? {
                        drafts.set(p, Some(d.value));
                    }
                } else {
                    drafts.set(p, None);
                }
            } else if p.is_ident("locks") {
                locks.set(p, ());
            } else if p.is_ident("action") {
                meta.parse_nested_meta(|one| {
                    if let Some(action) = ActionAttrs::parse(cx, &one)? {
                        actions.push(action);
                    }
                    Ok(())
                })?;
            } else if FIELD_KEYS.contains(&path_name(p).as_str()) {
                cx.error_at(
                    p,
                    format!(
                        "`{}` is a field attribute: put it on the field",
                        path_name(p)
                    ),
                );
                attr::skip(meta)?;
            } else {
                unknown_keys = true;
                attr::unknown(cx, meta, "resource", RESOURCE_KEYS)?;
            }
            Ok(())
        });
        let fields = named_fields(cx, input, "Model")
            .into_iter()
            .map(|of| ResourceField::parse(cx, of))
            .collect();
        Resource {
            input,
            topic: topic.get(),
            view: view.get(),
            presence: presence.get(),
            validate: validate.get(),
            undo_window: undo_window.get(),
            drafts: drafts.get(),
            locks: locks.get().is_some(),
            actions,
            fields,
            unknown_keys,
        }
    }
}

fn path_name(path: &syn::Path) -> String {
    path.get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

impl ActionAttrs {
    fn parse(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<ActionAttrs>> {
        let Some(action) = meta.path.get_ident() else {
            cx.error_at(
                &meta.path,
                "an action is named by an identifier: `action(archive(kind = \"pending\", …))`",
            );
            return attr::skip(meta).map(|()| None);
        };
        if !meta.input.peek(syn::token::Paren) {
            cx.error_at(
                action,
                format!(
                    "action `{action}` needs a kind: `{action}(kind = \"…\")` with one of {}",
                    <rtux_rules::ActionKind as rtux_rules::Vocabulary>::names().join(", ")
                ),
            );
            return attr::skip(meta).map(|()| None);
        }
        let mut kind = Attr::none(cx, "kind");
        let mut with = Attr::none(cx, "with");
        let mut undo_window = Attr::none(cx, "undo_window");
        let mut irreversible = Attr::none(cx, "irreversible");
        let mut reversible = Attr::none(cx, "reversible");
        let mut unknown_keys = false;
        meta.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("kind") {
                kind.set(p, attr::string(&meta)?);
            } else if p.is_ident("with") {
                if let Some(path) = attr::path(cx, &meta)? {
                    with.set(p, path);
                }
            } else if p.is_ident("undo_window") {
                if let Some(d) = attr::duration(cx, &meta)? {
                    undo_window.set(p, d);
                }
            } else if p.is_ident("irreversible") {
                irreversible.set(p, p.clone());
            } else if p.is_ident("reversible") {
                reversible.set(p, p.clone());
            } else {
                unknown_keys = true;
                attr::unknown(cx, &meta, "action", ACTION_KEYS)?;
            }
            Ok(())
        })?;
        Ok(Some(ActionAttrs {
            name: action.clone(),
            kind: kind.get(),
            with: with.get(),
            undo_window: undo_window.get(),
            irreversible: irreversible.get(),
            reversible: reversible.get(),
            unknown_keys,
        }))
    }
}

impl<'a> ResourceField<'a> {
    fn parse(cx: &Ctxt, of: Field<'a>) -> ResourceField<'a> {
        let mut id = Attr::none(cx, "id");
        let mut version = Attr::none(cx, "version");
        let mut skeleton = Attr::none(cx, "skeleton");
        let mut merge = Attr::none(cx, "merge");
        let mut optimistic = Attr::none(cx, "optimistic");
        let mut references = Attr::none(cx, "references");
        let mut on_delete = Attr::none(cx, "on_delete");
        let mut label = Attr::none(cx, "label");
        each_key(cx, &of.field.attrs, |meta| {
            let p = &meta.path;
            if p.is_ident("id") {
                id.set(p, p.clone());
            } else if p.is_ident("version") {
                version.set(p, p.clone());
            } else if p.is_ident("skeleton") {
                skeleton.set(p, attr::string(meta)?);
            } else if p.is_ident("merge") {
                merge.set(p, attr::string(meta)?);
            } else if p.is_ident("optimistic") {
                optimistic.set(p, attr::string(meta)?);
            } else if p.is_ident("references") {
                references.set(p, meta.value()?.parse::<syn::Expr>()?);
            } else if p.is_ident("on_delete") {
                on_delete.set(p, attr::string(meta)?);
            } else if p.is_ident("label") {
                label.set(p, p.clone());
            } else if RESOURCE_KEYS.contains(&path_name(p).as_str()) {
                cx.error_at(
                    p,
                    format!(
                        "`{}` is a struct attribute: put it on the struct, beside `#[rtux(topic = …)]`",
                        path_name(p)
                    ),
                );
                attr::skip(meta)?;
            } else {
                attr::unknown(cx, meta, "field", FIELD_KEYS)?;
            }
            Ok(())
        });
        ResourceField {
            of,
            id: id.get(),
            version: version.get(),
            skeleton: skeleton.get(),
            merge: merge.get(),
            optimistic: optimistic.get(),
            references: references.get(),
            on_delete: on_delete.get(),
            label: label.get(),
        }
    }
}

impl<'a> Presence<'a> {
    pub(crate) fn parse(cx: &Ctxt, input: &'a DeriveInput) -> Presence<'a> {
        let mut typing_expiry = Attr::none(cx, "typing_expiry");
        let mut cursor_rate = Attr::none(cx, "cursor_rate");
        each_key(cx, &input.attrs, |meta| {
            let p = &meta.path;
            if p.is_ident("typing_expiry") {
                if let Some(d) = attr::duration(cx, meta)? {
                    typing_expiry.set(p, d);
                }
            } else if p.is_ident("cursor_rate") {
                cursor_rate.set(p, attr::integer(meta)?);
            } else {
                attr::unknown(cx, meta, "presence", PRESENCE_KEYS)?;
            }
            Ok(())
        });
        let fields = named_fields(cx, input, "PresenceMeta")
            .into_iter()
            .map(|of| {
                let mut role: Option<syn::Path> = None;
                each_key(cx, &of.field.attrs, |meta| {
                    let p = &meta.path;
                    let name = path_name(p);
                    if !ROLE_KEYS.contains(&name.as_str()) {
                        return attr::unknown(cx, meta, "presence field", ROLE_KEYS);
                    }
                    if !(meta.input.is_empty() || meta.input.peek(Token![,])) {
                        cx.error_at(
                            p,
                            format!("`{name}` takes no value: write `#[rtux({name})]`"),
                        );
                        return attr::skip(meta);
                    }
                    match &role {
                        Some(earlier) => cx.error_at(
                            p,
                            format!(
                                "a field has one presence role; this one is already `{}`",
                                path_name(earlier)
                            ),
                        ),
                        None => role = Some(p.clone()),
                    }
                    Ok(())
                });
                let marked = of.field.attrs.iter().any(|a| a.path().is_ident("rtux"));
                PresenceField { of, role, marked }
            })
            .collect();
        Presence {
            input,
            typing_expiry: typing_expiry.get(),
            cursor_rate: cursor_rate.get(),
            fields,
        }
    }
}
