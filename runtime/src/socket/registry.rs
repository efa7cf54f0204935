//! The open sockets of this node, by user: for disconnecting a user's sockets
//! (logout, ban) from server code.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::conn::CloseReason;
use crate::conn::ConnId;
use crate::conn::Lifeline;
use crate::sync::{lock, shrink};

#[derive(Debug, Default)]
pub(crate) struct Sockets {
    by_user: Mutex<HashMap<String, HashMap<ConnId, Lifeline>>>,
}

impl Sockets {
    pub(crate) fn add(&self, user: &str, conn: ConnId, life: Lifeline) {
        lock(&self.by_user)
            .entry(user.to_owned())
            .or_default()
            .insert(conn, life);
    }

    pub(crate) fn remove(&self, user: &str, conn: ConnId) {
        let mut by_user = lock(&self.by_user);
        if let Some(conns) = by_user.get_mut(user) {
            conns.remove(&conn);
            if conns.is_empty() {
                by_user.remove(user);
                shrink(&mut by_user);
            }
        }
    }

    /// Closes every socket of `user`; returns how many there were.
    pub(crate) fn disconnect(&self, user: &str) -> usize {
        let conns = lock(&self.by_user).remove(user).unwrap_or_default();
        for life in conns.values() {
            life.end(CloseReason::Disconnected);
        }
        conns.len()
    }
}
