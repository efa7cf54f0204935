//! The words rtux shows: who is typing, how many are viewing, the avatar
//! overflow, lock badges, the undo toast. One table, [`WORDS`], used here and
//! sent to rtux.js with the page ([`super::assets_tags`]), so the server and
//! the browser say the same thing.

/// How many avatars an avatar stack shows before "+N".
pub const AVATARS_SHOWN: usize = 5;

/// Each phrase by key, with `{placeholders}` the speaker fills in.
///
/// ```
/// let (_, typing) = rtux::ui::WORDS.iter().find(|(k, _)| *k == "typing_one").unwrap();
/// assert_eq!(*typing, "{a} is typing");
/// ```
pub const WORDS: [(&str, &str); 23] = [
    ("typing_one", "{a} is typing"),
    ("typing_two", "{a} and {b} are typing"),
    ("typing_many", "{a} and {n} others are typing"),
    ("viewing_one", "1 person viewing"),
    ("viewing_many", "{n} people viewing"),
    ("overflow", "+{n}"),
    ("editing", "{name} is editing"),
    ("editing_mine", "You are editing"),
    ("dragging", "{name} is dragging…"),
    ("someone", "Someone"),
    ("not_saved", "Not saved"),
    ("undo_within", "Deleted. Undo within {n} s"),
    ("undo", "Undo"),
    ("load_more", "Load more"),
    ("offline_label", "(offline)"),
    ("previewing", "{name} is changing {field}…"),
    ("added_by", "{name} added {what}"),
    ("changed_by", "{name} changed {what}"),
    ("removed_by", "{name} deleted {what}"),
    ("an_item", "an item"),
    ("changes_by", "{n} more changes by {names}"),
    (
        "needs_connection",
        "This needs the connection: nothing was sent. Try again when you are back online.",
    ),
    (
        "not_confirmed",
        "The connection dropped before this was confirmed: check whether it went through before you try again.",
    ),
];

/// The phrase `key` with its placeholders filled from `vars`.
pub(crate) fn say(key: &str, vars: &[(&str, &str)]) -> String {
    let pattern = WORDS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, phrase)| phrase);
    vars.iter().fold(pattern.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// "A is typing", "A and B are typing", "A and 2 others are typing"; `None` when
/// nobody is.
///
/// ```
/// use rtux::ui::typing_text;
///
/// assert_eq!(typing_text::<&str>(&[]), None);
/// assert_eq!(typing_text(&["Ana"]).as_deref(), Some("Ana is typing"));
/// assert_eq!(typing_text(&["Ana", "Bo"]).as_deref(), Some("Ana and Bo are typing"));
/// assert_eq!(typing_text(&["Ana", "Bo", "Cy"]).as_deref(), Some("Ana and 2 others are typing"));
/// ```
pub fn typing_text<S: AsRef<str>>(names: &[S]) -> Option<String> {
    match names {
        [] => None,
        [a] => Some(say("typing_one", &[("a", a.as_ref())])),
        [a, b] => Some(say("typing_two", &[("a", a.as_ref()), ("b", b.as_ref())])),
        [a, rest @ ..] => Some(say(
            "typing_many",
            &[("a", a.as_ref()), ("n", &rest.len().to_string())],
        )),
    }
}

/// "1 person viewing", "3 people viewing".
///
/// ```
/// assert_eq!(rtux::ui::viewing_text(1), "1 person viewing");
/// assert_eq!(rtux::ui::viewing_text(3), "3 people viewing");
/// ```
pub fn viewing_text(count: usize) -> String {
    if count == 1 {
        say("viewing_one", &[])
    } else {
        say("viewing_many", &[("n", &count.to_string())])
    }
}

/// The "+N" after the first [`AVATARS_SHOWN`] avatars, or `None` when all fit.
///
/// ```
/// assert_eq!(rtux::ui::avatar_overflow(5), None);
/// assert_eq!(rtux::ui::avatar_overflow(8).as_deref(), Some("+3"));
/// ```
pub fn avatar_overflow(count: usize) -> Option<String> {
    (count > AVATARS_SHOWN).then(|| say("overflow", &[("n", &(count - AVATARS_SHOWN).to_string())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_typers_counts_the_others() {
        let names = ["a", "b", "c", "d", "e"];
        assert_eq!(
            typing_text(&names).as_deref(),
            Some("a and 4 others are typing")
        );
    }

    #[test]
    fn nobody_viewing_is_plural() {
        assert_eq!(viewing_text(0), "0 people viewing");
    }

    #[test]
    fn every_phrase_is_filled_whole() {
        assert_eq!(say("editing", &[("name", "Ana")]), "Ana is editing");
        assert_eq!(
            say("undo_within", &[("n", "4")]),
            "Deleted. Undo within 4 s"
        );
        for (key, _) in WORDS {
            let vars = [
                ("a", "A"),
                ("b", "B"),
                ("n", "2"),
                ("name", "N"),
                ("field", "F"),
                ("what", "W"),
                ("names", "N and M"),
            ];
            assert!(
                !say(key, &vars).contains('{'),
                "{key} has a placeholder nobody fills"
            );
        }
    }
}
