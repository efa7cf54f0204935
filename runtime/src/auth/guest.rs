//! A guest's name: an adjective and an animal picked from their id, so two
//! guests on one page are told apart at a glance ("Swift Otter", "Calm Heron")
//! and one guest keeps their name on every page and server.

const ADJECTIVES: [&str; 32] = [
    "Amber", "Bold", "Brave", "Bright", "Calm", "Clever", "Cosy", "Daring", "Eager", "Fair",
    "Gentle", "Glad", "Golden", "Happy", "Jolly", "Kind", "Lively", "Lucky", "Merry", "Mild",
    "Nimble", "Noble", "Quick", "Quiet", "Rapid", "Silver", "Sunny", "Swift", "Tidy", "Vivid",
    "Warm", "Witty",
];

const ANIMALS: [&str; 32] = [
    "Badger", "Bear", "Beaver", "Bison", "Crane", "Deer", "Dolphin", "Eagle", "Falcon", "Ferret",
    "Finch", "Fox", "Gecko", "Hare", "Hawk", "Heron", "Ibis", "Koala", "Lynx", "Marten", "Moose",
    "Newt", "Otter", "Owl", "Panda", "Puffin", "Raven", "Robin", "Seal", "Swan", "Tiger", "Wren",
];

/// The guest name of visitor `id`: the same id always gets the same name.
///
/// ```
/// let name = rtux::auth::guest_name("v-0192f1e8c3a27b4c9d1e2f3a4b5c6d7e");
/// assert_eq!(name, rtux::auth::guest_name("v-0192f1e8c3a27b4c9d1e2f3a4b5c6d7e"));
/// assert_eq!(name.split(' ').count(), 2);
/// ```
pub fn guest_name(id: &str) -> String {
    let hash = crate::fnv::fnv1a(id);
    let adjective = ADJECTIVES[(hash % 32) as usize];
    let animal = ANIMALS[((hash / 32) % 32) as usize];
    format!("{adjective} {animal}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guests_are_told_apart() {
        let names: std::collections::HashSet<String> = (0..64)
            .map(|i| guest_name(&format!("v-0192f1e8c3a27{i:019x}")))
            .collect();
        assert!(names.len() >= 58, "{} names for 64 guests", names.len());
    }
}
