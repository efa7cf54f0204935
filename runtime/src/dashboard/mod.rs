//! The live dashboard at `/_rtux/dashboard`, built on rtux itself: a channel
//! of its own ([`TOPIC`]), whose viewers are present there, and a board the
//! server renders (figures, SVG sparklines, tables) and sends at most once a
//! second as a server-rendered component (`rtux:render`, which rtux.js puts
//! in place by DOM id).
//!
//! It shows this process's sockets and topics, actions a second by outcome
//! with their p50/p99 durations, presence on the busiest topics, the slowest
//! topics of the last minute, the latest closes and errors with their
//! reasons, and the nodes of a cluster (each node is present on
//! [`NODES_TOPIC`] with its figures, replicated as presence is).
//!
//! Only tokens with the admin claim ([`Tokens::issue_admin`](crate::auth::Tokens::issue_admin))
//! may join, or those a guard of the app's accepts; the page itself carries
//! no figure, and reads the token after `#token=` in its URL. Its figures
//! are the process's (as the metrics recorder's are): one dashboard per
//! process. See docs/operations.md.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use rtux::dashboard::Dashboard;
//!
//! let endpoint = rtux::Endpoint::builder("a development secret of 32 bytes or more")
//!     .dashboard(Dashboard::admins())
//!     .build()
//!     .expect("endpoint");
//! // endpoint.router() now also serves GET /_rtux/dashboard; give an
//! // operator the URL with a token:
//! let token = endpoint.tokens().issue_admin("ops", Some("Ops"), std::time::Duration::from_secs(3600));
//! let url = format!("http://127.0.0.1:4000{}#token={token}", rtux::dashboard::PATH);
//! # let _ = url;
//! # }
//! ```

mod board;
mod figures;
mod render;

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::auth::Claims;
use crate::channel::{Guard, JoinError};

pub(crate) use board::start;

/// The dashboard's channel topic.
pub const TOPIC: &str = "rtux:dashboard";
/// The topic where every node is present with its figures.
pub const NODES_TOPIC: &str = "rtux:nodes";
/// Where the endpoint's router serves the page.
pub const PATH: &str = "/_rtux/dashboard";
/// The event that carries the board: `{"parts": [{"id", "html"}]}`.
pub const RENDER_EVENT: &str = "rtux:render";
/// The DOM id of the board.
const PART: &str = "rtux-dashboard";
/// How often the board is sampled and sent.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Who may open the dashboard: set with
/// [`EndpointBuilder::dashboard`](crate::EndpointBuilder::dashboard).
#[derive(Clone)]
pub struct Dashboard {
    pub(crate) guard: Guard,
}

impl std::fmt::Debug for Dashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dashboard").finish_non_exhaustive()
    }
}

impl Dashboard {
    /// Open to tokens with the admin claim only
    /// ([`Tokens::issue_admin`](crate::auth::Tokens::issue_admin)).
    pub fn admins() -> Dashboard {
        Dashboard::guarded(|claims| {
            if claims.admin {
                Ok(())
            } else {
                Err(JoinError::new(
                    crate::wire::Code::Unauthorized,
                    "the dashboard needs an admin token (Tokens::issue_admin): open the URL the app printed at start",
                ))
            }
        })
    }

    /// Open to the tokens `guard` accepts (its error is what the page shows).
    ///
    /// ```
    /// use rtux::dashboard::Dashboard;
    /// use rtux::JoinError;
    ///
    /// let ops = Dashboard::guarded(|claims| match claims.sub.as_str() {
    ///     "ana" | "bo" => Ok(()),
    ///     _ => Err(JoinError::new(rtux::wire::Code::Unauthorized, "operators only")),
    /// });
    /// # let _ = ops;
    /// ```
    pub fn guarded(
        guard: impl Fn(&Claims) -> Result<(), JoinError> + Send + Sync + 'static,
    ) -> Dashboard {
        Dashboard {
            guard: Arc::new(guard),
        }
    }
}

/// `GET /_rtux/dashboard`: the page, which joins [`TOPIC`] with the token
/// after `#token=` (no figure is in the page itself).
pub(crate) fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(
        PATH,
        get(|| async {
            let headers = [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::X_FRAME_OPTIONS, "DENY"),
            ];
            (headers, render::page(TOPIC).into_string()).into_response()
        }),
    )
}
