//! Words for presence: who is typing, how many are viewing, the avatar overflow.

/// How many avatars an avatar stack shows before "+N".
pub const AVATARS_SHOWN: usize = 5;

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
        [a] => Some(format!("{} is typing", a.as_ref())),
        [a, b] => Some(format!("{} and {} are typing", a.as_ref(), b.as_ref())),
        [a, rest @ ..] => Some(format!(
            "{} and {} others are typing",
            a.as_ref(),
            rest.len()
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
        "1 person viewing".to_owned()
    } else {
        format!("{count} people viewing")
    }
}

/// The "+N" after the first [`AVATARS_SHOWN`] avatars, or `None` when all fit.
///
/// ```
/// assert_eq!(rtux::ui::avatar_overflow(5), None);
/// assert_eq!(rtux::ui::avatar_overflow(8).as_deref(), Some("+3"));
/// ```
pub fn avatar_overflow(count: usize) -> Option<String> {
    (count > AVATARS_SHOWN).then(|| format!("+{}", count - AVATARS_SHOWN))
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
}
