//! A stable colour per user, for avatar borders, field badges and cursors.

/// The 8 colours users are given; all readable with white text.
pub const PALETTE: [&str; 8] = [
    "#2563EB", "#DC2626", "#059669", "#D97706", "#7C3AED", "#DB2777", "#0891B2", "#EA580C",
];

/// The colour of a user: FNV-1a (32-bit) of the id's UTF-8 bytes, modulo 8.
///
/// The same id gets the same colour on every server, every run and in the browser
/// client, which computes the same hash.
///
/// ```
/// use rtux::ui::{PALETTE, colour_for};
///
/// assert_eq!(colour_for("alice"), colour_for("alice"));
/// assert!(PALETTE.contains(&colour_for("bob")));
/// ```
pub fn colour_for(user_id: &str) -> &'static str {
    PALETTE[(crate::fnv::fnv1a(user_id) % 8) as usize]
}

/// The colour of a user joining a page where the `taken` colours are shown:
/// their own ([`colour_for`]) unless someone there has it, else the next free
/// one of the palette after it (their own again when every one is taken).
///
/// ```
/// use rtux::ui::{colour_among, colour_for};
///
/// let own = colour_for("bob");
/// assert_eq!(colour_among("bob", []), own);
/// assert_ne!(colour_among("bob", [own]), own);
/// ```
pub fn colour_among<'a>(user_id: &str, taken: impl IntoIterator<Item = &'a str>) -> &'static str {
    let taken: Vec<&str> = taken.into_iter().collect();
    let start = (crate::fnv::fnv1a(user_id) % 8) as usize;
    (0..PALETTE.len())
        .map(|i| PALETTE[(start + i) % PALETTE.len()])
        .find(|c| !taken.contains(c))
        .unwrap_or(PALETTE[start])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_on_one_page_differ_while_the_palette_lasts() {
        let mut shown: Vec<&str> = Vec::new();
        for i in 0..8 {
            let c = colour_among(&format!("user-{i}"), shown.iter().copied());
            assert!(!shown.contains(&c), "user-{i} got a colour already shown");
            shown.push(c);
        }
        assert!(PALETTE.contains(&colour_among("user-8", shown.iter().copied())));
    }

    #[test]
    fn known_values_are_stable() {
        // FNV-1a("a") = 0xe40c292c; 0xe40c292c % 8 = 4.
        assert_eq!(colour_for("a"), PALETTE[4]);
        assert_eq!(colour_for(""), PALETTE[(0x811c_9dc5_u32 % 8) as usize]);
    }

    #[test]
    fn ids_spread_over_the_palette() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..200 {
            seen.insert(colour_for(&format!("user-{i}")));
        }
        assert_eq!(seen.len(), 8);
    }
}
