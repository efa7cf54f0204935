//! The rules: what a derive accepts, and what it refuses with an error that
//! states the rule and the fix. Every check reports to the error context and
//! goes on, so one run shows every mistake.

use std::collections::HashSet;
use std::time::Duration;

use crate::ast::{ActionAttrs, Presence, Resource, ResourceField};
use crate::attr::closest;
use crate::ctxt::Ctxt;
use crate::model::{MetaField, Op, PresenceModel, Reference, ResourceModel, Role, Rule, Shape};
use crate::types;

use rtux_rules::{ActionKind, Bounds, MAX_CURSOR_RATE, TYPING_EXPIRY, UNDO_WINDOW, Vocabulary};

const SHAPES: &[&str] = &[
    "avatar", "title", "text", "lines(N)", "badge", "number", "image", "block", "card", "none",
];
const RULES: &[&str] = &["atomic", "set_union", "skip"];
const OPTIMISTIC: &[&str] = &["toggle", "increment"];

/// Meta keys rtux writes itself (`name` from the token: never from a payload).
const KEPT_BY_RTUX: &[&str] = &[
    "name",
    "color",
    "status",
    "typing",
    "active_field",
    "cursor",
    "phx_ref",
    "phx_ref_prev",
    "online_at",
    "updated_at",
    "stale",
];

/// First words of actions that cause effects outside the app (or can't be
/// taken back): never optimistic.
const SIDE_EFFECTS: &[&str] = &[
    "send", "charge", "pay", "refund", "email", "mail", "notify", "publish", "transfer",
    "purchase", "buy", "checkout", "invite", "sms", "deploy", "sign",
];
/// First words of actions that destroy data: need an undo window or a confirmation.
const DESTRUCTIVE: &[&str] = &[
    "delete", "remove", "destroy", "purge", "erase", "wipe", "clear", "drop", "discard", "trash",
];

/// False (after one error) for a generic struct: nothing else is checked.
fn no_generics(cx: &Ctxt, input: &syn::DeriveInput, derive: &str) -> bool {
    if !input.generics.params.is_empty() {
        cx.error_at(
            &input.generics,
            format!(
                "rtux::{derive} can't be derived for a generic struct: its values are stored and sent as one concrete JSON shape; derive it on a concrete struct (its fields may be generic types with concrete arguments, such as `Item<i64>`)"
            ),
        );
        return false;
    }
    true
}

/// A string attribute value from a fixed set; "did you mean" when it is close.
fn one_of(cx: &Ctxt, lit: &syn::LitStr, what: &str, known: &[&str]) -> Option<String> {
    let value = lit.value();
    if known.contains(&value.as_str()) {
        return Some(value);
    }
    let message = match closest(&value, known) {
        Some(near) => format!("unknown {what} \"{value}\": did you mean \"{near}\"?"),
        None => format!(
            "unknown {what} \"{value}\"; expected one of: {}",
            known.join(", ")
        ),
    };
    cx.error_at(lit, message);
    None
}

fn in_range<A: quote::ToTokens>(cx: &Ctxt, at: &A, value: Duration, b: &Bounds) {
    if let Err(message) = b.check(value) {
        cx.error_at(at, message);
    }
}

/// Checks a resource; `None` if anything is wrong (the errors are in `cx`).
pub(crate) fn resource<'a>(cx: &Ctxt, r: &Resource<'a>) -> Option<ResourceModel<'a>> {
    if !no_generics(cx, r.input, "Model") {
        return None;
    }
    let topic = r.topic.as_ref().map(|t| topic(cx, t));
    if r.topic.is_none() && !r.unknown_keys {
        cx.error_at(
            &r.input.ident,
            "missing `#[rtux(topic = \"…\")]`: the topic pattern clients join, such as \"notes:*\"",
        );
    }
    if let Some(w) = &r.undo_window {
        in_range(cx, w, w.value, &UNDO_WINDOW);
    }
    let id = key_field(cx, r, "id", |f| f.id.as_ref());
    let version = key_field(cx, r, "version", |f| f.version.as_ref());
    if let Some(f) = id
        && !types::is_id(&f.of.field.ty)
    {
        cx.error_at(
                &f.of.field.ty,
                format!("the id field holds the id the store assigns (a string): make `{}` a String or a uuid::Uuid", f.of.ident),
            );
    }
    if let Some(f) = version
        && !types::is_version(&f.of.field.ty)
    {
        cx.error_at(
            &f.of.field.ty,
            format!(
                "the version field holds the store's version, an i64: make `{}` an i64",
                f.of.ident
            ),
        );
    }
    let is_key = |f: &ResourceField| {
        id.is_some_and(|i| std::ptr::eq(i, f)) || version.is_some_and(|v| std::ptr::eq(v, f))
    };
    let mut shapes = Vec::new();
    let mut rules = Vec::new();
    let mut actions = Vec::new();
    let mut references = Vec::new();
    for f in &r.fields {
        if let Some(reference) = field_reference(cx, f, is_key(f)) {
            references.push(reference);
        }
        if let Some(shape) = field_shape(cx, f, is_key(f)) {
            shapes.push(shape);
        }
        if let Some(rule) = field_rule(cx, f, is_key(f)) {
            rules.push((f.of.key.clone(), rule));
        }
        if let Some(op) = field_optimistic(cx, f) {
            actions.push(op);
        }
    }
    for a in &r.actions {
        if let Some(op) = action(cx, a) {
            actions.push(op);
        }
    }
    unique_names(cx, r, &actions);
    let label = label(cx, r);
    if cx.failed() {
        return None;
    }
    Some(ResourceModel {
        ident: &r.input.ident,
        topic: topic??,
        id_key: id?.of.key.clone(),
        version_key: version?.of.key.clone(),
        view: r.view.clone(),
        presence: r.presence.clone(),
        validate: r.validate.clone(),
        undo_window: r.undo_window.as_ref().map(|w| w.value),
        drafts: r.drafts,
        locks: r.locks,
        actions,
        rules,
        shapes,
        label,
        references,
    })
}

/// The one field marked `label`, if any.
fn label(cx: &Ctxt, r: &Resource) -> Option<String> {
    let mut marked = r.fields.iter().filter_map(|f| Some((f, f.label.as_ref()?)));
    let first = marked.next().map(|(f, _)| f.of.key.clone());
    for (_, again) in marked {
        cx.error_at(
            again,
            "`label` names a record in messages: mark one field only",
        );
    }
    first
}

/// `references = …` (and `on_delete`) of a field.
fn field_reference(cx: &Ctxt, f: &ResourceField, is_key: bool) -> Option<Reference> {
    let Some(to) = &f.references else {
        if let Some(lit) = &f.on_delete {
            cx.error_at(
                lit,
                "`on_delete` says what deleting a referenced record does: add `references = <topic>` to this field",
            );
        }
        return None;
    };
    if is_key {
        cx.error_at(
            to,
            "the id and version fields are the store's: a reference is a field of its own",
        );
        return None;
    }
    let optional = types::is_option(&f.of.field.ty);
    let clear = match &f.on_delete {
        None => false,
        Some(lit) => one_of(cx, lit, "on_delete", &["refuse", "clear"])? == "clear",
    };
    if clear && !optional {
        cx.error_at(
            &f.of.field.ty,
            format!(
                "on_delete = \"clear\" empties `{}` when its record is deleted: make it an Option (Option<{}>)",
                f.of.ident,
                types::shown(&f.of.field.ty)
            ),
        );
        return None;
    }
    Some(Reference {
        key: f.of.key.clone(),
        to: to.clone(),
        optional,
        clear,
    })
}

fn topic(cx: &Ctxt, lit: &syn::LitStr) -> Option<String> {
    let t = lit.value();
    match rtux_rules::topic_pattern(&t) {
        Ok(_) => Some(t),
        Err(message) => {
            cx.error_at(lit, message);
            None
        }
    }
}

/// The id or version field: marked, or else named so.
fn key_field<'r, 'a>(
    cx: &Ctxt,
    r: &'r Resource<'a>,
    what: &str,
    marked: impl Fn(&'r ResourceField<'a>) -> Option<&'r syn::Path>,
) -> Option<&'r ResourceField<'a>> {
    let mut chosen: Option<&ResourceField> = None;
    for f in r.fields.iter().filter(|f| marked(f).is_some()) {
        match chosen {
            Some(first) => cx.error_at(
                marked(f),
                format!(
                    "`{}` is already the {what} field: a resource has one",
                    first.of.ident
                ),
            ),
            None => chosen = Some(f),
        }
    }
    if let Some(f) = chosen {
        if f.id.is_some() && f.version.is_some() && what == "version" {
            cx.error_at(&f.version, "one field can't be both the id and the version");
        }
        return Some(f);
    }
    let named = r.fields.iter().find(|f| f.of.ident == what);
    if named.is_none() && !r.fields.is_empty() {
        cx.error_at(
            &r.input.ident,
            format!("no {what} field: name a field `{what}` or mark one with `#[rtux({what})]`"),
        );
    }
    named
}

fn field_shape(cx: &Ctxt, f: &ResourceField, is_key: bool) -> Option<Shape> {
    let ty = &f.of.field.ty;
    let Some(lit) = &f.skeleton else {
        if is_key {
            return None;
        }
        let shape = types::default_shape(ty);
        if shape.is_none() {
            cx.error_at(
                ty,
                format!(
                    "field `{}` of type `{}` has no default skeleton shape: add `#[rtux(skeleton = \"…\")]` with one of {}",
                    f.of.ident,
                    types::shown(ty),
                    SHAPES.join(", ")
                ),
            );
        }
        return shape;
    };
    let value = lit.value();
    if let Some(n) = value
        .strip_prefix("lines(")
        .and_then(|v| v.strip_suffix(')'))
    {
        return match n.trim().parse::<usize>() {
            Ok(n @ 1..=50) => Some(Shape::Lines(n)),
            _ => {
                cx.error_at(lit, format!("`{value}`: lines(N) takes N from 1 to 50"));
                None
            }
        };
    }
    Some(match one_of(cx, lit, "skeleton shape", SHAPES)?.as_str() {
        "avatar" => Shape::Avatar,
        "title" => Shape::Title,
        "text" => Shape::Lines(1),
        "badge" => Shape::Badge,
        "number" => Shape::Number,
        "image" => Shape::Image,
        "block" => Shape::Block,
        "card" => Shape::Card,
        _ => return None,
    })
}

fn field_rule(cx: &Ctxt, f: &ResourceField, is_key: bool) -> Option<Rule> {
    let lit = f.merge.as_ref()?;
    if is_key {
        cx.error_at(
            lit,
            "the id and version fields are the store's: they are never merged; remove `merge`",
        );
        return None;
    }
    match one_of(cx, lit, "merge rule", RULES)?.as_str() {
        "set_union" if !types::is_list(&f.of.field.ty) => {
            cx.error_at(
                lit,
                format!(
                    "set_union merges lists (Vec, HashSet, BTreeSet); `{}` is a `{}`: use \"atomic\" or \"skip\"",
                    f.of.ident,
                    types::shown(&f.of.field.ty)
                ),
            );
            None
        }
        "set_union" => Some(Rule::SetUnion),
        "skip" => Some(Rule::Skip),
        _ => None,
    }
}

fn field_optimistic(cx: &Ctxt, f: &ResourceField) -> Option<(String, Op)> {
    let lit = f.optimistic.as_ref()?;
    let ty = &f.of.field.ty;
    let key = f.of.key.clone();
    // The action is named after the Rust field (snake_case, whatever the JSON key).
    let field = f.of.ident.to_string();
    let field = field.trim_start_matches("r#");
    match one_of(cx, lit, "optimistic kind", OPTIMISTIC)?.as_str() {
        "toggle" if types::is_bool(ty) => Some((format!("toggle_{field}"), Op::Toggle(key))),
        "increment" if types::is_integer(ty) => {
            Some((format!("increment_{field}"), Op::Increment(key)))
        }
        kind => {
            let needs = if kind == "toggle" {
                "a bool"
            } else {
                "an integer"
            };
            cx.error_at(
                lit,
                format!(
                    "optimistic {kind} needs {needs}; `{}` is a `{}`",
                    f.of.ident,
                    types::shown(ty)
                ),
            );
            None
        }
    }
}

/// The first word of an action name, lowercased (`sendInvoice`, `send_invoice` → `send`).
fn first_word(name: &str) -> String {
    let mut word = String::new();
    for (i, c) in name.chars().enumerate() {
        if !c.is_alphanumeric() || (i > 0 && c.is_uppercase()) {
            break;
        }
        word.push(c.to_ascii_lowercase());
    }
    word
}

fn action(cx: &Ctxt, a: &ActionAttrs) -> Option<(String, Op)> {
    let name_at = &a.name;
    let name = name_at.to_string();
    if let Err(message) = rtux_rules::action_name(&name) {
        cx.error_at(name_at, message);
    }
    let Some(kind_lit) = &a.kind else {
        if a.unknown_keys {
            return None;
        }
        cx.error_at(
            name_at,
            format!(
                "action `{name}` needs a kind: `{name}(kind = \"…\")` with one of {}",
                ActionKind::names().join(", ")
            ),
        );
        return None;
    };
    let kind = one_of(cx, kind_lit, "action kind", &ActionKind::names())?;
    let kind = ActionKind::from_name(&kind)?;
    if a.irreversible.is_some() && a.reversible.is_some() {
        cx.error_at(
            &a.reversible,
            "an action is either `irreversible` or `reversible`, not both",
        );
    }
    let word = first_word(&name);
    let optimistic = kind.optimistic();
    let side_effect = a.irreversible.is_some()
        || (a.reversible.is_none() && SIDE_EFFECTS.contains(&word.as_str()));
    if optimistic && side_effect {
        let why = if a.irreversible.is_some() {
            "marked irreversible".to_owned()
        } else {
            format!("`{word}` has effects outside the app")
        };
        cx.error_at(
            kind_lit,
            format!("action `{name}` can't be optimistic ({why}): the user would see it done before it is, and it can't be rolled back. Use kind = \"confirm_first\" (or mark it `reversible` if it only looks irreversible)"),
        );
    }
    if optimistic && a.reversible.is_none() && DESTRUCTIVE.contains(&word.as_str()) {
        cx.error_at(
            kind_lit,
            format!("action `{name}` looks destructive (`{word}`) but its kind can't be undone: use kind = \"undoable_delete\" (it can be undone for a while) or \"confirmed_delete\" (the user confirms first), or kind = \"confirm_first\" (or mark it `reversible` if it only looks destructive)"),
        );
    }
    if let Some(w) = &a.undo_window {
        if kind == ActionKind::UndoableDelete {
            in_range(cx, w, w.value, &UNDO_WINDOW);
        } else {
            cx.error_at(w, "only an undoable delete waits out an undo window before it runs: use kind = \"undoable_delete\"");
        }
    }
    let kind_name = kind.name();
    let op = match (kind, a.with.clone()) {
        (ActionKind::Insert, Some(w)) => Op::Insert(w),
        (ActionKind::Insert, None) => Op::Create,
        (ActionKind::Pending, Some(w)) => Op::Pending(w),
        (ActionKind::Pending, None) => Op::Replace,
        (ActionKind::ServerCorrects, Some(w)) => Op::ServerCorrects(w),
        (ActionKind::ConfirmFirst, Some(w)) => Op::ConfirmFirst(w),
        (ActionKind::UndoableDelete, None) => {
            Op::UndoableDelete(a.undo_window.as_ref().map(|w| w.value))
        }
        (ActionKind::ConfirmedDelete, None) => Op::ConfirmedDelete,
        (ActionKind::Editable, None) => Op::Editable,
        (ActionKind::ServerCorrects | ActionKind::ConfirmFirst, None) => {
            cx.error_at(name_at, format!("kind = \"{kind_name}\" needs a handler: `with = \"path::to::handler\"`, a fn(&Self, Params) -> Result<Self, rtux::action::Reject>"));
            return None;
        }
        (
            ActionKind::UndoableDelete | ActionKind::ConfirmedDelete | ActionKind::Editable,
            Some(w),
        ) => {
            cx.error_at(
                &w,
                format!("kind = \"{kind_name}\" takes no handler: remove `with`"),
            );
            return None;
        }
    };
    Some((name, op))
}

fn unique_names(cx: &Ctxt, r: &Resource, actions: &[(String, Op)]) {
    let mut seen = HashSet::new();
    for (name, _) in actions {
        if !seen.insert(name.as_str()) {
            let at = r
                .actions
                .iter()
                .map(|a| &a.name)
                .rfind(|n| *n == name.as_str())
                .map(quote::ToTokens::to_token_stream)
                .unwrap_or_else(|| quote::ToTokens::to_token_stream(&r.input.ident));
            cx.error_at(at, format!("two actions are named `{name}`: action names are the events clients send, and must differ"));
        }
    }
}

/// Checks a presence meta; `None` if anything is wrong.
pub(crate) fn presence<'a>(cx: &Ctxt, p: &Presence<'a>) -> Option<PresenceModel<'a>> {
    if !no_generics(cx, p.input, "PresenceMeta") {
        return None;
    }
    if let Some(t) = &p.typing_expiry {
        in_range(cx, t, t.value, &TYPING_EXPIRY);
    }
    if let Some(rate) = &p.cursor_rate {
        if rate.value > MAX_CURSOR_RATE {
            cx.error_at(rate, format!("a cursor rate of {}/s is above {MAX_CURSOR_RATE}/s: more floods every viewer for no visible gain; use 10 or less", rate.value));
        } else if rate.value == 0 {
            cx.error_at(rate, "a cursor rate of 0/s sends no cursor: use 1 to 10");
        }
    }
    let mut fields = Vec::new();
    let mut taken: Vec<(Role, &syn::Ident)> = Vec::new();
    for f in &p.fields {
        let role = f.role.as_ref().and_then(|path| {
            let role = Role::parse(&path.get_ident()?.to_string())?;
            if let Some((_, other)) = taken.iter().find(|(r, _)| *r == role) {
                cx.error_at(
                    path,
                    format!(
                        "`{}` is already the role of field `{other}`: a meta has one",
                        role.key()
                    ),
                );
            }
            taken.push((role, f.of.ident));
            Some(role)
        });
        let key = role.map_or_else(|| f.of.key.clone(), |r| r.key().to_owned());
        if role.is_none() && !f.marked && KEPT_BY_RTUX.contains(&key.as_str()) {
            cx.error_at(
                f.of.ident,
                format!("`{key}` is a meta field rtux keeps itself: mark the field with its role (`#[rtux({key})]`) if it is one, or rename it"),
            );
        }
        fields.push(MetaField {
            ident: f.of.ident,
            ty: &f.of.field.ty,
            key,
            role,
        });
    }
    if cx.failed() {
        return None;
    }
    Some(PresenceModel {
        ident: &p.input.ident,
        fields,
        typing_ttl: p.typing_expiry.as_ref().map(|t| t.value),
        cursor_interval: p
            .cursor_rate
            .as_ref()
            .map(|r| Duration::from_millis(1000 / r.value.max(1))),
    })
}

#[cfg(test)]
mod tests {
    use super::first_word;

    #[test]
    fn first_words() {
        assert_eq!(first_word("send_invoice"), "send");
        assert_eq!(first_word("sendInvoice"), "send");
        assert_eq!(first_word("delete"), "delete");
        assert_eq!(first_word("sender-update"), "sender");
    }
}
