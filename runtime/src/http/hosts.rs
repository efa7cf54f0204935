//! The `Host` allowlist: a page asked for under a host name the app is not
//! served as is refused. It stops DNS rebinding — a page of another site whose
//! name an attacker points at this server (a development server on
//! 127.0.0.1, an internal host) and whose requests then pass any same-origin
//! check, since origin and host agree.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The `Host` values (`name` or `name:port`, as browsers send them) an app
/// answers to.
///
/// ```
/// use rtux::http::AllowedHosts;
///
/// let hosts = AllowedHosts::new(["board.example.com"]);
/// assert!(hosts.allows("board.example.com") && hosts.allows("Board.Example.com"));
/// assert!(!hosts.allows("evil.example") && !hosts.allows("board.example.com:8080"));
/// let dev = AllowedHosts::loopback(4000);
/// assert!(dev.allows("127.0.0.1:4000") && dev.allows("localhost:4000"));
/// assert!(!dev.allows("rebound.evil.example:4000"));
/// ```
#[derive(Debug, Clone)]
pub struct AllowedHosts(Arc<[String]>);

impl AllowedHosts {
    /// Exactly these hosts (compared without case).
    pub fn new<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> AllowedHosts {
        AllowedHosts(
            hosts
                .into_iter()
                .map(|h| h.as_ref().trim().to_ascii_lowercase())
                .collect(),
        )
    }

    /// The loopback names of a development server on `port`: `127.0.0.1`,
    /// `localhost` and `[::1]`.
    pub fn loopback(port: u16) -> AllowedHosts {
        AllowedHosts::new(["127.0.0.1", "localhost", "[::1]"].map(|h| format!("{h}:{port}")))
    }

    /// The same list and `host` too.
    #[must_use]
    pub fn and(self, host: &str) -> AllowedHosts {
        AllowedHosts::new(self.0.iter().map(String::as_str).chain([host]))
    }

    /// Whether a request with this `Host` is for this app.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        self.0.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// Middleware (`axum::middleware::from_fn_with_state(hosts, check_host)`):
/// a request whose `Host` is not allowed gets `421 Misdirected Request`.
///
/// ```
/// # fn demo(app: axum::Router) -> axum::Router {
/// use rtux::http::{AllowedHosts, check_host};
/// app.layer(axum::middleware::from_fn_with_state(AllowedHosts::loopback(4000), check_host))
/// # }
/// ```
pub async fn check_host(
    State(hosts): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    match host {
        Some(host) if hosts.allows(host) => next.run(request).await,
        _ => {
            tracing::debug!(
                ?host,
                "request for a host this app is not served as: refused"
            );
            (
                StatusCode::MISDIRECTED_REQUEST,
                "unknown host: this server answers only to its own address",
            )
                .into_response()
        }
    }
}
