//! The open sockets of this node, by user and sign-in session: for closing a
//! user's sockets (a ban, a sign-out) from server code.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::conn::CloseReason;
use crate::conn::ConnId;
use crate::conn::Lifeline;
use crate::sync::{lock, shrink};

/// One open socket: the session its token was minted for, and its life.
#[derive(Debug)]
struct Open {
    session: Option<String>,
    life: Lifeline,
}

#[derive(Debug, Default)]
pub(crate) struct Sockets {
    by_user: Mutex<HashMap<String, HashMap<ConnId, Open>>>,
}

impl Sockets {
    pub(crate) fn add(&self, user: &str, session: Option<&str>, conn: ConnId, life: Lifeline) {
        let open = Open {
            session: session.map(str::to_owned),
            life,
        };
        lock(&self.by_user)
            .entry(user.to_owned())
            .or_default()
            .insert(conn, open);
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
        self.close(user, None, CloseReason::Disconnected)
    }

    /// Closes the sockets of `user` opened in `session` (every one with
    /// `None`) as the session has ended; returns how many there were.
    pub(crate) fn end_session(&self, user: &str, session: Option<&str>) -> usize {
        self.close(user, session, CloseReason::SessionEnded)
    }

    fn close(&self, user: &str, session: Option<&str>, reason: CloseReason) -> usize {
        let mut by_user = lock(&self.by_user);
        let Some(conns) = by_user.get_mut(user) else {
            return 0;
        };
        let ending: Vec<ConnId> = conns
            .iter()
            .filter(|(_, open)| session.is_none() || open.session.as_deref() == session)
            .map(|(conn, _)| *conn)
            .collect();
        for conn in &ending {
            if let Some(open) = conns.remove(conn) {
                open.life.end(reason.clone());
            }
        }
        if conns.is_empty() {
            by_user.remove(user);
            shrink(&mut by_user);
        }
        ending.len()
    }
}
