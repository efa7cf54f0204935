//! A large topic's presence in brief: what an avatar stack, a "N people viewing"
//! line and a typing indicator show, in a payload whose size does not grow with
//! the room.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::diff::Meta;
use crate::ui::AVATARS_SHOWN;

/// How many typing users a summary names (the indicator says "Ana and N others
/// are typing": one name and the count would do; three let a client skip itself).
pub const TYPING_SHOWN: usize = 3;

/// The `presence_summary` payload of a topic whose users are `users` (key →
/// metas, in key order):
///
/// ```json
/// {"count": 10000, "typing": 2,
///  "presences": {"ana": {"metas": [...]}, ...}}
/// ```
///
/// `count` is how many users (keys) are present, `typing` how many of them are
/// typing, and `presences` holds every meta of the first [`AVATARS_SHOWN`] users
/// and of the first [`TYPING_SHOWN`] typing users, in the shape of
/// `presence_state`.
pub(super) fn summary<'a, M>(
    users: &'a BTreeMap<String, Vec<M>>,
    meta: impl Fn(&'a M) -> &'a Meta,
) -> Value {
    let is_typing = |metas: &'a [M]| {
        metas
            .iter()
            .any(|m| meta(m).get("typing") == Some(&Value::Bool(true)))
    };
    let typing: Vec<&String> = users
        .iter()
        .filter(|(_, metas)| is_typing(metas))
        .map(|(key, _)| key)
        .collect();
    let shown = users
        .keys()
        .take(AVATARS_SHOWN)
        .chain(typing.iter().copied().take(TYPING_SHOWN));
    let presences: Map<String, Value> = shown
        .filter_map(|key| {
            let metas: Vec<&Meta> = users.get(key)?.iter().map(&meta).collect();
            Some((key.clone(), json!({ "metas": metas })))
        })
        .collect();
    json!({
        "count": users.len(),
        "typing": typing.len(),
        "presences": presences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(typing: bool) -> Meta {
        let mut m = Meta::new();
        m.insert("typing".into(), Value::Bool(typing));
        m
    }

    #[test]
    fn a_summary_holds_the_count_the_first_users_and_who_is_typing() {
        let mut users: BTreeMap<String, Vec<Meta>> = (0..1000)
            .map(|i| (format!("u{i:04}"), vec![meta(false)]))
            .collect();
        for key in ["u0500", "u0600", "u0700", "u0800"] {
            users.insert(key.into(), vec![meta(false), meta(true)]);
        }
        let s = summary(&users, |m| m);
        assert_eq!(s["count"], 1000);
        assert_eq!(s["typing"], 4);
        let shown: Vec<&String> = s["presences"].as_object().expect("object").keys().collect();
        assert_eq!(
            shown,
            [
                "u0000", "u0001", "u0002", "u0003", "u0004", "u0500", "u0600", "u0700"
            ],
            "five avatars and three typing users"
        );
        assert_eq!(
            s["presences"]["u0500"]["metas"].as_array().map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn a_summary_does_not_grow_with_the_room() {
        let room = |n: usize| -> BTreeMap<String, Vec<Meta>> {
            (0..n)
                .map(|i| (format!("u{i:05}"), vec![meta(i % 2 == 0)]))
                .collect()
        };
        let size = |n| serde_json::to_string(&summary(&room(n), |m| m)).map_or(0, |s| s.len());
        assert_eq!(size(100) + 4, size(10_000), "only the counts' digits grow");
    }
}
