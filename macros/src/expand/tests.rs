//! Snapshots of what the derives write, one fixture per feature, formatted
//! with prettyplease. Review a changed snapshot like code.

use syn::parse_quote;

fn pretty(tokens: proc_macro2::TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => panic!("the expansion does not parse as Rust ({e}): {tokens}"),
    }
}

fn resource(input: syn::DeriveInput) -> String {
    pretty(super::derive_resource(&input))
}

fn presence(input: syn::DeriveInput) -> String {
    pretty(super::derive_presence(&input))
}

#[test]
fn identity_and_topic() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "notes:*")]
        struct Note {
            id: String,
            version: i64,
            title: String,
        }
    }));
}

#[test]
fn marked_id_and_version_and_serde_renames() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "board:main")]
        struct Card {
            #[rtux(id)]
            #[serde(rename = "cardId")]
            key: uuid::Uuid,
            #[rtux(version)]
            rev: i64,
            #[serde(rename = "isDone")]
            #[rtux(optimistic = "toggle")]
            done: bool,
        }
    }));
}

#[test]
fn skeleton_shapes_by_type_and_by_attribute() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "people:*")]
        struct Person {
            id: String,
            version: i64,
            #[rtux(skeleton = "avatar")]
            photo: String,
            #[rtux(skeleton = "title")]
            name: String,
            #[rtux(skeleton = "lines(4)")]
            bio: String,
            nickname: Option<String>,
            active: bool,
            tags: Vec<String>,
            age: u32,
            score: f64,
            born: chrono::NaiveDate,
            #[rtux(skeleton = "image")]
            cover: Url,
            #[rtux(skeleton = "none")]
            secret: Hidden,
        }
    }));
}

#[test]
fn merge_rules() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "docs:*", action(save(kind = "editable")))]
        struct Doc {
            id: String,
            version: i64,
            #[rtux(merge = "atomic")]
            title: String,
            #[rtux(merge = "set_union")]
            tags: std::collections::BTreeSet<String>,
            #[rtux(merge = "skip")]
            views: u64,
        }
    }));
}

#[test]
fn optimistic_fields() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "todos:*")]
        struct Todo {
            id: String,
            version: i64,
            #[rtux(optimistic = "toggle")]
            done: bool,
            #[rtux(optimistic = "increment")]
            votes: i64,
        }
    }));
}

#[test]
fn every_action_kind() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "orders:*")]
        #[rtux(action(
            add(kind = "insert"),
            quick_add(kind = "insert", with = "Order::quick"),
            rename(kind = "pending", with = "Order::rename"),
            replace(kind = "pending"),
            bump(kind = "server_corrects", with = "Order::bump"),
            send_invoice(kind = "confirm_first", with = "billing::send"),
            cancel(kind = "undoable_delete", undo_window = "10s"),
            purge(kind = "confirmed_delete"),
            save(kind = "editable"),
        ))]
        struct Order {
            id: String,
            version: i64,
            total: i64,
        }
    }));
}

#[test]
fn resource_options() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "notes:*", view = "note.html", presence = "crate::Viewer")]
        #[rtux(validate = "Note::validate", undo_window = "8s", drafts = "7d", locks)]
        #[rtux(action(delete(kind = "undoable_delete")))]
        struct Note {
            id: String,
            version: i64,
            title: String,
        }
    }));
}

#[test]
fn references_and_label() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "tasks:*")]
        struct Task {
            id: String,
            version: i64,
            #[rtux(label)]
            title: String,
            #[rtux(references = crate::people::PAGE_TOPIC)]
            owner: String,
            #[rtux(references = "people:all", on_delete = "clear")]
            reviewer: Option<String>,
        }
    }));
}

#[test]
fn presence_meta_with_every_role_and_timings() {
    insta::assert_snapshot!(presence(parse_quote! {
        #[rtux(typing_expiry = "4s", cursor_rate = 8)]
        struct Viewer {
            #[rtux(name)]
            name: String,
            #[rtux(avatar)]
            avatar: Option<String>,
            #[rtux(color)]
            colour: String,
            #[rtux(status)]
            status: rtux::presence::Status,
            #[rtux(typing)]
            typing: bool,
            #[rtux(active_field)]
            editing: Option<String>,
            #[rtux(cursor)]
            cursor: Option<serde_json::Value>,
            role: String,
        }
    }));
}

#[test]
fn presence_meta_with_defaults() {
    insta::assert_snapshot!(presence(parse_quote! {
        struct Here {
            #[rtux(name)]
            name: String,
        }
    }));
}

#[test]
fn errors_come_with_fallback_impls() {
    insta::assert_snapshot!(resource(parse_quote! {
        #[rtux(topic = "notes:*", action(send(kind = "pending", with = "Note::send")))]
        struct Note {
            id: String,
            version: i64,
            #[rtux(skelton = "title")]
            title: String,
        }
    }));
    insta::assert_snapshot!(
        "presence_fallback",
        presence(parse_quote! {
            #[rtux(cursor_rate = 30)]
            struct Viewer {
                #[rtux(name)]
                name: String,
            }
        })
    );
}
