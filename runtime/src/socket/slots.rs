//! How many sockets each user and each address holds on this node: a socket
//! takes a slot before its upgrade, and gives it back when it ends (or when
//! the upgrade never completes).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::sync::{lock, shrink};

#[derive(Debug, Default)]
struct Counts {
    users: HashMap<String, usize>,
    addresses: HashMap<IpAddr, usize>,
}

/// The open (and opening) sockets of this node, counted per user and per
/// client address.
#[derive(Debug, Default, Clone)]
pub(crate) struct Slots {
    counts: Arc<Mutex<Counts>>,
}

/// Which bound a socket would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// The user holds as many sockets as they may.
    User(usize),
    /// The address holds as many sockets as it may.
    Address(usize),
}

impl Full {
    /// Why, for the person whose browser is refused.
    pub(crate) fn reason(self) -> String {
        match self {
            Full::User(n) => format!(
                "too many sockets: a person may keep {n} open at once on this server; close some tabs"
            ),
            Full::Address(n) => format!(
                "too many sockets from this address: it may keep {n} open at once on this server"
            ),
        }
    }
}

/// One socket's slot; given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    counts: Arc<Mutex<Counts>>,
    user: String,
    address: Option<IpAddr>,
}

impl Slots {
    /// A slot for a socket of `user` from `address` (unknown when the app
    /// was served without the client's address), if both are under their
    /// bounds.
    pub(crate) fn take(
        &self,
        user: &str,
        address: Option<IpAddr>,
        per_user: usize,
        per_address: usize,
    ) -> Result<Slot, Full> {
        let mut counts = lock(&self.counts);
        if counts.users.get(user).copied().unwrap_or(0) >= per_user {
            return Err(Full::User(per_user));
        }
        if let Some(at) = address
            && counts.addresses.get(&at).copied().unwrap_or(0) >= per_address
        {
            return Err(Full::Address(per_address));
        }
        *counts.users.entry(user.to_owned()).or_default() += 1;
        if let Some(at) = address {
            *counts.addresses.entry(at).or_default() += 1;
        }
        Ok(Slot {
            counts: self.counts.clone(),
            user: user.to_owned(),
            address,
        })
    }
}

/// Takes one off `key`'s count, removing it at zero.
fn give_back<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: &K) {
    if let Some(n) = map.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            map.remove(key);
            shrink(map);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        give_back(&mut counts.users, &self.user);
        if let Some(at) = self.address {
            give_back(&mut counts.addresses, &at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_and_an_address_each_hold_at_most_their_bound() {
        let slots = Slots::default();
        let here: IpAddr = [127, 0, 0, 1].into();
        let ana: Vec<Slot> = (0..3)
            .map(|_| slots.take("ana", Some(here), 3, 5).expect("under"))
            .collect();
        assert_eq!(
            slots.take("ana", None, 3, 5).expect_err("over"),
            Full::User(3),
            "from anywhere"
        );
        let bo: Vec<Slot> = (0..2)
            .map(|_| slots.take("bo", Some(here), 3, 5).expect("under"))
            .collect();
        assert_eq!(
            slots.take("cy", Some(here), 3, 5).expect_err("over"),
            Full::Address(5)
        );
        drop(bo);
        assert!(slots.take("cy", Some(here), 3, 5).is_ok(), "given back");
        drop(ana);
        assert!(lock(&slots.counts).users.is_empty());
    }
}
