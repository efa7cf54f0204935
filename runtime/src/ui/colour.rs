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
    let hash = user_id.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    PALETTE[(hash % 8) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

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
