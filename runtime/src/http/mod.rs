//! Serving an app safely on the open internet: a server with timeouts and a
//! bound per address ([`serve`]), a `Host` allowlist ([`AllowedHosts`]), the
//! headers of pages that carry a token ([`private_page_headers`]) and request
//! logs without tokens ([`redacted_uri`]). Generated apps use all four
//! (docs/security.md, "HTTP").

mod hosts;
mod private;
mod serve;

pub use hosts::{AllowedHosts, check_host};
pub use private::{private_page_headers, redacted_uri};
pub use serve::{CONNECTIONS_PER_ADDRESS, HEADER_READ_TIMEOUT, Serve, serve};
